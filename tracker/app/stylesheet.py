"""Textual's stylesheet, without parsing the same CSS again when nothing changed.

Textual 8.2 parses every stylesheet three times before the first screen shows: once
when the first widgets are styled; again in ``App.refresh_css()`` (called when the
first screen is installed), whose ``set_variables`` empties the parse cache and
whose ``reparse`` parses into a new stylesheet with a cache of its own; and a third
time when the next widget's default CSS arrives, as the cache is empty. For this
app's ~7 kB of CSS that was ~20 ms of a ~0.6 s start (``benchmarks/run.py --only
first_screen``).

A parse depends only on the CSS text, where it came from, and the variables (the
theme's colours). So here the cache is emptied only when the variables really
change (a new theme), and a re-parse shares it. Everything else is Textual's own
code path. Textual is pinned (pyproject.toml); the attributes used here
(``_variables``, ``_parse_cache``) are checked by tests/app/test_app_shell.py.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class ReusingStylesheet(Stylesheet):
    """A :class:`Stylesheet` that keeps its parsed rules while the variables stay the same."""

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._variables:
            return  # the same theme: what was parsed still holds
        super().set_variables(variables)

    def reparse(self) -> None:
        """Textual's ``reparse``, with the new stylesheet reading this one's cache."""
        stylesheet = Stylesheet(variables=self._variables)
        stylesheet._parse_cache = self._parse_cache
        for read_from, (css, is_defaults, tie_breaker, scope) in self.source.items():
            stylesheet.add_source(css, read_from=read_from, is_default_css=is_defaults,
                                  tie_breaker=tie_breaker, scope=scope)
        try:
            stylesheet.parse()
        except Exception:
            self._invalid_css.update(stylesheet._invalid_css)
            raise
        else:
            self._rules = stylesheet.rules
            self._rules_map = None
            self.source = stylesheet.source
            self._require_parse = False
