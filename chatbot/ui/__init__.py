"""The ui layer: the one formatting point and the two shells. Every command's output is put
into words here (consultation blocks, the classify report, listings for rule authors, replay
and coverage reports), then shown by the prompt_toolkit REPL or the plain line-by-line shell.

May import every layer below it; never cli.
"""
