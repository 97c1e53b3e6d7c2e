"""HTTP clients: one client timing each request, and N concurrent clients for throughput.

Throughput uses wrk when it is installed (`apt-get install -y wrk`), with a Lua script that cycles
through the query set; without it a Python client with one thread per connection does the same.
"""
from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import tempfile
import threading
import time
from itertools import cycle
from pathlib import Path

from bench.queries import QUERIES, search_path
from bench.tasks import percentiles


def latency(port: int, *, api: bool, repeat: int) -> dict:
    """Each query of the set `repeat` times in a row, one client, after one warm-up pass."""
    paths = [search_path(query, api=api) for query in QUERIES]
    errors = 0
    for path in paths:
        errors += _timed_get(port, path)[0] != 200
    samples = []
    if not repeat:
        return {"errors": errors}
    for _ in range(repeat):
        for path in paths:
            status, elapsed, _ = _timed_get(port, path)
            errors += status != 200
            samples.append(elapsed)
    return {**percentiles(samples), "errors": errors}


def _timed_get(port: int, path: str) -> tuple[int, float, bytes]:
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        status = response.status
    except OSError:
        status, body = 0, b""
    finally:
        connection.close()
    return status, time.perf_counter() - started, body


def throughput(port: int, *, connections: int, seconds: float, api: bool = False) -> dict:
    paths = [search_path(query, api=api) for query in QUERIES]
    if shutil.which("wrk"):
        return _wrk(port, paths, connections=connections, seconds=seconds)
    result = _threads(port, paths, connections=connections, seconds=seconds)
    result["note"] = "wrk is not installed (apt-get install -y wrk): Python thread client used"
    return result


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def _wrk(port: int, paths: list[str], *, connections: int, seconds: float) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % ", ".join(f'"{path}"' for path in paths))
    try:
        completed = subprocess.run(
            ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "30s", "--latency", "-s", script.name,
             f"http://127.0.0.1:{port}"], capture_output=True, text=True, check=True,
        )
    finally:
        Path(script.name).unlink()
    output = completed.stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    latencies = dict(re.findall(r"^\s+(50|90|99)%\s+(\S+)", output, re.MULTILINE))
    return {
        "client": "wrk",
        "connections": connections,
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "errors": (int(non_2xx.group(1)) if non_2xx else 0) + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
        "latency": {f"p{key}": value for key, value in latencies.items()},
    }


def _threads(port: int, paths: list[str], *, connections: int, seconds: float) -> dict:
    deadline = time.perf_counter() + seconds
    counts = {"requests": 0, "errors": 0}
    samples: list[float] = []
    lock = threading.Lock()

    def client(offset: int):
        for path in cycle(paths[offset:] + paths[:offset]):
            if time.perf_counter() >= deadline:
                return
            status, elapsed, _ = _timed_get(port, path)
            with lock:
                counts["requests"] += 1
                counts["errors"] += status != 200
                samples.append(elapsed)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n % len(paths),)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"client": "python-threads", "connections": connections, "requests": counts["requests"],
            "requests_per_s": round(counts["requests"] / elapsed, 1), "errors": counts["errors"],
            "latency": percentiles(samples) if samples else {}}
