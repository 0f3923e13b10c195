"""The report as one self-contained HTML file, to print or save as PDF.

Self-contained: the styles are inline, the charts inline SVG (:mod:`tracker.svgchart`),
and nothing refers to anything outside the file; a Content-Security-Policy in the
page forbids every request besides. A print stylesheet lays it out for A4 and Letter
alike (the page size is the printer's; the content fits the narrower and the shorter
of the two), keeps charts, tables and list items whole across pages, and numbers the
pages.

Made from the same Markdown as ``tracker report`` (:func:`tracker.report.build_report`
in :func:`tracker.report.html_mode`, where user text cannot be read as Markdown), by
markdown-it-py with raw HTML, links and images turned off: whatever the person wrote
comes out as escaped text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from tracker import charts, report, svgchart
from tracker.models import Session

if TYPE_CHECKING:
    from tracker.store import Store

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)

STYLE = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #111;
  font: 11pt/1.45 "DejaVu Serif", Georgia, "Times New Roman", serif; }
main { max-width: 190mm; margin: 0 auto; padding: 12mm 10mm 16mm; }
h1 { font-size: 19pt; line-height: 1.2; margin: 0 0 4mm; }
h2 { font-size: 14pt; margin: 8mm 0 2.5mm; padding-bottom: 1mm; border-bottom: 1.5pt solid #111; }
h3 { font-size: 11.5pt; margin: 5mm 0 1.5mm; }
h1, h2, h3 { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }
p, ul { margin: 0 0 2.5mm; }
ul { padding-left: 6mm; }
li { margin: 0 0 1mm; }
em { color: #333; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0 4mm; font-size: 9.5pt;
  font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; }
th, td { border: 0.6pt solid #777; padding: 1.2mm 1.6mm; vertical-align: top; }
th { background: #eee; text-align: left; }
td[style*="right"], th[style*="right"] { font-variant-numeric: tabular-nums; }
tbody tr:nth-child(even) td { background: #f6f6f6; }
code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 9.5pt; }
pre { font: 8.5pt/1.25 "DejaVu Sans Mono", Menlo, Consolas, monospace; white-space: pre;
  overflow-x: auto; border: 0.6pt solid #999; padding: 2mm; }
hr { border: 0; border-top: 0.6pt solid #777; margin: 6mm 0 3mm; }
figure.chart { margin: 1mm 0 5mm; }
figure.chart svg { display: block; width: 100%; height: auto; max-height: 92mm; }
h2 + p > em, h1 + p > em { display: block; }
@page { margin: 14mm 13mm 16mm;
  @bottom-center { content: "Page " counter(page) " of " counter(pages);
    font: 8.5pt "DejaVu Sans", Helvetica, Arial, sans-serif; color: #444; }
  @bottom-left { content: "tracker: a record of practice, not an assessment";
    font: 8.5pt "DejaVu Sans", Helvetica, Arial, sans-serif; color: #444; } }
@media print {
  main { max-width: none; padding: 0; }
  body { font-size: 10.5pt; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure.chart, table, tr, li, pre, p { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"""


def _markdown(found: Sequence[charts.Chart]) -> Any:
    """markdown-it for the report: tables on; raw HTML, links, images and reference
    definitions off; each ``tracker-chart N`` block becomes chart N as SVG."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.disable(["link", "image", "autolink", "html_inline", "html_block", "reference"])

    def fence(renderer: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        if token.info.strip() == "tracker-chart":
            chart = found[int(token.content.strip())]
            if isinstance(chart, charts.TimeChart):
                return f'<figure class="chart">{svgchart.render_time_chart(chart)}</figure>\n'
            return f"<pre>{escape(charts.render(chart, 90, 18, color=False))}</pre>\n"
        return f"<pre><code>{escape(token.content)}</code></pre>\n"

    md.add_render_rule("fence", fence)
    return md


def render(markdown: str, found: Sequence[charts.Chart]) -> str:
    """The HTML page of a report made in :func:`tracker.report.html_mode`."""
    body = _markdown(found).render(markdown)
    first = markdown.split("\n", 1)[0].lstrip("# ").replace("\\", "")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="tracker">\n'
        f"<title>{escape(first)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"<main>\n{body}</main>\n</body>\n</html>\n"
    )


def html_report(
    store: Store,
    since: dt.date | None = None,
    until: dt.date | None = None,
    *,
    notes: bool = True,
    session: Session | None = None,
) -> str:
    """The printable report for ``since``..``until`` as one HTML page."""
    with report.html_mode() as found:
        markdown = report.build_report(store, since, until, notes=notes, session=session)
    return render(markdown, found)
