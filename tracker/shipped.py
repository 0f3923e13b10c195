"""Shipped data: the default experiment library and the emotion vocabulary.

The files live in the repository's top-level ``data/`` folder, which the build copies
into the installed package as ``tracker/data``. An editable install reads them from
the repository instead.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any


@cache
def data_dir() -> Path:
    installed = Path(__file__).resolve().parent / "data"
    if installed.is_dir():
        return installed
    in_repo = Path(__file__).resolve().parent.parent / "data"
    if in_repo.is_dir():
        return in_repo
    raise FileNotFoundError(
        "tracker's shipped data folder is missing; reinstall tracker (pip install .)"
    )


def emotion_vocabulary() -> list[str]:
    """The emotion words every new database starts with, one per line in the file."""
    text = (data_dir() / "emotions.txt").read_text(encoding="utf-8")
    return [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]


def experiment_library() -> list[dict[str, Any]]:
    """The default library of small relational experiments."""
    with open(data_dir() / "experiments.json", encoding="utf-8") as handle:
        return json.load(handle)["experiments"]
