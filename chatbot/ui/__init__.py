"""The ui layer: the one formatting point and the shells. Every command's output is put
into words here (consultation blocks, the classify report, listings for rule authors, replay
and coverage reports), then shown by the prompt_toolkit REPL or the plain line-by-line shell;
for programs, events.py puts the same blocks into JSON for --jsonl. The command line's
parser is arguments.py.

May import every layer below it; never cli.
"""
