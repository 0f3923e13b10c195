"""The palette (:mod:`tracker.palette`) in the app: which background the theme has, and
Rich styles for ratings and for the style names of the text renderers.

Widgets that shade something call :func:`follow_theme` when mounted, so a theme picked
from the command palette (light or dark) redraws them in the colours made for it.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.widget import Widget

from tracker import palette
from tracker.days import round_half_up
from tracker.models import MOOD, REGULATION

SCALES = {"mood": MOOD, "regulation": REGULATION}
"""The scales the palette shades."""

_PLAIN = {"bold", "dim", "reverse", "italic", "underline"}


def background_of(app: App) -> str:
    """``"dark"`` or ``"light"``: the kind of background the current theme has."""
    return palette.DARK if app.current_theme.dark else palette.LIGHT


def rating_style(metric: str, value: float | None, background: palette.Background) -> str:
    """The Rich style of a mood or regulation figure (rounded half up, as shown)."""
    scale = SCALES.get(metric)
    if scale is None or value is None:
        return ""
    return palette.rich_style(
        palette.shade(int(round_half_up(value)), scale.low, scale.high), background
    )


def scale_styles(metric: str, background: palette.Background) -> dict[int, str] | None:
    """Every step of a shaded scale and its Rich style (``None`` for other scales)."""
    scale = SCALES.get(metric)
    if scale is None:
        return None
    return {
        step: rating_style(metric, step, background) for step in range(scale.low, scale.high + 1)
    }


def rich_style(names: str, background: palette.Background) -> str:
    """A style of :mod:`tracker.charts` names (``"bold"``, ``"dim"``, palette shade
    names) as a Rich style string."""
    parts = []
    for name in names.split():
        shade = palette.SHADES.get(name)
        if shade is not None:
            parts.append(palette.rich_style(shade, background))
        elif name in _PLAIN:
            parts.append(name)
    return " ".join(part for part in parts if part)


def follow_theme(widget: Widget, redraw: Callable[[], None]) -> None:
    """Call ``redraw`` whenever the app's theme changes (from the widget's mount on)."""
    widget.watch(widget.app, "theme", lambda _theme: redraw(), init=False)
