// The browser side of ui/class_rows.py (loaded once per tab from static/, ui/assets.py,
// after ui/edits.js: showValue).

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

function fillHead(head, texts) {
  head.replaceChildren(...texts.map((text) => {
    const span = cell('span');
    span.textContent = text;
    return span;
  }));
}

function build(root, data) {
  fillHead(root.querySelector('.xr-head'), data.head);
  const body = root.querySelector('.xr-body');
  body.replaceChildren();
  data.rows.forEach((row, i) => {
    if (row.lead) {  // a group of rows of another quantity starts here: what it is
      const lead = cell('div', 'xr-lead');
      lead.textContent = row.lead;
      body.appendChild(lead);
    }
    if (row.head.length) {
      const head = cell('div', 'xr-head');
      fillHead(head, row.head);
      body.appendChild(head);
    }
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

function update(root, data) {
  root.querySelectorAll('.xr-row').forEach((el, i) => {
    const row = data.rows[i];
    const name = el.firstElementChild;
    const slider = el.querySelector('.xr-slider');
    const box = el.querySelector('.xr-box');
    if (data.editable_names) {
      name.setAttribute('aria-label', `Name of class ${i + 1}`);
      showValue(name, row.name_text, waiting(root, i, 'name'));
      name.setAttribute('aria-invalid', row.name_error ? 'true' : 'false');
    } else {
      name.textContent = row.name;
      name.title = row.name;
    }
    if (slider) {
      slider.min = row.low ?? data.low;
      slider.max = row.high ?? data.high;
      slider.step = row.step ?? data.step;
      slider.setAttribute('aria-label', row.slider_label);
      if (!waiting(root, i, 'slider')) slider.value = row.slider;
    }
    box.setAttribute('aria-label', row.box_label);
    showValue(box, row.text, waiting(root, i, 'box'));
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
  const shape = JSON.stringify([data.head, data.rows.map((row) => [row.lead, row.head]),
                                data.editable_names, data.removable, data.sliders]);
  if (xr.shape !== shape) {
    build(root, data);
    xr.shape = shape;
  }
  update(root, data);
}
