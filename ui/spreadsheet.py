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

JS = r"""
function make(tag, className) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  return el;
}

const STRUCTURAL = new Set(['add', 'delete']);

// The edits not applied yet, numbered; all go with every edit (see the module docstring).
function send(root, row, column, text) {
  const xs = root.__xs;
  xs.seq += 1;
  const key = STRUCTURAL.has(column) ? `${column}:${xs.seq}` : `${row}:${column}`;  // ui.edits
  for (const [k, edit] of Object.entries(xs.edits)) {
    if (edit.seq <= xs.applied) delete xs.edits[k];
  }
  xs.edits[key] = { row, source: column, text, seq: xs.seq };
  if (STRUCTURAL.has(column)) {
    xs.refocus = { row, column };  // the button pressed, to give the focus back to
    busy(root, true);
  }
  xs.setStateValue('edits', { ...xs.edits });
}

function waiting(root, row, column) {
  const edit = root.__xs.edits[`${row}:${column}`];
  return Boolean(edit) && edit.seq > root.__xs.applied;
}

function structuralPending(root) {
  const xs = root.__xs;
  return Object.values(xs.edits).some((e) => STRUCTURAL.has(e.source) && e.seq > xs.applied);
}

function busy(root, on) {
  root.classList.toggle('xs-busy', on);
  root.querySelector('table').setAttribute('aria-busy', on ? 'true' : 'false');
  root.querySelectorAll('tbody input:not([data-fixed]), tbody select, button')
    .forEach((el) => { el.disabled = on || el.dataset.off === 'true'; });
}

function format(value, kind) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : (value > 0 ? '∞' : '−∞');
  if (kind === 'int') return String(Math.round(value));
  if (kind === 'fixed4') return value.toFixed(4).replace('-', '−');
  // 'g4': four significant digits, no trailing zeros (as Python's "%.4g")
  const text = Number(value.toPrecision(4)).toString();
  return text.replace('-', '−');
}

function build(root, data) {
  root.querySelector('caption').textContent = data.caption;
  const head = make('tr');
  data.columns.forEach((column) => {
    const th = make('th', column.kind === 'text' || column.kind === 'select' ? 'xs-text' : '');
    th.scope = 'col';
    th.textContent = column.title;
    if (column.help) th.title = column.help;
    head.appendChild(th);
  });
  if (data.deletable && !data.columns.some((column) => column.kind === 'row')) {
    const th = make('th');
    th.scope = 'col';
    const text = make('span', 'xs-sr');
    text.textContent = 'Delete';
    th.appendChild(text);
    head.appendChild(th);
  }
  root.querySelector('thead').replaceChildren(head);
  const body = root.querySelector('tbody');
  body.replaceChildren();
  data.rows.forEach((row, i) => {
    const tr = make('tr');
    data.columns.forEach((column) => {
      const isHeader = column.kind === 'row';
      const td = make(isHeader ? 'th' : 'td', column.kind === 'text' || column.kind === 'select'
        ? 'xs-text' : '');
      if (isHeader) {
        td.scope = 'row';
        td.appendChild(make('span'));
      }
      if (column.kind === 'input') {
        const input = make('input');
        input.type = 'text';
        input.inputMode = 'decimal';
        input.autocomplete = 'off';
        input.dataset.column = column.key;
        if (column.max_chars) input.maxLength = column.max_chars;
        const commit = () => {
          if (!input.disabled && input.value !== input.dataset.sent) {
            input.dataset.sent = input.value;
            send(root, i, column.key, input.value);
          }
        };
        input.addEventListener('keydown', (event) => { if (event.key === 'Enter') commit(); });
        input.addEventListener('change', commit);
        td.appendChild(input);
      } else if (column.kind === 'select') {
        const select = make('select');
        select.dataset.column = column.key;
        ['', ...column.options].forEach((option) => {
          const el = make('option');
          el.value = option;
          el.textContent = option || '—';
          if (!option) el.disabled = true;
          select.appendChild(el);
        });
        select.addEventListener('change', () => send(root, i, column.key, select.value));
        td.appendChild(select);
      }
      tr.appendChild(td);
    });
    if (data.deletable) {  // in the row's header cell, beside its number (else at the end)
      const remove = make('button', 'xs-delete');
      remove.type = 'button';
      remove.textContent = '✕';
      remove.addEventListener('click', () => send(root, i, 'delete', ''));
      const header = tr.querySelector('th');
      if (header) header.append(remove);
      else tr.appendChild(make('td')).appendChild(remove);
    }
    body.appendChild(tr);
  });
}

// A value from the server replaces what an input shows, unless the learner is in the middle
// of it: an edit sent and not answered yet, or text typed and not committed in a focused box.
function show(root, input, row, column, text) {
  const typing = document.activeElement === input && input.value !== input.dataset.sent;
  if (waiting(root, row, column) || typing) return;
  input.value = text;
  input.dataset.sent = text;
}

function update(root, data) {
  const columns = data.columns;
  root.querySelectorAll('tbody tr').forEach((tr, i) => {
    const row = data.rows[i];
    tr.classList.toggle('xs-flagged', Boolean(row.flagged));
    columns.forEach((column, c) => {
      const cell = tr.children[c];
      const value = row.cells[c];
      const name = `Row ${i + 1}, ${column.title}`;
      if (column.kind === 'input') {
        const input = cell.firstChild;
        const off = Boolean(row.disabled && row.disabled.includes(column.key));
        input.dataset.off = String(off);
        input.disabled = off;
        input.setAttribute('aria-label', name);
        input.setAttribute('aria-invalid', String(row.invalid.includes(column.key)));
        show(root, input, i, column.key, off ? format(value, column.format) : value);
      } else if (column.kind === 'select') {
        const select = cell.firstChild;
        select.setAttribute('aria-label', name);
        if (!waiting(root, i, column.key)) select.value = value || '';
      } else if (column.kind === 'row') {
        cell.firstChild.textContent = format(value, column.format);
      } else {
        cell.textContent = format(value, column.format);
      }
    });
    if (data.deletable) {
      const remove = tr.querySelector('.xs-delete');
      remove.dataset.off = String(data.rows.length <= 1);
      remove.setAttribute('aria-label', `Delete row ${i + 1}`);
      remove.title = data.rows.length <= 1 ? 'The table needs at least one row'
        : `Delete row ${i + 1}`;
    }
  });
  const add = root.querySelector('.xs-add');
  add.hidden = !data.add_label;
  add.textContent = `+ ${data.add_label}`;
  add.dataset.off = String(data.rows.length >= data.max_rows);
  add.title = data.rows.length >= data.max_rows
    ? `The table holds at most ${data.max_rows} rows` : data.add_label;
  busy(root, structuralPending(root));
  refocus(root);
}

// After a row was added or deleted (the buttons were disabled meanwhile, and the rows built
// again), the keyboard focus goes back to the add button, or to the delete button now in the
// deleted row's place, unless the learner has moved it elsewhere since.
function refocus(root) {
  const xs = root.__xs;
  const active = document.activeElement;
  if (!xs.refocus || structuralPending(root)) return;
  const where = xs.refocus;
  xs.refocus = null;
  if (active && active !== document.body && !root.contains(active)) return;
  let target = root.querySelector('.xs-add');
  if (where.column === 'delete') {
    const rows = root.querySelectorAll('tbody tr');
    const tr = rows[Math.min(where.row, rows.length - 1)];
    target = (tr && tr.querySelector('.xs-delete')) || target;
  }
  if (target && !target.disabled && !target.hidden) target.focus();
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const root = parentElement.querySelector('.xent-sheet');
  if (!root.__xs) {
    root.__xs = { seq: 0, applied: 0, edits: {}, shape: '' };
    root.querySelector('.xs-add').addEventListener('click', () => send(root, -1, 'add', ''));
  }
  const xs = root.__xs;
  xs.setStateValue = setStateValue;
  xs.applied = data.applied;
  xs.seq = Math.max(xs.seq, data.applied);  // a page loaded again numbers on from the server
  root.classList.toggle('xs-large', Boolean(data.large));
  const shape = JSON.stringify([data.rows.length, data.columns, data.deletable, data.caption]);
  if (xs.shape !== shape) {
    build(root, data);
    xs.shape = shape;
  }
  update(root, data);
}
"""

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
