"""The consultation layer: the dialogue state machine, its commands, the blocks it returns,
recorded consultations on disk (sessions, autosave, resume) and the one step both shells take
for an input.

Imports the intake, reasoning, engine and knowledge layers; never a shell (ui) nor the
transcript tools. Never prints or reads input: it returns blocks and writes only the files it
is asked to keep.
"""
