"""A lesson's classes as one element: per class its name, a logit slider and an exact box.

Why one element: drawn with Streamlit's own widgets, a move resends every class's slider and
box (two widgets a class, each re-registered, serialised and sent by the server and drawn
again by the browser); here a move sends one element, which updates its rows in place, and
keeps the keyboard focus where it was.

Python keeps every rule. The browser sends *what the learner did* (a slider moved to a
value, text committed in a box with Enter or by leaving it, a class renamed or removed), and
:func:`class_rows` hands each edit to the page's callbacks: a box's text goes through the
same parser a link uses (:func:`ui.lesson_state.commit_number`), so an empty box, ``abc``,
``1e999`` or a number out of range changes nothing and the message says why, beside the box.

The browser keeps each row's latest edit, numbered, and sends them all with every edit; the
server applies those it has not applied yet, in order (:mod:`ui.edits`). So an edit is not
lost when a faster one follows before the server has answered.

Accessible as the widgets it replaces: a native range input (arrow keys move it by its step,
Home / End to its ends), text boxes with labels, messages in ``role="alert"`` tied to their
box by ``aria-describedby``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from ui.edits import Edit, last_applied, pending_edits
from ui.presenter import presenting

HTML = '<div class="xent-rows" data-testid="xent-rows"><div class="xr-head"></div>' \
       '<div class="xr-body"></div></div>'

CSS = """
.xent-rows { color: var(--st-text-color); font-family: var(--st-font, inherit);
             font-size: var(--xr-font, 1rem); }
.xent-rows .xr-head, .xent-rows .xr-row { display: grid; gap: 0.5rem; align-items: center;
  grid-template-columns: var(--xr-columns); }
.xent-rows .xr-head { font-size: 0.875em; margin-bottom: 0.25rem; }
.xent-rows .xr-row { margin-bottom: 0.5rem; }
.xent-rows .xr-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap;
                      font-weight: 600; }
.xent-rows input[type=range] { width: 100%; margin: 0; accent-color: var(--st-primary-color);
                               height: 2.5em; }
.xent-rows input[type=text] { width: 100%; box-sizing: border-box; font: inherit;
  height: 2.5em; padding: 0 0.6em; color: var(--st-text-color);
  background: var(--st-secondary-background-color);
  border: 1px solid var(--st-border-color, rgba(128, 128, 128, 0.4));
  border-radius: var(--st-base-radius, 0.5rem); }
.xent-rows input[aria-invalid=true] { border-color: var(--st-red-color, #C62828); }
.xent-rows input:focus-visible, .xent-rows button:focus-visible {
  outline: 2px solid var(--st-primary-color); outline-offset: 1px; }
.xent-rows button { height: 2.5em; width: 2.5em; font: inherit; font-size: 1.1em;
  color: var(--st-text-color); background: transparent; cursor: pointer;
  border: 1px solid var(--st-border-color, rgba(128, 128, 128, 0.4));
  border-radius: var(--st-base-radius, 0.5rem); }
.xent-rows button:disabled { opacity: 0.4; cursor: not-allowed; }
.xent-rows .xr-note { grid-column: 1 / -1; font-size: 0.875em; }
.xent-rows .xr-error { grid-column: 1 / -1; font-size: 0.875em; padding: 0.4em 0.6em;
  color: var(--st-text-color); border-radius: var(--st-base-radius, 0.5rem);
  border-left: 4px solid var(--st-red-color, #C62828);
  background: var(--st-secondary-background-color); }
.xent-rows [hidden] { display: none; }
/* cells: the rows side by side, a few to a line, each a label over its box (MNIST's digits) */
.xent-rows.xr-cells .xr-body { display: grid; gap: 0.5rem;
  grid-template-columns: repeat(var(--xr-cells), minmax(0, 1fr)); }
.xent-rows.xr-cells .xr-row { grid-template-columns: minmax(0, 1fr); gap: 0.2rem;
                              margin-bottom: 0; }
.xent-rows.xr-cells .xr-name { font-weight: 400; font-size: 0.875em; }
.xent-rows.xr-cells input[type=text] { padding: 0 0.35em; }
/* presenter mode: 20 px and more, as the page's text */
.xent-rows.xr-large { font-size: 1.25rem; }
.xent-rows.xr-large .xr-head, .xent-rows.xr-large .xr-note,
.xent-rows.xr-large .xr-error { font-size: 1em; }
"""

JS = r"""
function cell(tag, className) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  return el;
}

// Every row's latest edit of each kind, numbered; all of them go with each edit, and the
// server applies the ones it has not applied yet (see the module docstring).
function send(root, row, source, text) {
  const xr = root.__xr;
  xr.seq += 1;
  for (const [name, edit] of Object.entries(xr.edits)) {  // applied: the server has them
    if (edit.seq <= xr.applied) delete xr.edits[name];
  }
  xr.edits[`${row}:${source}`] = { row, source, text, seq: xr.seq };
  xr.setStateValue('edits', { ...xr.edits });
}

// Whether an edit of this input was sent and the server has not answered it yet.
function waiting(root, row, source) {
  const edit = root.__xr.edits[`${row}:${source}`];
  return Boolean(edit) && edit.seq > root.__xr.applied;
}

function commitOnEnterOrLeave(input, commit) {
  input.addEventListener('keydown', (event) => { if (event.key === 'Enter') commit(); });
  input.addEventListener('blur', commit);
}

function build(root, data) {
  const head = root.querySelector('.xr-head');
  head.replaceChildren(...data.head.map((text) => {
    const span = cell('span');
    span.textContent = text;
    return span;
  }));
  const body = root.querySelector('.xr-body');
  body.replaceChildren();
  data.rows.forEach((row, i) => {
    const el = cell('div', 'xr-row');
    let name;
    if (data.editable_names) {
      name = cell('input', 'xr-name-box');
      name.type = 'text';
      name.maxLength = data.name_length;
      name.autocomplete = 'off';
      commitOnEnterOrLeave(name, () => {
        if (name.value !== name.dataset.sent) {
          name.dataset.sent = name.value;
          send(root, i, 'name', name.value);
        }
      });
    } else {
      name = cell('span', 'xr-name');
    }
    const parts = [name];
    if (data.sliders) {
      const slider = cell('input', 'xr-slider');
      slider.type = 'range';
      slider.addEventListener('change', () => send(root, i, 'slider', slider.value));
      parts.push(slider);
    }
    const box = cell('input', 'xr-box');
    box.type = 'text';
    box.inputMode = 'decimal';
    box.autocomplete = 'off';
    commitOnEnterOrLeave(box, () => {
      if (box.value !== box.dataset.sent) {
        box.dataset.sent = box.value;
        send(root, i, 'box', box.value);
      }
    });
    el.append(...parts, box);
    if (data.removable) {
      const remove = cell('button', 'xr-remove');
      remove.type = 'button';
      remove.textContent = '✕';
      remove.addEventListener('click', () => send(root, i, 'remove', ''));
      el.append(remove);
    }
    const note = cell('div', 'xr-note');
    const error = cell('div', 'xr-error');
    error.setAttribute('role', 'alert');
    error.id = `${root.dataset.uid}-error-${i}`;
    el.append(note, error);
    body.appendChild(el);
  });
}

// A value from the server replaces what an input shows, unless the learner is in the middle
// of it: an edit sent and not answered yet, or text typed and not committed in a focused box.
function show(root, input, row, source, text) {
  const typing = document.activeElement === input && input.value !== input.dataset.sent;
  if (waiting(root, row, source) || typing) return;
  input.value = text;
  input.dataset.sent = text;
}

function update(root, data) {
  root.querySelectorAll('.xr-row').forEach((el, i) => {
    const row = data.rows[i];
    const name = el.firstElementChild;
    const slider = el.querySelector('.xr-slider');
    const box = el.querySelector('.xr-box');
    if (data.editable_names) {
      name.setAttribute('aria-label', `Name of class ${i + 1}`);
      show(root, name, i, 'name', row.name_text);
      name.setAttribute('aria-invalid', row.name_error ? 'true' : 'false');
    } else {
      name.textContent = row.name;
      name.title = row.name;
    }
    if (slider) {
      slider.min = data.low;
      slider.max = data.high;
      slider.step = data.step;
      slider.setAttribute('aria-label', row.slider_label);
      if (!waiting(root, i, 'slider')) slider.value = row.slider;
    }
    box.setAttribute('aria-label', row.box_label);
    show(root, box, i, 'box', row.text);
    box.setAttribute('aria-invalid', row.error ? 'true' : 'false');
    const error = el.querySelector('.xr-error');
    if (row.error) box.setAttribute('aria-describedby', error.id);
    else box.removeAttribute('aria-describedby');
    const remove = el.querySelector('.xr-remove');
    if (remove) {
      remove.disabled = !row.removable;
      remove.title = row.remove_help;
      remove.setAttribute('aria-label', row.removable ? `Remove ${row.name}` : row.remove_help);
    }
    const note = el.querySelector('.xr-note');
    note.textContent = row.note || '';
    note.hidden = !row.note;
    const message = row.name_error || row.error || '';
    error.textContent = message;
    error.hidden = !message;
  });
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  const root = parentElement.querySelector('.xent-rows');
  if (!root.__xr) {
    root.__xr = { seq: 0, applied: 0, edits: {}, shape: '' };
    root.dataset.uid = `xr${Math.random().toString(36).slice(2, 9)}`;
  }
  const xr = root.__xr;
  xr.setStateValue = setStateValue;
  xr.applied = data.applied;
  xr.seq = Math.max(xr.seq, data.applied);  // a page loaded again numbers on from the server
  root.style.setProperty('--xr-columns', data.columns);
  root.classList.toggle('xr-large', Boolean(data.large));
  root.classList.toggle('xr-cells', data.cells > 0);
  root.style.setProperty('--xr-cells', String(data.cells || 1));
  const shape = JSON.stringify([data.rows.length, data.head, data.editable_names,
                                data.removable, data.sliders]);
  if (xr.shape !== shape) {
    build(root, data);
    xr.shape = shape;
  }
  update(root, data);
}
"""

_rows = st.components.v2.component("xent.class_rows", html=HTML, css=CSS, js=JS,
                                   isolate_styles=False)


@dataclass(frozen=True)
class Row:
    """One class as the element draws it."""

    name: str  # the class's name
    box_label: str  # the exact box's accessible name, e.g. "Logit of fish (exact)"
    text: str  # what the exact box shows: the value, or text that was not used
    slider_label: str = ""  # the slider's, e.g. "Logit of fish (slider)" (rows with sliders)
    slider: float = 0.0  # where the slider sits (the value, held to the slider's range)
    error: str | None = None  # why that text was not used
    note: str | None = None  # a line under the row (e.g. "beyond the slider's range")
    name_text: str = ""  # editable names: what the name box shows
    name_error: str | None = None  # ... and why that name was not taken
    removable: bool = False
    remove_help: str = ""


def class_rows(key: str, rows: Sequence[Row], *, on_edit: Callable[[Edit], None],
               head: Sequence[str] = (), sliders: bool = True, low: float = -10.0,
               high: float = 10.0, step: float = 0.01, editable_names: bool = False,
               removable: bool = False, name_length: int = 40,
               columns: str = "minmax(4rem, 1.1fr) 4fr minmax(5.5rem, 1.7fr)",
               cells: int = 0) -> None:
    """Draw the rows as one element named ``key``; each new edit goes to ``on_edit``
    (before the rest of the run, as a widget's ``on_change``).

    ``columns`` lays out a row (CSS grid columns: name, slider, box, remove button);
    ``sliders=False`` leaves the sliders out; ``cells=n`` sets the rows side by side, ``n``
    to a line, each its name over its box.
    """
    def changed() -> None:
        for edit in pending_edits(key):
            on_edit(edit)

    _rows(key=key, on_edits_change=changed, data={
        "rows": [vars(row) for row in rows], "head": list(head), "low": low, "high": high,
        "step": step, "sliders": sliders, "cells": cells,
        "editable_names": editable_names, "removable": removable,
        "name_length": name_length, "columns": columns,
        "applied": last_applied(key), "large": presenting(),
    })
