"""The app freezes long-lived objects out of Python's cycle collector
(tracker.app.runtime.collector); between tests nothing is long-lived, so each
test's app is handed back to the collector."""

from __future__ import annotations

import pytest

from tracker.app.runtime import collector


@pytest.fixture(autouse=True)
def unfreeze_after_each_app_test():
    yield
    collector.release()
