"""The bench's server: uvicorn as scripts/run.sh starts it, started and stopped here, and what
/proc says about it (CPU, descriptors, threads)."""

import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

from .config import SERVER_ENV, SERVER_ROOT, TICK


def raise_fd_limit() -> int:
    """Soft limit up to the hard one (this process and, inherited, the server's)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port):
    """uvicorn as scripts/run.sh starts it (one process, wecasa.asgi: pooled database
    connections), without --reload."""
    log = open(Path(tempfile.gettempdir()) / "bench-live-uvicorn.log", "w+b")  # noqa: SIM115
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("uvicorn")),
            "wecasa.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--backlog",
            "4096",
        ],
        cwd=SERVER_ROOT,
        env={**os.environ, **SERVER_ENV},
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            try:
                if requests.get(base + "/healthz", timeout=15).status_code == 200:
                    return process, base
            except requests.RequestException:
                time.sleep(0.5)
    except BaseException:
        stop_server(process)
        raise
    stop_server(process)
    log.seek(0)
    raise SystemExit("uvicorn did not start: " + log.read().decode()[-2000:])


def stop_server(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def fds_open(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def threads_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0
