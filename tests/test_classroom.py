"""`make classroom` end to end: two Streamlit processes behind HAProxy on loopback ports.

Starts scripts/classroom.sh (what `make classroom` runs) with 2 processes, then, through the
proxy's one port: the health check answers; two students (protocol clients speaking the
browser's websocket protocol, scripts/streamlit_client.py) land on different processes, each
keeps its process for the page, the websocket and later requests (the affinity cookie), each
gets a working app and its own state; Ctrl-C (SIGINT) stops every process the script started.

Needs Debian's haproxy (scripts/test.sh installs it when run as root). Without it the test is
skipped, except under CI=true, where it fails.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "scripts"))
from streamlit_client import StreamlitSession, fetch_page, run_sync  # noqa: E402

START_TIMEOUT_S = 90
STOP_TIMEOUT_S = 20


def haproxy_path() -> str | None:
    return shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None
    )


def require_haproxy() -> str:
    path = haproxy_path()
    if path is None:
        message = "haproxy is not installed (apt-get install haproxy; scripts/test.sh does it)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {message}", pytrace=False)
        pytest.skip(message)
    return path


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive free loopback ports."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            first = s.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            sockets = []
            for port in range(first, first + count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no run of free ports found")


def is_running(pid: int) -> bool:
    """True while ``pid`` exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def health(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.read().strip() == b"ok"
    except OSError:
        return False


async def two_students_on_two_processes(base_url: str) -> list[StreamlitSession]:
    """Open students until two sit on different processes (leastconn spreads them)."""
    by_server: dict[str, StreamlitSession] = {}
    extra: list[StreamlitSession] = []
    for _ in range(6):
        session = StreamlitSession(base_url, "", timeout=60)
        result = await session.open()
        assert result.ok, f"the app did not run through the proxy: {result.exceptions}"
        server = session.http_headers.get("x-xent-server")
        assert server, "HAProxy did not name the process that answered"
        # The websocket went to the process the page came from (the affinity cookie).
        assert session.ws_headers.get("x-xent-server") == server
        if server in by_server:
            extra.append(session)
        else:
            by_server[server] = session
        if len(by_server) == 2:
            break
    for session in extra:
        await session.close()
    assert len(by_server) == 2, f"all students landed on {list(by_server)}"
    return list(by_server.values())


async def check_students(base_url: str) -> None:
    students = await two_students_on_two_processes(base_url)
    try:
        # Later requests with the student's cookies keep going to its process.
        for student in students:
            for _ in range(3):
                headers = await asyncio.to_thread(fetch_page, f"{base_url}/", student.jar)
                assert headers["x-xent-server"] == student.http_headers["x-xent-server"]
        # Each student gets a working app and keeps its own state: pick different log bases.
        chosen = []
        for i, student in enumerate(students):
            radio = student.find_widget("radio", label="log base")
            assert radio is not None, "the shell's log-base selector is missing"
            option = radio.proto.options[i + 1]
            result = await student.set_widget(radio, option)
            assert result.ok, result.exceptions
            assert student.find_widget("radio", label="log base").value == option
            chosen.append(urllib.parse.parse_qs(student.query_string))
        assert chosen[0] != chosen[1], "two students' choices ended up in the same state"
        # Moving again on the same connection still works (the session lives on).
        for student in students:
            radio = student.find_widget("radio", label="log base")
            result = await student.set_widget(radio, radio.proto.options[0])
            assert result.ok and not student.closed_reason
    finally:
        for student in students:
            await student.close()


def test_classroom_two_processes_sticky_sessions_and_clean_stop(tmp_path: Path) -> None:
    require_haproxy()
    port = free_ports(1)
    backend = free_ports(2)
    while port in (backend, backend + 1):
        backend = free_ports(2)
    pidfile = tmp_path / "classroom.pids"
    log = tmp_path / "classroom.log"
    env = {
        **os.environ,
        "XENT_PORT": str(port), "XENT_LISTEN_ADDRESS": "127.0.0.1", "XENT_PROCESSES": "2",
        "XENT_BACKEND_PORT": str(backend), "XENT_PIDFILE": str(pidfile),
    }  # fmt: skip
    base_url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(["bash", "scripts/classroom.sh"], cwd=REPO_ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    pids: dict[str, int] = {}
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not health(base_url):
            assert proc.poll() is None, f"classroom.sh exited early:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no health through the proxy:\n{log.read_text()}"
            time.sleep(0.3)
        pids = {role: int(pid) for role, pid in
                (line.split() for line in pidfile.read_text().splitlines())}
        assert sorted(pids) == ["haproxy", "streamlit1", "streamlit2"]
        assert all(is_running(pid) for pid in pids.values())

        run_sync(check_students(base_url))
        # the charts' and rows' scripts (ui/assets.py) through the proxy, as a module
        for name in ("live_chart.js", "class_rows.js", "spreadsheet.js", "plotly.min.js"):
            with urllib.request.urlopen(f"{base_url}/app/static/{name}", timeout=10) as reply:
                assert "javascript" in reply.headers["Content-Type"], name
                assert reply.read() == (REPO_ROOT / "static" / name).read_bytes(), name

        proc.send_signal(signal.SIGINT)  # what Ctrl-C in the terminal does
        proc.wait(timeout=STOP_TIMEOUT_S)
        deadline = time.monotonic() + 5
        while any(is_running(pid) for pid in pids.values()) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = {role: pid for role, pid in pids.items() if is_running(pid)}
        assert not left, f"still running after Ctrl-C: {left}"
        assert not health(base_url)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=STOP_TIMEOUT_S)
        for pid in pids.values():  # only the PIDs this test's script started
            if is_running(pid):
                os.kill(pid, signal.SIGKILL)
