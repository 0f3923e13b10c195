"""What every main section shares: header, footer, the store, refresh on return."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.screen import Screen

if TYPE_CHECKING:
    from tracker.store import Store


class SectionScreen(Screen):
    """A main section of the app. Subclasses implement :meth:`refresh_data`."""

    @property
    def store(self) -> Store:
        return self.app.store  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        self.refresh_data()

    def on_screen_resume(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError
