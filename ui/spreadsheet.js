// The browser side of ui/spreadsheet.py (loaded once per tab from static/, ui/assets.py,
// after ui/edits.js: showValue).

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
        const shown = off ? format(value, column.format) : value;
        showValue(input, shown, waiting(root, i, column.key));
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
