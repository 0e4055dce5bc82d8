"""The numbers a move changes below a lesson's stage, drawn as one element: paragraphs, a
table, callouts (like ``st.info`` / ``st.warning``), captions, blocks side by side.

Why one element: a move reruns the lesson's fragment, and Streamlit sends, and the browser
draws again with React, every element the fragment writes, however small. Page 2's details
were six of them (a markdown table, two paragraphs, two callouts, a warning at times), which
made a key press cost about 1.4 times the bare-Streamlit floor app in the browser, against
1.0 without them. Here a section's text is one components-v2 element named by its ``key``: a
move sends it the section's HTML, and the browser sets it only when it changed.

The HTML is built here, on the server, from small functions that return HTML text:
:func:`text` escapes a learner's text (a class named ``<b>`` or ``**fish**`` shows as typed),
:func:`strong`, :func:`paragraph`, :func:`caption`, :func:`callout`, :func:`table` (a real
table: header cells ``<th scope="col">``, one ``<th scope="row">`` per row, numbers aligned
right) and :func:`side_by_side` (two or more blocks as columns, one under the other on a
phone). :func:`details` draws them.

Colours come from the theme's CSS variables (callouts take the same ones as Streamlit's
alerts), so both themes read as before; in presenter mode (:func:`ui.presenter.presenting`)
the text is 22 px and the table's 20 px, as the page's, and captions fold away.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence

import streamlit as st

from ui.assets import element_js
from ui.presenter import presenting

HTML = '<div class="xent-details" data-testid="xent-details"></div>'

CSS = """
.xent-details { color: var(--st-text-color); font-family: var(--st-font, inherit);
                font-size: 1rem; line-height: 1.6; }
/* the element's size, not the page's rule for p */
.xent-details p { margin: 0 0 1rem; font-size: inherit; line-height: inherit; }
.xent-details strong { font-weight: 600; }
.xent-details .xd-caption { font-size: 0.875rem; }
.xent-details .xd-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden;
                           clip-path: inset(50%); white-space: nowrap; }
/* the table: Streamlit's markdown table, numbers right-aligned; on a phone it scrolls */
.xent-details .xd-scroll { overflow-x: auto; margin-bottom: 1rem; }
.xent-details .xd-scroll:focus-visible { outline: 2px solid var(--st-primary-color); }
.xent-details table { border-collapse: collapse; }
.xent-details th, .xent-details td { padding: 6px 12px; text-align: left; font-weight: 400;
  vertical-align: middle;
  border: 1px solid color-mix(in srgb, var(--st-text-color) 10%, transparent); }
.xent-details thead th { font-weight: 700; }
.xent-details .xd-number { text-align: right; font-variant-numeric: tabular-nums; }
/* callouts: the colours of st.info / st.warning in either theme */
.xent-details .xd-callout { display: flex; gap: 0.5rem; padding: 1rem; line-height: 1.5;
  margin-bottom: 1rem; border-radius: var(--st-base-radius, 0.5rem); }
.xent-details .xd-info { color: var(--st-blue-text-color);
                         background: var(--st-blue-background-color); }
.xent-details .xd-warning { color: var(--st-yellow-text-color);
                            background: var(--st-yellow-background-color); }
.xent-details .xd-icon { font-family: "Material Symbols Rounded"; font-size: 1.25rem;
  line-height: 1.2; font-weight: 400; font-style: normal; letter-spacing: normal;
  white-space: nowrap; user-select: none; }
.xent-details .xd-columns { display: grid; grid-template-columns: var(--xd-widths);
                            gap: 4rem; margin-bottom: 1rem; }
@media (max-width: 640px) {  /* where Streamlit stacks its columns */
  .xent-details .xd-columns { grid-template-columns: minmax(0, 1fr); gap: 1rem; }
}
/* no space below the last block (Streamlit spaces its elements) */
.xent-details > :last-child, .xent-details .xd-columns > div > :last-child,
.xent-details .xd-callout > div > :last-child { margin-bottom: 0; }
/* presenter mode: 20 px and more, as the page's text; captions folded away */
.xent-details.xd-large { font-size: 22px; line-height: 1.45; }
.xent-details.xd-large table, .xent-details.xd-large .xd-icon { font-size: 20px; }
.xent-details.xd-large .xd-caption { display: none; }
"""

JS = element_js("details.js")  # ui/details.js, loaded once per tab (ui/assets.py)

_details = st.components.v2.component("xent.details", html=HTML, css=CSS, js=JS,
                                      isolate_styles=False)


def text(value) -> str:
    """Plain text (a learner's class name, a number) as HTML: shown exactly as typed."""
    return html.escape(str(value))


def strong(value) -> str:
    """Plain text in bold."""
    return f"<strong>{text(value)}</strong>"


def paragraph(content: str) -> str:
    """A paragraph of HTML (built with :func:`text` and :func:`strong`)."""
    return f"<p>{content}</p>"


def caption(content: str) -> str:
    """A small secondary line (``st.caption``), folded away in presenter mode."""
    return f'<p class="xd-caption">{content}</p>'


def callout(kind: str, icon: str, content: str) -> str:
    """A callout box, ``kind`` ``"info"`` or ``"warning"`` as ``st.info`` / ``st.warning``,
    with a Material icon (its name, e.g. ``"zoom_in"``) before the HTML ``content``."""
    if kind not in ("info", "warning"):
        raise ValueError(f"a callout is 'info' or 'warning', not {kind!r}")
    return (f'<div class="xd-callout xd-{kind}"><span class="xd-icon" aria-hidden="true" '
            f'translate="no">{text(icon)}</span><div>{content}</div></div>')


def table(columns: dict[str, Sequence[str]], *, label: str, left: Collection[str] = (),
          titles: dict[str, str] | None = None, row_header: str | None = None) -> str:
    """A table of plain text, ``columns`` by name (each a list of cells, all as long), every
    header and cell escaped.

    Columns named in ``left`` align left, the rest (numbers) right. ``titles`` shows another
    header for a column; ``""`` shows none, and the column's name is read to screen readers
    only. The cells of ``row_header`` are each row's header (``<th scope="row">``). ``label``
    names the table's scrolling box (a phone scrolls a wide table sideways, by touch or with
    the keyboard).
    """
    titles = titles or {}
    names = list(columns)
    lengths = {len(columns[name]) for name in names}
    if len(lengths) > 1:
        raise ValueError(f"every column needs as many cells; these have {sorted(lengths)}")

    def head(name: str) -> str:
        title = titles.get(name, name)
        shown = text(title) if title else f'<span class="xd-hidden">{text(name)}</span>'
        return f'<th scope="col"{number[name]}>{shown}</th>'

    number = {name: "" if name in left else ' class="xd-number"' for name in names}
    rows = []
    for cells in zip(*(columns[name] for name in names), strict=True):
        row = "".join(
            f'<th scope="row">{text(cell)}</th>' if name == row_header
            else f"<td{number[name]}>{text(cell)}</td>"
            for name, cell in zip(names, cells, strict=True))
        rows.append(f"<tr>{row}</tr>")
    return (f'<div class="xd-scroll" role="region" tabindex="0" aria-label="{text(label)}">'
            f'<table><thead><tr>{"".join(map(head, names))}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def side_by_side(*blocks: str, widths: Sequence[float]) -> str:
    """Blocks of HTML as columns of relative ``widths`` (``st.columns(widths, gap="large")``);
    on a phone one under the other."""
    if len(widths) != len(blocks):
        raise ValueError(f"{len(blocks)} blocks need {len(blocks)} widths, not {len(widths)}")
    grid = " ".join(f"minmax(0, {float(w):g}fr)" for w in widths)
    cells = "".join(f"<div>{block}</div>" for block in blocks)
    return f'<div class="xd-columns" style="--xd-widths: {grid}">{cells}</div>'


def details(key: str, *blocks: str, container=None) -> None:
    """Draw ``blocks`` (HTML from this module's functions) as the element named ``key``; the
    next run with the same ``key`` updates it in place."""
    data = {"html": "".join(blocks), "large": presenting()}
    if container is None:
        _details(key=key, data=data)
    else:
        with container:
            _details(key=key, data=data)
