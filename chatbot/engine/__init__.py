"""The engine layer: the knowledge base compiled into experta rules, run on a set of answers,
with every firing recorded (the trace), and going on from the last run when answers were only
added.

The only layer that imports experta (through its adapter, `_experta`). Imports only the
knowledge layer. No I/O.
"""
