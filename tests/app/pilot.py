"""What the Pilot tests share: run the real app on a real database file."""

from __future__ import annotations

import asyncio

from tracker.app.app import TrackerApp


def drive(db_path, scenario, size=(80, 24)):
    """Run the app at ``size``, let ``scenario(app, pilot)`` use it, then close it."""

    async def main():
        app = TrackerApp(db_path)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            result = await scenario(app, pilot)
            await pilot.pause()
        return result

    return asyncio.run(main())
