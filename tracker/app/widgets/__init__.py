"""Widgets: they receive plain records or series and post messages; no SQL here."""
