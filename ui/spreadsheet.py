"""A small spreadsheet as one element: a table whose input cells a learner types into.

Why not ``st.data_editor``: the data editor takes a pandas DataFrame, which Streamlit turns
into Arrow bytes on every run, and the browser draws it on a canvas (glide-data-grid). On the
cat-vs-dog page that was about a quarter of the server's work per edit, and the grid, driven
at a script's speed, sometimes dropped a typed value. Here the server sends the cells as
plain numbers and text; the browser keeps one HTML table and updates its cells in place, so
an edit keeps the keyboard focus where it was.

Python keeps every rule. The browser sends *what the learner did*: text committed in a cell
(Enter, Tab or leaving it), a choice in a select cell, a row deleted or added, as numbered
edits (:mod:`ui.edits`), so an edit is not lost when another follows before the server has
answered; while a row is being added or deleted the table takes no other edit (the rows'
numbers are about to change). :func:`spreadsheet` hands each new edit, oldest first, to the
page's ``on_edit`` (``edit.source``: the column's key, ``"add"`` or ``"delete"``).

Accessible as a table: column headers (``th scope=col``, with their help as a description),
every input named by its row and column ("Row 3, A · P(cat)"), a delete button per row, and
the computed cells as text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from ui.assets import element_js
from ui.edits import Edit, last_applied, pending_edits
from ui.presenter import presenting

HTML = ('<div class="xent-sheet" data-testid="xent-sheet"><div class="xs-scroll"><table>'
        '<caption></caption><thead></thead><tbody></tbody></table></div>'
        '<button type="button" class="xs-add"></button></div>')

CSS = """
.xent-sheet { color: var(--st-text-color); font-family: var(--st-font, inherit);
              font-size: 0.875rem; }
.xent-sheet .xs-scroll { overflow-x: auto; border-radius: var(--st-base-radius, 0.5rem);
  border: 1px solid var(--st-border-color, rgba(128, 128, 128, 0.4)); }
.xent-sheet table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.xent-sheet caption, .xent-sheet .xs-sr { position: absolute; width: 1px; height: 1px;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.xent-sheet th, .xent-sheet td { padding: 0.2rem 0.35rem; text-align: right;
  white-space: nowrap; border-bottom: 1px solid var(--st-border-color, rgba(128, 128, 128, 0.25)); }
.xent-sheet thead th { font-weight: 600; background: var(--st-secondary-background-color);
  position: sticky; top: 0; cursor: help; }
.xent-sheet tbody tr:last-child td, .xent-sheet tbody tr:last-child th { border-bottom: 0; }
.xent-sheet .xs-text { text-align: left; }
.xent-sheet tbody th { font-weight: 400; text-align: left; }
.xent-sheet tr.xs-flagged td { font-weight: 700; }
.xent-sheet tr.xs-flagged th { box-shadow: inset 4px 0 0 var(--st-red-color, #C62828); }
.xent-sheet input, .xent-sheet select { font: inherit; color: var(--st-text-color);
  background: var(--st-background-color); box-sizing: border-box; height: 2.1em;
  border: 1px solid var(--st-border-color, rgba(128, 128, 128, 0.4));
  border-radius: calc(var(--st-base-radius, 0.5rem) / 2); }
.xent-sheet input { width: 4.6em; text-align: right; padding: 0 0.4em; }
.xent-sheet select { padding: 0 0.2em; }
.xent-sheet input[aria-invalid=true] { border-color: var(--st-red-color, #C62828);
  border-width: 2px; }
.xent-sheet input:disabled { background: transparent; border-color: transparent; opacity: 1; }
.xent-sheet input:focus-visible, .xent-sheet select:focus-visible,
.xent-sheet button:focus-visible { outline: 2px solid var(--st-primary-color);
  outline-offset: 1px; }
.xent-sheet button { font: inherit; color: var(--st-text-color); background: transparent;
  cursor: pointer; border: 1px solid var(--st-border-color, rgba(128, 128, 128, 0.4));
  border-radius: calc(var(--st-base-radius, 0.5rem) / 2); height: 2.1em; }
.xent-sheet .xs-delete { width: 1.9em; height: 1.9em; margin-left: 0.3em; padding: 0;
  font-size: 0.85em; }
.xent-sheet .xs-add { margin-top: 0.5rem; padding: 0 0.8em; }
.xent-sheet button:disabled { opacity: 0.4; cursor: not-allowed; }
.xent-sheet.xs-busy tbody { opacity: 0.6; }
.xent-sheet.xs-large { font-size: 1.25rem; }
"""

JS = element_js("spreadsheet.js")  # ui/spreadsheet.js, loaded once per tab (ui/assets.py)

_sheet = st.components.v2.component("xent.spreadsheet", html=HTML, css=CSS, js=JS,
                                    isolate_styles=False)


@dataclass(frozen=True)
class Column:
    """One column. ``kind``: ``"row"`` (the row's header cell), ``"input"`` (a text box the
    learner types a number into), ``"select"`` (one of ``options``), ``"number"`` (a computed
    number, shown with ``format``: ``"g4"`` four significant digits, ``"fixed4"`` four
    decimals, ``"int"``) or ``"text"``."""

    key: str
    title: str
    kind: str = "number"
    help: str = ""
    format: str = "g4"
    options: tuple[str, ...] = ()
    max_chars: int = 0  # inputs: the most characters a cell takes (0: no limit)


@dataclass(frozen=True)
class SheetRow:
    """One row's cells, in the columns' order: an input's text, a select's choice, a number
    (``None`` for an empty cell) or text. ``disabled`` lists the input columns shown but not
    editable in this row (their cell is then a number); ``invalid`` the input columns whose
    text is not usable (marked, and ``aria-invalid``; the page says why); ``flagged`` draws
    the row in bold with a red mark."""

    cells: tuple
    disabled: tuple[str, ...] = ()
    invalid: tuple[str, ...] = ()
    flagged: bool = False


def spreadsheet(key: str, columns: Sequence[Column], rows: Sequence[SheetRow], *,
                on_edit: Callable[[Edit], None], caption: str,
                deletable: bool = True, add_label: str = "", max_rows: int = 20) -> None:
    """Draw the table as one element named ``key``; each new edit goes to ``on_edit``, oldest
    first, before the rest of the run (as a widget's ``on_change``).

    ``caption`` names the table for screen readers; ``add_label`` is the add-a-row button's
    text (none without it); ``max_rows`` disables that button once the table is full.
    """
    def changed() -> None:
        for edit in pending_edits(key):
            on_edit(edit)

    _sheet(key=key, on_edits_change=changed, data={
        "columns": [vars(column) | {"options": list(column.options)} for column in columns],
        "rows": [{"cells": list(row.cells), "disabled": list(row.disabled),
                  "invalid": list(row.invalid), "flagged": row.flagged} for row in rows],
        "caption": caption, "deletable": deletable, "add_label": add_label,
        "max_rows": max_rows, "applied": last_applied(key), "large": presenting(),
    })
