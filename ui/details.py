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
:func:`strong`, :func:`paragraph`, :func:`markdown` (the pages' markdown, as ``st.markdown``
shows it: the subset they write; :func:`inline` without its paragraph), :func:`caption`,
:func:`heading`, :func:`callout`, :func:`metrics` (a row of :func:`metric`, as ``st.metric``
in columns), :func:`code` (as ``st.code``: Python coloured, a copy button), :func:`table` (a
real table: header cells ``<th scope="col">``, one ``<th scope="row">`` per row, numbers
aligned right), :func:`side_by_side` (two or more blocks as columns, one under the other on
a phone) and :func:`box` (blocks in a bordered box).
:func:`details` draws them.

Colours come from the theme's CSS variables (callouts take the same ones as Streamlit's
alerts), so both themes read as before; in presenter mode (:func:`ui.presenter.presenting`)
the text is 22 px and the table's 20 px, as the page's, and captions fold away.
"""

from __future__ import annotations

import functools
import html
import io
import keyword
import re
import tokenize
from collections.abc import Collection, Sequence

import streamlit as st

from ui.assets import element_js
from ui.live import draw_in_place
from ui.presenter import presenting

HTML = '<div class="xent-details" data-testid="xent-details"></div>'

JS = element_js("details.js")  # ui/details.js, loaded once per tab (ui/assets.py)

_details = st.components.v2.component("xent.details", html=HTML, js=JS,
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


def heading(title: str) -> str:
    """A section heading, as ``st.subheader`` (plain text)."""
    return f"<h3>{text(title)}</h3>"


CALLOUT_KINDS = ("info", "warning", "success", "error")


def callout(kind: str, icon: str, content: str) -> str:
    """A callout box, ``kind`` one of :data:`CALLOUT_KINDS` as ``st.info`` / ``st.warning`` /
    ``st.success`` / ``st.error``, with a Material icon (its name, e.g. ``"zoom_in"``) before
    the HTML ``content``."""
    if kind not in CALLOUT_KINDS:
        raise ValueError(f"a callout is one of {', '.join(CALLOUT_KINDS)}, not {kind!r}")
    return (f'<div class="xd-callout xd-{kind}"><span class="xd-icon" aria-hidden="true" '
            f'translate="no">{text(icon)}</span><div>{content}</div></div>')


def table(columns: dict[str, Sequence[str]], *, label: str, left: Collection[str] = (),
          titles: dict[str, str] | None = None, row_header: str | None = None,
          markdown: Collection[str] = ()) -> str:
    """A table of plain text, ``columns`` by name (each a list of cells, all as long), every
    header and cell escaped; the cells of the columns named in ``markdown`` are the pages'
    inline markdown instead (``**bold**``, `` `code` ``: as :func:`markdown` shows them).

    Columns named in ``left`` align left, the rest (numbers) right. ``titles`` shows another
    header for a column; ``""`` shows none, and the column's name is read to screen readers
    only. The cells of ``row_header`` are each row's header (``<th scope="row">``). ``label``
    names the table's scrolling box (a phone scrolls a wide table sideways, by touch or with
    the keyboard). A ``markdown`` column's cells are one line of :func:`markdown` each, as a
    markdown table shows them (a learner's text in them goes through
    :func:`ui.text.escape_markdown`), still never HTML.
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

    def shown(name: str, cell: str) -> str:
        return _inline(str(cell)) if name in markdown else text(cell)

    number = {name: "" if name in left else ' class="xd-number"' for name in names}
    rows = []
    for cells in zip(*(columns[name] for name in names), strict=True):
        row = "".join(
            f'<th scope="row">{shown(name, cell)}</th>' if name == row_header
            else f"<td{number[name]}>{shown(name, cell)}</td>"
            for name, cell in zip(names, cells, strict=True))
        rows.append(f"<tr>{row}</tr>")
    return (f'<div class="xd-scroll" role="region" tabindex="0" aria-label="{text(label)}">'
            f'<table><thead><tr>{"".join(map(head, names))}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def metric(label: str, value: str, *, help: str | None = None, border: bool = False) -> str:
    """One number with its label above, as ``st.metric`` (plain text; ``help`` shows behind a
    ? on hover or keyboard focus, and is read as the ?'s name)."""
    tip = ""
    if help:
        tip = (f'<button type="button" class="xd-help" aria-label="{text(help)}" '
               f'data-help="{text(help)}"><span class="xd-icon" aria-hidden="true" '
               'translate="no">help</span></button>')
    bordered = " xd-bordered" if border else ""
    return (f'<div class="xd-metric{bordered}"><div class="xd-metric-label">'
            f"<span>{text(label)}</span>{tip}</div>"
            f'<div class="xd-metric-value">{text(value)}</div></div>')


def metrics(*items: str) -> str:
    """:func:`metric` blocks in a row of equal columns (``st.columns(n)``, one metric each);
    on a phone one under the other."""
    return (f'<div class="xd-metrics" style="--xd-count: {len(items)}">'
            f'{"".join(items)}</div>')


_PYTHON_CLASSES = {tokenize.STRING: "xd-str", tokenize.NUMBER: "xd-num",
                   tokenize.COMMENT: "xd-com"}


@functools.lru_cache(maxsize=256)
def _python(source: str) -> str:
    """Python source as escaped HTML, keywords, strings, numbers and comments in spans (by the
    standard library's tokenizer; source it cannot read is shown plain). Remembered per
    source: tokenizing a lesson's PyTorch code takes about 0.7 ms, on every move that shows
    it, and a class keeps asking for the same few."""
    lines = source.splitlines(keepends=True)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return text(source)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))
    out, at = [], 0
    for token in tokens:
        kind = _PYTHON_CLASSES.get(token.type)
        if token.type == tokenize.NAME and keyword.iskeyword(token.string):
            kind = "xd-kw"
        if kind is None or token.start[0] > len(lines):
            continue
        start = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        out.append(text(source[at:start]))
        out.append(f'<span class="{kind}">{text(source[start:end])}</span>')
        at = end
    out.append(text(source[at:]))
    return "".join(out)


def code(source: str, *, language: str | None = None, wrap_lines: bool = False,
         label: str = "Code") -> str:
    """A block of code, as ``st.code``: monospace, on the theme's code background, scrolled
    sideways when long (wrapped with ``wrap_lines``), Python (``language="python"``)
    coloured, with a button that copies it. ``label`` names the block for screen readers."""
    if language not in (None, "python"):
        raise ValueError(f"code is coloured as 'python' or not at all, not {language!r}")
    shown = _python(source) if language == "python" else text(source)
    wrap = " xd-wrap" if wrap_lines else ""
    return (f'<div class="xd-code{wrap}"><pre tabindex="0" aria-label="{text(label)}">'
            f"<code>{shown}</code></pre>"
            '<button type="button" class="xd-copy" aria-label="Copy the code" title="Copy">'
            '<span class="xd-icon" aria-hidden="true" translate="no">content_copy</span>'
            "</button></div>")


# Streamlit's markdown, the part the pages write: backslash escapes (ui.text.escape_markdown),
# `code`, **bold**, *italic* or _italic_, [links](https://...), :material/icons:,
# :red[coloured text] (Streamlit's text colours).
_INLINE = re.compile(r"""
    \\(?P<escaped>[!-/:-@\[-`{-~])
  | `(?P<code>[^`]+)`
  | \*\*(?P<bold>(?:\\.|[^\\])+?)\*\*
  | (?<![\w*\\])\*(?P<star>(?:\\.|[^\\*\s])(?:(?:\\.|[^\\*])*?(?:\\.|[^\\*\s]))?)\*(?![\w*])
  | (?<![\w\\])_(?P<under>(?:\\.|[^\\_\s])(?:(?:\\.|[^\\_])*?(?:\\.|[^\\_\s]))?)_(?!\w)
  | \[(?P<link>(?:\\.|[^\\\]])+)\]\((?P<url>https?://[^)\s]+)\)
  | :material/(?P<icon>[a-z0-9_]+):
  | :(?P<colour>red|orange|yellow|green|blue|violet|gray|grey)\[(?P<coloured>(?:\\.|[^\\\]])+)\]
""", re.VERBOSE)
_LIST_ITEM = re.compile(r"^(?:[-*]|\d+\.) ")


def _inline(source: str) -> str:
    out, at = [], 0
    for match in _INLINE.finditer(source):
        out.append(text(source[at:match.start()]))
        at = match.end()
        group = match.lastgroup
        value = match.group(group)
        if group == "escaped":
            out.append(text(value))
        elif group == "code":
            out.append(f"<code>{text(value)}</code>")
        elif group == "bold":
            out.append(f"<strong>{_inline(value)}</strong>")
        elif group in ("star", "under"):
            out.append(f"<em>{_inline(value)}</em>")
        elif group == "coloured":
            colour = match.group("colour").replace("grey", "gray")
            out.append(f'<span class="xd-{colour}-text">{_inline(value)}</span>')
        elif group in ("link", "url"):
            out.append(f'<a href="{text(match.group("url"))}" target="_blank" '
                       f'rel="noopener noreferrer">{_inline(match.group("link"))}</a>')
        else:
            out.append(f'<span class="xd-icon" aria-hidden="true" translate="no">{value}</span>')
    out.append(text(source[at:]))
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def markdown(source: str) -> str:
    """Markdown as ``st.markdown`` shows it, the subset the pages write: paragraphs (split by
    blank lines; a single line break is a space), lists (lines starting ``- `` or ``1. ``),
    backslash escapes (so :func:`ui.text.escape_markdown` keeps a learner's text as typed),
    `` `code` ``, ``**bold**``, ``*italic*`` / ``_italic_``, ``[links](https://…)``,
    ``:material/icon_name:`` and ``:red[text]`` (Streamlit's colours, red to gray). Anything
    else shows as typed, never as HTML. Remembered per source (a page's fixed prose is
    converted once, not on every move)."""
    blocks = []
    for block in re.split(r"\n[ \t]*\n", source.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(_LIST_ITEM.match(line) for line in lines):
            tag = "ol" if lines[0][0].isdigit() else "ul"
            items = "".join(f"<li>{_inline(_LIST_ITEM.sub('', line))}</li>" for line in lines)
            blocks.append(f"<{tag}>{items}</{tag}>")
        else:
            blocks.append(paragraph(_inline(" ".join(lines))))
    return "".join(blocks)


def inline(source: str) -> str:
    """:func:`markdown` of one paragraph without its ``<p>``: for a :func:`caption`."""
    return markdown(source).removeprefix("<p>").removesuffix("</p>")


GAPS = {"small": "1rem", "medium": "2rem", "large": "4rem"}  # st.columns' gaps


def side_by_side(*blocks: str, widths: Sequence[float], gap: str = "large",
                 center: bool = False) -> str:
    """Blocks of HTML as columns of relative ``widths`` (``st.columns(widths, gap=gap)``, a
    key of :data:`GAPS`; ``center`` as ``vertical_alignment="center"``); on a phone one under
    the other."""
    if len(widths) != len(blocks):
        raise ValueError(f"{len(blocks)} blocks need {len(blocks)} widths, not {len(widths)}")
    if gap not in GAPS:
        raise ValueError(f"a gap is one of {', '.join(GAPS)}, not {gap!r}")
    grid = " ".join(f"minmax(0, {float(w):g}fr)" for w in widths)
    cells = "".join(f"<div>{block}</div>" for block in blocks)
    spacing = "" if gap == "large" else f"; --xd-gap: {GAPS[gap]}"
    classes = "xd-columns xd-center" if center else "xd-columns"
    return f'<div class="{classes}" style="--xd-widths: {grid}{spacing}">{cells}</div>'


def box(*blocks: str) -> str:
    """Blocks of HTML in a bordered box, as ``st.container(border=True)``."""
    return f'<div class="xd-box xd-bordered">{"".join(blocks)}</div>'


def details(key: str, *blocks: str, container=None) -> None:
    """Draw ``blocks`` (HTML from this module's functions) as the element named ``key``; the
    next run with the same ``key`` updates it in place. In a ``container`` a lesson
    fragment did not draw, it is a place (:mod:`ui.live`): a move updates it without
    drawing it again."""
    draw_in_place(key, {"html": "".join(blocks), "large": presenting()},
                  lambda data: _details(key=key, data=data), container)
