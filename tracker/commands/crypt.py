"""``tracker encrypt``, ``decrypt``, ``passphrase`` and ``lock``: the database kept private.

The conversions themselves are :mod:`tracker.encryption` (crash-safe: a new file,
checked, then renamed over the old); where a passphrase comes from is
:mod:`tracker.unlocking`. No passphrase is ever an option or an argument.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from tracker.cli import CannotUse, db_option, db_path, open_store_or_exit
from tracker.store import cipher
from tracker.unlocking import LOCK_SETTING, UnlockProblem, lock_minutes


def _shown(path: Path) -> str:
    from tracker.text import one_line

    return one_line(str(path))


def _stop(exc: UnlockProblem) -> NoReturn:
    """One line, exit 3 (or 2 for a setting that cannot be used)."""
    if exc.code == 3:
        raise CannotUse(str(exc)) from exc
    click.echo(f"Error: {exc}", err=True)
    sys.exit(exc.code)


def _stop_conversion(exc: Exception) -> NoReturn:
    raise CannotUse(str(exc)) from exc


def _missing(path: Path) -> None:
    if not path.exists():
        raise CannotUse(
            f"There is no database at {_shown(path)}. Nothing was changed. --db or "
            "TRACKER_DB chooses another."
        )


def _backups_line(done, verb: str, path: Path) -> None:
    from tracker import paths

    n = len(done.backups)
    if n:
        click.echo(
            f"{verb} {n} backup{'s' if n != 1 else ''} in {_shown(paths.backups_dir(path))} too."
        )
    for backup, why in done.left:
        click.echo(f"Left as it was: {_shown(backup)} ({why}).", err=True)


@click.command()
@db_option
@click.option(
    "--remember",
    is_flag=True,
    help="Keep the derived key in the OS keyring too, so commands do not ask.",
)
@click.pass_context
def encrypt(ctx: click.Context, remember: bool) -> None:
    """Encrypt the database and its backups with a passphrase.

    The passphrase is asked twice at the terminal, without echo, or printed by
    TRACKER_PASSPHRASE_COMMAND. The database is copied into a new encrypted file,
    checked, and only then put in place of the plain one; its backups follow.
    Without the passphrase nothing can be read, not even by tracker.
    """
    from tracker import encryption, unlocking

    path = db_path(ctx)
    _missing(path)
    if cipher.is_encrypted(path):
        with open_store_or_exit(ctx, create=False):  # unlocks; brings backups under its key
            pass
        click.echo(
            f"{_shown(path)} is already encrypted; nothing to do. 'tracker passphrase' "
            "changes its passphrase."
        )
        return
    with open_store_or_exit(ctx, create=False) as store:  # vetted, migrated, today's backup
        checkins = store.checkin_count()
    _free_or_stop(path)  # (before the passphrase is typed twice for nothing)
    try:
        passphrase = unlocking.new_passphrase(path, unlocking.PASSPHRASE_COMMAND)
    except UnlockProblem as exc:
        _stop(exc)
    key = cipher.derive_key(passphrase, cipher.new_salt())
    del passphrase
    try:
        done = encryption.encrypt(path, key)
    except encryption.ConversionError as exc:
        _stop_conversion(exc)
    click.echo(f"Encrypted {_shown(path)} ({checkins:,} check-in{'s' if checkins != 1 else ''}).")
    _backups_line(done, "Encrypted", path)
    click.echo(
        "Keep the passphrase safe: without it nothing in the database can be read, not "
        "even by tracker. (The plain file's old blocks may stay on the disk until they "
        "are written over; full-disk encryption covers that.)"
    )
    if remember:
        _remember(key)


def _free_or_stop(path: Path) -> None:
    from tracker import encryption

    try:
        encryption.check_free(path)
    except encryption.ConversionError as exc:
        _stop_conversion(exc)


def _remember(key: cipher.Key) -> None:
    from tracker import unlocking

    try:
        backend = unlocking.keyring_store(key)
    except UnlockProblem as exc:
        raise CannotUse(str(exc)) from exc
    click.echo(
        f"Kept its key in the keyring ({backend}): commands will not ask for the "
        "passphrase, and anyone using your login session can open it too. 'tracker "
        "passphrase --forget' removes it."
    )


@click.command()
@db_option
@click.option(
    "--out",
    "out",
    metavar="FILE",
    type=click.Path(path_type=Path),
    help="Write a plain copy to FILE (a new file) and leave the database encrypted.",
)
@click.pass_context
def decrypt(ctx: click.Context, out: Path | None) -> None:
    """Make a plain copy of the encrypted database (--out FILE), or undo the encryption.

    A plain copy is for sqlite-utils, Datasette or the sqlite3 shell: anyone who can
    read it can read everything in it. Without --out the database and its backups
    become plain again (the backups first), and its key leaves the keyring.
    """
    from tracker import encryption, unlocking

    path = db_path(ctx)
    _missing(path)
    if not cipher.is_encrypted(path):
        if out is not None:
            raise CannotUse(
                f"{_shown(path)} is not encrypted; 'tracker backup {_shown(out)}' makes "
                "a copy of it."
            )
        click.echo(f"{_shown(path)} is not encrypted; nothing to do.")
        return
    with open_store_or_exit(ctx, create=False) as store:  # unlocks, vets, migrates
        checkins = store.checkin_count()
    salt = cipher.file_salt(path)
    if out is not None:
        if out.is_dir():
            out = out / f"{path.stem}-plain.db"
        try:
            encryption.plain_copy(path, out)
        except encryption.ConversionError as exc:
            _stop_conversion(exc)
        click.echo(
            f"Wrote a plain copy of {_shown(path)} to {_shown(out)} ({checkins:,} "
            f"check-in{'s' if checkins != 1 else ''})."
        )
        click.echo(
            "It is not encrypted: anyone who can read that file can read all of it (it "
            "is readable by you only). Delete it when you are done with it."
        )
        return
    try:
        done = encryption.decrypt(path)
    except encryption.ConversionError as exc:
        _stop_conversion(exc)
    click.echo(f"{_shown(path)} is plain again ({checkins:,} check-ins): no passphrase opens it.")
    _backups_line(done, "Made", path)
    if salt is not None and unlocking.keyring_forget(salt):
        click.echo("Its key has been removed from the keyring.")


@click.command()
@db_option
@click.option(
    "--remember",
    is_flag=True,
    help="Keep the derived key (never the passphrase) in the OS keyring.",
)
@click.option("--forget", is_flag=True, help="Remove the key from the OS keyring.")
@click.pass_context
def passphrase(ctx: click.Context, remember: bool, forget: bool) -> None:
    """Change the passphrase of the encrypted database (and of its backups).

    The current passphrase is asked first (or printed by TRACKER_PASSPHRASE_COMMAND;
    the keyring does not count), then the new one twice (or printed by
    TRACKER_NEW_PASSPHRASE_COMMAND). With --remember: keep the key in the keyring,
    so commands do not ask; --forget removes it.
    """
    from tracker import encryption, unlocking

    if remember and forget:
        raise click.UsageError("--remember and --forget go one at a time.")
    path = db_path(ctx)
    _missing(path)
    salt = cipher.file_salt(path)
    if salt is None:
        raise CannotUse(
            f"{_shown(path)} is not encrypted, so it has no passphrase; 'tracker encrypt' sets one."
        )
    if forget:
        backend = unlocking.keyring_forget(salt)
        if backend is None:
            click.echo(f"The keyring holds no key of {_shown(path)}; nothing to do.")
        else:
            click.echo(f"Removed the key of {_shown(path)} from the keyring ({backend}).")
        return
    try:
        old = unlocking.current_passphrase_key(path)
    except UnlockProblem as exc:
        _stop(exc)
    if remember:
        _remember(old)
        return
    with open_store_or_exit(ctx, create=False):  # vetted, migrated, backups settled
        pass
    _free_or_stop(path)
    try:
        new = unlocking.new_passphrase(path, unlocking.NEW_PASSPHRASE_COMMAND)
    except UnlockProblem as exc:
        _stop(exc)
    new_key = cipher.derive_key(new, cipher.new_salt())
    del new
    had_keyring = unlocking.keyring_forget(old.salt) is not None
    try:
        done = encryption.change_key(path, old, new_key)
    except encryption.ConversionError as exc:
        if had_keyring:
            unlocking.keyring_store(old)
        _stop_conversion(exc)
    click.echo(f"Changed the passphrase of {_shown(path)}.")
    _backups_line(done, "Re-encrypted", path)
    if had_keyring:
        _remember(new_key)


@click.command()
@db_option
@click.option(
    "--for",
    "minutes",
    default=60,
    show_default=True,
    metavar="MINUTES",
    type=click.IntRange(1, 7 * 24 * 60),
    help="How long commands may use the key without asking.",
)
@click.pass_context
def unlock(ctx: click.Context, minutes: int) -> None:
    """Unlock the encrypted database for this login session, for MINUTES.

    Its key (never the passphrase) is kept in a file of yours only under
    $XDG_RUNTIME_DIR/tracker, which systemd keeps in memory and empties at logout;
    until then commands (status, add, reminders) do not ask. 'tracker lock' forgets
    it at once. The app always asks on its lock screen.
    """
    import datetime as dt

    from tracker import unlocking

    path = db_path(ctx)
    _missing(path)
    if not cipher.is_encrypted(path):
        raise CannotUse(f"{_shown(path)} is not encrypted; there is nothing to unlock.")
    try:
        key = unlocking.unlock(path)
        file = unlocking.cache_key(key, minutes)
    except UnlockProblem as exc:
        _stop(exc)
    until = dt.datetime.now() + dt.timedelta(minutes=minutes)
    click.echo(
        f"Unlocked {_shown(path)} until {until:%H:%M}"
        f"{'' if minutes < 12 * 60 else f' on {until:%a %d %b}'}: commands will not ask "
        f"for its passphrase. Its key is kept in {_shown(file.parent)} (in memory; emptied "
        "at logout). 'tracker lock' locks it again now."
    )


@click.command()
@db_option
@click.option(
    "--after",
    "after",
    metavar="MINUTES",
    type=click.IntRange(1, 24 * 60),
    help="Set the app to lock itself after this many minutes without a key (1 to 1440).",
)
@click.option("--off", is_flag=True, help="The app never locks by itself (ctrl+l still does).")
@click.pass_context
def lock(ctx: click.Context, after: int | None, off: bool) -> None:
    """Lock the encrypted database again for the commands (forget what 'tracker unlock'
    kept), or, with --after or --off, set the app's idle lock.

    After MINUTES without a key pressed, the app locks itself and asks for the
    passphrase again; an unsaved card is kept. In the app, ctrl+l locks at once.
    """
    from tracker import unlocking

    if after is not None and off:
        raise click.UsageError("--after and --off go one at a time.")
    path = db_path(ctx)
    _missing(path)
    salt = cipher.file_salt(path)
    if salt is None:
        raise CannotUse(
            f"{_shown(path)} is not encrypted: the lock asks for a passphrase, and it has "
            "none. 'tracker encrypt' sets one first."
        )
    if after is None and not off:
        if unlocking.forget_cached(salt):
            click.echo(f"Locked {_shown(path)}: commands ask for its passphrase again.")
        else:
            click.echo(
                f"{_shown(path)} was not unlocked for the session; nothing to do. "
                "('tracker lock --after N' makes the app lock itself after N idle minutes.)"
            )
        return
    with open_store_or_exit(ctx, create=False) as store:
        store.set_setting(LOCK_SETTING, "0" if off else str(after))
        minutes = lock_minutes(store.get_setting(LOCK_SETTING))
    if minutes:
        click.echo(
            f"The app now locks itself after {minutes} idle minute"
            f"{'s' if minutes != 1 else ''} (and at once with ctrl+l)."
        )
    else:
        click.echo("The app no longer locks by itself; ctrl+l still locks it at once.")
