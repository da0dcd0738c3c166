"""The one build step pyproject.toml cannot declare: the knowledge base goes into the wheel.

Rule authors edit rules/ at the top of the repository; a wheel carries a copy as
chatbot/rules/, where an installed calcify finds it (chatbot/knowledge/files.py). An editable
install copies nothing: calcify reads the repository's rules/, so an edit takes effect at once.
Everything else about the package is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RULES = Path(__file__).resolve().parent / "rules"
SHIPPED = ("*.toml", "README.md")


class BuildWithRules(build_py):
    """build_py, then rules/ copied into the built package as chatbot/rules/."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return
        target = Path(self.build_lib) / "chatbot" / "rules"
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        for pattern in SHIPPED:
            for path in sorted(RULES.glob(pattern)):
                shutil.copyfile(path, target / path.name)


setup(cmdclass={"build_py": BuildWithRules})
