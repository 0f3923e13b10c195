"""End to end, in a real terminal (tmux): the passphrase asked twice without echo,
asked again by a command, and the app's lock screen before and after a check-in."""

from __future__ import annotations

import pytest

from tests.test_encryption import files_under, planted_in
from tracker.store import Store, cipher

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
SECRET = "a long and private passphrase"


def test_encrypt_asks_twice_without_echo_then_commands_ask_once(terminal, db_path, run_tracker):
    run_tracker("add", "--mood", "3", "--note", "PLANTED-NOTE-7f3a", check=True)
    term = terminal(100, 30, "--db", str(db_path), "encrypt", linger=5)
    term.wait_for("New passphrase for tracker.db:")
    term.type(SECRET)
    term.keys("Enter")
    term.wait_for("The same again, to be sure:")
    term.type("not the same")
    term.keys("Enter")
    screen = term.wait_for("The two passphrases differ. Nothing was changed.")
    assert SECRET not in screen and "not the same" not in screen
    assert not cipher.is_encrypted(db_path)

    term = terminal(100, 30, "--db", str(db_path), "encrypt", linger=5)
    term.wait_for("New passphrase for tracker.db:")
    term.type(SECRET)
    term.keys("Enter")
    term.wait_for("The same again")
    term.type(SECRET)
    term.keys("Enter")
    screen = term.wait_for("Keep the passphrase safe")
    assert SECRET not in screen
    assert cipher.is_encrypted(db_path)
    assert planted_in(db_path.parent) == []

    term = terminal(100, 30, "--db", str(db_path), "list", linger=5)
    term.wait_for("Passphrase for tracker.db:")
    term.type("wrong")
    term.keys("Enter")
    term.wait_for("That passphrase does not unlock it; try again.")
    term.type(SECRET)
    term.keys("Enter")
    screen = term.wait_for("1 check-in in the last 7 days.")
    assert "PLANTED-NOTE-7f3a" in screen and SECRET not in screen


def test_the_app_asks_on_its_lock_screen_and_locks_again(terminal, db_path, run_tracker, tmp_path):
    with Store.open(db_path):
        pass
    secret = tmp_path / "pass"
    secret.write_text(SECRET + "\n")
    env = {"TRACKER_PASSPHRASE_COMMAND": f"cat {secret}"}
    assert run_tracker("encrypt", env=env).returncode == 0
    for size in ((80, 24), (120, 40)):
        term = terminal(*size, "--db", str(db_path))
        screen = term.wait_for("tracker is locked")
        assert "Today" not in screen
        term.type(SECRET)
        term.keys("Enter")
        term.wait_for("Today")
        assert "^l Lock" in term.wait_for("^l Lock")
        term.keys("c")
        term.wait_for("Mood")
        term.keys("4")
        term.keys("C-l")
        screen = term.wait_for("tracker is locked")
        assert "Mood" not in screen
        term.type(SECRET)
        term.keys("Enter")
        screen = term.wait_for("Mood")
        assert "[4]" in screen  # the card, as it was left
        term.keys("C-s")
        term.wait_for("mood 4 (good)")
        term.keys("q")
        term.wait_until_closed()
    salt = cipher.file_salt(db_path)
    assert all(cipher.file_salt(f) == salt for f in files_under(db_path.parent))


def test_sync_asks_for_the_folder_passphrase_twice_once_then_once_per_device(
    terminal, tmp_path, run_tracker
):
    """The folder's passphrase at a real terminal: chosen (typed twice) on the first
    device, asked once on the second (a wrong one tried again), never echoed."""
    folder = tmp_path / "Sync"
    folder.mkdir()
    envs = {}
    for name in ("a", "b"):
        db = tmp_path / name / "tracker.db"
        db.parent.mkdir()
        with Store.open(db):
            pass
        secret = tmp_path / f"{name}.pass"
        secret.write_text(f"{SECRET} of {name}\n")
        envs[name] = (db, {"TRACKER_PASSPHRASE_COMMAND": f"cat {secret}"})
        assert run_tracker("--db", str(db), "encrypt", env=envs[name][1]).returncode == 0
    words = "the words of the folder"

    db, env = envs["a"]
    term = terminal(100, 30, "--db", str(db), "sync", str(folder), env=env, linger=5)
    term.wait_for("New passphrase for the sync folder:")
    term.type(words)
    term.keys("Enter")
    term.wait_for("The same again, to be sure:")
    term.type(words)
    term.keys("Enter")
    screen = term.wait_for("sealed from now on")
    assert words not in screen

    db, env = envs["b"]
    term = terminal(100, 30, "--db", str(db), "sync", str(folder), env=env, linger=5)
    term.wait_for("Passphrase of the sync folder")
    term.type("not them")
    term.keys("Enter")
    term.wait_for("does not open the folder's key; try again.")
    term.type(words)
    term.keys("Enter")
    screen = term.wait_for("has the folder's key now")
    assert words not in screen and "not them" not in screen
    assert planted_in(folder) == [] and len(files_under(folder)) == 3
