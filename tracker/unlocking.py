"""Where the key of an encrypted database comes from, for the command line.

In this order (:func:`unlock`):

1. a key already unlocked in this process;
2. the session's key cache, when ``tracker unlock`` put the key there: the raw key
   in a 0600 file under ``$XDG_RUNTIME_DIR/tracker/`` (a folder of this user's only,
   which systemd keeps in memory and empties at logout), until the time it was
   given; ``tracker lock`` removes it at once (:func:`cache_key`). The quickest
   way: reading it costs less than a millisecond;
3. ``TRACKER_PASSPHRASE_COMMAND``: a command that prints the passphrase (``pass show
   tracker``), as borg and restic take one. It is split like a shell line
   (:func:`shlex.split`) but run without a shell; the first line it prints is the
   passphrase; what it writes to stderr is shown as it is; a command that fails
   stops tracker with one line (exit 3);
4. the OS keyring, when the ``keyring`` package is installed and has a working
   backend, and the key was put there (``tracker passphrase --remember``): it keeps
   the *derived raw key* and the file's salt (96 hex digits, service ``tracker``,
   named by the salt), never the passphrase, so no key derivation is needed
   (importing ``keyring`` costs about as much, though). ``tracker passphrase
   --forget`` removes it;
5. the terminal: asked without echo, up to three times.

The passphrase is never put in an argument, in the environment or in a log, and is
not kept: only the key derived from it, in memory (:mod:`tracker.store.cipher`).
Every failure is an :class:`UnlockProblem`, one line (exit 3, or 2 for a setting
that cannot be used), with nothing changed.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tracker.store import cipher
from tracker.store.cipher import Key

PASSPHRASE_COMMAND = "TRACKER_PASSPHRASE_COMMAND"
NEW_PASSPHRASE_COMMAND = "TRACKER_NEW_PASSPHRASE_COMMAND"
KEYRING_SERVICE = "tracker"
TRIES = 3
LOCK_SETTING = "lock_after_minutes"
"""The settings row of the app's idle lock: whole minutes, "0" for never (the default);
``tracker lock --after N`` sets it."""
_MOST_PRINTED = 64 * 1024


class UnlockProblem(Exception):
    """The database could not be unlocked (or no passphrase was had); one line."""

    def __init__(self, message: str, code: int = 3):
        super().__init__(message)
        self.code = code


def how_to_unlock(path: Path) -> str:
    """What to do about an encrypted database that could not be unlocked here."""
    return (
        f"{path} is encrypted. To unlock it, run tracker from a terminal (it asks for the "
        f"passphrase), set {PASSPHRASE_COMMAND} to a command that prints it (for example "
        "'pass show tracker'), or keep its key in the keyring ('tracker passphrase "
        "--remember')."
    )


# --- Passphrases ---------------------------------------------------------------------------


def from_command(variable: str = PASSPHRASE_COMMAND) -> str | None:
    """The passphrase the command in ``variable`` prints, or None when it is not set."""
    import shlex
    import subprocess

    line = os.environ.get(variable)
    if line is None or not line.strip():
        return None
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        raise UnlockProblem(
            f"{variable} cannot be read as a command ({exc}); give a command and its "
            "arguments as you would type them (it is run without a shell).",
            2,
        ) from None
    try:
        done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=None, check=False)
    except FileNotFoundError:
        raise UnlockProblem(
            f"{variable}: the command {argv[0]!r} was not found. Nothing was changed."
        ) from None
    except OSError as exc:
        raise UnlockProblem(
            f"{variable}: {argv[0]!r} could not be run ({exc.strerror or exc}). "
            "Nothing was changed."
        ) from None
    if done.returncode != 0:
        raise UnlockProblem(
            f"{variable}: {argv[0]!r} failed (exit {done.returncode}), so there is no "
            "passphrase. Nothing was changed."
        )
    text = done.stdout[:_MOST_PRINTED].decode("utf-8", "surrogateescape")
    passphrase = text.splitlines()[0] if text else ""
    if not passphrase:
        raise UnlockProblem(
            f"{variable}: {argv[0]!r} printed no passphrase (its first line is empty). "
            "Nothing was changed."
        )
    return passphrase


def terminal_available() -> bool:
    """Is there a terminal to ask on (``/dev/tty``)?"""
    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        return False
    os.close(fd)
    return True


def ask(prompt: str) -> str:
    """A passphrase typed at the terminal, not echoed. Raises :class:`UnlockProblem`
    without a terminal, or when the person gives up (ctrl+d, ctrl+c)."""
    import getpass

    if not terminal_available():
        raise UnlockProblem("There is no terminal to ask for the passphrase on.")
    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        print(file=sys.stderr)
        raise UnlockProblem("No passphrase was given. Nothing was changed.") from None


def new_passphrase(path: Path, variable: str) -> str:
    """A new passphrase: printed by the command in ``variable``, or typed twice."""
    given = from_command(variable)
    if given is not None:
        return given
    if not terminal_available():
        raise UnlockProblem(
            f"There is no terminal to ask for a new passphrase for {path} on; set "
            f"{variable} to a command that prints it. Nothing was changed."
        )
    first = ask(f"New passphrase for {path.name}: ")
    if not first:
        raise UnlockProblem("An empty passphrase is not allowed. Nothing was changed.", 2)
    second = ask("The same again, to be sure: ")
    if first != second:
        raise UnlockProblem("The two passphrases differ. Nothing was changed.", 2)
    return first


# --- The keyring -----------------------------------------------------------------------------


def keyring_backend() -> Any | None:
    """The ``keyring`` module, when it is installed and has a backend that works."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # not installed, or broken: the keyring is optional
        return None
    try:
        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 1) <= 0:
            return None
    except Exception:
        return None
    return keyring


def keyring_name(salt: bytes) -> str:
    """The keyring entry's name for the files of this salt."""
    return salt.hex()


def keyring_key(salt: bytes) -> Key | None:
    """The key the keyring keeps for files of this salt, if any."""
    keyring = keyring_backend()
    if keyring is None:
        return None
    try:
        text = keyring.get_password(KEYRING_SERVICE, keyring_name(salt))
    except Exception:  # a locked or absent keyring service: ask as if there were none
        return None
    key = None if text is None else Key.from_text(text)
    return key if key is not None and key.salt == salt else None


def keyring_store(key: Key) -> str:
    """Keep ``key`` in the keyring; returns the backend's name. Raises UnlockProblem."""
    keyring = keyring_backend()
    if keyring is None:
        raise UnlockProblem(
            "There is no keyring to keep the key in (install tracker with its "
            "'keyring' extra, on a system with a keyring service)."
        )
    try:
        keyring.set_password(KEYRING_SERVICE, keyring_name(key.salt), key.to_text())
    except Exception as exc:
        raise UnlockProblem(f"The keyring did not take the key ({type(exc).__name__}).") from None
    return _backend_name(keyring)


def keyring_forget(salt: bytes) -> str | None:
    """Remove the keyring's entry for files of this salt; the backend's name, or None
    when there was no entry (or no keyring)."""
    keyring = keyring_backend()
    if keyring is None:
        return None
    try:
        if keyring.get_password(KEYRING_SERVICE, keyring_name(salt)) is None:
            return None
        keyring.delete_password(KEYRING_SERVICE, keyring_name(salt))
    except Exception:
        return None
    return _backend_name(keyring)


def _backend_name(keyring: Any) -> str:
    backend = keyring.get_keyring()
    return getattr(backend, "name", type(backend).__name__)


# --- The session's key cache ------------------------------------------------------------------

CACHE_VARIABLE = "XDG_RUNTIME_DIR"
MOST_CACHE_MINUTES = 7 * 24 * 60


def cache_folder() -> Path | None:
    """``$XDG_RUNTIME_DIR/tracker``, when that variable names a folder of this user's
    that no one else can enter (else None: there is no session cache)."""
    import stat

    base = os.environ.get(CACHE_VARIABLE)
    if not base or not os.path.isabs(base):
        return None
    try:
        info = os.lstat(base)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid() or info.st_mode & 0o077:
        return None
    return Path(base) / "tracker"


def cache_key(key: Key, minutes: int) -> Path:
    """Keep ``key`` in the session's cache for ``minutes``; returns its file.
    Raises UnlockProblem when there is no session cache."""
    import time

    from tracker.files import FileRefused, private_dir, private_file

    folder = cache_folder()
    if folder is None:
        raise UnlockProblem(
            f"There is no private runtime folder to keep the key in ({CACHE_VARIABLE} is "
            "not set to a folder of yours only). 'tracker passphrase --remember' keeps it "
            "in the keyring instead."
        )
    until = int(time.time()) + 60 * minutes
    target = folder / keyring_name(key.salt)
    try:
        private_dir(folder)
        with private_file(target, replace_ours=True) as handle:
            handle.write(f"{until} {key.to_text()}\n")
    except (FileRefused, OSError) as exc:
        raise UnlockProblem(f"The key could not be kept in {folder} ({exc}).") from None
    return target


def cached_key(salt: bytes) -> Key | None:
    """The key the session's cache keeps for files of this salt, while it has not expired."""
    import time

    folder = cache_folder()
    if folder is None:
        return None
    file = folder / keyring_name(salt)
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        text = os.read(fd, 256).decode("ascii", "replace") if info.st_uid == os.geteuid() else ""
    finally:
        os.close(fd)
    until, _, rest = text.strip().partition(" ")
    key = Key.from_text(rest)
    if not until.isdigit() or key is None or key.salt != salt:
        return None
    if int(until) <= time.time():
        file.unlink(missing_ok=True)
        return None
    return key


def forget_cached(salt: bytes) -> bool:
    """Remove the session cache's key for files of this salt; was there one?"""
    folder = cache_folder()
    if folder is None:
        return False
    try:
        (folder / keyring_name(salt)).unlink()
    except OSError:
        return False
    return True


# --- Unlocking -----------------------------------------------------------------------------


def unlock(
    path: Path,
    *,
    keyring: bool = True,
    label: str | None = None,
    says: Callable[[str], object] | None = None,
) -> Key:
    """The key of the encrypted file at ``path``, from the first source that has it
    (module docstring), checked against the file and kept in memory.

    Args:
        path: an encrypted database or backup.
        keyring: look in the session's cache and the keyring too (not when the
            passphrase itself must be known: changing it).
        label: how the prompt names the file (default: its name).
        says: shows a line at the terminal (a wrong passphrase); default stderr.

    Raises:
        UnlockProblem: no source gave a key that opens the file.
    """
    salt = cipher.file_salt(path)
    if salt is None:
        raise UnlockProblem(f"{path} is not encrypted.", 2)
    known = cipher.key_for_salt(salt)
    if known is not None:
        return known
    if keyring:
        key = cached_key(salt)
        if key is not None and cipher.unlocks(path, key):
            cipher.remember(key)
            return key
    passphrase = from_command(PASSPHRASE_COMMAND)
    if passphrase is not None:
        key = cipher.derive_key(passphrase, salt)
        if not cipher.unlocks(path, key):
            raise UnlockProblem(
                f"The passphrase {PASSPHRASE_COMMAND} printed does not unlock {path} "
                "(or it is not a tracker database). Nothing was changed."
            )
        cipher.remember(key)
        return key
    if keyring:
        key = keyring_key(salt)
        if key is not None and cipher.unlocks(path, key):
            cipher.remember(key)
            return key
    if not terminal_available():
        raise UnlockProblem(how_to_unlock(path))
    show = says or (lambda text: print(text, file=sys.stderr))
    for attempt in range(TRIES):
        key = cipher.derive_key(ask(f"Passphrase for {label or path.name}: "), salt)
        if cipher.unlocks(path, key):
            cipher.remember(key)
            return key
        if attempt < TRIES - 1:
            show("That passphrase does not unlock it; try again.")
    raise UnlockProblem(
        f"The passphrase does not unlock {path} (or it is not a tracker database). "
        "Nothing was changed."
    )


def current_passphrase_key(path: Path) -> Key:
    """The key of ``path`` from its passphrase itself (the command or the terminal),
    never the keyring: for changing the passphrase, and for ``--remember``."""
    cipher.forget_keys()
    return unlock(path, keyring=False)


def lock_minutes(value: str | None) -> int:
    """The idle lock's minutes from its setting (0: never; so is anything unreadable)."""
    if value is None or not value.strip().isascii() or not value.strip().isdigit():
        return 0
    return min(int(value.strip()), 24 * 60)
