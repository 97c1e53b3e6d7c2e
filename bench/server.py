"""gunicorn started and stopped by the harness, and what can be read about its workers from /proc."""
from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

from bench.scratch import ROOT, venv_program

START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, *, timeout: float = 60) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Gunicorn:
    """`gunicorn -c config/gunicorn.py <wsgi>` with HOST/PORT/WEB_WORKERS from the environment.

    --no-control-socket: gunicorn 27 otherwise binds ~/.gunicorn/gunicorn.ctl, shared with any other
    gunicorn on the machine (`make run` of someone else); nothing else differs from production.
    """

    def __init__(self, *, env: dict, wsgi: str, log: Path, workers: int = 2):
        self.port = free_port()
        self.env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port), "WEB_WORKERS": str(workers),
                    "ACCESS_LOG": str(log.with_suffix(".access.log"))}
        self.wsgi = wsgi
        self.log = log
        self.workers = workers
        self.process: subprocess.Popen | None = None
        self.port_open_s: float | None = None

    def start(self) -> float:
        """Start the server; return the seconds until the first search answers 200."""
        from bench.queries import FIRST_ANSWER_QUERY, search_path

        path = search_path(FIRST_ANSWER_QUERY)
        started = time.perf_counter()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [venv_program("gunicorn"), "-c", "config/gunicorn.py", "--no-control-socket", self.wsgi], cwd=ROOT,
                env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        while time.perf_counter() - started < START_TIMEOUT_S:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log}")
            try:
                # The port opens once the master has loaded the app (preload_app); the request then
                # waits in the backlog until a worker takes it.
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
            except OSError:
                time.sleep(0.01)
                continue
            self.port_open_s = time.perf_counter() - started
            status, _ = get(self.port, path)
            if status == 200:
                return time.perf_counter() - started
            raise RuntimeError(f"{path} answered {status} on a fresh server; see {self.log}")
        raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT_S} s; see {self.log}")

    def respawned_first_answer(self) -> float:
        """Kill every worker (the master stays), and time the first search answered by the new ones."""
        from bench.queries import FIRST_ANSWER_QUERY, search_path

        old = self.worker_pids()
        started = time.perf_counter()
        for pid in old:
            os.kill(pid, signal.SIGKILL)  # workers of the gunicorn this harness started
        status, _ = get(self.port, search_path(FIRST_ANSWER_QUERY))
        elapsed = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"a respawned worker answered {status}; see {self.log}")
        deadline = time.perf_counter() + 30
        while len(self.worker_pids()) < self.workers and time.perf_counter() < deadline:
            time.sleep(0.05)
        return elapsed

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())

    def memory(self) -> dict:
        """RSS and PSS (MB) of the master and of each worker."""
        return {"master": process_memory(self.process.pid),
                "workers": [process_memory(pid) for pid in self.worker_pids()]}

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # the session gunicorn was started in, ours
            self.process.wait()


def process_memory(pid: int) -> dict:
    """RSS, PSS, and how much of the RSS is anonymous (the heap) versus file-backed (mapped files:
    Whoosh's index segments, shared libraries), in MB."""
    figures = {}
    for name in ("status", "smaps_rollup"):
        try:
            text = Path(f"/proc/{pid}/{name}").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "Pss", "Anonymous", "Shared_Clean", "Private_Dirty") and value.strip().endswith("kB"):
                figures[key] = round(int(value.split()[0]) / 1024, 1)
    rss, anonymous = figures.get("VmRSS"), figures.get("Anonymous")
    return {"pid": pid, "rss_mb": rss, "pss_mb": figures.get("Pss"), "anonymous_mb": anonymous,
            "file_backed_mb": round(rss - anonymous, 1) if rss is not None and anonymous is not None else None,
            "shared_clean_mb": figures.get("Shared_Clean"), "private_dirty_mb": figures.get("Private_Dirty")}
