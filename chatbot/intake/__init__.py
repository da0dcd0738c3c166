"""The intake layer: reading a case description. Words matched against the knowledge base's
vocabulary, context cues (negation, hedging), measures with their units, and the review step
in which the reader accepts, drops or corrects what was read.

Imports only the reasoning, engine and knowledge layers (in practice: knowledge). Pure: no I/O.
"""
