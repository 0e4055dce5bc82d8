"""Python's garbage collector in a server that lives for a whole class.

The app's server process holds a large, long-lived heap: Streamlit, Plotly, pandas, SQLAlchemy,
the MNIST data and model, and the cached figures, several hundred thousand objects. Python's
full (oldest-generation) collection walks all of them, and with ``runner.postScriptGC = false``
it still runs by itself every few dozen moves: measured on Five classes with 20 simulated
students, each took 90-130 ms, during which every student's move waits (the GIL).

:func:`freeze_loaded_objects` moves what a page's first run loaded into the collector's
permanent generation (``gc.freeze()``), which full collections skip: they then take about
10 ms. Objects are still freed by reference counting as usual; only reference cycles among
frozen objects are never collected, which is why it runs once per page and process, after a
full collection, when what is live is the data and code every later run shares.
"""

from __future__ import annotations

import gc
import threading

_frozen_after: set[str] = set()
_lock = threading.Lock()


def freeze_loaded_objects(page: str) -> bool:
    """After the first complete run of ``page`` in this process: collect, then freeze what
    is left. Returns whether it froze (False on every later run)."""
    with _lock:
        if page in _frozen_after:
            return False
        _frozen_after.add(page)
        gc.collect()
        gc.freeze()
        return True
