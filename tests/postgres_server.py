"""A throwaway PostgreSQL server for tests: initdb into a temp folder, start on a free port.

Uses Debian's server binaries (``/usr/lib/postgresql/<version>/bin``, installed by
``scripts/test.sh`` with ``apt-get install postgresql`` when missing). PostgreSQL refuses to
run as root, so as root the cluster belongs to the ``postgres`` user and the commands run
through ``runuser``. Listens on 127.0.0.1 only, with a Unix socket inside the temp folder;
trust authentication (nothing else can reach it). :func:`start` returns ``None`` and a
reason when the server cannot start, so the fixture can skip (or fail under CI).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 60


@dataclass
class PostgresServer:
    data_dir: Path
    port: int
    bin_dir: Path
    run_as: str | None

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def stop(self) -> None:
        _run([str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.data_dir), "-m", "fast",
              "-w", "-t", "30"], self.run_as, check=False)
        shutil.rmtree(self.data_dir.parent, ignore_errors=True)


def _bin_dir() -> Path | None:
    configured = os.environ.get("XENT_PG_BIN")
    candidates = [configured] if configured else sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]),
        reverse=True,
    )
    for candidate in candidates:
        if candidate and (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], run_as: str | None, check: bool = True, timeout: float = 120):
    if run_as is not None:
        cmd = ["runuser", "-u", run_as, "--", *cmd]
    return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def start() -> tuple[PostgresServer | None, str]:
    """Start a server; returns ``(server, "")`` or ``(None, why it could not start)``."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        return None, ("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin "
                      "(apt-get install postgresql, or set XENT_PG_BIN)")
    run_as = None
    if os.geteuid() == 0:
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            return None, "running as root and there is no 'postgres' user to run the server"
        if shutil.which("runuser") is None:
            return None, "running as root and runuser is missing"
        run_as = "postgres"
    root = Path(tempfile.mkdtemp(prefix="xent-pg-"))
    data_dir = root / "data"
    if run_as is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    port = _free_port()
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data_dir), "-U", "postgres", "-A", "trust",
              "-E", "UTF8", "--no-instructions"], run_as)
        options = (f"-c listen_addresses=127.0.0.1 -c port={port} "
                   f"-c unix_socket_directories={root} -c fsync=off -c max_connections=200")
        _run([str(bin_dir / "pg_ctl"), "start", "-D", str(data_dir), "-w", "-t",
              str(START_TIMEOUT_S), "-l", str(root / "server.log"), "-o", options], run_as)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        detail = getattr(error, "stderr", "") or str(error)
        log = root / "server.log"
        if log.exists():
            detail += "\n" + log.read_text(errors="replace")[-2000:]
        _run([str(bin_dir / "pg_ctl"), "stop", "-D", str(data_dir), "-m", "immediate"],
             run_as, check=False)
        shutil.rmtree(root, ignore_errors=True)
        return None, f"PostgreSQL did not start: {detail.strip()[-1500:]}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    return PostgresServer(data_dir=data_dir, port=port, bin_dir=bin_dir, run_as=run_as), ""
