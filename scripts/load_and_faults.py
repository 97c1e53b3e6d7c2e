"""Load and fault tests for the archive: a private PostgreSQL, a real gunicorn, real kills.

    .venv/bin/python scripts/load_and_faults.py [--quick]

Scenarios: set up a throwaway cluster and data folders, serve, search under load while
ingesting, kill -9 an ingest, kill -9 a rebuild, stop PostgreSQL while serving, fuzz the
search page and API. Prints a table and writes var/reliability/results.json (with the logs
in var/reliability/logs/). Everything it starts is stopped again on exit, Ctrl-C included.
See docs/reliability.md.
"""
import argparse
import gzip
import http.client
import json
import math
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.fuzzing import RAW_QUERY_STRINGS, fuzzed_params

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
RESULTS_DIR = ROOT / "var" / "reliability"
CORPUS_REPLIES = ROOT.parent / "shared" / "corpus" / "02_citizen_message_replies_tipdm2020.jsonl.gz"

DATABASE_NAME = "replies_archive_reliability"
SEARCH_ENDPOINTS = ("/search/", "/api/search/")
OUTAGE_URLS = ("/", "/replies/", "/api/replies/", "/healthz")
SEARCH_QUERIES = [
    "产业链", "智能制造", "税", "工信", "常工信复〔2021〕第22号", "0287", "签发人:杨军", '"产业链 供应链"',
    "產業鏈", "专精特新", "人才", "集成电路", "新能源汽车", "中小企业 融资", "营商环境", "数字经济",
    "知识产权", "石墨烯", "绿色工厂", "小区 物业", "购房补贴", "教育 -培训", "代表建议", "2021",
]
LOAD_BATCH = range(1, 61)
KILL_BATCH = range(101, 141)
KILL_AFTER_CREATED = 10
LOAD_CLIENTS = 16
FUZZ_CLIENTS = 4
FUZZ_SEED = 20260101
HTTP_TIMEOUT_SECONDS = 60
WORKSPACE_FOLDERS = ("var", "media", "index", "static", "logs", "documents")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
RESULT_COUNT_RE = re.compile(r"共找到\s*([\d,]+)\s*份")


@dataclass(frozen=True)
class Durations:
    load_seconds: int
    fuzz_requests: int


FULL = Durations(load_seconds=60, fuzz_requests=10_000)
QUICK = Durations(load_seconds=10, fuzz_requests=500)


@dataclass
class ScenarioResult:
    name: str
    passed: bool | None = None  # None: not run
    checks: dict[str, bool] = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str = ""
    traceback: str = ""

    def conclude(self) -> "ScenarioResult":
        self.passed = all(self.checks.values())
        return self


# Processes -------------------------------------------------------------------------------


@dataclass
class Finished:
    returncode: int | None
    output: str
    seconds: float


class Processes:
    """Every process this script starts, each leading its own process group, so that stopping
    one also stops its children (gunicorn's workers)."""

    def __init__(self):
        self._started: list[subprocess.Popen] = []

    def start(self, command: list[str], *, env: dict, log_path: Path | None = None) -> subprocess.Popen:
        """Output goes to log_path, or to a text pipe the caller reads."""
        if log_path is None:
            return self._popen(command, env=env, stdout=subprocess.PIPE)
        with open(log_path, "ab") as log:
            return self._popen(command, env=env, stdout=log)

    def _popen(self, command: list[str], *, env: dict, stdout) -> subprocess.Popen:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=stdout,
                                   stderr=subprocess.STDOUT, start_new_session=True, text=stdout == subprocess.PIPE)
        self._started.append(process)
        return process

    def run(self, command: list[str], *, env: dict, timeout: float = 600) -> Finished:
        started = time.monotonic()
        process = self.start(command, env=env)
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.stop(process)
            output = process.stdout.read() if process.stdout else ""
            return Finished(None, output + f"\n[timed out after {timeout} s]", time.monotonic() - started)
        return Finished(process.returncode, output, time.monotonic() - started)

    @staticmethod
    def kill(process: subprocess.Popen, signal_number: int = signal.SIGKILL) -> None:
        # Only while the leader is unreaped: then its pid, the group id, cannot have been reused.
        if process.returncode is None:
            try:
                os.killpg(process.pid, signal_number)
            except ProcessLookupError:
                pass

    def stop(self, process: subprocess.Popen, grace_seconds: float = 10) -> None:
        if process.poll() is not None:
            return
        self.kill(process, signal.SIGTERM)
        try:
            process.wait(grace_seconds)
        except subprocess.TimeoutExpired:
            self.kill(process, signal.SIGKILL)
            process.wait(grace_seconds)

    def stop_all(self) -> None:
        for process in reversed(self._started):
            self.stop(process)


def free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free TCP port")


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# The private PostgreSQL cluster -----------------------------------------------------------


class PrivatePostgres:
    """A throwaway cluster in a temp folder, run as the postgres OS user, trust auth on 127.0.0.1."""

    def __init__(self, processes: Processes, home: Path, port: int):
        self.processes = processes
        self.home = home
        self.data = home / "data"
        self.log = home / "server.log"
        self.port = port
        self.bindir = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda path: int(path.parent.name))
        self.created = False

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE_NAME}"

    def _as_postgres(self, program: str, *args: str, timeout: float = 120) -> Finished:
        command = ["runuser", "-u", "postgres", "--", str(self.bindir / program), *args]
        return self.processes.run(command, env={**os.environ, "LC_ALL": "C.UTF-8"}, timeout=timeout)

    def _checked(self, program: str, *args: str) -> Finished:
        finished = self._as_postgres(program, *args)
        if finished.returncode != 0:
            raise RuntimeError(f"{program} failed:\n{tail(finished.output)}")
        return finished

    def create(self) -> None:
        shutil.chown(self.home, user="postgres", group="postgres")
        self.home.chmod(0o700)
        self._checked("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8")
        self.created = True

    def start(self) -> None:
        options = f"-p {self.port} -k {self.home} -c listen_addresses=127.0.0.1"
        self._checked("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> Finished:
        return self._as_postgres("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop")

    def create_database(self) -> None:
        self._checked("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", DATABASE_NAME)

    def version(self) -> str:
        return self._as_postgres("postgres", "--version").output.strip()

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def shut_down(self) -> None:
        """Stop the cluster whatever state it is in; last resort: SIGKILL the postmaster by its pid."""
        if not self.created or not self.is_running():
            return
        if self.stop("immediate").returncode == 0:
            return
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)


# The archive: its environment, its commands, gunicorn -------------------------------------


@dataclass
class Workspace:
    root: Path
    postgres_home: Path

    @classmethod
    def create(cls) -> "Workspace":
        root = Path(tempfile.mkdtemp(prefix="archive-reliability-"))
        postgres_home = Path(tempfile.mkdtemp(prefix="archive-reliability-pg-"))
        for name in WORKSPACE_FOLDERS:
            (root / name).mkdir()
        return cls(root, postgres_home)

    def log(self, name: str) -> Path:
        return self.root / "logs" / name

    def documents(self, batch_name: str) -> Path:
        folder = self.root / "documents" / batch_name
        folder.mkdir(exist_ok=True)
        return folder

    def keep_logs(self, destination: Path) -> None:
        shutil.rmtree(destination, ignore_errors=True)
        destination.mkdir(parents=True)
        for log in [*(self.root / "logs").iterdir(), self.postgres_home / "server.log"]:
            if log.is_file():
                shutil.copy(log, destination / log.name)

    def remove(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
        shutil.rmtree(self.postgres_home, ignore_errors=True)


class Archive:
    def __init__(self, processes: Processes, workspace: Workspace, database_url: str, port: int):
        self.processes = processes
        self.workspace = workspace
        self.port = port
        self.gunicorn: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(64),
            "DEBUG": "0",
            "VAR_DIR": str(workspace.root / "var"),
            "MEDIA_ROOT": str(workspace.root / "media"),
            "SEARCH_INDEX_DIR": str(workspace.root / "index"),
            "STATIC_ROOT": str(workspace.root / "static"),
            "JIEBA_CACHE_DIR": str(workspace.root / "var" / "cache"),
            "RATELIMIT_ENABLE": "0",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "WEB_WORKERS": "2",
            "ACCESS_LOG": str(workspace.log("access.log")),
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def media_root(self) -> Path:
        return Path(self.env["MEDIA_ROOT"])

    @property
    def index_dir(self) -> Path:
        return Path(self.env["SEARCH_INDEX_DIR"])

    def command(self, *args: str) -> list[str]:
        return [PYTHON, "manage.py", *args]

    def manage(self, *args: str, timeout: float = 600) -> Finished:
        return self.processes.run(self.command(*args), env=self.env, timeout=timeout)

    def manage_checked(self, *args: str, timeout: float = 600) -> Finished:
        finished = self.manage(*args, timeout=timeout)
        if finished.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} exited {finished.returncode}:\n{tail(finished.output)}")
        return finished

    def serve(self) -> float:
        """Start gunicorn and return the seconds until /healthz answered 200."""
        started = time.monotonic()
        command = [GUNICORN, "-c", "config/gunicorn.py", "config.wsgi"]
        self.gunicorn = self.processes.start(command, env=self.env, log_path=self.workspace.log("gunicorn.log"))
        client = HttpClient(self.port)
        while time.monotonic() - started < 90:
            if self.gunicorn.poll() is not None:
                raise RuntimeError(f"gunicorn exited {self.gunicorn.returncode}:\n"
                                   + tail(self.workspace.log("gunicorn.log").read_text(errors="replace")))
            if client.get("/healthz").status == 200:
                return time.monotonic() - started
            time.sleep(0.3)
        raise RuntimeError("/healthz did not answer 200 within 90 s")

    def state(self) -> dict:
        """Replies, index and stored originals, read by the application's own code."""
        finished = self.manage_checked("shell", "-c", STATE_SNIPPET)
        last_json_line = [line for line in finished.output.splitlines() if line.startswith("{")][-1]
        return json.loads(last_json_line)


STATE_SNIPPET = """
import json
from collections import Counter
from pathlib import Path
from django.conf import settings
from replies.models import Reply, SourceFile
from search.backends import search_backend
from search.models import PendingIndexUpdate
media = Path(settings.MEDIA_ROOT)
keys = Counter(Reply.objects.main_versions().exclude(doc_number_key="").values_list("doc_number_key", flat=True))
sources = [[name, size, (media / name).stat().st_size if (media / name).is_file() else None]
           for name, size in SourceFile.objects.values_list("file", "size")]
originals = media / "originals"
stored = sorted(str(p.relative_to(media)) for p in originals.rglob("*") if p.is_file()) if originals.exists() else []
print(json.dumps({
    "reply_ids": sorted(Reply.objects.current().values_list("pk", flat=True)),  # earlier versions are not indexed
    "duplicate_doc_number_keys": {key: count for key, count in keys.items() if count > 1},
    "index_ids": sorted(search_backend().indexed_ids()),
    "pending_index_updates": PendingIndexUpdate.objects.count(),
    "source_files": sources,
    "stored_files": stored,
}))
"""


# HTTP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Response:
    path: str
    status: int | None
    body: bytes
    seconds: float
    error: str = ""
    headers: dict = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.status != 200

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def sample(self) -> dict:
        return {"path": self.path[:200], "status": self.status, "error": self.error, "body": self.text()[:300]}


class HttpClient:
    """One connection, kept alive while the server allows (gunicorn's sync workers close it after
    each response; http.client then reconnects for the next request)."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT_SECONDS)

    def get(self, path: str) -> Response:
        started = time.perf_counter()
        try:
            self.connection.request("GET", path)
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            return Response(path, None, b"", time.perf_counter() - started, f"{type(error).__name__}: {error}")
        return Response(path, response.status, body, time.perf_counter() - started,
                        headers={name.lower(): value for name, value in response.getheaders()})

    def get_json(self, path: str) -> dict | None:
        response = self.get(path)
        return json.loads(response.body) if response.status == 200 else None


def search_path(endpoint: str, query: str) -> str:
    return f"{endpoint}?q={urllib.parse.quote(query)}"


def percentile(values: list[float], fraction: float) -> float | None:
    """Nearest-rank percentile."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def latency_figures(responses: list[Response]) -> dict:
    seconds = [response.seconds for response in responses]
    return {"p50_ms": milliseconds(percentile(seconds, 0.50)), "p95_ms": milliseconds(percentile(seconds, 0.95)),
            "max_ms": milliseconds(max(seconds, default=None))}


def milliseconds(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 1)


def run_clients(count: int, client_loop) -> list[Response]:
    """Run client_loop(number, stop_event) -> list[Response] in `count` threads; Ctrl-C stops them."""
    stop = threading.Event()
    results: list[list[Response]] = [[] for _ in range(count)]

    def thread_body(number: int) -> None:
        results[number] = client_loop(number, stop)

    threads = [threading.Thread(target=thread_body, args=(number,), daemon=True) for number in range(count)]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    finally:
        stop.set()
    return [response for responses in results for response in responses]


# Generated documents ----------------------------------------------------------------------


def corpus_replies() -> list[dict]:
    """The real bureau replies of the corpus, without boilerplate or repeated texts."""
    with gzip.open(CORPUS_REPLIES, "rt", encoding="utf-8") as lines:
        documents = [json.loads(line) for line in lines]
    seen_texts, replies = set(), []
    for document in sorted(documents, key=lambda document: document["id"]):
        if document["short_or_boilerplate"] or document["text"] in seen_texts or len(document["text"]) > 4000:
            continue
        seen_texts.add(document["text"])
        replies.append(document)
    return replies


def test_doc_number(serial: int) -> str:
    return f"测试复〔2026〕第{serial}号"


def reply_shaped_text(serial: int, source: dict) -> str:
    title = source["title"].strip().rstrip("？?。")
    lines = [f"关于{title}的答复", test_doc_number(serial), f"张{serial}代表：", source["text"].strip(),
             "签发人：王测试", ""]
    return "\n\n".join(lines)


def write_batch(folder: Path, serials: range, sources: list[dict]) -> None:
    for serial, source in zip(serials, sources, strict=True):
        (folder / f"reply-{serial:03d}.txt").write_text(reply_shaped_text(serial, source), encoding="utf-8")


# The run ------------------------------------------------------------------------------------


@dataclass
class Run:
    durations: Durations
    processes: Processes
    workspace: Workspace
    postgres: PrivatePostgres | None = None
    archive: Archive | None = None
    sources: list[dict] = field(default_factory=list)
    seed_replies: int = 0

    def client(self) -> HttpClient:
        return HttpClient(self.archive.port)


def scenario_private_postgres(run: Run, result: ScenarioResult) -> None:
    started = time.monotonic()
    run.postgres = PrivatePostgres(run.processes, run.workspace.postgres_home, free_port(55432))
    run.postgres.create()
    run.postgres.start()
    run.postgres.create_database()
    result.figures.update(postgres=run.postgres.version(), postgres_port=run.postgres.port)
    run.archive = Archive(run.processes, run.workspace, run.postgres.url, free_port(58000))
    for args in (("migrate", "--noinput"), ("createcachetable",), ("collectstatic", "--noinput", "-v", "0"),
                 ("ingest_replies", "fixtures/seeds"), ("ensure_search_index",)):
        finished = run.archive.manage_checked(*args)
        result.figures[f"{args[0]}_s"] = round(finished.seconds, 1)
    state = run.archive.state()
    run.seed_replies = len(state["reply_ids"])
    run.sources = corpus_replies()[: len(LOAD_BATCH) + len(KILL_BATCH)]
    result.checks["seeds ingested"] = run.seed_replies > 0
    result.checks["seeds indexed"] = state["index_ids"] == state["reply_ids"]
    result.figures.update(seed_replies=run.seed_replies, setup_s=round(time.monotonic() - started, 1))


def scenario_serve(run: Run, result: ScenarioResult) -> None:
    seconds = run.archive.serve()
    health = run.client().get_json("/healthz") or {}
    result.checks["/healthz answers 200"] = True
    result.figures.update(port=run.archive.port, workers=run.archive.env["WEB_WORKERS"], ready_s=round(seconds, 1),
                          healthz=health.get("status"))


def scenario_load_while_ingesting(run: Run, result: ScenarioResult) -> None:
    folder = run.workspace.documents("load")
    write_batch(folder, LOAD_BATCH, run.sources[: len(LOAD_BATCH)])
    ingest_log = run.workspace.log("ingest-load.log")
    ingest_started = time.monotonic()
    ingest = run.processes.start(run.archive.command("ingest_replies", str(folder)), env=run.archive.env,
                                 log_path=ingest_log)
    responses = run_clients(LOAD_CLIENTS, search_client_loop(run.archive.port, run.durations.load_seconds))
    ingest_returncode = ingest.wait(timeout=600)
    ingest_seconds = time.monotonic() - ingest_started
    created = ingest_log.read_text(errors="replace").count("created:")
    failures = [response for response in responses if response.failed]
    result.figures.update(
        clients=LOAD_CLIENTS, seconds=run.durations.load_seconds, requests=len(responses), failed=len(failures),
        requests_per_s=round(len(responses) / run.durations.load_seconds, 1), **latency_figures(responses),
        ingest_s=round(ingest_seconds, 1), ingest_created=created,
        by_endpoint={endpoint: {"requests": len(subset), **latency_figures(subset)}
                     for endpoint, subset in responses_by_endpoint(responses).items()},
    )
    result.notes += [f"failed request: {failure.sample()}" for failure in failures[:5]]

    found, found_after, misses = wait_until_found_by_doc_number(run.client(), LOAD_BATCH, deadline_seconds=60)
    result.figures.update(found_by_doc_number=found, found_after_s=round(found_after, 1))
    result.notes += [f"not found first: {miss}" for miss in misses[:5]]
    result.checks["zero failed requests"] = bool(responses) and not failures
    result.checks["the ingest created all 60"] = ingest_returncode == 0 and created == len(LOAD_BATCH)
    result.checks["each of the 60 found first by its doc number"] = found == len(LOAD_BATCH)


def search_client_loop(port: int, seconds: float):
    stop_at = time.monotonic() + seconds

    def client_loop(number: int, stop: threading.Event) -> list[Response]:
        client, responses, turn = HttpClient(port), [], number
        while time.monotonic() < stop_at and not stop.is_set():
            endpoint = SEARCH_ENDPOINTS[turn % 2]
            query = SEARCH_QUERIES[(turn // 2) % len(SEARCH_QUERIES)]
            responses.append(client.get(search_path(endpoint, query)))
            turn += 1
        return responses

    return client_loop


def responses_by_endpoint(responses: list[Response]) -> dict[str, list[Response]]:
    return {endpoint: [response for response in responses if response.path.startswith(endpoint + "?")]
            for endpoint in SEARCH_ENDPOINTS}


def wait_until_found_by_doc_number(client: HttpClient, serials: range, deadline_seconds: float):
    """Poll the search API until each doc number finds its own reply first (the index queue may lag).
    Returns how many were found, after how many seconds, and the last misses."""
    started, waiting = time.monotonic(), list(serials)
    while True:
        misses = [miss for serial in waiting if (miss := doc_number_miss(client, serial))]
        waiting = [miss["serial"] for miss in misses]
        elapsed = time.monotonic() - started
        if not waiting or elapsed > deadline_seconds:
            return len(serials) - len(waiting), elapsed, misses
        time.sleep(1)


def doc_number_miss(client: HttpClient, serial: int) -> dict | None:
    wanted = test_doc_number(serial)
    payload = client.get_json(search_path("/api/search/", wanted)) or {}
    first = (payload.get("results") or [{}])[0].get("doc_number")
    return None if first == wanted else {"serial": serial, "query": wanted, "first": first, "count": payload.get("count")}


def scenario_kill_ingest(run: Run, result: ScenarioResult) -> None:
    folder = run.workspace.documents("kill")
    write_batch(folder, KILL_BATCH, run.sources[len(LOAD_BATCH):])
    created_before_kill, killed = ingest_and_kill(run, run.archive.command("ingest_replies", str(folder)))
    after_kill = run.archive.state()
    result.figures.update(created_before_kill=created_before_kill, replies_after_kill=len(after_kill["reply_ids"]),
                          stray_files_after_kill=len(source_file_problems(after_kill)["stray files"]))

    rerun = run.archive.manage("ingest_replies", str(folder))
    state = run.archive.state()
    expected = run.seed_replies + len(LOAD_BATCH) + len(KILL_BATCH)
    problems = source_file_problems(state)
    result.figures.update(
        rerun_created=rerun.output.count("created:"), rerun_duplicate=rerun.output.count("duplicate:"),
        rerun_s=round(rerun.seconds, 1), replies=len(state["reply_ids"]), expected=expected,
        source_files=len(state["source_files"]), stored_files=len(state["stored_files"]),
        pending_index_updates=state["pending_index_updates"],
        missing_from_index=len(set(state["reply_ids"]) - set(state["index_ids"])),
        extra_in_index=len(set(state["index_ids"]) - set(state["reply_ids"])),
    )
    if rerun.returncode != 0:
        result.notes.append(f"rerun exited {rerun.returncode}: {tail(rerun.output)}")
    result.notes += [f"{kind}: {items[:5]}" for kind, items in problems.items() if items]
    if state["duplicate_doc_number_keys"]:
        result.notes.append(f"duplicate doc numbers: {state['duplicate_doc_number_keys']}")
    result.checks["killed with SIGKILL midway"] = killed
    result.checks["the rerun succeeded"] = rerun.returncode == 0
    result.checks[f"replies == seeds + 60 + 40 = {expected}"] = len(state["reply_ids"]) == expected
    result.checks["no duplicate doc numbers"] = not state["duplicate_doc_number_keys"]
    result.checks["index ids == database ids"] = state["index_ids"] == state["reply_ids"]
    result.checks["every original whole, no stray files"] = not any(problems.values())


def ingest_and_kill(run: Run, command: list[str]) -> tuple[int, bool]:
    """Start the ingest and SIGKILL its group once it printed KILL_AFTER_CREATED 'created:' lines.
    Returns the lines counted and whether it died of the SIGKILL."""
    process = run.processes.start(command, env=run.archive.env)
    watchdog = threading.Timer(300, run.processes.kill, args=(process,))
    watchdog.start()
    created, output = 0, []
    try:
        for line in process.stdout:
            output.append(line)
            created += line.startswith("created:")
            if created >= KILL_AFTER_CREATED:
                run.processes.kill(process)
                break
        process.wait(timeout=60)
    finally:
        watchdog.cancel()
    run.workspace.log("ingest-killed.log").write_text("".join(output))
    return created, process.returncode == -signal.SIGKILL


def source_file_problems(state: dict) -> dict[str, list]:
    referenced = {name for name, _, _ in state["source_files"]}
    return {
        "missing originals": [name for name, _, actual in state["source_files"] if actual is None],
        "originals of the wrong size": [[name, size, actual] for name, size, actual in state["source_files"]
                                        if actual is not None and actual != size],
        "stray files": [name for name in state["stored_files"] if name not in referenced],
    }


def scenario_kill_rebuild(run: Run, result: ScenarioResult) -> None:
    help_text = run.archive.manage_checked("rebuild_index", "--help").output
    result.figures["rebuild_index_flags"] = sorted(set(re.findall(r"(?<![\w-])--[a-z][a-z-]+", help_text)) - {"--help"})
    result.figures.update(results_before=search_result_count(run, "产业链"),
                          index_folder_before=index_folder_entries(run.archive.index_dir))

    killed_while_running, timing = rebuild_and_kill(run)
    after_kill = run.client().get(search_path("/search/", "产业链"))
    result.figures.update(killed_while_running=killed_while_running, **timing, status_after_kill=after_kill.status,
                          results_after_kill=result_count(after_kill),
                          index_documents_after_kill=len(run.archive.state()["index_ids"]),
                          index_folder_after_kill=index_folder_entries(run.archive.index_dir))
    if not killed_while_running:
        result.notes.append("the rebuild had finished before the kill: nothing was interrupted")
    if after_kill.status != 200:
        result.notes.append(f"search after the kill: {after_kill.sample()}")

    ensure = run.archive.manage("ensure_search_index")
    state = run.archive.state()
    result.figures.update(ensure_s=round(ensure.seconds, 1), ensure_output=tail(ensure.output, 3).replace("\n", " | "),
                          results_after_ensure=search_result_count(run, "产业链"),
                          index_folder_after_ensure=index_folder_entries(run.archive.index_dir))
    result.checks["/search/?q=产业链 answers 200 with results after the kill"] = (
        after_kill.status == 200 and bool(result_count(after_kill)))
    result.checks["ensure_search_index succeeded"] = ensure.returncode == 0
    result.checks["index ids == database ids"] = state["index_ids"] == state["reply_ids"]


class OutputReader:
    """Reads a process's piped output in a thread and notes when the first line arrived."""

    def __init__(self, process: subprocess.Popen):
        self.lines: list[str] = []
        self.first_line = threading.Event()
        self.thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self.thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line)
            self.first_line.set()

    def text(self) -> str:
        self.thread.join(10)
        return "".join(self.lines)


def rebuild_and_kill(run: Run) -> tuple[bool, dict]:
    """SIGKILL `rebuild_index --noinput` 1 s after its first output line, i.e. once the rebuild has
    begun (Django's start-up alone takes about a second), or after 15 s if it prints nothing."""
    started = time.monotonic()
    process = run.processes.start(run.archive.command("rebuild_index", "--noinput"), env=run.archive.env)
    output = OutputReader(process)
    output.first_line.wait(15)
    first_output_s = time.monotonic() - started
    time.sleep(1)
    still_running = process.poll() is None
    run.processes.kill(process)
    process.wait(timeout=60)
    text = output.text()
    run.workspace.log("rebuild-killed.log").write_text(text)
    return still_running, {"first_output_s": round(first_output_s, 1), "killed_at_s": round(time.monotonic() - started, 1),
                           "output_before_kill": text.strip().splitlines()[:5]}


def result_count(response: Response) -> int | None:
    match = RESULT_COUNT_RE.search(response.text()) if response.status == 200 else None
    return int(match.group(1).replace(",", "")) if match else None


def search_result_count(run: Run, query: str) -> int | None:
    return result_count(run.client().get(search_path("/search/", query)))


def index_folder_entries(index_dir: Path) -> dict[str, list[str]]:
    """What the index folder holds, and what lies beside it apart from the workspace's own folders
    (a rebuild that builds elsewhere and swaps may leave folders behind)."""
    beside = [name for name in folder_listing(index_dir.parent) if name not in WORKSPACE_FOLDERS]
    return {"index": folder_listing(index_dir), "beside": beside}


def folder_listing(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.is_dir() else []


def scenario_postgres_outage(run: Run, result: ScenarioResult) -> None:
    stopped = run.postgres.stop("fast")
    if stopped.returncode != 0:
        raise RuntimeError(f"pg_ctl stop failed: {tail(stopped.output)}")
    client = run.client()
    try:
        # Three rounds, so that both gunicorn workers answer each URL.
        outage = [client.get(url) for _ in range(3) for url in OUTAGE_URLS]
    finally:
        run.postgres.start()
    restarted = time.monotonic()
    recovered_after, last_round = poll_until_all_answer_200(client, restarted, deadline_seconds=30)
    steady = [client.get(url) for _ in range(5) for url in OUTAGE_URLS]

    impolite = [response for response in outage if not is_polite_503(response)]
    result.figures.update(
        statuses_during_outage={url: sorted({r.status for r in outage if r.path == url}, key=str) for url in OUTAGE_URLS},
        recovery_s=None if recovered_after is None else round(recovered_after, 2),
        statuses_at_last_poll={response.path: response.status for response in last_round},
        same_gunicorn=run.archive.gunicorn.poll() is None,
    )
    first_per_url = {response.path: response for response in reversed(impolite)}
    result.notes += [f"during the outage: {response.sample()}" for response in first_per_url.values()]
    result.checks["503 with a Chinese message and no traceback"] = not impolite
    result.checks["200 again within 10 s"] = recovered_after is not None and recovered_after <= 10
    result.checks["steady 200 afterwards, same gunicorn"] = (
        not [response for response in steady if response.failed] and run.archive.gunicorn.poll() is None)


def is_polite_503(response: Response) -> bool:
    text = response.text()
    return response.status == 503 and "Traceback" not in text and bool(CJK_RE.search(text))


def poll_until_all_answer_200(client: HttpClient, since: float, deadline_seconds: float):
    while True:
        last_round = [client.get(url) for url in OUTAGE_URLS]
        if not [response for response in last_round if response.failed]:
            return time.monotonic() - since, last_round
        if time.monotonic() - since > deadline_seconds:
            return None, last_round
        time.sleep(0.2)


def scenario_fuzz(run: Run, result: ScenarioResult) -> None:
    paths = fuzzed_paths(run.durations.fuzz_requests, random.Random(FUZZ_SEED))
    started = time.monotonic()
    responses = run_clients(FUZZ_CLIENTS, fuzz_client_loop(run.archive.port, paths))
    seconds = time.monotonic() - started
    server_errors = [response for response in responses if response.status is not None and response.status >= 500]
    connection_errors = [response for response in responses if response.status is None]
    result.figures.update(
        requests=len(responses), seed=FUZZ_SEED, clients=FUZZ_CLIENTS, seconds=round(seconds, 1),
        server_errors=len(server_errors), connection_errors=len(connection_errors), **latency_figures(responses),
        statuses=dict(sorted(Counter(str(response.status) for response in responses).items())),
    )
    result.notes += [f"5xx: {response.sample()}" for response in server_errors[:5]]
    result.notes += [f"connection error: {response.sample()}" for response in connection_errors[:5]]
    result.checks["every request answered"] = len(responses) == len(paths)
    result.checks["zero 5xx"] = not server_errors
    result.checks["zero connection errors"] = not connection_errors


def fuzzed_paths(count: int, rng: random.Random) -> list[str]:
    """The raw query strings on both endpoints, then generated parameters alternating between them."""
    paths = [f"{endpoint}?{raw}" for raw in RAW_QUERY_STRINGS for endpoint in SEARCH_ENDPOINTS]
    while len(paths) < count:
        paths.append(f"{SEARCH_ENDPOINTS[len(paths) % 2]}?{urllib.parse.urlencode(fuzzed_params(rng))}")
    return paths[:count]


def fuzz_client_loop(port: int, paths: list[str]):
    def client_loop(number: int, stop: threading.Event) -> list[Response]:
        client, responses = HttpClient(port), []
        for path in paths[number::FUZZ_CLIENTS]:
            if stop.is_set():
                break
            responses.append(client.get(path))
        return responses

    return client_loop


# Scenario 8: what issue 12 found, against the running archive --------------------------------

SECRET_WORD = "琥珀酸钠"
DRAFT_ONLY = ("储备的建议", "保密局复", "钱秘密", "甄隐秘")
DRAFT_TEXT = (
    "关于市十六届人大五次会议第777号建议的答复\n保密局复〔1999〕第7号\n钱秘密代表：\n"
    f"您提出的关于{SECRET_WORD}储备的建议收悉。我局高度重视{SECRET_WORD}工作，现答复如下：\n"
    f"一、加强{SECRET_WORD}储备。二、产业链协同。\n保密局\n1999年5月20日\n签发人：甄隐秘\n"
)
NOBODY = "没有这个人"
VERSION_WORD = "琥珀新规"
SEED_000_DOC_NUMBER = "常工信复〔2021〕第22号"
SEED_002_DOC_NUMBER = "常工信复〔2021〕第35号"
# Holds Whoosh's own write lock until killed, as a long rebuild or a stuck writer would.
HOLD_WRITE_LOCK = (
    "import time\nfrom search.backends import search_backend\nbackend = search_backend()\nbackend.setup()\n"
    "writer = backend.index.writer()\nprint('held', flush=True)\ntime.sleep(600)\n"
)
UNPUBLISH_SEED_002 = (
    "from replies.models import Reply\nfrom replies.services import reply_unpublish\n"
    f"reply_unpublish(reply=Reply.objects.get(doc_number='{SEED_002_DOC_NUMBER}'))\n"
)
CONTROL_CHARACTER_IN_A_PUBLISHED_REPLY = (
    "from django.db.models import Value\nfrom django.db.models.functions import Concat\n"
    "from replies.models import Reply\n"
    "Reply.objects.filter(status='published', signer__gt='').filter(pk=Reply.objects.filter(status='published', "
    "signer__gt='').order_by('pk').values('pk')[:1]).update(title=Concat(Value('\\x1b'), 'title'), "
    "body=Concat(Value('\\x1b\\x01'), 'body'))\n"
    "print(Reply.objects.filter(title__startswith='\\x1b').values_list('signer', flat=True).first())\n"
)


def reply_id_by_doc_number(client: HttpClient, doc_number: str) -> int | None:
    response = client.get(f"/replies/{urllib.parse.quote(doc_number)}/")
    match = re.search(r"/replies/(\d+)/$", response.headers.get("location", ""))
    return int(match.group(1)) if match else None


def public_search_ids(client: HttpClient, query: str) -> set[int]:
    data = client.get_json(f"/api/search/?q={urllib.parse.quote(query)}&page_size=50") or {"results": []}
    return {hit["id"] for hit in data["results"]}


def scenario_leaks_and_versions(run: Run, result: ScenarioResult) -> None:
    client, folder, archive = run.client(), run.workspace.documents("leaks"), run.archive
    # 1. A draft's words, signer and count never reach the public, under filters that match nothing.
    (folder / "draft.txt").write_text(DRAFT_TEXT, encoding="utf-8")
    archive.manage_checked("ingest_replies", "--draft", str(folder / "draft.txt"))
    probes = [f"/api/search/?q={SECRET_WORD}&year=1900", f"/api/search/?q={SECRET_WORD}&signer={NOBODY}",
              f"/search/?q={SECRET_WORD}&year=1900", f"/search/feed/?q={SECRET_WORD}&year=1900",
              f"/search/export.csv?q={SECRET_WORD}&year=1900", f"/search/export.json?q={SECRET_WORD}&year=1900",
              "/search/?q=琥珀酸纳&year=1900", "/api/search/?q=琥珀酸纳"]
    responses = [client.get(urllib.parse.quote(path, safe="/?&=")) for path in probes]
    leaks = [response.path for response in responses
             if response.status >= 500 or any(secret in response.text() for secret in DRAFT_ONLY)
             or response.headers.get("x-total-count", "0") != "0"]
    nobody = client.get(urllib.parse.quote(f"/search/?signer={NOBODY}", safe="/?&="))
    counted = RESULT_COUNT_RE.search(nobody.text())
    result.figures.update(leak_probes=len(probes), leaks=len(leaks))
    result.checks["no draft text, count or facet in any probe"] = not leaks
    result.checks["a filter matching nothing finds 0"] = counted is None or counted.group(1) == "0"
    # 2. A draft new version of a published reply changes nothing public until it is published.
    seed_000 = (ROOT / "fixtures" / "seeds").glob("000_*.txt")
    text = next(seed_000).read_text(encoding="utf-8").replace("窗口期", VERSION_WORD)
    (folder / "seed-000-v2.txt").write_text(text, encoding="utf-8")
    ingested = archive.manage_checked("ingest_replies", "--draft", str(folder / "seed-000-v2.txt"))
    reply_000 = reply_id_by_doc_number(client, SEED_000_DOC_NUMBER)
    page = client.get(f"/replies/{reply_000}/").text()
    result.checks["the upload is a new version"] = "new version" in ingested.output
    result.checks["the new version's words are not public"] = not public_search_ids(client, VERSION_WORD)
    result.checks["the published page still shows the published text"] = "窗口期" in page and VERSION_WORD not in page
    # 3. The index writer's lock held (a rebuild, a stuck writer): an ingest commits, its index update fails.
    holder = run.processes.start([PYTHON, "manage.py", "shell", "-c", HOLD_WRITE_LOCK], env=archive.env)
    try:
        held = any(line.strip() == "held" for line in holder.stdout)  # stops reading at "held" or at its exit
        result.checks["Whoosh's write lock held by another process"] = held
        locked_env = {**archive.env, "SEARCH_INDEX_LOCK_TIMEOUT": "2"}
        write_batch(folder, range(901, 902), run.sources[:1])
        ingest = run.processes.run(archive.command("ingest_replies", str(folder / "reply-901.txt")), env=locked_env)
        state = archive.state()
        problems = source_file_problems(state)
        new_id = reply_id_by_doc_number(client, test_doc_number(901))
        download = re.search(rf'href="(/replies/{new_id}/original/\d+/)"', client.get(f"/replies/{new_id}/").text())
        result.figures.update(locked_ingest_exit=ingest.returncode, pending_index_updates=state["pending_index_updates"])
        result.checks["the reply is stored although its index update failed"] = new_id is not None
        result.checks["its original is on disk, whole"] = not problems["missing originals"] and not problems[
            "originals of the wrong size"]
        result.checks["its original downloads (200)"] = bool(download) and client.get(download.group(1)).status == 200
        # 4. Unpublished while the lock is held: gone from public search at once.
        seed_002 = reply_id_by_doc_number(client, SEED_002_DOC_NUMBER)
        before = seed_002 in public_search_ids(client, "石墨烯")
        archive.manage_checked("shell", "-c", UNPUBLISH_SEED_002)
        result.checks["an unpublished reply leaves public search at once"] = before and (
            seed_002 not in public_search_ids(client, "石墨烯"))
    finally:
        run.processes.stop(holder)
    repaired = archive.manage("ensure_search_index")
    state = archive.state()
    result.checks["ensure_search_index brings the index in step afterwards"] = (
        repaired.returncode == 0 and state["pending_index_updates"] == 0 and state["index_ids"] == state["reply_ids"])
    # 5. A control character in a published reply: the feeds still answer.
    signer = archive.manage_checked("shell", "-c", CONTROL_CHARACTER_IN_A_PUBLISHED_REPLY).output.strip().splitlines()[-1]
    feeds = ["/replies/feed/", f"/signers/{urllib.parse.quote(signer)}/feed/", "/search/feed/?q=%01",
             "/search/feed/?q=" + urllib.parse.quote(SECRET_WORD)]
    statuses = {path: client.get(path).status for path in feeds}
    result.figures["feed_statuses"] = statuses
    result.checks["every feed answers 200 with a control character stored"] = all(
        status == 200 for status in statuses.values())


SCENARIOS = [
    ("1. private PostgreSQL + setup", scenario_private_postgres),
    ("2. serve with gunicorn", scenario_serve),
    ("3. search load while ingesting", scenario_load_while_ingesting),
    ("4. kill -9 during an ingest", scenario_kill_ingest),
    ("5. kill -9 during a rebuild", scenario_kill_rebuild),
    ("6. PostgreSQL stopped while serving", scenario_postgres_outage),
    ("7. fuzzed queries", scenario_fuzz),
    ("8. draft leaks, draft versions, index failures, control characters", scenario_leaks_and_versions),
]
SETUP_SCENARIOS = 2  # the others need these two


def run_scenarios(run: Run, results: list[ScenarioResult]) -> None:
    for title, scenario in SCENARIOS:
        if any(result.passed is False for result in results[:SETUP_SCENARIOS]):
            results.append(ScenarioResult(title, notes=["not run: the setup failed"]))
            continue
        print(f"… {title}", flush=True)
        results.append(run_one(title, scenario, run))
        print(f"  {verdict(results[-1])}", flush=True)


def run_one(title: str, scenario, run: Run) -> ScenarioResult:
    """Run a scenario; an exception fails it, keeping the figures gathered so far."""
    result = ScenarioResult(title)
    try:
        scenario(run, result)
    except Exception as error:  # noqa: BLE001 (whatever broke the scenario is its result)
        result.checks["ran to the end"] = False
        result.error = f"{type(error).__name__}: {error}"
        result.traceback = traceback.format_exc()
    return result.conclude()


# Reporting ----------------------------------------------------------------------------------


def verdict(result: ScenarioResult) -> str:
    return {True: "PASS", False: "FAIL", None: "not run"}[result.passed]


def figures_line(figures: dict) -> str:
    shown = {key: value for key, value in figures.items() if not isinstance(value, (dict, list))}
    return ", ".join(f"{key}={value}" for key, value in shown.items())


def print_table(results: list[ScenarioResult]) -> None:
    width = max(len(result.name) for result in results)
    print()
    print(f"{'scenario':<{width}}  result   figures")
    for result in results:
        print(f"{result.name:<{width}}  {verdict(result):<7}  {figures_line(result.figures)}")
        for name, passed in result.checks.items():
            if not passed:
                print(f"{'':<{width}}           failed check: {name}")
        for note in [result.error, *result.notes]:
            if note:
                print(f"{'':<{width}}           {note}"[:400])


def machine_description() -> dict:
    meminfo = Path("/proc/meminfo").read_text()
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1))
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.+)", cpuinfo)
    return {"nproc": len(os.sched_getaffinity(0)), "memory_gib": round(memory_kb / 1024 / 1024, 1),
            "cpu": model.group(1).strip() if model else platform.processor(), "python": platform.python_version(),
            "kernel": platform.release()}


def write_results(results: list[ScenarioResult], *, quick: bool, started: datetime, interrupted: bool) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / "results.json"
    payload = {
        "started_at": started.isoformat(timespec="seconds"),
        "finished_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "quick": quick,
        "interrupted": interrupted,
        "machine": machine_description(),
        "passed": all(result.passed for result in results) and not interrupted,
        "scenarios": [{"result": verdict(result), **asdict(result)} for result in results],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    return path


def raise_keyboard_interrupt(signal_number, frame):
    raise KeyboardInterrupt(f"signal {signal_number}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short durations, for a smoke run")
    parser.add_argument("--only", default="", help="comma-separated scenario numbers to run besides the setup (1, 2)")
    arguments = parser.parse_args()
    quick = arguments.quick
    if arguments.only:
        wanted = {"1", "2", *arguments.only.split(",")}
        SCENARIOS[:] = [(title, scenario) for title, scenario in SCENARIOS if title.split(".")[0] in wanted]
    # SIGTERM and SIGHUP take the same way out as Ctrl-C, through the finally below. SIGINT is set
    # too, because a shell starts background jobs with it ignored.
    for signal_number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signal_number, raise_keyboard_interrupt)

    started = datetime.now().astimezone()
    run = Run(durations=QUICK if quick else FULL, processes=Processes(), workspace=Workspace.create())
    results: list[ScenarioResult] = []
    interrupted = False
    try:
        run_scenarios(run, results)
    except KeyboardInterrupt:
        interrupted = True
        print("interrupted: stopping everything this script started", flush=True)
    finally:
        # A second Ctrl-C must not cut the clean-up short.
        for signal_number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signal_number, signal.SIG_IGN)
        run.processes.stop_all()
        if run.postgres is not None:
            run.postgres.shut_down()
        run.workspace.keep_logs(RESULTS_DIR / "logs")
        run.workspace.remove()
    print_table(results)
    path = write_results(results, quick=quick, started=started, interrupted=interrupted)
    print(f"\nresults: {path.relative_to(ROOT)}")
    return 0 if all(result.passed for result in results) and not interrupted else 1


if __name__ == "__main__":
    sys.exit(main())
