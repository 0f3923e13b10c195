"""Names: the emotion vocabulary, people and tags, shared by check-ins and ruptures.

Each name table has ``name ... UNIQUE COLLATE NOCASE``: "Sam" and "sam" are one
person. :func:`name_ids` turns names into ids as that rule matches them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from tracker.store.connection import StoreBase

NAME_KINDS = {"emotion": "emotions", "person": "people", "tag": "tags"}
"""The kinds of name in the ``names`` export, and the table of each."""

_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def nocase_key(name: str) -> str:
    """The sort key of SQLite's ``COLLATE NOCASE``: ASCII letters folded, then code points."""
    return name.translate(_ASCII_FOLD)


def name_ids(conn: sqlite3.Connection, table: str, names: set[str]) -> dict[str, int]:
    """Each name's id in ``table`` (emotions, people, tags), adding the new ones."""
    if not names:
        return {}
    conn.executemany(f"INSERT OR IGNORE INTO {table} (name) VALUES (?)", [(n,) for n in names])
    # The name columns are COLLATE NOCASE, which folds ASCII letters only.
    by_fold = {nocase_key(name): i for i, name in conn.execute(f"SELECT id, name FROM {table}")}
    return {n: by_fold[nocase_key(n)] for n in names}


class NamesMixin(StoreBase):
    """The vocabularies the check-in card completes from."""

    def emotion_vocabulary(self) -> list[str]:
        """Every emotion word the user can pick: the shipped ones and their own."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM emotions ORDER BY shipped DESC, name COLLATE NOCASE"
            )
        ]

    def add_emotion_word(self, name: str) -> None:
        with self.write():
            self.conn.execute("INSERT OR IGNORE INTO emotions (name) VALUES (?)", [name])

    def add_emotion_words(self, words: Iterable[tuple[str, int]]) -> None:
        """Add ``(name, shipped)`` words to the vocabulary; words already there stay as they are."""
        with self.write():
            self.conn.executemany(
                "INSERT OR IGNORE INTO emotions (name, shipped) VALUES (?, ?)", list(words)
            )

    def people_names(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT name FROM people ORDER BY name COLLATE NOCASE")
        ]

    def tag_names(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE")
        ]

    def hidden_flags(self, kind: str) -> dict[str, int]:
        """``{nocase_key(name): hidden}`` for every name of ``kind`` (emotion, person, tag)."""
        table = NAME_KINDS[kind]
        return {
            nocase_key(name): hidden
            for name, hidden in self.conn.execute(f"SELECT name, hidden FROM {table}")
        }

    def add_names(self, names: Iterable[tuple[str, str, int]]) -> None:
        """``(kind, name, hidden)``: names not there yet are added (an emotion word as
        the person's own); a name hidden here is hidden from suggestions here too. A
        name hidden here already stays hidden."""
        rows = list(names)
        with self.write():
            for kind, table in NAME_KINDS.items():
                mine = [(name, hidden) for k, name, hidden in rows if k == kind]
                if not mine:
                    continue
                self.conn.executemany(
                    f"INSERT OR IGNORE INTO {table} (name, hidden) VALUES (?, ?)", mine
                )
                self.conn.executemany(
                    f"UPDATE {table} SET hidden = 1 WHERE name = ? AND hidden = 0",
                    [(name,) for name, hidden in mine if hidden],
                )
