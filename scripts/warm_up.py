"""Serve a fresh Streamlit server's first script run ourselves, before any learner does.

Streamlit 1.67 decides on its first session whether the app uses the legacy ``pages/``
folder mode (see ``ui/lessons.py``). In that mode a first request that is a link to a lesson
shows a "Page not found" dialog. Asking ``/_stcore/script-health-check`` once (enabled in
``.streamlit/config.toml``) runs ``app.py`` in a throw-away session; its ``st.navigation``
switches legacy mode off for the whole process, so the first learner's link opens cleanly.

Usage: ``python scripts/warm_up.py http://127.0.0.1:8501`` (waits up to 60 s for the server).
"""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request


def get(url: str, timeout: float = 30) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return 0


def warm_up(base_url: str, wait_s: float = 60) -> bool:
    """Wait until the server answers, then run the app once. True when the run succeeded."""
    base_url = base_url.rstrip("/")
    deadline = time.monotonic() + wait_s
    while get(f"{base_url}/_stcore/health", timeout=2) != 200:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return get(f"{base_url}/_stcore/script-health-check") == 200


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else "http://127.0.0.1:8501"
    return 0 if warm_up(url) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
