// Charts as plain SVG: the chart element's own route (ui/live_chart.js), for the figures
// ui.live_chart.drawn_as_svg(figure) passes: bars (one or more traces side by side, values
// above, patterns, outlines) and lines and markers (dash styles, gradient-step arrows), on
// one or more pairs of axes (side by side or stacked, a second y axis on the right), linear
// or log, with dashed guide lines, plain notes, a legend and hover labels. Same spec as
// Plotly's, same look (house fonts, the figure's colours, the theme's text, grid and
// background), drawn in a few milliseconds where Plotly.react takes 20-60 ms a chart.
//
// The SVG keeps Plotly's class names for what tests and screenshots read: svg.main-svg,
// .gtitle, .xtick / .ytick text, .bars .point path, .legend rect.bg, .legendtext.
//
// svgChart(figure, width, height, theme, id) -> { svg, points }: the markup, and the points
// whose hover labels the element shows (nearest to the pointer).

const SVG_NS = 'http://www.w3.org/2000/svg';
const MINUS = '\u2212';  // Plotly's minus sign in tick labels
const BARGAP = 0.2;  // Plotly's default gap between groups of bars (a share of a slot)
let measureContext = null;

function textWidth(text, size, family, weight = 'normal') {
  if (!measureContext) measureContext = document.createElement('canvas').getContext('2d');
  measureContext.font = `${weight} ${size}px ${family}`;
  return measureContext.measureText(text).width;
}

// Plotly reads a few HTML entities in labels (the pages escape user text with them); the SVG
// shows the same characters, escaped again for the markup built here.
function plainText(value) {
  return String(value ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, '&');
}

function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

// A label that may hold Plotly's <b> markup (a tick naming the true class): its text, its
// width, and its SVG (bold parts as tspans; user text stays escaped).
function richLabel(value, size, family) {
  const parts = String(value ?? '').split(/(<b>|<\/b>)/);
  let bold = false;
  let text = '';
  let width = 0;
  let svg = '';
  parts.forEach((part) => {
    if (part === '<b>' || part === '</b>') { bold = part === '<b>'; return; }
    const plain = plainText(part);
    text += plain;
    width += textWidth(plain, size, family, bold ? 'bold' : 'normal');
    svg += bold ? `<tspan font-weight="bold">${escapeXml(plain)}</tspan>` : escapeXml(plain);
  });
  return { text, width, svg };
}

// A trace's numbers: a list, or NumPy's typed array as Plotly sends it ({dtype, bdata}).
const TYPED = { f8: Float64Array, f4: Float32Array, i4: Int32Array, i2: Int16Array,
                i1: Int8Array, u4: Uint32Array, u2: Uint16Array, u1: Uint8Array };
function values(data) {
  if (data === undefined || data === null) return [];
  if (Array.isArray(data)) return data;
  if (data.bdata !== undefined) {
    const bytes = Uint8Array.from(atob(data.bdata), (c) => c.charCodeAt(0));
    return Array.from(new TYPED[data.dtype](bytes.buffer));
  }
  return [data];
}

const finite = (v) => typeof v === 'number' && Number.isFinite(v);
const each = (value, i) => (Array.isArray(value) ? value[i % value.length] : value);

// Plotly's automatic tick step: the span over 5 to 10 ticks (one per 80 px along an x axis,
// 30 px up a y axis), rounded up to 1, 2 or 5 times a power of ten.
function tickStep(span, length, letter) {
  const count = Math.min(Math.max(length / (letter === 'y' ? 30 : 80), 4), 9) + 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

function minusSign(text) {
  return text.startsWith('-') ? MINUS + text.slice(1) : text;
}

// A tick's number with the step's decimals, trailing zeros dropped as Plotly does (0.5, 1).
function tickLabel(value, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const text = Math.abs(value) < step / 1e6 ? '0' : value.toFixed(decimals);
  return minusSign(text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text);
}

// Hover text from a trace's hovertemplate: %{x}, %{y}, %{customdata} (or one of a point's
// %{customdata[k]}), %{hovertext}, each optionally formatted as d3 does (:.4f, :.2e, :.4g);
// <br> breaks the line, <extra> is the trace's side label (shown after a gap).
function hoverText(trace, i) {
  const template = trace.spec.hovertemplate || '%{y}';
  const field = /%\{(\w+)(?:\[(\d+)\])?(?::\.(\d+)([efg]))?\}/g;
  const filled = template.replace(field, (_, name, k, digits, kind) => {
    let value = each(trace.columns[name] ?? trace.spec[name], i);
    if (k !== undefined) value = Array.isArray(value) ? value[+k] : undefined;
    if (digits === undefined || typeof value !== 'number') return plainText(value ?? '');
    const text = kind === 'f' ? value.toFixed(+digits)
      : kind === 'e' ? value.toExponential(+digits) : value.toPrecision(+digits);
    return minusSign(text);
  });
  return filled.replace(/<extra>(.*?)<\/extra>/g, (_, extra) => (extra ? `   ${extra}` : ''))
    .split('<br>').map(plainText).join('\n');
}

// Text on a bar of colour `color` (#RRGGBB): dark on a light bar, white on a dark one, as
// Plotly picks it.
function contrastText(color) {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(String(color));
  if (!match) return '#444444';
  const [r, g, b] = match.slice(1).map((h) => parseInt(h, 16) / 255);
  return 0.299 * r + 0.587 * g + 0.114 * b > 0.5 ? '#444444' : '#FFFFFF';
}

// Plotly's dash styles, scaled by the line's width as Plotly does.
function dashArray(dash, width) {
  const w = Math.max(width, 3);
  const styles = { dot: [w, w], dash: [3 * w, 3 * w], longdash: [5 * w, 5 * w],
                   dashdot: [3 * w, w, w, w] };
  return styles[dash] ? ` stroke-dasharray="${styles[dash].join(',')}"` : '';
}

// ------------------------------------------------------------------------ axes and traces

function axisKey(id) {
  return `${id[0]}axis${id.slice(1)}`;
}

function collectAxes(figure) {
  const layout = figure.layout;
  const axes = {};
  const make = (id) => {
    if (axes[id]) return axes[id];
    const spec = layout[axisKey(id)] || {};
    const letter = id[0];
    axes[id] = { id, letter, spec, domain: spec.domain || [0, 1],
                 anchor: spec.anchor || (letter === 'x' ? 'y' : 'x'),
                 overlaying: spec.overlaying || null,
                 side: spec.side || (letter === 'x' ? 'bottom' : 'left'),
                 log: spec.type === 'log', categories: null, data: [], pads: [] };
    return axes[id];
  };
  make('x');
  make('y');
  Object.keys(layout).forEach((key) => {
    const match = /^([xy])axis(\d*)$/.exec(key);
    if (match) make(match[1] + match[2]);
  });
  figure.data.forEach((trace) => { make(trace.xaxis || 'x'); make(trace.yaxis || 'y'); });
  Object.values(axes).forEach((axis) => {  // an overlaying axis shares the other's place
    if (axis.overlaying && axes[axis.overlaying]) axis.domain = axes[axis.overlaying].domain;
    if (!axes[axis.anchor]) axis.anchor = axis.letter === 'x' ? 'y' : 'x';
  });
  return axes;
}

function collectTraces(figure, axes) {
  return figure.data.map((spec, index) => {
    const trace = { spec, index, kind: spec.type, xa: axes[spec.xaxis || 'x'],
                    ya: axes[spec.yaxis || 'y'], x: values(spec.x), y: values(spec.y),
                    columns: {} };
    trace.columns = { x: trace.x, y: trace.y, customdata: values(spec.customdata),
                      hovertext: spec.hovertext, text: spec.text };
    const mode = spec.mode || (spec.type === 'bar' ? '' : 'lines+markers');
    // a bar's place runs along x (upright bars) or y (orientation "h"), its value along the other
    trace.horizontal = spec.type === 'bar' && spec.orientation === 'h';
    trace.lines = spec.type === 'scatter' && mode.includes('lines');
    trace.markers = spec.type === 'scatter' && mode.includes('markers');
    trace.texts = spec.type === 'scatter' && mode.includes('text');
    return trace;
  });
}

// Category axes (bars named by class): the names in order; a bar's place is its index.
function placeCategories(traces, axes) {
  Object.values(axes).forEach((axis) => {
    const names = [];
    traces.forEach((trace) => {
      const column = axis.letter === 'x' ? trace.x : trace.y;
      if ((axis.letter === 'x' ? trace.xa : trace.ya) !== axis) return;
      column.forEach((v) => { if (typeof v === 'string' && !names.includes(v)) names.push(v); });
    });
    if (names.length) axis.categories = names;
  });
  traces.forEach((trace) => {
    if (trace.xa.categories) trace.x = trace.x.map((v) => trace.xa.categories.indexOf(v));
    if (trace.ya.categories) trace.y = trace.y.map((v) => trace.ya.categories.indexOf(v));
    [trace.pa, trace.va] = trace.horizontal ? [trace.ya, trace.xa] : [trace.xa, trace.ya];
    [trace.place, trace.value] = trace.horizontal ? [trace.y, trace.x] : [trace.x, trace.y];
  });
}

// Bars side by side (barmode "group") or on top of each other ("stack"): each bar trace's
// offset and width within a slot of its place axis, and where each of its bars starts.
function placeBars(traces, layout) {
  const bars = traces.filter((t) => t.kind === 'bar');
  const slotWidth = 1 - (layout.bargap ?? BARGAP);
  const stacked = layout.barmode === 'stack';
  const groups = {};
  bars.forEach((t) => { (groups[`${t.xa.id}${t.ya.id}`] ||= []).push(t); });
  Object.values(groups).forEach((group) => {
    const width = stacked ? slotWidth : slotWidth / group.length;
    const [above, below] = [{}, {}];  // a stack's ends so far at each place, up and down
    group.forEach((t, k) => {
      t.barWidth = width;
      t.offset = stacked ? 0 : -slotWidth / 2 + (k + 0.5) * width;
      t.groupSize = stacked ? 1 : group.length;
      t.base = t.value.map((v, i) => {
        if (!stacked || !finite(v)) return 0;
        const ends = v < 0 ? below : above;
        const base = ends[t.place[i]] || 0;
        ends[t.place[i]] = base + v;
        return base;
      });
    });
  });
}

// What each axis must show: its data (bars from 0), and room in px beyond it for markers
// and values written above bars.
function gatherRanges(traces, fontSize, family, slotPx) {
  traces.forEach((t) => {
    const xs = t.x.filter(finite);
    const ys = t.y.filter(finite);
    if (t.kind === 'bar') {  // a slot of width 1 per bar place, as Plotly's autorange
      const places = t.place.filter(finite);
      t.pa.data.push(...places.map((v) => v - 0.5), ...places.map((v) => v + 0.5));
      t.pa.places = true;  // no grid lines through the bars
      t.va.data.push(0, ...t.value.map((v, i) => v + t.base[i]).filter(finite));
      t.va.bars = true;
      t.va.linePad = true;  // 5 % beyond the longest bar, as Plotly's autorange
      if (t.spec.text) {  // a line of room for the values, two when some may move out
        const size = (t.spec.textfont || {}).size || fontSize;
        const slot = slotPx / Math.max(places.length, 1) / t.groupSize;
        const texts = values(t.spec.text).map(plainText);
        const wide = texts.some((text) => textWidth(text, size, family) + 4 > slot);
        if (!t.horizontal && t.spec.textposition !== 'inside') {
          t.va.textRoom = Math.max(t.va.textRoom || 0, size * (wide ? 2.3 : 1.3));
        }
      }
    } else {
      t.xa.data.push(...xs);
      t.ya.data.push(...ys);
      if (t.markers) {
        const size = Math.max(0, ...values((t.spec.marker || {}).size ?? 6).filter(finite));
        t.xa.pads.push(size / 2 + 2);
        t.ya.pads.push(size / 2 + 2);
      }
      if (t.lines) t.ya.linePad = true;
    }
  });
}

// The axis's range in its own units (log10 of the values for a log axis), given its length
// in px: the spec's, or (as Plotly's autorange) its data with room as gathered.
function axisRange(axis, length) {
  const spec = axis.spec;
  if (spec.range) return axis.log ? spec.range : spec.range.slice();
  if (axis.categories) {
    const n = axis.categories.length;
    return [-0.5, n - 0.5];
  }
  let data = axis.data.filter(finite);
  if (axis.log) data = data.filter((v) => v > 0).map(Math.log10);
  if (spec.rangemode === 'tozero' && !axis.log) data.push(0);
  if (!data.length) return [0, 1];
  let low = Math.min(...data);
  let high = Math.max(...data);
  if (high - low < 1e-12) { low -= 1; high += 1; }
  const span = high - low;
  let padPx = Math.max(0, ...axis.pads);
  if (axis.textRoom) padPx = Math.max(padPx, axis.textRoom);
  const fraction = Math.max(padPx / Math.max(length - 2 * padPx, length / 2),
                            axis.linePad ? 0.05 : 0);
  const pinned = (v) => (axis.bars || spec.rangemode === 'tozero') && v === 0;
  return [pinned(low) ? 0 : low - span * fraction, pinned(high) ? 0 : high + span * fraction];
}

function axisTicks(axis, range, length, size, family) {
  const spec = axis.spec;
  const [low, high] = range;
  const within = (v) => {
    const u = axis.log ? Math.log10(v) : v;
    return u >= Math.min(low, high) - 1e-9 && u <= Math.max(low, high) + 1e-9;
  };
  let ticks;
  if (spec.tickvals) {
    const texts = spec.ticktext || spec.tickvals.map((v) => minusSign(String(+(+v).toPrecision(12))));
    ticks = spec.tickvals.map((v, k) => ({ value: axis.categories && typeof v === 'string'
      ? axis.categories.indexOf(v) : v, text: texts[k] })).filter((t) => within(t.value));
  } else if (axis.categories) {
    ticks = axis.categories.map((name, k) => ({ value: k, text: name }));
  } else {
    const step = tickStep(high - low, length, axis.letter);
    ticks = [];
    for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + step * 1e-9; v += step) {
      const value = Math.abs(v) < step * 1e-9 ? 0 : v;
      ticks.push({ value, text: tickLabel(value, step) });
    }
  }
  if (spec.showticklabels === false) ticks.forEach((t) => { t.text = ''; });
  ticks.forEach((t) => Object.assign(t, { label: richLabel(t.text, size, family) }));
  return ticks;
}

// ------------------------------------------------------------------------------ legend

function legendItems(figure, traces) {
  if (!figure.layout.showlegend) return [];
  return traces.filter((t) => t.spec.showlegend !== false && t.spec.name);
}

function legendSymbol(t, x, y, theme, patterns) {
  const s = t.spec;
  if (t.kind === 'bar') {
    const fill = patterns(t, 0);
    const line = (s.marker || {}).line || {};
    const w = each(line.width ?? 0, 0);
    const stroke = w ? ` stroke="${line.color || theme.text}" stroke-width="${Math.min(w, 2)}"`
      : '';
    return `<rect x="${x + 7}" y="${y - 6}" width="16" height="12" fill="${fill}"${stroke}/>`;
  }
  const out = [];
  if (t.lines) {
    const line = s.line || {};
    const width = Math.min(line.width || 2, 4);
    out.push(`<line x1="${x}" x2="${x + 30}" y1="${y}" y2="${y}" stroke="${line.color
      || theme.text}" stroke-width="${width}"${dashArray(line.dash, width)}/>`);
  }
  if (t.markers) {
    const marker = s.marker || {};
    out.push(`<circle cx="${x + 15}" cy="${y}" r="4" fill="${each(marker.color
      || theme.text, 0)}"/>`);
  }
  return out.join('');
}

// The legend's items laid out in rows (a horizontal legend wraps at the plot's width).
function legendBox(items, layout, width, fontSize, family) {
  const legend = layout.legend || {};
  const horizontal = legend.orientation === 'h';
  const rowHeight = Math.round(fontSize * 1.6);
  const placed = [];
  let [x, row, widest] = [0, 0, 0];
  items.forEach((t) => {
    const label = richLabel(t.spec.name, fontSize, family);
    const itemWidth = 40 + label.width + (horizontal ? 12 : 0);
    if (horizontal && x > 0 && x + itemWidth > width) { x = 0; row += 1; }
    placed.push({ trace: t, label, dx: x, dy: row * rowHeight });
    if (horizontal) x += itemWidth; else row += 1;
    widest = Math.max(widest, horizontal ? x : itemWidth);
  });
  const rows = horizontal ? row + 1 : row;
  return { placed, width: widest + 8, height: rows * rowHeight + 6, rowHeight };
}

// ------------------------------------------------------------------------------ drawing

function svgChart(figure, width, height, theme, id = 'chart') {
  const layout = figure.layout;
  const family = theme.font;
  const fontSize = (layout.font || {}).size || 14;
  const title = layout.title || {};
  const titleSize = (title.font || {}).size || 16;
  const margin = { l: 10, r: 10, t: 10, b: 10, ...(layout.margin || {}) };
  const axes = collectAxes(figure);
  const traces = collectTraces(figure, axes);
  placeCategories(traces, axes);
  placeBars(traces, layout);
  gatherRanges(traces, fontSize, family, width - margin.l - margin.r - 3 * fontSize);
  const axisList = Object.values(axes);
  const sizeOf = (axis) => ((axis.spec.tickfont || {}).size || fontSize);
  const titleOf = (axis) => plainText((axis.spec.title || {}).text);
  const titleSizeOf = (axis) => (((axis.spec.title || {}).font || {}).size || fontSize);

  // Patterns (a bar's hatching, Plotly's "replace" fill: stripes of its colour on nothing).
  const defs = [];
  const patternIds = {};
  const patterns = (t, i) => {
    const color = each(((t.spec.marker || {}).color) || theme.text, i);
    const shape = ((t.spec.marker || {}).pattern || {}).shape;
    if (!shape) return color;
    const key = `${shape}${color}`;
    if (!patternIds[key]) {
      const pid = `${id}-p${Object.keys(patternIds).length}`;
      patternIds[key] = pid;
      const mark = shape === '.' ? `<circle cx="4" cy="4" r="1.8" fill="${color}"/>`
        : shape === '\\' ? `<path d="M0,0L8,8M-2,6L2,10M6,-2L10,2" stroke="${color}" stroke-width="2"/>`
          : `<path d="M0,8L8,0M-2,2L2,-2M6,10L10,6" stroke="${color}" stroke-width="2"/>`;
      defs.push(`<pattern id="${pid}" width="8" height="8" patternUnits="userSpaceOnUse">`
        + `${mark}</pattern>`);
    }
    return `url(#${patternIds[key]})`;
  };

  // The frame: the title on top, the axes' labels, the legend where the spec puts it.
  const legendSpec = layout.legend || {};
  const titleLines = (title.text || '').split('<br>').filter((line, k, all) => line
    || all.length > 1);
  const titleBottom = title.text ? titleLines.length * titleSize * 1.3 + titleSize * 0.4 : 0;
  const items = legendItems(figure, traces);
  const legendSize = (legendSpec.font || {}).size || fontSize;
  const legend = items.length
    ? legendBox(items, layout, width - margin.l - margin.r, legendSize, family) : null;
  const legendY = legendSpec.y ?? 1;
  const yAnchor = legendSpec.yanchor && legendSpec.yanchor !== 'auto' ? legendSpec.yanchor
    : legendY >= 2 / 3 ? 'top' : legendY <= 1 / 3 ? 'bottom' : 'middle';
  let top = margin.t;
  let bottom = height - margin.b;
  // A legend above the plot (y beyond 1, or at 1 anchored at its bottom) sits under the title.
  const legendAbove = legend && (legendY > 1 || (legendY === 1 && yAnchor === 'bottom'));
  const legendBelow = legend && legendY < 0;
  if (legendAbove) top = Math.max(top, titleBottom + legend.height + 2);

  // x axes at the bottom (their ticks and titles push the plot up)
  const xAxes = axisList.filter((a) => a.letter === 'x');
  const yAxes = axisList.filter((a) => a.letter === 'y');
  let bottomRoom = 0;
  xAxes.forEach((axis) => {
    const tickSize = sizeOf(axis);
    const names = axis.categories || (axis.spec.ticktext || []);
    const tall = names.length ? Math.max(...names.map((n) => richLabel(n, tickSize, family)
      .width)) : 0;
    axis.tickSize = tickSize;
    axis.nameWidth = tall;
    const titleRoom = titleOf(axis) ? titleSizeOf(axis) * 1.6 : 0;
    axis.room = tickSize * 1.5 + titleRoom;
    bottomRoom = Math.max(bottomRoom, axis.room);
  });
  // A legend below the plot goes under the x axis, in the bottom margin as far as it reaches.
  bottom -= bottomRoom + (legendBelow ? Math.max(0, legend.height + 4 - margin.b) : 0);
  // y axes: a first guess of their ranges and ticks, whose widths set the plot's left edge
  let left = margin.l;
  let right = width - margin.r;
  const yLength = (axis) => (bottom - top) * (axis.domain[1] - axis.domain[0]);
  yAxes.forEach((axis) => {
    axis.tickSize = sizeOf(axis);
    const ticks = axisTicks(axis, axisRange(axis, yLength(axis)), yLength(axis),
                            axis.tickSize, family);
    const widest = Math.max(0, ...ticks.map((t) => t.label.width));
    axis.room = widest + 6 + (titleOf(axis) ? titleSizeOf(axis) * 1.5 : 0);
  });
  const edgeOf = (axis) => {  // which edge of the whole plot a y axis stands on, if any
    const x = axes[axis.overlaying || axis.id].anchor;
    const domain = (axes[x] || axes.x).domain;
    if (axis.side === 'right') return domain[1] >= 0.999 ? 'right' : 'inside';
    return domain[0] <= 0.001 ? 'left' : 'inside';
  };
  yAxes.forEach((axis) => {
    axis.edge = edgeOf(axis);
    if (axis.edge === 'left') left = Math.max(left, margin.l + axis.room);
    if (axis.edge === 'right') right = Math.min(right, width - margin.r - axis.room);
  });
  // Tilted names, as Plotly does, when neighbouring class names would overlap side by side.
  xAxes.forEach((axis) => {
    if (!axis.categories && !axis.spec.ticktext) return;
    const n = (axis.categories || axis.spec.ticktext).length;
    const slot = ((right - left) * (axis.domain[1] - axis.domain[0])) / Math.max(n, 1);
    const widths = (axis.categories || axis.spec.ticktext)
      .map((name) => richLabel(name, axis.tickSize, family).width);
    axis.tilted = widths.some((w, i) => i > 0 && (w + widths[i - 1]) / 2 + 6 > slot);
    if (axis.tilted) {
      axis.room += Math.max(0, axis.nameWidth * Math.SQRT1_2 - axis.tickSize * 0.5);
      const grow = Math.max(0, axis.room - bottomRoom);
      bottom -= grow;
      bottomRoom += grow;
    }
  });

  // Final ranges, ticks and the maps from values to px.
  axisList.forEach((axis) => {
    const [d0, d1] = axis.domain;
    const length = axis.letter === 'x' ? (right - left) * (d1 - d0) : (bottom - top) * (d1 - d0);
    axis.length = length;
    axis.range = axisRange(axis, length);
    axis.ticks = axisTicks(axis, axis.range, length, axis.tickSize || sizeOf(axis), family);
    const [low, high] = axis.range;
    const unit = (v) => (axis.log ? Math.log10(v) : v);
    axis.start = axis.letter === 'x' ? left + d0 * (right - left) : bottom - d0 * (bottom - top);
    axis.px = axis.letter === 'x'
      ? (v) => axis.start + ((unit(v) - low) / (high - low)) * length
      : (v) => axis.start - ((unit(v) - low) / (high - low)) * length;
  });
  const paperX = (v) => left + v * (right - left);
  const paperY = (v) => bottom - v * (bottom - top);
  // Where an axis is drawn: an x axis along its y anchor's bottom; a y axis beside its x
  // anchor's left (or right) end.
  axisList.forEach((axis) => {
    const other = axes[(axes[axis.overlaying] || axis).anchor] || axes[axis.letter === 'x'
      ? 'y' : 'x'];
    axis.at = axis.letter === 'x' ? other.start
      : axis.side === 'right' ? other.start + other.length : other.start;
    axis.crossStart = other.start;
    axis.crossEnd = axis.letter === 'x' ? other.start - other.length
      : other.start + other.length;
  });

  const out = [];
  const label = escapeXml(plainText(ariaLabel(traces, axes)));
  out.push(`<svg xmlns="${SVG_NS}" class="main-svg" width="${width}" height="${height}" `
    + `viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}" `
    + `font-family="${escapeXml(family)}" style="background:${theme.background}">`);
  const defsAt = out.length;
  titleLines.forEach((line, k) => {
    out.push(`<text class="gtitle" x="2" y="${(k + 1) * titleSize * 1.3}" font-size="${titleSize}"`
      + ` font-weight="bold" fill="${theme.text}">${escapeXml(plainText(line))}</text>`);
  });

  // grids and zero lines, per pair of axes the traces use
  const pairs = new Set(traces.map((t) => `${t.xa.id} ${t.ya.id}`));
  pairs.forEach((pair) => {
    const [xa, ya] = pair.split(' ').map((key) => axes[key]);
    const [y0, y1] = [ya.start, ya.start - ya.length];
    const [x0, x1] = [xa.start, xa.start + xa.length];
    if (xa.spec.showgrid !== false && !xa.categories && !xa.places) {
      xa.ticks.forEach((t) => {
        const px = xa.px(t.value).toFixed(1);
        const zero = t.value === 0 && !xa.log && xa.spec.zeroline !== false;
        out.push(`<line x1="${px}" x2="${px}" y1="${y0}" y2="${y1}" stroke="${zero
          ? xa.spec.zerolinecolor || theme.border : theme.border}" stroke-width="1"/>`);
      });
    }
    if (ya.spec.showgrid !== false && !ya.overlaying && !ya.categories && !ya.places) {
      ya.ticks.forEach((t) => {
        const py = ya.px(t.value).toFixed(1);
        const zero = t.value === 0 && !ya.log && ya.spec.zeroline !== false;
        out.push(`<line x1="${x0}" x2="${x1}" y1="${py}" y2="${py}" stroke="${zero
          ? ya.spec.zerolinecolor || theme.border : theme.border}" stroke-width="${zero ? 2 : 1}"/>`);
      });
    }
  });
  // axes: lines, tick labels, titles
  axisList.forEach((axis) => {
    const size = axis.tickSize || sizeOf(axis);
    const spec = axis.spec;
    const lineColor = spec.linecolor || theme.text;
    if (axis.letter === 'x') {
      if (spec.showline) {
        out.push(`<line x1="${axis.start}" x2="${axis.start + axis.length}" y1="${axis.at}"`
          + ` y2="${axis.at}" stroke="${lineColor}" stroke-width="1"/>`);
      }
      out.push('<g class="xaxislayer">');
      axis.ticks.forEach((t) => {
        if (!t.label.text) return;
        const px = axis.px(t.value).toFixed(1);
        const py = (axis.at + size * 1.1).toFixed(1);
        const turn = axis.tilted ? ` transform="rotate(-45 ${px} ${py})" text-anchor="end"`
          : ' text-anchor="middle"';
        out.push(`<g class="xtick"><text x="${px}" y="${py}"${turn} font-size="${size}"`
          + ` fill="${theme.text}">${t.label.svg}</text></g>`);
      });
      out.push('</g>');
      if (titleOf(axis)) {
        const ts = titleSizeOf(axis);
        out.push(`<text class="xtitle" x="${(axis.start + axis.length / 2).toFixed(1)}" `
          + `y="${(axis.at + axis.room - ts * 0.3).toFixed(1)}" text-anchor="middle" `
          + `font-size="${ts}" fill="${theme.text}">${escapeXml(titleOf(axis))}</text>`);
      }
      return;
    }
    const right = axis.side === 'right';
    if (spec.showline) {
      out.push(`<line x1="${axis.at}" x2="${axis.at}" y1="${axis.start}"`
        + ` y2="${axis.start - axis.length}" stroke="${lineColor}" stroke-width="1"/>`);
    }
    out.push('<g class="yaxislayer">');
    let widest = 0;
    axis.ticks.forEach((t) => {
      if (!t.label.text) return;
      widest = Math.max(widest, t.label.width);
      const py = axis.px(t.value).toFixed(1);
      const px = right ? axis.at + 6 : axis.at - 6;
      out.push(`<g class="ytick"><text x="${px}" y="${py}" dy="0.35em" text-anchor="${right
        ? 'start' : 'end'}" font-size="${size}" fill="${theme.text}">${t.label.svg}</text></g>`);
    });
    out.push('</g>');
    if (titleOf(axis)) {
      const ts = titleSizeOf(axis);
      const cx = right ? axis.at + 6 + widest + ts * 0.9 : axis.at - 6 - widest - ts * 0.6;
      const cy = axis.start - axis.length / 2;
      out.push(`<text class="ytitle" transform="translate(${cx.toFixed(1)},${cy.toFixed(1)})`
        + ` rotate(-90)" text-anchor="middle" font-size="${ts}" fill="${theme.text}">`
        + `${escapeXml(titleOf(axis))}</text>`);
    }
  });

  // each pair of axes clips its lines and markers to its own area
  const clips = {};
  const clipOf = (t) => {
    const key = `${t.xa.id}${t.ya.id}`;
    if (!clips[key]) {
      clips[key] = `${id}-c${Object.keys(clips).length}`;
      defs.push(`<clipPath id="${clips[key]}"><rect x="${t.xa.start - 1}" `
        + `y="${t.ya.start - t.ya.length - 1}" width="${t.xa.length + 2}" `
        + `height="${t.ya.length + 2}"/></clipPath>`);
    }
    return ` clip-path="url(#${clips[key]})"`;
  };

  const points = [];
  // bars, each from its base (0, or the stack below it) to its value
  const barTraces = traces.filter((t) => t.kind === 'bar');
  const barBox = (t, i) => {  // [x0, y0, x1, y1] in px
    const centre = t.place[i] + t.offset;
    const [p0, p1] = [t.pa.px(centre - t.barWidth / 2), t.pa.px(centre + t.barWidth / 2)];
    const [v0, v1] = [t.va.px(t.base[i]), t.va.px(t.base[i] + t.value[i])];
    return t.horizontal ? [Math.min(v0, v1), Math.min(p0, p1), Math.max(v0, v1), Math.max(p0, p1)]
      : [Math.min(p0, p1), Math.min(v0, v1), Math.max(p0, p1), Math.max(v0, v1)];
  };
  const shown = (t, i) => finite(t.value[i]) && finite(t.place[i]);
  if (barTraces.length) out.push('<g class="trace bars">');
  barTraces.forEach((t) => {
    const marker = t.spec.marker || {};
    const line = marker.line || {};
    t.value.forEach((v, i) => {
      if (!shown(t, i)) return;
      const [x0, y0, x1, y1] = barBox(t, i);
      const w = each(line.width ?? 0, i) || 0;
      const stroke = w ? ` stroke="${line.color || theme.text}" stroke-width="${w}"` : '';
      out.push(`<g class="point" data-tip="${escapeXml(hoverText(t, i))}">`
        + `<path d="M${x0.toFixed(1)},${y0.toFixed(1)}h${(x1 - x0).toFixed(1)}`
        + `v${(y1 - y0).toFixed(1)}h${(x0 - x1).toFixed(1)}Z" fill="${patterns(t, i)}"`
        + `${stroke}/></g>`);
    });
  });
  if (barTraces.length) out.push('</g>');
  // values written on bars, never shrunk: inside a bar (centred, in a colour that reads on
  // it; left out when it does not fit), beyond the end of a bar lying down, or above an
  // upright bar (below, when negative), where a value that would overlap its left
  // neighbour's goes a line further out
  const labelled = barTraces.filter((t) => t.spec.text);
  if (labelled.length) {
    out.push('<g class="bartext">');
    const written = labelled.flatMap((t) => {
      const size = (t.spec.textfont || {}).size || fontSize;
      return t.value.map((v, i) => ({ t, v, i, size, text: plainText(each(t.spec.text, i)) }))
        .filter((item) => shown(t, item.i) && item.text)
        .map((item) => ({ ...item, width: textWidth(item.text, size, family),
                          box: barBox(t, item.i) }));
    });
    const textAt = (x, y, item, extra) => out.push(`<text x="${x.toFixed(1)}" `
      + `y="${y.toFixed(1)}" font-size="${item.size}"${extra}>${escapeXml(item.text)}</text>`);
    written.filter((item) => item.t.spec.textposition === 'inside').forEach((item) => {
      const [x0, y0, x1, y1] = item.box;
      if (item.width + 6 > x1 - x0 || item.size + 2 > y1 - y0) return;
      const color = contrastText(each((item.t.spec.marker || {}).color, item.i));
      textAt((x0 + x1) / 2, (y0 + y1) / 2, item, ` dy="0.35em" text-anchor="middle" `
        + `fill="${color}"`);
    });
    written.filter((item) => item.t.spec.textposition !== 'inside' && item.t.horizontal)
      .forEach((item) => {
        const [x0, y0, x1, y1] = item.box;
        const end = item.v < 0 ? x0 - 4 : x1 + 4;
        textAt(end, (y0 + y1) / 2, item, ` dy="0.35em" text-anchor="${item.v < 0 ? 'end'
          : 'start'}" fill="${theme.text}"`);
      });
    let previous = null;
    written.filter((item) => item.t.spec.textposition !== 'inside' && !item.t.horizontal)
      .sort((a, b) => a.box[0] - b.box[0]).forEach((item) => {
        const { v, size, width } = item;
        const px = (item.box[0] + item.box[2]) / 2;
        const outward = v < 0 ? 1 : -1;
        let py = v < 0 ? item.box[3] + size * 1.05 : item.box[1] - size * 0.35;
        const clash = () => previous && Math.abs(py - previous.py) < size
          && Math.abs(px - previous.px) < (width + previous.width) / 2 + 2;
        if (clash()) {  // a line beyond the neighbour's (further out, never back to the bar)
          const beyond = previous.py + outward * size * 1.15;
          py = outward < 0 ? Math.min(py, beyond) : Math.max(py, beyond);
        }
        previous = { px, py, width };
        textAt(px, py, item, ` text-anchor="middle" fill="${theme.text}"`);
      });
    out.push('</g>');
  }
  // lines and markers
  traces.filter((t) => t.kind === 'scatter').forEach((t) => {
    const s = t.spec;
    const clip = s.cliponaxis === false ? '' : clipOf(t);
    const line = s.line || {};
    const marker = s.marker || {};
    const arrows = marker.symbol === 'arrow';
    out.push(`<g class="trace scatter"${clip}>`);
    const tips = s.hoverinfo !== 'skip' && s.hoverinfo !== 'none';
    const at = t.x.map((v, i) => (finite(v) && finite(t.y[i]) && (!t.xa.log || v > 0)
      ? [t.xa.px(v), t.ya.px(t.y[i])] : null));
    if (t.lines && !arrows) {
      const width = line.width ?? 2;
      let d = '';
      let pen = false;
      at.forEach((p) => {
        if (!p) { pen = false; return; }
        d += `${pen ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`;
        pen = true;
      });
      out.push(`<path class="js-line" d="${d}" fill="none" stroke="${line.color || theme.text}"`
        + ` stroke-width="${width}" stroke-linejoin="round"${dashArray(line.dash, width)}/>`);
    }
    if (arrows) {  // a line from each point to the next, the head at the end (Plotly's marker)
      const color = line.color || theme.text;
      const stroke = line.width || 2;
      for (let i = 1; i < at.length; i++) {
        if (!at[i - 1] || !at[i]) continue;
        const [[x0, y0], [x1, y1]] = [at[i - 1], at[i]];
        const size = each(marker.size ?? 0, i) || 0;
        const length = Math.hypot(x1 - x0, y1 - y0);
        out.push(`<g class="point" data-tip="${escapeXml(hoverText(t, i))}">`);
        out.push(`<line x1="${x0.toFixed(1)}" y1="${y0.toFixed(1)}" x2="${x1.toFixed(1)}"`
          + ` y2="${y1.toFixed(1)}" stroke="${color}" stroke-width="${stroke}"/>`);
        if (size > 0 && length > 0) {
          const [ux, uy] = [(x1 - x0) / length, (y1 - y0) / length];
          const [half, reach] = [size * 0.3, size * 0.35];
          const [tx, ty, bx, by] = [x1 + ux * reach, y1 + uy * reach, x1 - ux * reach,
                                    y1 - uy * reach];
          out.push(`<path d="M${tx.toFixed(1)},${ty.toFixed(1)}L${(bx - uy * half).toFixed(1)},`
            + `${(by + ux * half).toFixed(1)}L${(bx + uy * half).toFixed(1)},`
            + `${(by - ux * half).toFixed(1)}Z" fill="${color}"/>`);
        }
        out.push('</g>');
      }
    } else if (t.markers) {
      const edge = marker.line || {};
      at.forEach((p, i) => {
        if (!p) return;
        const size = each(marker.size ?? 6, i);
        const w = each(edge.width ?? 0, i);
        const color = each(marker.color || line.color || theme.text, i);
        const paint = marker.symbol === 'circle-open'  // a ring in the marker's colour
          ? `fill="none" stroke="${color}" stroke-width="${w || 1}"`
          : `fill="${color}"${w ? ` stroke="${edge.color || theme.text}" stroke-width="${w}"`
            : ''}`;
        out.push(`<circle class="point" cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" `
          + `r="${(size / 2).toFixed(1)}" ${paint}/>`);
      });
    }
    if (t.texts) {  // text beside each point, where textposition says ("top right", ...)
      const size = (s.textfont || {}).size || fontSize;
      const color = (s.textfont || {}).color || theme.text;
      at.forEach((p, i) => {
        const text = plainText(each(s.text, i));
        if (!p || !text) return;
        const [vertical, side = 'center'] = String(each(s.textposition || 'middle center', i))
          .split(' ');
        const gap = (t.markers ? each(marker.size ?? 6, i) / 2 : 0) + 2;
        const x = p[0] + (side === 'left' ? -gap : side === 'right' ? gap : 0);
        const y = vertical === 'top' ? p[1] - gap - size * 0.2
          : vertical === 'bottom' ? p[1] + gap + size * 0.8 : p[1] + size * 0.35;
        const anchor = side === 'left' ? 'end' : side === 'right' ? 'start' : 'middle';
        out.push(`<text class="textpoint" x="${x.toFixed(1)}" y="${y.toFixed(1)}" `
          + `text-anchor="${anchor}" font-size="${size}" fill="${color}">${escapeXml(text)}`
          + '</text>');
      });
    }
    out.push('</g>');
    if (tips && !arrows) {
      at.forEach((p, i) => { if (p) points.push([p[0], p[1], t.index, i]); });
      t.tip = (i) => hoverText(t, i);
    }
  });

  // guide lines (shapes), over the data as Plotly draws them
  (layout.shapes || []).forEach((shape) => {
    const map = (ref, letter) => (ref === 'paper' ? (letter === 'x' ? paperX : paperY)
      : axes[ref || letter].px);  // Plotly's default: the first axis
    const [fx, fy] = [map(shape.xref, 'x'), map(shape.yref, 'y')];
    const line = shape.line || {};
    const w = line.width ?? 2;
    out.push(`<line class="shape" x1="${fx(shape.x0).toFixed(1)}" x2="${fx(shape.x1).toFixed(1)}"`
      + ` y1="${fy(shape.y0).toFixed(1)}" y2="${fy(shape.y1).toFixed(1)}"`
      + ` stroke="${line.color || theme.text}" stroke-width="${w}"${dashArray(line.dash, w)}/>`);
  });

  // notes: text at a point (of the data, or of the plot area: "paper"), or at the tail of an
  // arrow `ax`, `ay` px from the point it shows
  (layout.annotations || []).forEach((note) => {
    const fx = note.xref === 'paper' ? paperX : axes[note.xref || 'x'].px;
    const fy = note.yref === 'paper' ? paperY : axes[note.yref || 'y'].px;
    const size = (note.font || {}).size || fontSize;
    const color = (note.font || {}).color || theme.text;
    const lines = String(note.text ?? '').split('<br>').map((line) => richLabel(line, size,
                                                                                 family));
    const height = lines.length * size * 1.3;
    let [x, y] = [fx(note.x), fy(note.y)];
    let vertical = note.yanchor || 'middle';
    if (note.showarrow) {
      const head = [x, y];
      [x, y] = [x + (note.ax ?? -10), y + (note.ay ?? -30)];
      if (!note.yanchor || note.yanchor === 'auto') vertical = note.ay < 0 ? 'bottom' : 'top';
      const arrow = note.arrowcolor || color;
      const length = Math.hypot(head[0] - x, head[1] - y);
      if (length > 0) {
        const [ux, uy] = [(head[0] - x) / length, (head[1] - y) / length];
        const [bx, by] = [head[0] - ux * 8, head[1] - uy * 8];
        out.push(`<g class="annotation-arrow"><line x1="${x.toFixed(1)}" y1="${y.toFixed(1)}"`
          + ` x2="${bx.toFixed(1)}" y2="${by.toFixed(1)}" stroke="${arrow}" stroke-width="1.5"/>`
          + `<path d="M${head[0].toFixed(1)},${head[1].toFixed(1)}L${(bx - uy * 4).toFixed(1)},`
          + `${(by + ux * 4).toFixed(1)}L${(bx + uy * 4).toFixed(1)},${(by - ux * 4).toFixed(1)}Z"`
          + ` fill="${arrow}"/></g>`);
      }
    }
    const anchor = { left: 'start', right: 'end' }[note.xanchor] || 'middle';
    const y0 = y - (vertical === 'top' ? 0 : vertical === 'bottom' ? height : height / 2);
    out.push(`<text class="annotation" text-anchor="${anchor}" font-size="${size}" `
      + `fill="${color}">`);
    lines.forEach((line, k) => {
      out.push(`<tspan x="${x.toFixed(1)}" y="${(y0 + (k + 0.8) * size * 1.3).toFixed(1)}">`
        + `${line.svg}</tspan>`);
    });
    out.push('</text>');
  });

  // the legend, where the spec puts it
  if (legend) {
    const xAnchor = legendSpec.xanchor && legendSpec.xanchor !== 'auto' ? legendSpec.xanchor
      : (legendSpec.x ?? 1.02) >= 2 / 3 ? 'right' : (legendSpec.x ?? 1.02) <= 1 / 3 ? 'left'
        : 'center';
    let lx = paperX(legendSpec.x ?? 1.02);
    lx -= xAnchor === 'right' ? legend.width : xAnchor === 'center' ? legend.width / 2 : 0;
    lx = Math.max(0, Math.min(lx, width - legend.width));
    let ly;
    if (legendAbove) ly = top - legend.height - 2;
    else if (legendBelow) ly = bottom + bottomRoom + 4;
    else {
      ly = paperY(legendY);
      ly -= yAnchor === 'bottom' ? legend.height : yAnchor === 'middle' ? legend.height / 2 : 0;
    }
    out.push(`<g class="legend" transform="translate(${lx.toFixed(1)},${ly.toFixed(1)})">`);
    out.push(`<rect class="bg" width="${legend.width.toFixed(1)}" height="${legend.height}" `
      + `fill="${legendSpec.bgcolor || theme.background}" fill-opacity="0.85"/>`);
    legend.placed.forEach((item) => {
      const cy = item.dy + legend.rowHeight / 2 + 3;
      out.push(`<g class="traces" transform="translate(${item.dx + 4},0)">`
        + legendSymbol(item.trace, 0, cy, theme, patterns)
        + `<text class="legendtext" x="40" y="${cy}" dy="0.35em" font-size="${legendSize}" `
        + `fill="${theme.text}">${item.label.svg}</text></g>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  if (defs.length) out.splice(defsAt, 0, `<defs>${defs.join('')}</defs>`);
  return { svg: out.join(''), points, tip: (trace, i) => traces[trace].tip(i) };
}

// What a screen reader hears after the chart's name: bars by class with their values, or
// what each line and marker shows.
function ariaLabel(traces, axes) {
  const bars = traces.filter((t) => t.kind === 'bar');
  if (bars.length === 1) {
    const t = bars[0];
    const names = t.pa.categories || (t.pa.spec.ticktext || t.place).map(String);
    return t.value.map((v, i) => `${richLabelText(names[t.place[i]] ?? names[i])}: ${
      each(t.spec.text, i) ?? v}`).join(', ');
  }
  const named = traces.filter((t) => t.spec.name);
  return [...new Set(named.map((t) => {  // each line named once (a name may draw two panels)
    if (t.kind !== 'bar') return richLabelText(t.spec.name);
    const names = t.pa.categories || (t.pa.spec.ticktext || t.place).map(String);
    return `${richLabelText(t.spec.name)}: ${t.value.map((v, i) => `${richLabelText(
      names[t.place[i]] ?? names[i])} ${each(t.spec.text, i)
      ?? (finite(v) ? +v.toPrecision(4) : v)}`).join(', ')}`;
  }))].join('; ') || Object.values(axes).map((a) => plainText((a.spec.title || {}).text))
    .filter(Boolean).join(', ');
}

function richLabelText(value) {
  return plainText(String(value ?? '').replace(/<\/?b>/g, ''));
}
