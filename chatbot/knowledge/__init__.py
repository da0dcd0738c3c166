"""The knowledge layer: the model (frozen dataclasses), reading and checking rules/*.toml, the
rule language (conditions, formulas, strata, vocabulary) and what a question accepts as an
answer.

The lowest layer: it imports no other layer of calcify and knows nothing of experta. Pure
data and validation; the loader reads files but never prints or asks.
"""
