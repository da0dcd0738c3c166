"""The authoring layer: tools for rule authors. Static checks of the knowledge base (calcify
check), which rules can fire, and browsing and graphing the rule network.

Returns data; the ui layer formats it. Imports the layers below it, never transcripts, ui or
cli. No I/O beyond loading the knowledge base.
"""
