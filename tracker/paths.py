"""Where the database lives: ``--db PATH``, else ``TRACKER_DB``, else the user data dir.

Nothing here touches the disk until :func:`ensure_parent` is called.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "tracker"
DB_FILENAME = "tracker.db"


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The database path in use, by precedence: explicit, ``TRACKER_DB``, default."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("TRACKER_DB")
    if env:
        return Path(env).expanduser()
    return default_db_path()


def ensure_parent(path: Path) -> None:
    """Create the database's folder (owner-only, 0700) if it does not exist yet."""
    parent = path.parent
    if not parent.exists():
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(parent, 0o700)


def backups_dir(db_path: Path) -> Path:
    """The folder beside the database that holds its automatic backups."""
    return db_path.parent / "backups"
