// The browser side of ui/live_chart.py: one chart element, redrawn in place on every move.
// Loaded once per tab from static/ (ui/assets.py), not sent with every chart.
//
// Two routes. A figure of one bar per class (ui.figures.class_bars_spec), optionally with
// gradient-step arrows (a scatter of "arrow" markers), is drawn here as plain SVG when
// ui.live_chart.drawn_as_svg(figure) says every property it uses is one this file draws:
// same spec, same look (house fonts, class colours, outlined true class, values above the
// bars, the theme's colours), in about 1 ms a move, where Plotly.react measured 20-30 ms a
// chart plus a layout of the whole page. Every other figure is drawn by plotly.js.
//
// The SVG keeps Plotly's class names for what tests and screenshots read: svg.main-svg,
// .gtitle, .xtick / .ytick text, .bars .point path.

// The placeholder for the theme's text colour in every figure (ui.colors.INK).
const INK = '#000037';
const FULLSCREEN_PATH = 'M4 4h6v2H6v4H4V4zm10 0h6v6h-2V6h-4V4zM4 14h2v4h4v2H4v-6zm14 4v-4h2v6h-6v-2h4z';
const CAMERA_PATH = 'M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 '
  + '0-2-2h-3.2L15 3H9zm3 5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 2a2.5 2.5 0 1 0 0 5 2.5 '
  + '2.5 0 0 0 0-5z';

// ------------------------------------------------------------------------ the SVG route

const SVG_NS = 'http://www.w3.org/2000/svg';
const MINUS = '\u2212';  // Plotly's minus sign in tick labels
let measureContext = null;

function textWidth(text, size, family) {
  if (!measureContext) measureContext = document.createElement('canvas').getContext('2d');
  measureContext.font = `${size}px ${family}`;
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

function niceStep(span, count) {
  const raw = span / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit < 1.5 ? 1 : unit < 3 ? 2 : unit < 7 ? 5 : 10) * power;
}

function tickLabel(value, step) {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const text = Math.abs(value) < step / 1e6 ? '0' : value.toFixed(decimals);
  return text.startsWith('-') ? MINUS + text.slice(1) : text;
}

// Hover text from a trace's hovertemplate: %{hovertext}, %{x}, %{y} and %{y:.4f}.
function hoverText(trace, i) {
  const template = (trace.hovertemplate || '%{y}').replace(/<extra>.*?<\/extra>/g, '');
  return template.replace(/%\{(\w+)(?::\.(\d+)f)?\}/g, (_, name, digits) => {
    const value = Array.isArray(trace[name]) ? trace[name][i] : trace[name];
    return digits !== undefined && typeof value === 'number' ? value.toFixed(+digits)
      : String(value ?? '');
  });
}

// The y range: the spec's, or (as Plotly's autorange) 0 and every value, with `room` px
// above the highest bar and below the lowest for the values written there.
function barRange(figure, plotHeight, room) {
  const given = (figure.layout.yaxis || {}).range;
  if (given) return given;
  const values = figure.data.flatMap((trace) => trace.y.filter((v) => v !== null));
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const span = Math.max(high - low, 1e-9);
  const sides = (low < 0 ? 1 : 0) + (high > 0 ? 1 : 0);
  const pad = (span * room) / Math.max(plotHeight - sides * room, plotHeight / 2);
  return [low < 0 ? low - pad : 0, high > 0 ? high + pad : 0];
}

// The SVG markup of a bar chart `width` px wide; `theme` as ui/live_chart.py reads it.
function barChartSvg(figure, width, height, theme) {
  const layout = figure.layout;
  const [bars, ...arrows] = figure.data;
  const family = theme.font;
  const fontSize = (layout.font || {}).size || 14;
  const title = layout.title || {};
  const titleSize = (title.font || {}).size || 16;
  const xaxis = layout.xaxis || {};
  const yaxis = layout.yaxis || {};
  const tickSize = (yaxis.tickfont || {}).size || fontSize;
  const xTickSize = (xaxis.tickfont || {}).size || fontSize;
  const yTitle = plainText((yaxis.title || {}).text);
  const yTitleSize = ((yaxis.title || {}).font || {}).size || fontSize;
  const margin = { l: 10, r: 10, t: 10, b: 10, ...(layout.margin || {}) };
  const n = bars.y.length;
  const names = (xaxis.ticktext || bars.x).map(plainText);

  // Values written above the bars (below, when negative) at the chart's font size, never
  // shrunk (a class reads them from the back row): a value that would overlap its left
  // neighbour's goes a line further out (the range leaves room for it when values are wide).
  const texts = bars.text ? bars.text.map(plainText) : [];
  const textWidths = texts.map((t) => textWidth(t, fontSize, family));
  const top = margin.t;
  const plotHeightGuess = height - top - margin.b - 2 * xTickSize;
  const roughSlot = (width - margin.l - margin.r - 3 * fontSize) / n;
  const staggered = textWidths.some((w) => w + 4 > roughSlot);
  const room = texts.length ? (staggered ? 2.3 : 1.3) * fontSize : 0;
  const [low, high] = barRange(figure, plotHeightGuess, room);
  // y ticks first: their width sets the left edge of the plot
  const step = niceStep(high - low, Math.max(2, Math.round(plotHeightGuess / 45)));
  const ticks = [];
  for (let v = Math.ceil(low / step - 1e-9) * step; v <= high + step * 1e-9; v += step) {
    ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  const tickTexts = ticks.map((v) => tickLabel(v, step));
  const tickWidth = Math.max(0, ...tickTexts.map((t) => textWidth(t, tickSize, family)));
  const left = margin.l + (yTitle ? yTitleSize * 1.5 : 0) + tickWidth + 6;
  const right = width - margin.r;
  const slot = (right - left) / n;
  // Tilted, as Plotly does, when two neighbouring names would overlap side by side.
  const nameWidths = names.map((t) => textWidth(t, xTickSize, family));
  const nameWidth = Math.max(0, ...nameWidths);
  const tilted = nameWidths.some((w, i) => i > 0 && (w + nameWidths[i - 1]) / 2 + 6 > slot);
  const tickRoom = tilted ? nameWidth * Math.SQRT1_2 + xTickSize : xTickSize * 1.4;
  const bottom = height - margin.b - tickRoom;
  const y = (v) => top + ((high - v) / (high - low)) * (bottom - top);
  const x = (v) => left + (v + 0.5) * slot;

  const out = [];
  // Read out by a screen reader after the chart's name (the wrapper's): every bar's value.
  const label = escapeXml(names.map((name, i) => `${name}: ${texts[i] ?? bars.y[i]}`)
    .join(', '));
  out.push(`<svg xmlns="${SVG_NS}" class="main-svg" width="${width}" height="${height}" `
    + `viewBox="0 0 ${width} ${height}" role="img" aria-label="${label}" `
    + `font-family="${escapeXml(family)}" style="background:${theme.background}">`);
  (title.text || '').split('<br>').forEach((line, k) => {
    out.push(`<text class="gtitle" x="2" y="${(k + 1) * titleSize * 1.3}" font-size="${titleSize}"`
      + ` font-weight="bold" fill="${theme.text}">${escapeXml(plainText(line))}</text>`);
  });
  // grid, zero line, y ticks
  ticks.forEach((v, k) => {
    const py = y(v).toFixed(1);
    const zero = v === 0;
    out.push(`<line x1="${left}" x2="${right}" y1="${py}" y2="${py}" stroke="${theme.border}"`
      + ` stroke-width="${zero ? 2 : 1}"/>`);
    out.push(`<g class="ytick"><text x="${left - 6}" y="${py}" dy="0.35em" text-anchor="end"`
      + ` font-size="${tickSize}" fill="${theme.text}">${tickTexts[k]}</text></g>`);
  });
  if (yTitle) {
    const cy = (top + bottom) / 2;
    out.push(`<text class="ytitle" transform="translate(${margin.l + yTitleSize * 0.9},${cy})`
      + ` rotate(-90)" text-anchor="middle" font-size="${yTitleSize}" fill="${theme.text}">`
      + `${escapeXml(yTitle)}</text>`);
  }
  if (xaxis.showline) {
    out.push(`<line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}"`
      + ` stroke="${theme.text}" stroke-width="1"/>`);
  }
  // the bars, each outlined as the spec says, its value above (below, when negative)
  const colors = [].concat((bars.marker || {}).color || theme.text);
  const line = (bars.marker || {}).line || {};
  const outline = [].concat(line.width ?? 0);
  out.push('<g class="trace bars">');
  bars.y.forEach((v, i) => {
    const x0 = x(i) - 0.4 * slot;
    const y0 = y(Math.max(v, 0));
    const h = Math.max(Math.abs(y(v) - y(0)), 0);
    const w = outline[i % outline.length] || 0;
    const stroke = w ? ` stroke="${line.color || theme.text}" stroke-width="${w}"` : '';
    out.push(`<g class="point" data-tip="${escapeXml(plainText(hoverText(bars, i)))}">`
      + `<path d="M${x0.toFixed(1)},${y0.toFixed(1)}h${(0.8 * slot).toFixed(1)}`
      + `v${h.toFixed(1)}h${(-0.8 * slot).toFixed(1)}Z" fill="${colors[i % colors.length]}"`
      + `${stroke}/></g>`);
  });
  out.push('</g>');
  if (texts.length) {
    out.push('<g class="bartext">');
    let previous = null;
    bars.y.forEach((v, i) => {
      const outward = v < 0 ? 1 : -1;  // down below a negative bar, up above the others
      let py = v < 0 ? y(v) + fontSize * 1.05 : y(v) - fontSize * 0.35;
      const clash = () => previous && Math.abs(py - previous.py) < fontSize
        && Math.abs(x(i) - previous.px) < (textWidths[i] + previous.width) / 2 + 2;
      for (let k = 0; k < 2 && clash(); k++) py += outward * fontSize * 1.15;
      previous = { px: x(i), py, width: textWidths[i] };
      out.push(`<text x="${x(i).toFixed(1)}" y="${py.toFixed(1)}" text-anchor="middle"`
        + ` font-size="${fontSize}" fill="${theme.text}">${escapeXml(texts[i])}</text>`);
    });
    out.push('</g>');
  }
  // x tick labels: the class names, tilted when they do not fit side by side
  out.push('<g class="xaxislayer">');
  names.forEach((name, i) => {
    const px = x(i).toFixed(1);
    const py = (bottom + xTickSize * 1.1).toFixed(1);
    const turn = tilted ? ` transform="rotate(-45 ${px} ${py})" text-anchor="end"`
      : ' text-anchor="middle"';
    out.push(`<g class="xtick"><text x="${px}" y="${py}"${turn} font-size="${xTickSize}"`
      + ` fill="${theme.text}">${escapeXml(name)}</text></g>`);
  });
  out.push('</g>');
  // arrows: a line from each point to the next, the head at the end (Plotly's "arrow" marker)
  arrows.forEach((trace) => {
    const color = (trace.line || {}).color || theme.text;
    const stroke = (trace.line || {}).width || 2;
    const sizes = [].concat((trace.marker || {}).size ?? 0);
    out.push('<g class="trace scatter">');
    for (let i = 1; i < trace.x.length; i++) {
      const [xa, ya, xb, yb] = [trace.x[i - 1], trace.y[i - 1], trace.x[i], trace.y[i]];
      if ([xa, ya, xb, yb].some((v) => v === null)) continue;
      const [x0, y0, x1, y1] = [x(xa), y(ya), x(xb), y(yb)];
      const size = sizes[i % sizes.length] || 0;
      const tip = escapeXml(plainText(hoverText(trace, i)));
      const length = Math.hypot(x1 - x0, y1 - y0);
      out.push(`<g class="point" data-tip="${tip}">`);
      out.push(`<line x1="${x0.toFixed(1)}" y1="${y0.toFixed(1)}" x2="${x1.toFixed(1)}"`
        + ` y2="${y1.toFixed(1)}" stroke="${color}" stroke-width="${stroke}"/>`);
      if (size > 0 && length > 0) {  // the head, centred on the end point like Plotly's marker
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
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('');
}

// Hover labels: one per chart, showing the data-tip of the bar or arrow under the pointer.
function watchHover(wrapper, plot) {
  const tip = document.createElement('div');
  tip.className = 'xent-chart-tip';
  tip.hidden = true;
  wrapper.appendChild(tip);
  plot.addEventListener('pointermove', (event) => {
    const point = event.target.closest && event.target.closest('[data-tip]');
    if (!point || !point.dataset.tip) { tip.hidden = true; return; }
    const box = wrapper.getBoundingClientRect();
    tip.textContent = point.dataset.tip;
    tip.style.left = `${event.clientX - box.left + 12}px`;
    tip.style.top = `${event.clientY - box.top + 12}px`;
    tip.hidden = false;
  });
  plot.addEventListener('pointerleave', () => { tip.hidden = true; });
}

// The chart as a PNG (twice its size, on the theme's background), downloaded as `name`.png.
function downloadPng(plot, name, scale) {
  const svg = plot.querySelector('svg');
  if (!svg) return;
  const width = +svg.getAttribute('width');
  const height = +svg.getAttribute('height');
  const image = new Image();
  image.onload = () => {
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    const context = canvas.getContext('2d');
    context.fillStyle = svg.style.background || '#FFFFFF';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    const link = document.createElement('a');
    link.download = `${name}.png`;
    link.href = canvas.toDataURL('image/png');
    link.click();
  };
  image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.outerHTML)}`;
}

// ------------------------------------------------------------------- the element
const FULLSCREEN_ICON = { width: 24, height: 24, path: FULLSCREEN_PATH };

function loadPlotly() {
  if (!window.__xentPlotly) {
    window.__xentPlotly = new Promise((resolve, reject) => {
      if (window.Plotly) { resolve(window.Plotly); return; }
      const script = document.createElement('script');
      script.src = new URL('app/static/plotly.min.js', document.baseURI).href;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => { window.__xentPlotly = null; reject(new Error('plotly.js')); };
      document.head.appendChild(script);
    });
  }
  return window.__xentPlotly;
}

function themeOf(element) {
  const css = getComputedStyle(element);
  const read = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const text = read('--st-text-color', css.color);
  return {
    text,
    font: css.fontFamily,
    background: read('--st-background-color', '#FFFFFF'),
    panel: read('--st-secondary-background-color', '#F0F2F6'),
    border: read('--st-border-color', 'rgba(128, 128, 128, 0.4)'),
  };
}

function themedTemplate(theme) {
  const axis = { gridcolor: theme.border, zerolinecolor: theme.border,
                 linecolor: theme.text, tickcolor: theme.border };
  return { layout: {
    font: { family: theme.font, color: theme.text },
    paper_bgcolor: theme.background, plot_bgcolor: theme.background,
    xaxis: axis, yaxis: axis,
    hoverlabel: { bgcolor: theme.panel, bordercolor: theme.border,
                  font: { family: theme.font, color: theme.text } },
    legend: { font: { color: theme.text } },
    modebar: { bgcolor: 'rgba(0,0,0,0)', color: theme.text, activecolor: theme.text },
  } };
}

function draw(wrapper, plot, Plotly) {
  const state = wrapper.__xent;
  const theme = themeOf(wrapper);
  const figure = JSON.parse(state.figure.split(INK).join(theme.text));
  const layout = { ...figure.layout, template: themedTemplate(theme), autosize: true };
  if (layout.title && layout.title.text) {  // bold, as Streamlit draws a chart's title
    layout.title = { ...layout.title, text: `<b>${layout.title.text}</b>` };
  }
  // Margins: the axes make room for their labels (automargin), which costs Plotly a second
  // layout pass whenever the margins grow. A redraw of the same chart (only its numbers
  // changed) starts from the margins it already grew to, so they grow only when the labels
  // need more room; new titles, fonts or size (presenter mode) start afresh.
  const frame = JSON.stringify([layout.height, layout.title, layout.font,
    (layout.xaxis || {}).title, (layout.yaxis || {}).title]);
  const size = plot._fullLayout && plot._fullLayout._size;
  if (size && wrapper.__xentFrame === frame) {
    layout.margin = { ...(layout.margin || {}), l: size.l, r: size.r, t: size.t, b: size.b };
  }
  wrapper.__xentFrame = frame;
  if (document.fullscreenElement === wrapper) layout.height = wrapper.clientHeight - 32;
  const config = { ...state.config, responsive: false,
    modeBarButtonsToAdd: [{ name: 'fullscreen', title: 'Full screen', icon: FULLSCREEN_ICON,
      click: () => (document.fullscreenElement === wrapper
        ? document.exitFullscreen() : wrapper.requestFullscreen()) }] };
  return Plotly.react(plot, figure.data, layout, config);
}

// The SVG route (svg_bars.js): drawn at the wrapper's width, which a ResizeObserver keeps
// (read from the page only for the first drawing: reading it after every move would make
// the browser lay out the page React just changed).
function drawSvg(wrapper, plot, theme = themeOf(wrapper)) {
  const state = wrapper.__xent;
  const figure = JSON.parse(state.figure.split(INK).join(theme.text));
  if (!wrapper.__xentWidth) wrapper.__xentWidth = wrapper.clientWidth;
  let height = figure.layout.height || 320;
  if (document.fullscreenElement === wrapper) height = wrapper.clientHeight - 32;
  plot.innerHTML = barChartSvg(figure, wrapper.__xentWidth, height, theme);
  wrapper.dispatchEvent(new CustomEvent('xent-chart-drawn', { bubbles: true }));
}

function toolButton(name, label, path) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = name;
  button.title = label;
  button.setAttribute('aria-label', label);
  button.innerHTML = `<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">`
    + `<path fill="currentColor" d="${path}"/></svg>`;
  return button;
}

// The SVG route's toolbar (Plotly draws its own): PNG and full screen, shown on hover/focus.
function watchSvg(wrapper, plot) {
  if (wrapper.__xentSvgWatched) return;
  wrapper.__xentSvgWatched = true;
  watchHover(wrapper, plot);
  const tools = wrapper.querySelector('.xent-chart-tools');
  tools.append(toolButton('xent-png', 'Download plot as PNG', CAMERA_PATH),
               toolButton('xent-full', 'Full screen', FULLSCREEN_PATH));
  tools.querySelector('.xent-png').addEventListener('click', () => {
    const options = (wrapper.__xent.config || {}).toImageButtonOptions || {};
    downloadPng(plot, options.filename || 'chart', options.scale || 2);
  });
  tools.querySelector('.xent-full').addEventListener('click', () => (
    document.fullscreenElement === wrapper ? document.exitFullscreen()
      : wrapper.requestFullscreen()));
  wrapper.addEventListener('fullscreenchange', () => {
    if (wrapper.__xentRoute === 'svg') drawSvg(wrapper, plot);
  });
  let pending = false;
  new ResizeObserver((entries) => {
    const width = Math.round(entries[entries.length - 1].contentRect.width);
    if (!width || width === wrapper.__xentWidth) return;
    wrapper.__xentWidth = width;
    if (pending || wrapper.__xentRoute !== 'svg') return;
    pending = true;
    requestAnimationFrame(() => { pending = false; drawSvg(wrapper, plot); });
  }).observe(wrapper);
}

export default function (component) {
  const { data, parentElement } = component;
  const wrapper = parentElement.querySelector('.xent-chart');
  const plot = wrapper.firstElementChild;
  if (data.alt) wrapper.setAttribute('aria-label', data.alt);
  else wrapper.removeAttribute('aria-label');
  const colors = themeOf(wrapper);
  const theme = JSON.stringify(colors);
  const configText = JSON.stringify(data.config);
  const previous = wrapper.__xent;
  if (previous && previous.figure === data.figure && previous.theme === theme
      && previous.draw === data.draw && previous.configText === configText) return;
  wrapper.__xent = { figure: data.figure, config: data.config, theme, draw: data.draw,
                     configText };
  const route = data.draw === 'svg' ? 'svg' : 'plotly';
  if (wrapper.__xentRoute && wrapper.__xentRoute !== route) {  // the figure changed kind
    if (window.Plotly && plot._fullLayout) window.Plotly.purge(plot);
    plot.innerHTML = '';
    wrapper.__xentFrame = null;
  }
  wrapper.__xentRoute = route;
  wrapper.querySelector('.xent-chart-tools').hidden = route !== 'svg';
  if (route === 'svg') {
    watchSvg(wrapper, plot);
    drawSvg(wrapper, plot, colors);
    return;
  }
  loadPlotly().then((Plotly) => {
    if (wrapper.__xentRoute !== 'plotly') return;  // an SVG figure arrived meanwhile
    draw(wrapper, plot, Plotly);
    if (!wrapper.__xentResize) {
      let pending = false;
      wrapper.__xentResize = new ResizeObserver(() => {
        if (pending || !plot._fullLayout) return;
        pending = true;
        requestAnimationFrame(() => { pending = false; Plotly.Plots.resize(plot); });
      });
      wrapper.__xentResize.observe(wrapper);
      wrapper.addEventListener('fullscreenchange', () => {
        if (wrapper.__xentRoute === 'plotly') draw(wrapper, plot, Plotly);
      });
    }
  });
}
