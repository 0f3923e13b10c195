"""The app freezes long-lived objects out of Python's cycle collector
(TrackerApp.keep_long_lived); between tests nothing is long-lived, so each test's
app is handed back to the collector."""

from __future__ import annotations

import gc

import pytest


@pytest.fixture(autouse=True)
def unfreeze_after_each_app_test():
    yield
    gc.unfreeze()
    gc.enable()
