"""Names: the emotion vocabulary, people and tags, shared by check-ins and ruptures.

Each name table has ``name ... UNIQUE COLLATE NOCASE``: "Sam" and "sam" are one
person. :func:`name_ids` turns names into ids as that rule matches them.

The words can be renamed, merged and hidden (:class:`NamesMixin`): hidden words stay
on the records that name them and leave the suggestions, which come most used first
(:meth:`NamesMixin.word_suggestions`). Every change is one transaction; a change that
cannot be made raises :class:`WordRefused` before anything is written.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tracker import clock
from tracker.models import ValidationError, parse_names
from tracker.store.connection import StoreBase

NAME_KINDS = {"emotion": "emotions", "person": "people", "tag": "tags"}
"""The kinds of name in the ``names`` export, and the table of each."""

_ASCII_FOLD = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

WORD_KINDS = ("emotions", "people", "tags")
"""The kinds of word, named as their tables are."""

WORD_LINKS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "emotions": (("checkin_emotions", "checkin_id", "emotion_id"),),
    "people": (
        ("checkin_people", "checkin_id", "person_id"),
        ("rupture_people", "rupture_id", "person_id"),
    ),
    "tags": (("checkin_tags", "checkin_id", "tag_id"),),
}
"""Per kind: each link table naming such a word, as (table, record column, word column)."""

ONE_WORD = {"emotions": "emotion", "people": "person", "tags": "tag"}
"""A kind in the singular, for sentences ("an emotion", "a person")."""


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


class WordRefused(ValueError):
    """A rename, merge or hide that cannot be made; nothing was written.

    ``reason`` says which refusal it is, for a front end that adds its own how-to:
    ``kind`` (not emotions, people or tags), ``name`` (not a single valid name),
    ``unknown`` (no such word), ``taken`` (a rename onto a word that exists: merge
    instead; ``other`` is that word), ``itself`` (a merge of a word into itself).
    The message is one plain sentence.
    """

    def __init__(self, reason: str, message: str, *, other: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.other = other


@dataclass(frozen=True)
class Word:
    """One emotion, person or tag, and how often it is used."""

    kind: str
    name: str
    checkins: int
    """How many check-ins name it."""
    ruptures: int = 0
    """How many ruptures name it (people only)."""
    hidden: bool = False
    """Left out of the suggestions (still on every record that names it)."""
    shipped: bool = False
    """An emotion word tracker comes with."""

    @property
    def uses(self) -> int:
        return self.checkins + self.ruptures


def check_kind(kind: str) -> str:
    """``kind`` as a table name, or :class:`WordRefused` (reason ``kind``)."""
    found = str(kind).strip().lower()
    if found not in WORD_KINDS:
        raise WordRefused(
            "kind", f"There is no kind of word {kind!r}: use emotions, people or tags."
        )
    return found


def parse_word(kind: str, text: str) -> str:
    """One name as the records hold it (the models' rules: spaces tidied, at most 60
    characters, no ``|``; emotions in lower case), or :class:`WordRefused`."""
    if "," in text or "|" in text:
        raise WordRefused("name", f"{text!r} is not one {ONE_WORD[kind]}: leave out commas and |.")
    try:
        names = parse_names(kind, [text], lower=kind == "emotions")
    except ValidationError as exc:
        raise WordRefused("name", f"{text!r} can't be a name: use {exc.allowed}.") from exc
    if len(names) != 1:
        raise WordRefused("name", f"Give a name for the {ONE_WORD[kind]} (it was empty).")
    return names[0]


class NamesMixin(StoreBase):
    """The vocabularies the check-in card completes from, and changing them."""

    def emotion_vocabulary(self) -> list[str]:
        """Every emotion word there is, hidden or not: the shipped ones and the user's own
        (the importer compares with it; suggestions come from :meth:`word_suggestions`)."""
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
        """Every person named, hidden or not, alphabetically."""
        return [
            r[0] for r in self.conn.execute("SELECT name FROM people ORDER BY name COLLATE NOCASE")
        ]

    def tag_names(self) -> list[str]:
        """Every tag, hidden or not, alphabetically."""
        return [
            r[0] for r in self.conn.execute("SELECT name FROM tags ORDER BY name COLLATE NOCASE")
        ]

    # -- words, with how often each is used --

    def words(self, kind: str) -> list[Word]:
        """Every word of a kind, hidden ones too: most used first, ties by name
        (``COLLATE NOCASE``). Raises :class:`WordRefused` for an unknown kind."""
        kind = check_kind(kind)
        links = WORD_LINKS[kind]
        counts = [f"(SELECT count(*) FROM {t} l WHERE l.{c} = w.id)" for t, _, c in links]
        checkins, ruptures = counts if len(counts) == 2 else (counts[0], "0")
        shipped = "w.shipped" if kind == "emotions" else "0"
        rows = self.conn.execute(
            f"SELECT w.name, {checkins} AS checkins, {ruptures} AS ruptures, w.hidden, "
            f"{shipped} FROM {kind} w ORDER BY checkins + ruptures DESC, w.name COLLATE NOCASE"
        )
        return [
            Word(kind, name, checkins, ruptures, bool(hidden), bool(was_shipped))
            for name, checkins, ruptures, hidden, was_shipped in rows
        ]

    def word_suggestions(self, kind: str) -> list[str]:
        """What the app suggests while typing a kind of word: every word not hidden,
        most used first (check-ins and ruptures naming it), ties by name."""
        return [w.name for w in self.words(kind) if not w.hidden]

    def hidden_words(self, kind: str) -> list[str]:
        """The words of a kind hidden from suggestions (kept, and still used)."""
        return [w.name for w in self.words(kind) if w.hidden]

    def find_word(self, kind: str, name: str) -> Word | None:
        """The word of this kind named ``name`` (case as ``COLLATE NOCASE`` folds it)."""
        kind = check_kind(kind)
        wanted = nocase_key(" ".join(str(name).split()))
        for word in self.words(kind):
            if nocase_key(word.name) == wanted:
                return word
        return None

    def _word_id(self, kind: str, name: str) -> tuple[int, str]:
        """(id, stored spelling) of a word, or :class:`WordRefused` (``unknown``)."""
        tidy = " ".join(str(name).split())
        row = self.conn.execute(f"SELECT id, name FROM {kind} WHERE name = ?", [tidy]).fetchone()
        if row is None:
            raise WordRefused(
                "unknown", f"There is no {ONE_WORD[kind]} named {tidy or name!r} to change."
            )
        return row[0], row[1]

    def rename_word(self, kind: str, old: str, new: str) -> tuple[str, str]:
        """Rename a word everywhere it is used (one row: every link follows it).

        Returns (the old spelling, the new one). Changing only its case ("sam" to
        "Sam") is a rename too. A renamed shipped emotion becomes a word of the
        user's own (``shipped = 0``).

        Raises:
            WordRefused: an unknown kind or word, a new name the models refuse, or a
                new name another word already has (``taken``: merge them instead).
        """
        kind = check_kind(kind)
        new_name = parse_word(kind, new)
        with self.write():
            word_id, stored = self._word_id(kind, old)
            other = self.conn.execute(
                f"SELECT id, name FROM {kind} WHERE name = ? AND id != ?", [new_name, word_id]
            ).fetchone()
            if other is not None:
                raise WordRefused(
                    "taken",
                    f"There is already {_a(kind)} {ONE_WORD[kind]} named {other[1]!r}: "
                    f"merge {stored!r} into it instead.",
                    other=other[1],
                )
            shipped = ", shipped = 0" if kind == "emotions" and new_name != stored else ""
            self.conn.execute(
                f"UPDATE {kind} SET name = ?{shipped} WHERE id = ?", [new_name, word_id]
            )
            if new_name != stored:
                self._touch_naming(kind, [word_id])
        return stored, new_name

    def _touch_naming(self, kind: str, word_ids: Sequence[int]) -> None:
        """The records that name these words changed (what they name reads differently
        now): their ``updated_at`` says so, so an export or a sync carries the change."""
        marks = ", ".join("?" for _ in word_ids)
        now = clock.now_iso()
        for table, record, column in WORD_LINKS[kind]:
            records = "checkins" if record == "checkin_id" else "ruptures"
            self.conn.execute(
                f"UPDATE {records} SET updated_at = ? WHERE id IN "
                f"(SELECT {record} FROM {table} WHERE {column} IN ({marks}))",
                [now, *word_ids],
            )

    def merge_words(self, kind: str, sources: Sequence[str], into: str) -> tuple[list[str], int]:
        """Merge words into one: every record naming one of ``sources`` names ``into``
        instead (once, however many of them it named), then the merged words are
        removed. One transaction. Returns the merged words as they were spelled, and
        how many links moved to ``into`` (a record that named both counts none).

        Raises:
            WordRefused: an unknown kind or word, no source, or a word merged into
                itself (``itself``).
        """
        kind = check_kind(kind)
        if not sources:
            raise WordRefused("name", f"Name at least one {ONE_WORD[kind]} to merge.")
        conn = self.conn
        with self.write():
            into_id, into_name = self._word_id(kind, into)
            source_ids: dict[int, str] = {}
            for source in sources:
                word_id, stored = self._word_id(kind, source)
                if word_id == into_id:
                    raise WordRefused(
                        "itself", f"{stored!r} can't be merged into itself: name another word."
                    )
                source_ids[word_id] = stored
            ids = list(source_ids)
            marks = ", ".join("?" for _ in ids)
            self._touch_naming(kind, ids)
            moved = 0
            for table, record, column in WORD_LINKS[kind]:
                moved += conn.execute(
                    f"INSERT OR IGNORE INTO {table} ({record}, {column}) "
                    f"SELECT {record}, ? FROM {table} WHERE {column} IN ({marks})",
                    [into_id, *ids],
                ).rowcount
                conn.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", ids)
            conn.execute(f"DELETE FROM {kind} WHERE id IN ({marks})", ids)
        return list(source_ids.values()), moved

    def set_word_hidden(self, kind: str, name: str, hidden: bool) -> Word:
        """Hide a word from the suggestions (or show it again); the records keep it.

        Raises:
            WordRefused: an unknown kind or word.
        """
        kind = check_kind(kind)
        with self.write():
            word_id, stored = self._word_id(kind, name)
            self.conn.execute(
                f"UPDATE {kind} SET hidden = ? WHERE id = ?", [int(bool(hidden)), word_id]
            )
        found = self.find_word(kind, stored)
        assert found is not None
        return found

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


def _a(kind: str) -> str:
    return "an" if kind == "emotions" else "a"
