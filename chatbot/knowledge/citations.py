"""Sources and citations: where each rule and question comes from. Pure data."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    source: str
    locator: str


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    author: str
    url: str
    file: str
