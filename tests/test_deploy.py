"""deploy/: what can be checked without Docker.

* The app image (deploy/Dockerfile) is built from the same Python minor version the tests run on
  and pip-installs exactly requirements.txt -- the runtime half of the venv the tests use.
* deploy/compose.yaml is valid YAML with N app replicas built from that Dockerfile, PostgreSQL,
  and the proxy mounting deploy/haproxy.cfg -- the very file scripts/classroom.sh (`make
  classroom`) runs.
* HAProxy accepts deploy/haproxy.cfg in both modes (local processes, container replicas).
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from test_classroom import haproxy_path, require_haproxy

REPO_ROOT = Path(__file__).resolve().parent.parent
DEPLOY = REPO_ROOT / "deploy"
HAPROXY_CFG = DEPLOY / "haproxy.cfg"


def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs; continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text())
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            pairs.append((word.upper(), rest.strip()))
    return pairs


def pip_installs(run_args: str) -> list[list[str]]:
    """The argument lists of every `pip install` inside a RUN command."""
    installs = []
    for command in re.split(r"&&|;", run_args):
        words = shlex.split(command)
        for i in range(len(words) - 1):
            if words[i] == "pip" or words[i].endswith("/pip") or words[i:i + 2] == ["-m", "pip"]:
                rest = words[i + 1:] if words[i] != "-m" else words[i + 2:]
                if rest and rest[0] == "install":
                    installs.append(rest[1:])
                break
    return installs


def test_app_image_installs_exactly_requirements_txt_on_the_tests_python() -> None:
    steps = dockerfile_instructions(DEPLOY / "Dockerfile")
    froms = [args for word, args in steps if word == "FROM"]
    assert len(froms) == 1
    match = re.fullmatch(r"python:(\d+)\.(\d+)[-\w.]*", froms[0])
    assert match, f"unexpected base image {froms[0]}"
    assert (int(match[1]), int(match[2])) == sys.version_info[:2], (
        "the image's Python differs from the one the tests run on")

    copies = [shlex.split(args) for word, args in steps if word == "COPY"]
    assert ["requirements.txt", "/app/requirements.txt"] in copies
    installs = [i for word, args in steps if word == "RUN" for i in pip_installs(args)]
    assert installs == [["-r", "/app/requirements.txt"]], (
        f"the image must pip-install requirements.txt and nothing else, found {installs}")
    # requirements-dev.txt builds on the same file, so the tests' venv holds the same packages.
    dev = (REPO_ROOT / "requirements-dev.txt").read_text().splitlines()
    assert "-r requirements.txt" in [line.strip() for line in dev]

    cmd = [args for word, args in steps if word == "CMD"][-1]
    assert '"app.py"' in cmd and '"0.0.0.0"' in cmd and '"8501"' in cmd
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
    assert ".venv" in ignored, "the host's .venv must not be copied into the image"
    # plotly.js (from the image's own plotly package) and our elements' scripts are copied
    # into static/ after the app.
    assert "static" in ignored
    runs = [args for word, args in steps if word == "RUN"]
    app_copied = next(i for i, (word, args) in enumerate(steps)
                      if word == "COPY" and shlex.split(args) == [".", "/app"])
    assert any(shlex.split(args)[1:] == ["-m", "ui.assets"]
               for word, args in steps[app_copied:] if word == "RUN"), runs


def load_compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_compose_runs_replicas_behind_the_classroom_proxy_config_with_postgres() -> None:
    compose = load_compose()
    services = compose["services"]
    assert set(services) == {"app", "proxy", "db"}

    app = services["app"]
    assert (DEPLOY / app["build"]["context"]).resolve() == REPO_ROOT
    assert (REPO_ROOT / app["build"]["dockerfile"]).resolve() == DEPLOY / "Dockerfile"
    replicas = app["deploy"]["replicas"]
    match = re.fullmatch(r"\$\{XENT_REPLICAS:-(\d+)\}", replicas)
    assert match and int(match[1]) >= 2, f"replicas: {replicas}"
    database_url = app["environment"]["XENT_CLASSROOM_URL"]
    assert database_url.startswith("postgresql+psycopg://") and "@db:5432/" in database_url
    assert "STREAMLIT_SERVER_COOKIE_SECRET" in app["environment"]

    proxy = services["proxy"]
    mounts = {}
    for volume in proxy["volumes"]:
        source, target, *_ = volume.split(":")
        mounts[target] = (DEPLOY / source).resolve()
    command = shlex.split(
        [a for w, a in dockerfile_instructions(DEPLOY / proxy["build"]["dockerfile"])
         if w == "CMD"][-1].replace('"', "").strip("[]").replace(",", " "))
    config_in_container = command[command.index("-f") + 1]
    assert mounts[config_in_container] == HAPROXY_CFG
    # ... the same file the classroom script hands to haproxy.
    classroom = (REPO_ROOT / "scripts" / "classroom.sh").read_text()
    assert '"$HAPROXY" -db -f deploy/haproxy.cfg' in classroom
    assert proxy["environment"]["XENT_APP_DNS"].endswith("app:8501}")
    assert proxy["ports"] == ["${XENT_PORT:-8501}:8501"]
    proxy_image = dockerfile_instructions(DEPLOY / proxy["build"]["dockerfile"])
    assert ("FROM", "debian:bookworm-slim") in proxy_image
    assert any("apt-get install" in a and "haproxy" in a for w, a in proxy_image if w == "RUN")

    db = services["db"]
    assert db["image"].startswith("postgres:")
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert "db-data" in compose["volumes"]


@pytest.mark.parametrize(
    "env",
    [
        {"XENT_LISTEN": "127.0.0.1:8501", "XENT_APP_1": "127.0.0.1:8601",
         "XENT_APP_2": "127.0.0.1:8602", "XENT_COOKIE_KEY": "k"},
        {"XENT_LISTEN": "0.0.0.0:8501", "XENT_APP_DNS": "app:8501", "XENT_MAX_APPS": "32",
         "XENT_COOKIE_KEY": "k"},
    ],
    ids=["classroom", "compose"],
)  # fmt: skip
def test_haproxy_accepts_the_config(env: dict[str, str]) -> None:
    haproxy = require_haproxy()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("XENT_")}
    result = subprocess.run([haproxy, "-c", "-f", str(HAPROXY_CFG)], env={**clean, **env},
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stdout + result.stderr


def test_haproxy_config_keeps_students_on_their_process_and_passes_websockets() -> None:
    text = HAPROXY_CFG.read_text()
    assert re.search(r"^\s*cookie XENT_SERVER insert .*dynamic", text, re.M)
    assert re.search(r"^\s*option httpchk GET /_stcore/health", text, re.M)
    assert re.search(r"^\s*timeout tunnel\s+\S+", text, re.M)  # open websockets stay open
    slots = re.findall(r"^\s*server app(\d) \"\$\{XENT_APP_\1\}\"", text, re.M)
    assert slots == [str(i) for i in range(1, 9)]
    assert "MAX_PROCESSES=8" in (REPO_ROOT / "scripts" / "classroom.sh").read_text()
    if haproxy_path() is None:
        return
    # With no process configured the backend is empty: haproxy still parses the file.
    env = {"XENT_LISTEN": "127.0.0.1:8501", "XENT_COOKIE_KEY": "k", "PATH": os.environ["PATH"]}
    result = subprocess.run([haproxy_path(), "-c", "-f", str(HAPROXY_CFG)], env=env,
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
