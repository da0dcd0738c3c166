"""The reasoning layer: from an evaluation to what calcify can say. The three-valued analysis
of what can still fire, the assessment (classification, subtype, differential, pending
questions) and explanations (why a question, how a conclusion, why not a class).

Imports only the engine and knowledge layers. Pure: no I/O.
"""
