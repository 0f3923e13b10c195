"""One palette for mood and regulation, and the colours of the chart marks (no I/O).

Today's strip, the check-in card's ratings, the year calendar and the week grid all
shade mood and regulation from :data:`RAMP`, so a rating looks the same wherever it
is shown. The ramp runs from orange (low) through the terminal's own text colour (the
middle of mood) to blue (high). Orange against blue lies along the blue-yellow axis
that red-green colour blindness (deuteranopia, protanopia) keeps, so the two ends stay
apart for it, which red against green does not.

Every colour comes in three spellings:

* ``on_dark`` and ``on_light``: for the app, chosen by its theme. Each keeps a
  contrast of at least 3.5:1 against the background and the surface of every
  built-in Textual theme of its kind (``tests/test_palette.py`` measures it);
* ``xterm``: a 256-colour index for the command line, where the terminal's
  background is unknown: mid-tones with about 3:1 against black and against white.

Neighbouring steps differ in hue and lightness, the two ends are bold too, and the
digit or glyph is always there as well: colour is never the only carrier (with
``NO_COLOR`` or in a pipe the digits and marks say it all).
"""

from __future__ import annotations

DARK = "dark"
LIGHT = "light"
Background = str | None
"""``"dark"``, ``"light"``, or ``None`` when it is not known (a terminal)."""


class Shade:
    """One colour of the palette, for a dark background, a light one, or either.

    (A plain class rather than a dataclass: Today's strip imports this module before
    its first frame, and a dataclass costs a millisecond or two to build.)
    """

    __slots__ = ("name", "xterm", "on_dark", "on_light", "bold")

    def __init__(
        self,
        name: str,
        xterm: int | None,
        on_dark: str | None = None,
        on_light: str | None = None,
        *,
        bold: bool = False,
    ) -> None:
        self.name = name
        """What it is called in the style strings of :mod:`tracker.charts`."""
        self.xterm = xterm
        """An xterm 256-colour index; ``None`` for the terminal's own text colour."""
        self.on_dark = on_dark
        """``#rrggbb`` for a dark background."""
        self.on_light = on_light
        """``#rrggbb`` for a light background."""
        self.bold = bold

    def __repr__(self) -> str:
        return f"Shade({self.name!r})"

    def hex(self, background: Background) -> str | None:
        """The colour for ``background`` as ``#rrggbb`` (``None``: plain text colour)."""
        if self.xterm is None:
            return None
        if background == LIGHT:
            return self.on_light
        if background == DARK:
            return self.on_dark
        return XTERM_HEX.get(self.xterm)

    def rgb(self, background: Background) -> tuple[int, int, int] | None:
        value = self.hex(background)
        if value is None:
            return None
        return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


XTERM_HEX = {
    166: "#d75f00",
    172: "#d78700",
    137: "#af875f",
    67: "#5f87af",
    32: "#0087d7",
    26: "#005fd7",
    161: "#d7005f",
    30: "#008787",
    31: "#0087af",
    61: "#5f5faf",
    133: "#af5faf",
}
"""What xterm shows for the indexes used here."""

DEEP_ORANGE = Shade("deep-orange", 166, "#ff8a3d", "#983000", bold=True)
ORANGE = Shade("orange", 172, "#ffb454", "#a65500")
TAN = Shade("tan", 137, "#d4b68e", "#7a6040")
NEUTRAL = Shade("neutral", None)
STEEL = Shade("steel", 67, "#9bbbdc", "#44648a")
BLUE = Shade("blue", 32, "#5cb6ff", "#005cb0")
DEEP_BLUE = Shade("deep-blue", 26, "#8fa8ff", "#1f3fbf", bold=True)

RAMP: tuple[Shade, ...] = (DEEP_ORANGE, ORANGE, TAN, NEUTRAL, STEEL, BLUE, DEEP_BLUE)
"""Low to high. A scale of five steps (mood 1-5) uses the two ends, the next ones in
and the middle; a scale of six (regulation 0-5) every shade but the middle."""

_PICKS: dict[int, tuple[int, ...]] = {
    5: (0, 1, 3, 5, 6),
    6: (0, 1, 2, 4, 5, 6),
    7: (0, 1, 2, 3, 4, 5, 6),
}

# Marks: each is drawn in the colour its legend shows.
RUPTURE = Shade("rupture", 161, "#ff7aa2", "#b0004a", bold=True)
REPAIR = Shade("repair", 30, "#3fd0c0", "#006b62", bold=True)
# Time charts: the daily points and the 7-day mean never share a colour.
POINTS: dict[str, Shade] = {
    "regulation": Shade("points-regulation", 31, "#4fc3f7", "#00688f"),
    "mood": Shade("points-mood", 61, "#a9a9ff", "#4b4bb0"),
    "intensity": Shade("points-intensity", 133, "#e592e5", "#8f3f8f"),
}
MEAN = Shade("mean", 172, "#ffb454", "#8a5000")
"""The 7-day rolling mean's line, on every time chart."""
PURSUE = Shade("pursue", 166, "#ff8a3d", "#a34000")
WITHDRAW = Shade("withdraw", 32, "#5cb6ff", "#005cb0")
ACTED = Shade("acted", 166, "#ff8a3d", "#a34000", bold=True)
"""An urge acted on, in the week grid (the urges chart marks it in the urge's colour)."""

SHADES: dict[str, Shade] = {
    s.name: s for s in (*RAMP, RUPTURE, REPAIR, MEAN, PURSUE, WITHDRAW, ACTED, *POINTS.values())
}
"""Every shade by name."""


def shade(step: int, low: int, high: int) -> Shade:
    """The shade of a whole ``step`` on a scale from ``low`` to ``high``.

    A mean is rounded (half up, as everywhere) by the caller first, so the shade
    always matches the digit shown.
    """
    count = high - low + 1
    index = min(max(step, low), high) - low
    picks = _PICKS.get(count)
    if picks is None:  # another length: spread over the ramp, end to end
        return RAMP[int(index * (len(RAMP) - 1) / max(count - 1, 1) + 0.5)]
    return RAMP[picks[index]]


def ansi_codes(s: Shade, background: Background = None) -> str:
    """SGR parameters for ``s`` (``""`` for the neutral shade, which is plain text):
    truecolor for a known background, else the xterm 256-colour index."""
    codes = ["1"] if s.bold else []
    if s.xterm is not None:
        rgb = s.rgb(background) if background is not None else None
        codes.append(f"38;2;{rgb[0]};{rgb[1]};{rgb[2]}" if rgb else f"38;5;{s.xterm}")
    return ";".join(codes)


def rich_style(s: Shade, background: Background) -> str:
    """A Rich / Textual style string for ``s`` (``""`` for the neutral shade)."""
    colour = s.hex(background)
    return " ".join(part for part in ("bold" if s.bold else "", colour or "") if part)
