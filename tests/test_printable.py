"""The printable HTML report: one self-contained page, vector charts that read in black
and white, user text escaped, ``--no-notes``, a 0600 file, ``--open``; and, end to end,
headless Chromium printing it to PDF and PNG without a single network request."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.conftest import FROZEN_TODAY
from tracker import charts
from tracker.models import BringMark, CheckIn, Experiment, PracticeLog, Rupture, Session
from tracker.printable import html_report
from tracker.svgchart import render_time_chart

PLANTED = "PLANTED-NOTE-5b1e"
HOSTILE = (
    "<script>alert(1)</script> ![seen](http://tracker-canary.test/md.png) "
    '<img src="https://tracker-canary.test/img.png"> [a link](https://tracker-canary.test)'
    " <style>@import url(http://tracker-canary.test/css)</style> &amp; \x1b[31m"
)


def day(n: int) -> str:
    return (FROZEN_TODAY - dt.timedelta(days=n)).isoformat()


@pytest.fixture
def filled(store):
    """Four weeks of check-ins, ruptures (one repaired), an experiment with a log, a past
    and a planned session, and marks; planted and hostile text in the notes."""
    for n in range(27, -1, -1):
        if n in (9, 10):
            continue  # two days without a check-in: gaps
        store.save_checkin(
            CheckIn.create(
                day=day(n),
                created_at=f"{day(n)}T20:00:00+01:00",
                mood=2 + n % 3,
                regulation=1 + n % 4,
                intensity=n % 6,
                pursue=(n * 2) % 6,
                withdraw=(n + 3) % 6,
                emotions=["anxious", "hopeful"][: 1 + n % 2],
                people=["Sam"],
                need=f"{PLANTED}-need" if n == 3 else None,
                note=f"{PLANTED} {HOSTILE}" if n == 3 else f"day {n}",
            )
        )
    exp = store.save_experiment(
        Experiment.create(
            title="Three <b>breaths</b>",
            practice="Breathe first.",
            prediction=f"{PLANTED}-pred",
            started_on=day(20),
            days=14,
            target_count=5,
            learned=f"{PLANTED}-learned",
        )
    )
    log = store.save_practice_log(
        PracticeLog.create(
            experiment_id=exp.id,
            day=day(7),
            distress_before=4,
            distress_after=2,
            note=f"{PLANTED}-log",
        )
    )
    store.save_rupture(
        Rupture.create(
            day=day(15),
            my_move="withdrew",
            people=["Sam"],
            repaired_on=day(13),
            what_happened=f"{PLANTED}-what",
        )
    )
    rupture = store.save_rupture(Rupture.create(day=day(4), my_move="pursued", people=["Sam"]))
    store.save_sessions(
        [
            Session.create(day=day(24), note=f"{PLANTED}-session"),
            Session.create(day="2026-12-03", agenda=f"{PLANTED}-agenda"),
        ]
    )
    three = next(c for c in store.checkins() if c.day == day(3))
    store.save_bring_marks(
        [
            BringMark.create(checkin_id=three.id),
            BringMark.create(rupture_id=rupture.id),
            BringMark.create(practice_log_id=log.id),
        ]
    )
    return store


REACHING = {
    "src",
    "href",
    "xlink:href",
    "action",
    "formaction",
    "srcset",
    "poster",
    "data",
    "background",
    "ping",
    "manifest",
    "codebase",
}
"""Attributes through which a page can ask for something."""


class _Markup(HTMLParser):
    """The page's tags, attributes and style sheets (its text left aside)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)


def _outside_references(page: str) -> list[str]:
    """Everything in the markup that could reach outside the page (none may be there):
    a tag that loads, an attribute that names a place, a style that imports or fetches."""
    markup = _Markup()
    markup.feed(page)
    found = sorted(
        markup.tags
        & {
            "script",
            "link",
            "img",
            "iframe",
            "object",
            "embed",
            "a",
            "base",
            "form",
            "audio",
            "video",
            "source",
            "image",
            "use",
        }
    )
    found += [
        f"{name}={value}"
        for name, value in markup.attributes
        if name in REACHING or "url(" in value
    ]
    found += [css for css in markup.styles if "url(" in css or "@import" in css]
    return found


def test_the_page_is_one_self_contained_file(filled):
    page = html_report(filled, dt.date.fromisoformat(day(27)), FROZEN_TODAY)
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert _outside_references(page) == []
    assert not re.search(r"https?://(?!tracker-canary\.test)", page)  # (the planted text only)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count("<svg") == 4 and page.count("</svg>") == 4
    assert "@page" in page and "@media print" in page and "break-inside: avoid" in page
    # The hostile text is there, as text.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "![seen](http://tracker-canary.test/md.png)" in page
    assert "Three &lt;b&gt;breaths&lt;/b&gt;" in page
    assert "&amp;amp;" in page and "^[[31m" in page and "\x1b" not in page


def test_no_notes_leaves_out_every_free_text(filled):
    page = html_report(filled, dt.date.fromisoformat(day(27)), FROZEN_TODAY, notes=False)
    assert PLANTED not in page and "tracker-canary" not in page
    assert "Three &lt;b&gt;breaths&lt;/b&gt;" in page  # a title is not a note
    assert PLANTED in html_report(filled, dt.date.fromisoformat(day(27)), FROZEN_TODAY)


def test_the_charts_read_in_black_and_white():
    """Each series its own shape or stroke, named in the legend; gaps break the line;
    ruptures and repairs marked with glyphs."""
    since, until = dt.date(2026, 11, 1), dt.date(2026, 11, 16)
    rows = [
        {
            "day": f"2026-11-{d:02d}",
            "regulation": float(d % 5),
            "pursue": float(d % 4),
            "withdraw": float(d % 3),
        }
        for d in (1, 2, 3, 14, 15)
    ]
    chart = charts.metric_chart(rows, "regulation", since, until, [("2026-11-02", "2026-11-15")])
    svg = render_time_chart(chart)
    assert svg.count("<circle") == 5 + 1  # five daily points and the legend's
    # The 7-day mean bridges short gaps; after a week without a value it breaks.
    assert svg.count("<polyline") == 2
    assert "daily mean" in svg and "7-day mean" in svg
    assert svg.count(">×</text>") == 1 and svg.count(">+</text>") == 1
    assert "rupture" in svg and "repair" in svg and "0 = swept away, 5 = steady" in svg
    urges = render_time_chart(charts.urges_chart(rows, since, until))
    assert urges.count('stroke-dasharray="7 4"') == 1 + 2  # withdraw dashed (legend, 2 runs)
    assert urges.count("<polyline") == 4  # pursue solid, withdraw dashed, each in two runs
    empty = render_time_chart(charts.metric_chart([], "mood", since, until))
    assert "No mood ratings in this range yet." in empty and "<polyline" not in empty


def test_the_command_writes_a_private_file_and_opens_it(filled, db_path, run_tracker, tmp_path):
    out = tmp_path / "for-my-therapist.html"
    result = run_tracker("report", "--format", "html", "--no-notes", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    page = out.read_text(encoding="utf-8")
    assert PLANTED not in page and "<svg" in page
    assert "since your session on" in page
    again = run_tracker("report", "--format", "html", "--out", str(out))
    assert again.returncode != 0 and "already exists" in again.stderr
    assert out.read_text(encoding="utf-8") == page  # never replaced
    # --open: the browser is whatever $BROWSER names; here a script that notes the URL.
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\nprintf "%s" "$1" > {opened}\n', encoding="utf-8")
    browser.chmod(0o700)
    work = tmp_path / "here"
    work.mkdir()
    result = subprocess.run(
        [str(Path(sys.executable).parent / "tracker"), "--db", str(db_path), "report", "--open"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "TRACKER_TODAY": FROZEN_TODAY.isoformat(), "BROWSER": f"{browser} %s"},
    )
    assert result.returncode == 0, result.stderr
    written = list(work.glob("tracker-report-*.html"))
    assert [p.name for p in written] == ["tracker-report-2026-11-04-to-2026-11-28.html"]
    assert opened.read_text(encoding="utf-8") == written[0].resolve().as_uri()
    assert stat.S_IMODE(written[0].stat().st_mode) == 0o600


def test_markdown_stays_the_default(filled, run_tracker):
    result = run_tracker("report")
    assert result.stdout.startswith("# Practice record: since your session on")
    assert "<html" not in result.stdout and "```text" in result.stdout


# --- end to end: headless Chromium ----------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_HOSTS = re.compile(r"^(?:[\w-]+\.)*(?:google\.com|googleapis\.com|gstatic\.com)(?::\d+)?$")
"""Hosts Chromium itself calls in the background (time, accounts): not the page's."""

QUIET = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,"
    "Translate,AutofillServerCommunication",
    "--hide-scrollbars",
]


class Canary:
    """A local HTTP proxy that answers 404 to everything and notes each request's target."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.targets: list[str] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    head = conn.recv(4096).decode("latin-1")
                    self.targets.append(head.split(" ")[1] if " " in head else head)
                    conn.sendall(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                except OSError:
                    pass

    def page_requests(self) -> list[str]:
        hosts = [re.sub(r"^https?://", "", t).split("/")[0] for t in self.targets]
        return [t for t, h in zip(self.targets, hosts, strict=True) if not BROWSER_HOSTS.match(h)]

    def close(self) -> None:
        self.server.close()


def _chromium(*args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [CHROMIUM, *QUIET, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=180,
        )


def _pdf_pages(path: Path) -> tuple[int, set[tuple[int, int]]]:
    data = path.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    boxes = {
        (round(float(w)), round(float(h)))
        for w, h in re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    }
    return pages, boxes


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.slow
@pytest.mark.e2e
@pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed here "
    "(Debian: apt-get install -y chromium); .ci/run installs it",
)
def test_chromium_prints_the_report_without_a_network_request(filled, run_tracker, tmp_path):
    full, shared = tmp_path / "full.html", tmp_path / "shared.html"
    assert (
        run_tracker("report", "--since", day(27), "--format", "html", "--out", str(full)).returncode
        == 0
    )
    assert (
        run_tracker(
            "report", "--since", day(27), "--format", "html", "--no-notes", "--out", str(shared)
        ).returncode
        == 0
    )
    assert PLANTED in full.read_text(encoding="utf-8")
    assert PLANTED not in shared.read_text(encoding="utf-8")
    # The detector detects: a page that does ask for something is seen asking.
    control = tmp_path / "control.html"
    control.write_text(
        '<p>x<img src="http://tracker-canary.test/control.png"></p>', encoding="utf-8"
    )
    canary = Canary()
    try:
        proxy = f"--proxy-server=http://127.0.0.1:{canary.port}"
        seen = _chromium(proxy, f"--print-to-pdf={tmp_path / 'control.pdf'}", control.as_uri())
        assert seen.returncode == 0, seen.stderr
        assert canary.page_requests() == ["http://tracker-canary.test/control.png"]
        canary.targets.clear()
        for page in (full, shared):
            pdf = page.with_suffix(".pdf")
            printed = _chromium(
                proxy, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()
            )
            assert printed.returncode == 0, printed.stderr
            shot = page.with_suffix(".png")
            taken = _chromium(
                proxy, "--window-size=900,1800", f"--screenshot={shot}", page.as_uri()
            )
            assert taken.returncode == 0, taken.stderr
        assert canary.page_requests() == []
    finally:
        canary.close()
    for page in (full, shared):
        pages, boxes = _pdf_pages(page.with_suffix(".pdf"))
        assert pages >= 3 and boxes == {(612, 792)}  # Letter: Chromium's default paper
        assert _png_size(page.with_suffix(".png")) == (900, 1800)
        assert page.with_suffix(".png").stat().st_size > 40_000  # drawn, not a blank page
    if shutil.which("pdftotext"):  # (poppler-utils) the printed words themselves
        words = subprocess.run(
            ["pdftotext", str(full.with_suffix(".pdf")), "-"], capture_output=True, text=True
        ).stdout
        assert PLANTED in words and "For the session" in words and "Page 1 of" in words
        shared_words = subprocess.run(
            ["pdftotext", str(shared.with_suffix(".pdf")), "-"], capture_output=True, text=True
        ).stdout
        assert PLANTED not in shared_words and "Marked to bring" in shared_words
    # A4 as well, and with every name unresolvable and the proxy pointing nowhere: it
    # still renders (nothing is waited for).
    a4 = tmp_path / "a4.html"
    a4.write_text(
        full.read_text(encoding="utf-8").replace("</style>", "@page { size: A4; }</style>", 1),
        encoding="utf-8",
    )
    offline = _chromium(
        "--proxy-server=http://127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--no-pdf-header-footer",
        f"--print-to-pdf={tmp_path / 'a4.pdf'}",
        a4.as_uri(),
    )
    assert offline.returncode == 0, offline.stderr
    pages, boxes = _pdf_pages(tmp_path / "a4.pdf")
    assert pages >= 3 and boxes == {(595, 842)}
