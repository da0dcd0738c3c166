"""calcify on its stock paths: experta's own matcher, run from scratch on every evaluation, and
the possibility analysis started from scratch, one hypothetical analysis per answer. The
reference the speed-ups are measured against; it prints exactly the same text, only slower.

    python bench/stock.py [calcify arguments]     # calcify, run on the stock paths
"""

from __future__ import annotations

import sys


def use_stock_paths() -> None:
    """Switch this process to the stock paths (before any Engine is built)."""
    from chatbot.engine.engine import Engine

    Engine.fast_by_default = False


if __name__ == "__main__":
    use_stock_paths()
    from chatbot.cli import run

    sys.argv[0] = "calcify"
    run()
