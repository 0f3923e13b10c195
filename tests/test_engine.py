"""One SQLite library per database file (tracker/store/engine.py; issue 10's memory budget).

A plain file is read through Python's sqlite3, and SQLCipher's library (``sqlcipher3``,
its own SQLite and OpenSSL) is never imported in a process that opens only plain
files; an encrypted file is read through SQLCipher's. Two SQLite libraries on one file
in one process would drop each other's POSIX locks, so a file is never open through
both at once: a conversion refuses while this process has the file open through
Python's, before touching it, and the locks hold after one. The errors callers catch
are both libraries'.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import FROZEN_TODAY
from tests.test_encryption import PASSPHRASE, passphrase_env, run
from tracker import encryption
from tracker.models import CheckIn
from tracker.store import APP_CACHE_KIB, Store, cipher, engine, errors

REPO = Path(__file__).resolve().parent.parent


def python(script: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh Python of tracker's environment (so its sys.modules is its own)."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat()},
        timeout=120,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def plain_db(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        store.save_checkin(CheckIn.create(day="2026-11-27", mood=3, note="a quiet day"))
    return db_path


# --- A process that opens only plain files never loads SQLCipher's library ---------------

LOADED = "any(name.split('.')[0] == 'sqlcipher3' for name in sys.modules)"


def test_the_store_on_a_plain_file_never_imports_sqlcipher(tmp_path):
    """Every way the store makes a connection, on plain files; and the errors, named."""
    done = python(
        f"""
        import sys
        from pathlib import Path
        from tracker import backup
        from tracker.models import CheckIn
        from tracker.store import Store, engine, errors, read_only_connection, schema_check

        db = Path(sys.argv[1])
        with Store.open(db) as store:  # new, then migrated
            store.save_checkin(CheckIn.create(day="2026-11-27", mood=3))
            assert engine.library_of(store.conn) == engine.PLAIN
            try:
                store.conn.execute("SELECT * FROM no_such_table")
            except errors.OperationalError:
                pass
            assert len(errors.OperationalError) == 1
            store.db.table_names()  # sqlite-utils on our connection
            backup.daily_backup(db, source=store.conn)
        with Store.open(db) as store, Store.open_read_only(db) as worker:
            assert worker.checkin_count() == 1
            assert schema_check.schema_problems(store.conn) == []  # the full comparison
        made = backup.make_backup(db, check=True)
        assert backup.inspect(made).checkins == 1
        read_only_connection(db, glance=True).close()
        backup.restore(made, db)
        print({LOADED})
        """,
        str(tmp_path / "plain.db"),
    )
    assert done.stdout.strip() == "False", done.stdout


@pytest.mark.parametrize(
    "command",
    [
        ("status",),
        ("add", "--mood", "4"),
        ("export", "--table", "checkins"),
        ("backup",),
        ("week",),
    ],
)
def test_commands_on_a_plain_database_never_import_sqlcipher(plain_db, command):
    """The real console script's entry point, as ``tracker --db D ...`` runs it."""
    done = python(
        f"""
        import atexit, sys
        atexit.register(lambda: print("sqlcipher loaded:", {LOADED}, file=sys.stderr))
        sys.argv = ["tracker", "--db", *sys.argv[1:]]
        from tracker.launch import main
        main()
        """,
        str(plain_db),
        *command,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr  # (status: 1 when nothing is in today)
    assert done.stderr.splitlines() == ["sqlcipher loaded: False"], done.stderr


def test_the_app_on_a_plain_database_never_imports_sqlcipher(plain_db):
    """The app's own opening path (as ``tracker`` opens it), Today, then Trends with its
    worker's read-only connection; and the app's connection keeps a small page cache."""
    done = python(
        f"""
        import asyncio, sys
        from pathlib import Path
        from tracker.app.app import TrackerApp
        from tracker.app.screens.trends import TrendsScreen
        from tracker.opening import open_for_app

        async def main():
            store = open_for_app(Path(sys.argv[1]), warn=print)
            app = TrackerApp(store)
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                await pilot.press("g")
                await pilot.pause()
                await app.workers.wait_for_complete()
                await pilot.pause()
                assert isinstance(app.screen, TrendsScreen) and app.screen.is_loaded
                print(store.conn.execute("PRAGMA cache_size").fetchone()[0])
                print({LOADED})

        asyncio.run(main())
        """,
        str(plain_db),
    )
    assert done.stdout.split() == [str(-APP_CACHE_KIB), "False"], done.stdout


# --- Encrypted files: SQLCipher's library, a wrong key one line --------------------------


def test_an_encrypted_database_opens_through_sqlcipher_and_a_wrong_passphrase_is_one_line(
    plain_db, tmp_path
):
    assert run(plain_db, "encrypt", env=passphrase_env(tmp_path)).returncode == 0
    opened = run(plain_db, "export", "--table", "checkins", env=passphrase_env(tmp_path))
    assert opened.returncode == 0, opened.stderr
    assert "a quiet day" in opened.stdout
    wrong = run(plain_db, "status", env=passphrase_env(tmp_path, "not it", name="wrong"))
    assert wrong.returncode == 3
    assert wrong.stderr.count("\n") == 1 and "does not unlock" in wrong.stderr
    assert "Traceback" not in wrong.stderr

    key = cipher.derive_key(PASSPHRASE, cipher.file_salt(plain_db) or b"")
    cipher.remember(key)
    try:
        with Store.open(plain_db) as store, Store.open_read_only(plain_db) as worker:
            assert engine.library_of(store.conn) == engine.SQLCIPHER
            assert engine.library_of(worker.conn) == engine.SQLCIPHER
            assert worker.checkin_count() == 1
    finally:
        cipher.forget_keys()


# --- The errors: both libraries' ---------------------------------------------------------


def test_the_errors_catch_both_libraries():
    sqlcipher = engine.module(engine.SQLCIPHER)
    for library in (sqlite3, sqlcipher):
        conn = library.connect(":memory:")
        conn.execute("CREATE TABLE t (x UNIQUE)")
        conn.execute("INSERT INTO t VALUES (1)")
        with pytest.raises(errors.OperationalError):
            conn.execute("SELECT * FROM no_such_table")
        try:
            conn.execute("INSERT INTO t VALUES (1)")
        except errors.IntegrityError as exc:
            assert isinstance(exc, errors.DatabaseError) and isinstance(exc, errors.Error)
            assert isinstance(exc, library.IntegrityError)
        else:
            raise AssertionError("no IntegrityError")
        assert isinstance(conn, errors.Connection)
        conn.close()
        with pytest.raises(errors.ProgrammingError):
            conn.execute("SELECT 1")
    assert sqlcipher.OperationalError in errors.OperationalError
    assert sqlite3.OperationalError in errors.OperationalError


def test_the_errors_take_in_sqlcipher_s_once_it_is_loaded_and_not_before():
    """Why callers name them at the ``except``: a name imported before SQLCipher's library
    was loaded would miss its errors (tests/test_architecture.py refuses that import)."""
    done = python(
        f"""
        import sqlite3, sys
        from tracker.store import errors
        early = errors.OperationalError
        assert early == (sqlite3.OperationalError,), early
        assert not {LOADED}  # naming them loaded nothing
        from tracker.store import engine
        sqlcipher = engine.module(engine.SQLCIPHER)
        try:
            sqlcipher.connect(":memory:").execute("SELECT * FROM nothing")
        except errors.OperationalError as exc:
            print(type(exc).__module__, isinstance(exc, early))
        """
    )
    assert done.stdout.split() == ["sqlcipher3.dbapi2", "False"]


# --- One library per file: the POSIX locks -------------------------------------------------


class Holder:
    """Another program (Python's sqlite3 in a process of its own) holding ``sql``
    (``BEGIN IMMEDIATE``: the write lock) on a database until :meth:`release`."""

    def __init__(self, db: Path, sql: str = "BEGIN IMMEDIATE"):
        script = (
            "import sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            f"c.execute({sql!r})\n"
            "print('held', flush=True)\n"
            "sys.stdin.readline()\n"
            "c.close()\n"
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", script, str(db)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "held"

    def release(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin is not None
            self.process.stdin.write("\n")
            self.process.stdin.flush()
            self.process.wait(timeout=30)


def write_from_another_process(db: Path) -> str:
    """Try one write from another process, waiting at most 0.3 s for the lock."""
    done = python(
        """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1], timeout=0.3, isolation_level=None)
        try:
            c.execute("INSERT INTO settings (key, value) VALUES ('other', 'process')")
            print("written")
        except sqlite3.OperationalError as exc:
            print(exc)
        """,
        str(db),
    )
    return done.stdout.strip()


def read_from_another_process(db: Path) -> None:
    python(
        """
        import sqlite3, sys
        c = sqlite3.connect(sys.argv[1])
        c.execute("SELECT count(*) FROM checkins").fetchone()
        c.close()
        """,
        str(db),
    )


def test_encrypt_refuses_while_another_process_holds_a_write_transaction(plain_db):
    before = file_hash(plain_db)
    key = cipher.derive_key(PASSPHRASE, cipher.new_salt())
    holder = Holder(plain_db)
    try:
        with pytest.raises(encryption.ConversionError, match="in use by another program"):
            encryption.encrypt(plain_db, key)
        assert engine.holder(plain_db) is None  # everything it opened is closed
    finally:
        holder.release()
    assert file_hash(plain_db) == before and not cipher.is_encrypted(plain_db)
    assert [p.name for p in plain_db.parent.iterdir() if ".tmp" in p.name] == []
    encryption.encrypt(plain_db, key)  # once it is free
    assert cipher.is_encrypted(plain_db)
    cipher.forget_keys()


def test_while_this_process_has_the_file_open_through_python_s_sqlite3_a_conversion_refuses_without_touching_it(  # noqa: E501
    plain_db,
):
    """SQLCipher's library would not see Python's locks (one process never conflicts
    with itself), and closing the file would drop them: so the conversion must stop
    before it opens the file. Proof: the write lock held here still keeps another
    program out afterwards."""
    before = file_hash(plain_db)
    key = cipher.derive_key(PASSPHRASE, cipher.new_salt())
    with Store.open(plain_db) as store:
        store.conn.execute("BEGIN IMMEDIATE")
        store.conn.execute("INSERT INTO settings (key, value) VALUES ('mine', 'held')")
        with pytest.raises(encryption.ConversionError, match="through Python's sqlite3"):
            encryption.encrypt(plain_db, key)
        assert engine.holder(plain_db) == engine.PLAIN
        assert "locked" in write_from_another_process(plain_db)  # our lock still holds
        store.conn.execute("COMMIT")
        assert write_from_another_process(plain_db) == "written"
    assert not cipher.is_encrypted(plain_db)
    assert file_hash(plain_db) != before  # (the two commits above, and nothing else)
    with Store.open(plain_db) as store:
        assert store.get_setting("mine") == "held" and store.get_setting("other") == "process"


def test_after_encrypt_and_decrypt_in_this_process_the_locks_hold(plain_db, tmp_path):
    """Each conversion leaves nothing open; the new file is then opened through its own
    library alone, whose write lock keeps another program out."""
    key = cipher.derive_key(PASSPHRASE, cipher.new_salt())
    with Store.open(plain_db) as store:  # as `tracker encrypt` does: vet, count, close
        store.checkin_count()
    encryption.encrypt(plain_db, key)
    assert engine.holder(plain_db) is None
    try:
        with Store.open(plain_db) as store:
            assert engine.library_of(store.conn) == engine.SQLCIPHER
            store.conn.execute("BEGIN IMMEDIATE")
            busy = run(
                plain_db,
                "add",
                "--mood",
                "2",
                env={**passphrase_env(tmp_path), "TRACKER_BUSY_TIMEOUT_MS": "300"},
            )
            store.conn.execute("ROLLBACK")
        assert busy.returncode == 3 and "is busy" in busy.stderr, busy.stderr
        encryption.decrypt(plain_db)
        assert engine.holder(plain_db) is None
    finally:
        cipher.forget_keys()
    assert not cipher.is_encrypted(plain_db)
    with Store.open(plain_db) as store:
        assert engine.library_of(store.conn) == engine.PLAIN
        store.conn.execute("BEGIN IMMEDIATE")
        assert "locked" in write_from_another_process(plain_db)
        store.conn.execute("ROLLBACK")
        assert store.checkin_count() == 1


def test_a_file_is_never_opened_through_both_libraries_at_once(plain_db, tmp_path):
    plain = engine.connect(plain_db, engine.PLAIN)
    with pytest.raises(engine.OtherLibraryOpen, match="through Python's sqlite3"):
        engine.connect(plain_db, engine.SQLCIPHER)
    link = tmp_path / "same-file.db"
    link.hardlink_to(plain_db)  # another name, the same file (the same locks)
    with pytest.raises(engine.OtherLibraryOpen):
        engine.connect(link, engine.SQLCIPHER)
    plain.close()
    assert engine.holder(plain_db) is None
    cipher_conn = engine.connect(plain_db, engine.SQLCIPHER)  # once Python's is closed
    with pytest.raises(engine.OtherLibraryOpen, match="through SQLCipher's library"):
        cipher.connect_file(plain_db)
    target = tmp_path / "attached.db"
    target.touch()
    with engine.attached(cipher_conn, target, "other"):  # an ATTACH counts too
        with pytest.raises(engine.OtherLibraryOpen):
            engine.connect(target, engine.PLAIN)
    engine.connect(target, engine.PLAIN).close()  # detached
    del cipher_conn  # garbage: its file closes with it, and it counts no more
    import gc

    gc.collect()
    assert engine.holder(plain_db) is None


def test_asking_about_an_open_file_keeps_its_locks(plain_db, tmp_path):
    """While tracker has its database open (the app, for hours), it asks of the same file
    whether it is encrypted, vets it again, and opens read-only connections (Trends,
    a setting at a glance) and closes them. None of that may drop the open connection's
    lock on the file (in WAL mode every connection holds one while it is open). With
    it gone, the next program to close the file takes itself for the last one, and
    checkpoints and deletes the write-ahead log the app is still writing to: a check-in
    added from the command line is then lost when the app closes."""
    from tracker import backup
    from tracker.store import check_sqlite_header

    with Store.open(plain_db) as store:
        assert cipher.known_key(plain_db) is None and not cipher.is_encrypted(plain_db)
        check_sqlite_header(plain_db)
        with Store.open_read_only(plain_db) as worker:
            assert worker.checkin_count() == 1
        backup.second_place(plain_db)  # a read-only glance at a setting
        read_from_another_process(plain_db)  # (a sqlite3 shell, Datasette: reads, closes)
        store.set_setting("mine", "kept")
        added = run(plain_db, "add", "--mood", "2", "--note", "from a terminal")
        assert added.returncode == 0, added.stderr
        assert store.checkin_count() == 2
        done = run(plain_db, "encrypt", env=passphrase_env(tmp_path))
        assert done.returncode == 3 and "in use by another program" in done.stderr
    assert not cipher.is_encrypted(plain_db)
    with Store.open(plain_db) as store:
        assert store.checkin_count() == 2 and store.get_setting("mine") == "kept"
