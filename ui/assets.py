"""What the browser loads once per tab from ``static/``, not with every message.

Streamlit's static file serving (``server.enableStaticServing`` in ``.streamlit/config.toml``)
serves ``static/`` next to ``app.py`` at ``/app/static/``. :func:`install_static` fills it when
the app starts (``app.py``) and when the container is built (``python -m ui.assets``):

* ``plotly.min.js``, copied from the installed Python ``plotly`` package, so the charts draw
  with the plotly.js version the figures are written for, and never from the network;
* the JavaScript of our elements (``ui/live_chart.js``, ``ui/class_rows.js``,
  ``ui/spreadsheet.js``, ``ui/details.js``, ``ui/moves.js``; the rows and the spreadsheet
  each joined after ``ui/edits.js``, which they share, the chart and the details after
  ``ui/places.js``, which lets a move update them in place, :mod:`ui.live`);
* their CSS, ``ui/*.css`` joined into one stylesheet, ``elements.css``.

Why the elements' JavaScript is not inline: a components-v2 element sends its JavaScript with
every message that draws it, so every move re-sent the chart's 17 KB of code with each chart
(24 KB messages for 2 KB of figure) and the rows of classes' 6 KB, for the server to hash and
send and the browser to decode, on every move of every student. :func:`element_js` is the few
lines an element sends instead: they import the file once per tab (the browser's module map
keeps it) and hand every drawing to its default export. The URL carries the file's hash, so a
new version of the app is never drawn by an old file the browser cached.

The CSS likewise: an element's inline CSS is sent with every message and becomes one more
``<style>`` per element on the page (Sigmoid or softmax had nine copies of the details' 8 KB
in its DOM, for the browser to match on every redraw). The loader adds ``elements.css`` to
the page's head once per tab, named by its hash too, and draws once it has loaded.
"""

from __future__ import annotations

import filecmp
import functools
import hashlib
import tempfile
from pathlib import Path

import plotly

UI_DIR = Path(__file__).resolve().parent
STATIC_DIR = UI_DIR.parent / "static"  # served at /app/static/
PLOTLY_JS = STATIC_DIR / "plotly.min.js"
PLOTLY_JS_SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# Each script in static/ and the files of ui/ it is made of, joined in this order: the rows
# of classes and the spreadsheet share the browser side of ui/edits.py (edits.js).
ELEMENT_SCRIPTS = {
    "live_chart.js": ("places.js", "svg_chart.js", "live_chart.js"),
    "class_rows.js": ("edits.js", "class_rows.js"),
    "spreadsheet.js": ("edits.js", "spreadsheet.js"),
    "details.js": ("places.js", "details.js"),
    "moves.js": ("moves.js",),
}
# The one stylesheet of every element, from these files of ui/, joined in this order.
STYLESHEET = "elements.css"
ELEMENT_STYLES = ("live_chart.css", "class_rows.css", "spreadsheet.css", "details.css",
                  "moves.css")


def script(name: str) -> bytes:
    """The script ``static/<name>`` serves: its parts in ``ui/``, joined."""
    if name not in ELEMENT_SCRIPTS:
        raise ValueError(f"{name} is not one of the elements' scripts {tuple(ELEMENT_SCRIPTS)}")
    return b"\n".join((UI_DIR / part).read_bytes() for part in ELEMENT_SCRIPTS[name])


def stylesheet() -> bytes:
    """The stylesheet ``static/elements.css`` serves: every element's CSS in ``ui/``, joined."""
    return b"\n".join((UI_DIR / part).read_bytes() for part in ELEMENT_STYLES)


def _version(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()[:12]


def _write(content: bytes, target: Path) -> None:
    """``content`` as the file ``target``, unless it already holds exactly that. Whole or not
    at all for a server already serving it (a file of its own, then one rename), and `make
    classroom`'s processes may all start at once. (Streamlit refuses to serve a symlink out
    of ``static/``.)"""
    if target.exists() and target.read_bytes() == content:
        return
    target.parent.mkdir(exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".partial",
                                     delete=False) as partial:
        partial.write(content)
    Path(partial.name).chmod(0o644)  # readable by the server's user (a temp file is 0600)
    Path(partial.name).replace(target)


@functools.cache
def install_static() -> list[Path]:
    """Write plotly.js, the elements' scripts and their stylesheet into :data:`STATIC_DIR`
    (each only if it differs). Once per process (``app.py`` calls it on every run)."""
    if not (PLOTLY_JS.exists() and filecmp.cmp(PLOTLY_JS, PLOTLY_JS_SOURCE, shallow=False)):
        _write(PLOTLY_JS_SOURCE.read_bytes(), PLOTLY_JS)
    for name in ELEMENT_SCRIPTS:
        _write(script(name), STATIC_DIR / name)
    _write(stylesheet(), STATIC_DIR / STYLESHEET)
    return [PLOTLY_JS, *(STATIC_DIR / name for name in ELEMENT_SCRIPTS), STATIC_DIR / STYLESHEET]


def element_js(name: str) -> str:
    """The JavaScript a components-v2 element sends: it imports ``static/<name>`` once per
    tab, adds the elements' stylesheet to the page's head once per tab (whichever element
    comes first), and calls the script's default export with each drawing (in order) once
    both have loaded."""
    version, styles = _version(script(name)), _version(stylesheet())
    return f"""
const loaded = import(new URL('app/static/{name}?v={version}', document.baseURI).href);
const sheetUrl = new URL('app/static/{STYLESHEET}?v={styles}', document.baseURI).href;
let sheet = document.head.querySelector('link[data-xent-elements]');
if (!sheet || sheet.href !== sheetUrl) {{
  sheet?.remove();
  sheet = Object.assign(document.createElement('link'), {{ rel: 'stylesheet', href: sheetUrl }});
  sheet.dataset.xentElements = '';
  sheet.__loaded = new Promise((done) => {{ sheet.onload = done; sheet.onerror = done; }});
  document.head.append(sheet);
}}
const ready = Promise.all([loaded, sheet.__loaded]);
export default function (component) {{
  ready.then(([module]) => module.default(component),
             (error) => console.error('static/{name} did not load:', error));
}}
"""


if __name__ == "__main__":  # the container build: python -m ui.assets
    for path in install_static():
        print(path)
