"""What a writer is given besides the plain data it lays out: every format renders ``render(data, options)``
and returns the file's bytes (``exports.formats``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Options:
    """A writer's options. ``filename``: the name the file is written under, for what describes it (the CSV's
    datapackage.json names its CSV)."""

    filename: str = ""


DEFAULT = Options()
