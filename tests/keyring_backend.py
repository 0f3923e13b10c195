"""A keyring backend for the tests: a JSON file named by ``TRACKER_TEST_KEYRING``.

This machine (and CI) has no keyring service; ``PYTHON_KEYRING_BACKEND =
tests.keyring_backend.FileKeyring`` makes the real ``keyring`` package, and so the real
``tracker``, use this one. It stands in for the OS's service, not for any of tracker's
code.
"""

from __future__ import annotations

import json
import os

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError


class FileKeyring(KeyringBackend):
    """Entries in one JSON file (``{"service/name": secret}``)."""

    priority = 1  # type: ignore[assignment]

    @property
    def _path(self) -> str:
        return os.environ["TRACKER_TEST_KEYRING"]

    def _load(self) -> dict[str, str]:
        try:
            with open(self._path, encoding="utf-8") as handle:
                return json.load(handle)
        except FileNotFoundError:
            return {}

    def _save(self, entries: dict[str, str]) -> None:
        with open(self._path, "w", encoding="utf-8") as handle:
            json.dump(entries, handle)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}/{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        entries = self._load()
        entries[f"{service}/{username}"] = password
        self._save(entries)

    def delete_password(self, service: str, username: str) -> None:
        entries = self._load()
        if entries.pop(f"{service}/{username}", None) is None:
            raise PasswordDeleteError(username)
        self._save(entries)
