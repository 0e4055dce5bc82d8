// The browser side of ui/live_chart.py: one chart element, redrawn in place on every move.
// Loaded once per tab from static/ (ui/assets.py), after ui/svg_chart.js, not sent with
// every chart.
//
// Two routes. A figure ui.live_chart.drawn_as_svg(figure) passes (every property it uses is
// one ui/svg_chart.js draws: bars, lines, markers, arrows, guide lines, a legend) is drawn
// as plain SVG, in a few milliseconds a move, where Plotly.react measured 20-60 ms a chart
// plus a layout of the whole page. Every other figure is drawn by plotly.js.

// The placeholder for the theme's text colour in every figure (ui.colors.INK).
const INK = '#000037';
const FULLSCREEN_PATH = 'M4 4h6v2H6v4H4V4zm10 0h6v6h-2V6h-4V4zM4 14h2v4h4v2H4v-6zm14 4v-4h2v6h-6v-2h4z';
const CAMERA_PATH = 'M9 3 7.2 5H4a2 2 0 0 0-2 2v11a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V7a2 2 0 0 '
  + '0-2-2h-3.2L15 3H9zm3 5a4.5 4.5 0 1 1 0 9 4.5 4.5 0 0 1 0-9zm0 2a2.5 2.5 0 1 0 0 5 2.5 '
  + '2.5 0 0 0 0-5z';

// Hover labels: one per chart, showing the data-tip of the bar or arrow under the pointer,
// else the label of the nearest point of a line or marker (within 24 px), as Plotly's
// hovermode "closest".
function watchHover(wrapper, plot) {
  const tip = document.createElement('div');
  tip.className = 'xent-chart-tip';
  tip.hidden = true;
  wrapper.appendChild(tip);
  plot.addEventListener('pointermove', (event) => {
    const point = event.target.closest && event.target.closest('[data-tip]');
    let text = point && point.dataset.tip;
    const drawn = wrapper.__xentDrawn;
    const svg = plot.querySelector('svg');
    if (!text && drawn && svg) {
      const frame = svg.getBoundingClientRect();
      const [x, y] = [event.clientX - frame.left, event.clientY - frame.top];
      let best = null;
      let distance = 24 * 24;
      drawn.points.forEach((p) => {
        const d = (p[0] - x) ** 2 + (p[1] - y) ** 2;
        if (d < distance) { distance = d; best = p; }
      });
      if (best) text = drawn.tip(best[2], best[3]);
    }
    if (!text) { tip.hidden = true; return; }
    const box = wrapper.getBoundingClientRect();
    tip.textContent = text;
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

// The SVG route (ui/svg_chart.js): drawn at the wrapper's width, which a ResizeObserver
// keeps (read from the page only for the first drawing: reading it after every move would
// make the browser lay out the page React just changed).
let chartCount = 0;
function drawSvg(wrapper, plot, theme = themeOf(wrapper)) {
  const state = wrapper.__xent;
  const figure = JSON.parse(state.figure.split(INK).join(theme.text));
  if (!wrapper.__xentWidth) wrapper.__xentWidth = wrapper.clientWidth;
  if (!wrapper.__xentId) wrapper.__xentId = `xent-chart-${chartCount += 1}`;
  let height = figure.layout.height || 320;
  if (document.fullscreenElement === wrapper) height = wrapper.clientHeight - 32;
  const drawn = svgChart(figure, wrapper.__xentWidth, height, theme, wrapper.__xentId);
  plot.innerHTML = drawn.svg;
  wrapper.__xentDrawn = drawn;
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
  inPlace(component, drawChart);
}

function drawChart(data, parentElement) {
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
