"""What the browser loads once per tab from ``static/``, not with every message.

Streamlit's static file serving (``server.enableStaticServing`` in ``.streamlit/config.toml``)
serves ``static/`` next to ``app.py`` at ``/app/static/``. :func:`install_static` fills it when
the app starts (``app.py``) and when the container is built (``python -m ui.assets``):

* ``plotly.min.js``, copied from the installed Python ``plotly`` package, so the charts draw
  with the plotly.js version the figures are written for, and never from the network;
* the JavaScript of our elements (``ui/live_chart.js``, ``ui/class_rows.js``,
  ``ui/spreadsheet.js``).

Why the elements' JavaScript is not inline: a components-v2 element sends its JavaScript with
every message that draws it, so every move re-sent the chart's 17 KB of code with each chart
(24 KB messages for 2 KB of figure) and the rows of classes' 6 KB, for the server to hash and
send and the browser to decode, on every move of every student. :func:`element_js` is the few
lines an element sends instead: they import the file once per tab (the browser's module map
keeps it) and hand every drawing to its default export. The URL carries the file's hash, so a
new version of the app is never drawn by an old file the browser cached.
"""

from __future__ import annotations

import filecmp
import functools
import hashlib
import shutil
import tempfile
from pathlib import Path

import plotly

UI_DIR = Path(__file__).resolve().parent
STATIC_DIR = UI_DIR.parent / "static"  # served at /app/static/
PLOTLY_JS = STATIC_DIR / "plotly.min.js"
PLOTLY_JS_SOURCE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
ELEMENT_SCRIPTS = ("live_chart.js", "class_rows.js", "spreadsheet.js")  # in ui/


def _copy(source: Path, target: Path) -> None:
    """``source`` to ``target``, unless the same file is already there. Whole or not at all
    for a server already serving it (a copy of its own, then one rename), and `make
    classroom`'s processes may all start at once. (Streamlit refuses to serve a symlink out
    of ``static/``.)"""
    if target.exists() and filecmp.cmp(target, source, shallow=False):
        return
    target.parent.mkdir(exist_ok=True)
    with (tempfile.NamedTemporaryFile(dir=target.parent, suffix=".partial",
                                      delete=False) as partial,
          source.open("rb") as data):
        shutil.copyfileobj(data, partial)
    Path(partial.name).chmod(0o644)  # readable by the server's user (a temp file is 0600)
    Path(partial.name).replace(target)


@functools.cache
def install_static() -> list[Path]:
    """Copy plotly.js and the elements' scripts into :data:`STATIC_DIR` (each only if it
    differs). Once per process (``app.py`` calls it on every run)."""
    _copy(PLOTLY_JS_SOURCE, PLOTLY_JS)
    for name in ELEMENT_SCRIPTS:
        _copy(UI_DIR / name, STATIC_DIR / name)
    return [PLOTLY_JS, *(STATIC_DIR / name for name in ELEMENT_SCRIPTS)]


def element_js(name: str) -> str:
    """The JavaScript a components-v2 element sends: it imports ``static/<name>`` once per
    tab and calls its default export with each drawing (in order)."""
    if name not in ELEMENT_SCRIPTS:
        raise ValueError(f"{name} is not one of the elements' scripts {ELEMENT_SCRIPTS}")
    version = hashlib.sha256((UI_DIR / name).read_bytes()).hexdigest()[:12]
    return f"""
const loaded = import(new URL('app/static/{name}?v={version}', document.baseURI).href);
export default function (component) {{
  loaded.then((module) => module.default(component),
              (error) => console.error('static/{name} did not load:', error));
}}
"""


if __name__ == "__main__":  # the container build: python -m ui.assets
    for path in install_static():
        print(path)
