"""The lock screen (issue 14): before anything is read, at once with ctrl+l, after the
idle minutes; nothing of the data on it; back where the person was on unlock."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from textual.widgets import Input, TextArea

from tests.app.pilot import keys, screen_lines, settle, type_text
from tests.test_encryption import PASSPHRASE, PLANTED, plant
from tracker import encryption
from tracker.app.app import TrackerApp
from tracker.app.screens.lock import WRONG, LockScreen
from tracker.opening import LockedDatabase, open_database, open_for_app
from tracker.store import Store, cipher
from tracker.unlocking import LOCK_SETTING

WORDS = [w.decode() for w in PLANTED] + ["Sam", "to hear back", "Today"]


@pytest.fixture
def encrypted(db_path) -> Path:
    with Store.open(db_path) as store:
        plant(store)
        store.set_setting("theme", "textual-light")
    encryption.encrypt(db_path, cipher.derive_key(PASSPHRASE, cipher.new_salt()))
    cipher.forget_keys()  # as a new process: nothing unlocked
    yield db_path
    cipher.forget_keys()


def run(app: TrackerApp, scenario, size=(80, 24)):
    async def main():
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(app, pilot)
            await pilot.pause()

    asyncio.run(main())


async def wait_for(pilot, condition, seconds: float = 10) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():
            return
        await asyncio.sleep(0.05)
        await pilot.pause()
    raise AssertionError("it never happened")


async def unlock(app, pilot, passphrase: str = PASSPHRASE) -> None:
    field = app.screen.query_one("#passphrase", Input)
    field.focus()
    await type_text(pilot, passphrase)
    await keys(pilot, "enter")


def shows_nothing_of_the_data(app) -> None:
    text = "\n".join(screen_lines(app))
    assert "tracker is locked" in text
    for word in WORDS:
        assert word not in text, word


def test_the_app_starts_locked_and_reads_nothing_until_the_passphrase(encrypted):
    locked = open_for_app(encrypted, warn=print)
    assert isinstance(locked, LockedDatabase)
    app = TrackerApp(locked)

    async def scenario(app, pilot):
        assert isinstance(app.screen, LockScreen)
        assert getattr(app, "store", None) is None  # no connection to the database yet
        assert app.theme != "textual-light"  # (the saved theme is in the database)
        shows_nothing_of_the_data(app)
        await unlock(app, pilot, "not the passphrase")
        await wait_for(pilot, lambda: WRONG in "\n".join(screen_lines(app)))
        assert getattr(app, "store", None) is None
        assert app.screen.query_one("#passphrase", Input).value == ""
        await unlock(app, pilot)
        await wait_for(pilot, lambda: not isinstance(app.screen, LockScreen))
        assert type(app.screen).__name__ == "TodayScreen"
        assert app.store.checkin_count() == 3
        assert app.theme == "textual-light"

    run(app, scenario)


def test_the_passphrase_is_not_shown_as_it_is_typed(encrypted):
    app = TrackerApp(open_for_app(encrypted, warn=print))

    async def scenario(app, pilot):
        app.screen.query_one("#passphrase", Input).focus()
        await type_text(pilot, "horse")
        text = "\n".join(screen_lines(app))
        assert "horse" not in text and "•••••" in text

    run(app, scenario)


def test_locking_keeps_an_unsaved_card_as_it_was(encrypted):
    app = TrackerApp(open_for_app(encrypted, warn=print))

    async def scenario(app, pilot):
        await unlock(app, pilot)
        await wait_for(pilot, lambda: not isinstance(app.screen, LockScreen))
        await keys(pilot, "c")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "CheckInScreen")
        card = app.screen
        await keys(pilot, "4")
        note = card.query_one("#note", TextArea)
        note.focus()
        await type_text(pilot, "half a thought about the call")
        await keys(pilot, "ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        shows_nothing_of_the_data(app)
        assert "half a thought" not in "\n".join(screen_lines(app))
        # Nothing but the passphrase field takes keys: no section, no card, no palette.
        for key in ("c", "s", "question_mark", "ctrl+p", "ctrl+g", "f1", "escape"):
            await keys(pilot, key)
        assert isinstance(app.screen, LockScreen)
        app.screen.query_one("#passphrase", Input).value = ""
        await unlock(app, pilot)
        await wait_for(pilot, lambda: app.screen is card)
        assert note.text == "half a thought about the call"
        assert app.focused is note
        assert card.changed

    run(app, scenario)


def test_the_lock_key_is_in_the_footer_and_the_palette_only_when_encrypted(encrypted, tmp_path):
    cipher.remember(cipher.derive_key(PASSPHRASE, cipher.file_salt(encrypted)))
    app = TrackerApp(open_database(encrypted, warn=print))

    async def scenario(app, pilot):
        assert "^l Lock" in screen_lines(app)[-1]
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Lock" in titles
        await keys(pilot, "ctrl+l")
        assert isinstance(app.screen, LockScreen)
        assert not [c.title for c in app.get_system_commands(app.screen) if c.title == "Lock"]

    run(app, scenario)
    plain = tmp_path / "plain.db"
    app = TrackerApp(open_database(plain, warn=print))

    async def plain_scenario(app, pilot):
        assert "Lock" not in screen_lines(app)[-1]
        assert "Lock" not in [c.title for c in app.get_system_commands(app.screen)]
        await keys(pilot, "ctrl+l")
        assert not isinstance(app.screen, LockScreen)

    run(app, plain_scenario)


def test_the_app_locks_itself_after_the_idle_minutes(encrypted):
    cipher.remember(cipher.derive_key(PASSPHRASE, cipher.file_salt(encrypted)))
    with Store.open(encrypted) as store:
        store.set_setting(LOCK_SETTING, "1")
    app = TrackerApp(open_database(encrypted, warn=print))
    app.IDLE_CHECK_SECONDS = 0.05

    async def scenario(app, pilot):
        await keys(pilot, "h")
        await asyncio.sleep(0.3)
        await pilot.pause()
        assert not app.locked  # a key was pressed just now
        app.notify("a message that names a record")
        app._last_input -= 61  # a minute without a key or the mouse
        await wait_for(pilot, lambda: isinstance(app.screen, LockScreen))
        text = "\n".join(screen_lines(app))
        assert "Locked after 1 idle minute." in text
        assert "names a record" not in text  # messages are cleared, and held while locked
        app.notify("another one")
        await pilot.pause()
        assert "another one" not in "\n".join(screen_lines(app))
        await unlock(app, pilot)
        await wait_for(pilot, lambda: not app.locked)
        assert type(app.screen).__name__ == "HistoryScreen"

    run(app, scenario)


def test_the_lock_screen_at_both_sizes(encrypted):
    for size in ((80, 24), (120, 40)):
        app = TrackerApp(open_for_app(encrypted, warn=print))

        async def scenario(app, pilot):
            lines = screen_lines(app)
            box = [line for line in lines if "tracker is locked" in line]
            assert box and all(len(line) <= app.size.width for line in lines)
            assert any("enter unlocks · ctrl+q quits" in line for line in lines)

        run(app, scenario, size=size)
