"""Where the class sessions are stored.

SQLite is the embedded default: one file, ``data/classroom.sqlite3`` under the repository,
created on first use. Set ``XENT_CLASSROOM_URL`` (any SQLAlchemy URL, for example
``postgresql+psycopg://user:password@host/dbname``) to share one class between several app
processes or machines, or ``XENT_DATA_DIR`` to move the SQLite file. The Streamlit app also
reads ``[connections.sql] url`` from ``.streamlit/secrets.toml``.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
URL_ENV = "XENT_CLASSROOM_URL"
DATA_DIR_ENV = "XENT_DATA_DIR"
SQLITE_FILE = "classroom.sqlite3"


def data_dir() -> Path:
    """The folder of the SQLite file: ``$XENT_DATA_DIR`` or ``<repo>/data``."""
    configured = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(configured).expanduser().resolve() if configured else REPO_ROOT / "data"


def sqlite_url(path: str | Path | None = None) -> str:
    """A SQLAlchemy URL for a SQLite file (default: ``data_dir() / classroom.sqlite3``)."""
    file = Path(path) if path is not None else data_dir() / SQLITE_FILE
    return f"sqlite:///{file.resolve()}"


def database_url(configured: str | None = None) -> str:
    """The URL to use: ``$XENT_CLASSROOM_URL``, else ``configured`` (secrets), else SQLite."""
    for candidate in (os.environ.get(URL_ENV), configured):
        if candidate and candidate.strip():
            return candidate.strip()
    return sqlite_url()
