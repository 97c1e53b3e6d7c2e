"""The benchmark harness (issue 6): `make bench` runs `python -m bench.run`. See docs/performance.md.

One run builds a scratch environment (database replies_bench, folders under var/bench/run), loads the
shared corpus in bulk, and measures the archive's search on each backend, Whoosh and OpenSearch side by
side (rebuild, index size, latency over HTTP, throughput, worker memory, first answer), at each size,
plus the common setup (bench/baseline) at the first size, the jieba segmentation floor and the real ingest
path's speed on each backend. OpenSearch runs on one node the harness starts (scripts/opensearch_cluster.py)
with a fixed heap (--opensearch-heap), stopped at the end. Every figure is printed and
stored in bench/results/<date>-<size>.json; the scratch database, servers and indexes are removed at
the end, whatever happens.

    python -m bench.run [--sizes C1,C8] [--backends whoosh,opensearch] [--quick] [--skip-baseline]
                        [--rebuild-budget 1500] [--baseline-budget 420] [--opensearch-heap 1g]
    python -m bench.run --sizes C32 --backends opensearch --skip-baseline     # C32, a size of its own
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from importlib import metadata
from pathlib import Path

from bench import clients, corpus, report
from bench.scratch import CACHE_DIR, DATABASE, INGEST_DATABASE, ROOT, RUN_DIR, Scratch, recreate_database
from bench.server import Gunicorn, get, process_memory

RESULTS_DIR = ROOT / "bench" / "results"
LIBRARIES = ("Django", "django-haystack", "Whoosh", "jieba", "gunicorn", "psycopg", "opencc-python-reimplemented",
             "opensearch-py")
BACKENDS = ("whoosh", "opensearch")
# The result's key for each backend: "ours" is the Whoosh side, as in the results before issue 17.
SIDE = {"whoosh": "ours", "opensearch": "opensearch"}
OPENSEARCH_ALIAS = "replies_bench"
# Progress lines: the archive's rebuild_index prints "indexed 1000/6362" after each batch it has
# written; haystack's prints "indexed 1001 - 2000 of 6362." before each batch it starts.
PROGRESS_LINES = (re.compile(r"indexed (\d+)/(\d+)"), re.compile(r"indexed (\d+) - \d+ of (\d+)"))


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="The replies archive's benchmark (docs/performance.md).")
    parser.add_argument("--sizes", default="C1,C8",
                        help="comma-separated corpus sizes: C1, C8, C32 (default C1,C8; C32 is a run of its own)")
    parser.add_argument("--backends", default="whoosh,opensearch",
                        help="comma-separated search backends measured side by side (default whoosh,opensearch)")
    parser.add_argument("--opensearch-heap", default="1g", help="the OpenSearch node's fixed heap (-Xms = -Xmx)")
    parser.add_argument("--quick", action="store_true", help="a smoke run on 500 documents (sizes Q1, Q2)")
    parser.add_argument("--skip-baseline", action="store_true", help="do not measure the common setup")
    parser.add_argument("--rebuild-budget", type=float, default=1500,
                        help="seconds our rebuild at the sizes after the first (C8) may take before it is stopped "
                             "and extrapolated (0: no limit); the first size always runs to the end")
    parser.add_argument("--opensearch-rebuild-budget", type=float, default=1800,
                        help="the same for the OpenSearch backend's rebuild (0: no limit)")
    parser.add_argument("--baseline-budget", type=float, default=420,
                        help="the same for the baseline's rebuild; its search is then measured on what it indexed")
    parser.add_argument("--throughput-seconds", type=float, default=20)
    parser.add_argument("--latency-repeat", type=int, default=5, help="passes over the query set per endpoint")
    parser.add_argument("--ingest-sample", type=int, default=100, help="documents sent through `ingest_replies`")
    parser.add_argument("--keep", action="store_true", help="keep the scratch indexes (not the database) afterwards")
    args = parser.parse_args()
    if args.quick:
        args.sizes = "Q1,Q2"
        args.throughput_seconds = min(args.throughput_seconds, 3)
        args.latency_repeat = 1
        args.ingest_sample = min(args.ingest_sample, 10)
    args.sizes = [corpus.SIZES[name.strip()] for name in args.sizes.split(",") if name.strip()]
    args.backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    if not args.backends or set(args.backends) - set(BACKENDS):
        parser.error(f"--backends: some of {', '.join(BACKENDS)}")
    if sorted(args.sizes, key=lambda size: size.copies) != args.sizes or len({s.quick for s in args.sizes}) > 1:
        parser.error("--sizes must grow (C1 before C8); quick and full sizes do not mix")
    return args


# The machine --------------------------------------------------------------------------------------


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text()
    meminfo = dict(line.split(":", 1) for line in Path("/proc/meminfo").read_text().splitlines() if ":" in line)
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    import psycopg

    try:
        with psycopg.connect(f"{os.environ.get('BENCH_DATABASE_SERVER', 'postgres://postgres@127.0.0.1:5432')}/postgres") as c:
            versions["PostgreSQL"] = c.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error:
        versions["PostgreSQL"] = None
    # Read-only git: --no-optional-locks keeps `status` from refreshing the index others use.
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=False).stdout.strip()
    changed = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],
                             cwd=ROOT, capture_output=True, text=True, check=False).stdout.strip()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_model": (re.search(r"model name\s*:\s*(.+)", cpuinfo) or [None, "?"])[1],
        "memory_gb": round(int(meminfo["MemTotal"].split()[0]) / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "versions": versions,
        "wrk": shutil.which("wrk") is not None,
        "commit": commit,
        "uncommitted_files": len(changed.splitlines()) if changed else 0,
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "code_hash": code_hash(),
    }


def code_hash() -> str:
    """Of the application's code and templates: others may edit the tree while a run goes on."""
    digest = hashlib.sha256()
    for folder in ("config", "replies", "search", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".json") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# Rebuilds -------------------------------------------------------------------------------------------


def rebuild(scratch: Scratch, env: dict, *, label: str, budget: float) -> dict:
    """`manage.py rebuild_index --noinput`, timed, with the CPU it used; stopped after `budget` seconds."""
    progress: list[tuple[int, float]] = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(scratch.logs / f"{label}.log", "ab") as log:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "manage.py", "rebuild_index", "--noinput", "-v", "2"], cwd=ROOT,
                                   env=env, stdout=subprocess.PIPE, stderr=log, start_new_session=True)

        def follow():
            for raw in process.stdout:
                log.write(raw)
                line = raw.decode("utf-8", "replace")
                for offset, pattern in enumerate(PROGRESS_LINES):
                    if match := pattern.search(line):
                        progress.append((int(match.group(1)) - offset, round(time.perf_counter() - started, 1)))

        reader = threading.Thread(target=follow, daemon=True)
        reader.start()
        stopped = False
        try:
            process.wait(timeout=budget or None)
        except subprocess.TimeoutExpired:
            stopped = True
            _stop(process)
        except BaseException:
            _stop(process)
            raise
        wall = time.perf_counter() - started
        reader.join(timeout=10)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode and not stopped:
        raise RuntimeError(f"rebuild_index failed ({process.returncode}); see {scratch.logs / label}.log")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "cores_used": round(cpu / wall, 2) if wall else None,
            "stopped_after_budget": stopped, "progress": progress}


def _stop(process: subprocess.Popen) -> None:
    """Stop a child started in its own session: SIGTERM to that session, SIGKILL after 30 s."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def finish_rebuild(result: dict, *, indexed: int, total: int, text_bytes: int) -> dict:
    """Rates of a rebuild. A stopped one is extrapolated linearly from its last progress line (the
    documents written by then); the final commit, and the optimize the archive's rebuild ends with, are
    not in that rate, so the extrapolation is a lower bound."""
    wall = result["wall_s"]
    result.update(documents_in_index=indexed, documents_total=total)
    if result["stopped_after_budget"]:
        reached, at = result["progress"][-1] if result["progress"] else (0, wall)
        rate = reached / at if reached else 0.0
        result.update(extrapolated=True, documents_reached=reached, reached_after_s=at, docs_per_s=round(rate, 1),
                      extrapolated_wall_s=round(total / rate) if rate else None,
                      mb_per_s=round(text_bytes * reached / total / 1e6 / at, 3) if reached else 0.0)
    else:
        result.update(extrapolated=False, docs_per_s=round(total / wall, 1), mb_per_s=round(text_bytes / 1e6 / wall, 3))
    return result


def folder_mb(path: Path) -> float:
    return round(sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file()) / 1e6, 1)


# The real ingest path -----------------------------------------------------------------------------


def measure_ingest(scratch: Scratch, documents: list[dict], *, count: int, backend: str = "whoosh",
                   node=None) -> dict:
    """`manage.py ingest_replies` over `count` corpus texts written as .txt files, into a copy of the
    migrated scratch database (CREATE DATABASE … TEMPLATE) with its own index on `backend`."""
    folder = RUN_DIR / "ingest-sample"
    folder.mkdir(parents=True, exist_ok=True)
    sample = documents[:: max(1, len(documents) // count)][:count]
    for doc in sample:
        (folder / f"{re.sub(r'[^0-9A-Za-z_-]', '_', doc['id'])}.txt").write_text(f"{doc['title']}\n\n{doc['text']}\n", encoding="utf-8")
    recreate_database(INGEST_DATABASE, template=DATABASE)
    env = backend_env(scratch, backend, node, index="ingest", database=INGEST_DATABASE)
    label = f"ingest-{backend}"
    startup = scratch.manage("check", env=env, label=label)
    wall = scratch.manage("ingest_replies", str(folder), env=env, label=label)
    log = (scratch.logs / f"{label}.log").read_text(encoding="utf-8", errors="replace")
    created = len(re.findall(r"^created: ", log, re.MULTILINE))
    shutil.rmtree(folder, ignore_errors=True)
    return {"backend": backend, "documents": len(sample), "created": created, "text_bytes": corpus.text_bytes(sample),
            "wall_s": round(wall, 1), "process_startup_s": round(startup, 1),
            "docs_per_s": round(len(sample) / wall, 2),
            "docs_per_s_without_startup": round(len(sample) / max(wall - startup, 0.001), 2)}


# The backends ----------------------------------------------------------------------------------------


def backend_env(scratch: Scratch, backend: str, node, *, index: str, **options) -> dict:
    """The application's environment on one backend: Whoosh in its own folder, or OpenSearch on the run's
    node under an alias of its own (OPENSEARCH_INDEX)."""
    if backend == "whoosh":
        return scratch.env(index=index, **options)
    return scratch.env(index=index, SEARCH_BACKEND="opensearch", OPENSEARCH_URL=node.url,
                       OPENSEARCH_INDEX=f"{OPENSEARCH_ALIAS}_{index}", **options)


def start_opensearch(heap: str):
    """One OpenSearch node for the run, in var/bench/run/opensearch, with a fixed heap and the serial
    collector (the development node's options, docs/scale.md), stopped by the caller."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from opensearch_cluster import start_cluster

    started = time.perf_counter()
    node = start_cluster(1, RUN_DIR / "opensearch", java_opts=f"-Xms{heap} -Xmx{heap} -XX:+UseSerialGC")
    return node, round(time.perf_counter() - started, 1)


def node_stats(node) -> dict:
    """The node's JVM heap (used, committed, max), its process's RSS and CPU seconds so far."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from opensearch_cluster import http_json

    stats = http_json(f"{node.urls[0]}/_nodes/_local/stats/jvm,process")
    (figures,) = stats["nodes"].values()
    heap = figures["jvm"]["mem"]
    pid = node.nodes[0].pid
    return {"heap_used_mb": round(heap["heap_used_in_bytes"] / 2**20, 1),
            "heap_committed_mb": round(heap["heap_committed_in_bytes"] / 2**20, 1),
            "heap_max_mb": round(heap["heap_max_in_bytes"] / 2**20, 1),
            "rss_mb": process_memory(pid)["rss_mb"], "cpu_s": _process_cpu_s(pid),
            "gc_collections": {name: gc["collection_count"] for name, gc in figures["jvm"]["gc"]["collectors"].items()}}


def _process_cpu_s(pid: int) -> float | None:
    """utime + stime of a process and its reaped children, in seconds (/proc/<pid>/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return round(sum(int(value) for value in fields[11:15]) / os.sysconf("SC_CLK_TCK"), 1)


def opensearch_index_mb(node, alias: str) -> float | None:
    """The live index's size on disk (primaries and replicas) behind the alias."""
    sys.path.insert(0, str(ROOT / "scripts"))
    from opensearch_cluster import http_json

    try:
        (live,) = http_json(f"{node.urls[0]}/_alias/{alias}")
        (row,) = http_json(f"{node.urls[0]}/_cat/indices/{live}?bytes=b&format=json")
    except (OSError, ValueError):
        return None
    return round(int(row["store.size"]) / 1e6, 1)


# Serving --------------------------------------------------------------------------------------------


def measure_server(scratch: Scratch, env: dict, *, wsgi: str, label: str, args, concurrency: tuple[int, ...],
                   api_throughput: bool) -> dict:
    """First answer of a fresh server, latency over both endpoints, throughput, worker memory."""
    server = Gunicorn(env=env, wsgi=wsgi, log=scratch.logs / f"gunicorn-{label}.log")
    result = {}
    try:
        say(f"  {label}: starting gunicorn (2 workers) on port {server.port}")
        result["first_answer_s"] = round(server.start(), 3)
        result["port_open_s"] = round(server.port_open_s, 3)
        say(f"  {label}: first answer after {result['first_answer_s']} s (port open, the app loaded in the master, "
            f"after {result['port_open_s']} s)")
        result["memory_fresh"] = server.memory()
        # Warm-up: every query once on each endpoint, enough times for both workers to see each.
        for _ in range(2):
            clients.latency(server.port, api=False, repeat=0)
            clients.latency(server.port, api=True, repeat=0)
        result["memory_warm"] = server.memory()
        for name, api in (("html", False), ("api", True)):
            result[f"latency_{name}"] = clients.latency(server.port, api=api, repeat=args.latency_repeat)
            figures = result[f"latency_{name}"]
            say(f"  {label}: {name} p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                f"p99 {figures['p99_ms']} ms ({figures['n']} requests, {figures['errors']} errors)")
        result["throughput"] = {}
        runs = [(c, False) for c in concurrency] + ([(concurrency[0], True)] if api_throughput else [])
        for connections, api in runs:
            key = f"{'api' if api else 'html'}_{connections}"
            result["throughput"][key] = clients.throughput(server.port, connections=connections,
                                                           seconds=args.throughput_seconds, api=api)
            figures = result["throughput"][key]
            say(f"  {label}: {key}: {figures['requests_per_s']} requests/s, {figures['errors']} errors ({figures['client']})")
        result["memory_after_load"] = server.memory()
        result["respawned_worker_first_answer_s"] = round(server.respawned_first_answer(), 3)
        say(f"  {label}: workers killed; the first search answered by a respawned one after "
            f"{result['respawned_worker_first_answer_s']} s")
        workers = result["memory_warm"]["workers"]
        say(f"  {label}: workers after warm-up: RSS {[w['rss_mb'] for w in workers]} MB, PSS {[w['pss_mb'] for w in workers]} MB")
    finally:
        server.stop()
    return result


def sample_answers(env: dict, *, wsgi: str, scratch: Scratch, label: str) -> dict:
    """Hit counts and whether snippets are marked, per query, from the JSON endpoint (a sanity check)."""
    from bench.queries import QUERIES, search_path

    server = Gunicorn(env=env, wsgi=wsgi, log=scratch.logs / f"gunicorn-{label}-answers.log", workers=1)
    answers = {}
    try:
        server.start()
        for query in QUERIES:
            status, body = get(server.port, search_path(query, api=True))
            data = json.loads(body) if status == 200 else {}
            text = json.dumps(data.get("results", []), ensure_ascii=False)
            answers[query] = {"status": status, "count": data.get("count"),
                              "marked": text.count("<mark>") + text.count("<em")}
    finally:
        server.stop()
    return answers


# One size ------------------------------------------------------------------------------------------


def measure_ours(scratch: Scratch, size: corpus.Size, *, args, floor: dict, text_bytes: int, first: bool,
                 backend: str = "whoosh", node=None) -> dict:
    env = backend_env(scratch, backend, node, index="ours")
    label = "ours" if backend == "whoosh" else backend
    result = {"backend": backend}
    budget = 0 if first else (args.rebuild_budget if backend == "whoosh" else args.opensearch_rebuild_budget)
    if first and backend == "whoosh":
        say("  ours: profiling one rebuild batch of 100 documents into a throwaway index")
        result["index_batch_profile"] = scratch.task("profile_index", "--documents", "100",
                                                     env=scratch.env(index="profile"))
        shutil.rmtree(scratch.index_dir("profile"), ignore_errors=True)
    say(f"  {label}: rebuild_index --noinput over {size.documents} documents (budget {budget or 'none'} s)")
    node_before = node_stats(node) if node is not None else None
    built = rebuild(scratch, env, label=f"rebuild-{label}-{size.name}", budget=budget)
    if node is not None:
        result["node_after_rebuild"] = node_after = node_stats(node)
        if node_before["cpu_s"] is not None and node_after["cpu_s"] is not None:
            built["node_cpu_s"] = round(node_after["cpu_s"] - node_before["cpu_s"], 1)
    indexed = scratch.task("index_count", env=env)["documents"]
    result["rebuild"] = finish_rebuild(built, indexed=indexed, total=size.documents, text_bytes=text_bytes)
    floor_s = floor["wall_s"] * size.documents / floor["documents"]
    cores = max(1.0, round(built["cores_used"] or 1.0))
    result["rebuild"]["jieba_floor_s"] = round(floor_s, 1)
    result["rebuild"]["cores_counted"] = cores
    result["rebuild"]["floor_per_core_s"] = round(floor_s / cores, 1)
    effective = result["rebuild"].get("extrapolated_wall_s") or built["wall_s"]
    result["rebuild"]["times_floor"] = round(effective / (floor_s / cores), 2)
    # On a shared machine the wall times stretch with other people's load; CPU seconds do not: the rebuild's
    # CPU (its processes and, for OpenSearch, the node's) against the floor's CPU for this size.
    floor_cpu_s = floor["cpu_s"] * size.documents / floor["documents"]
    result["rebuild"]["jieba_floor_cpu_s"] = round(floor_cpu_s, 1)
    if not built["stopped_after_budget"]:
        result["rebuild"]["cpu_times_floor"] = round((built["cpu_s"] + built.get("node_cpu_s", 0)) / floor_cpu_s, 2)
    done = result["rebuild"].get("documents_reached", indexed)
    say(f"  {label}: rebuild {built['wall_s']} s{' (stopped: extrapolated)' if built['stopped_after_budget'] else ''}, "
        f"{done} documents, {result['rebuild']['docs_per_s']} docs/s, {result['rebuild']['mb_per_s']} MB/s, "
        f"{result['rebuild']['times_floor']}× the jieba floor of {round(floor_s, 1)} s / {cores:g} core(s)"
        + (f"; the node used {built['node_cpu_s']} s of CPU" if "node_cpu_s" in built else ""))
    if indexed != size.documents:
        # The archive's rebuild swaps the new index in only at its end: a stopped one leaves the
        # previous size's index live, and measuring that would mislabel it.
        result["not_measured"] = (f"the rebuild was stopped, so the live index holds {indexed} documents, "
                                  f"not {size.documents}: search, memory and first answer not measured at {size.name}")
        say(f"  {label}: {result['not_measured']}")
        return result
    if backend == "whoosh":
        result["index_mb"] = folder_mb(scratch.index_dir("ours"))
    else:
        result["index_mb"] = opensearch_index_mb(node, env["OPENSEARCH_INDEX"])
    say(f"  {label}: index {result['index_mb']} MB on disk")
    result["in_process"] = scratch.task("search", "--repeat", str(args.latency_repeat), env=env)
    say(f"  {label}: in process p50 {result['in_process']['latency']['p50_ms']} ms, p95 {result['in_process']['latency']['p95_ms']} ms; "
        f"steps {result['in_process'].get('steps_mean_ms')}")
    fresh = time.perf_counter()
    result["fresh_process"] = scratch.task("first_search", env=env)
    result["fresh_process"]["process_wall_s"] = round(time.perf_counter() - fresh, 3)
    say(f"  {label}: a fresh `python` process: first search answered after {result['fresh_process']['process_wall_s']} s")
    result["http"] = measure_server(scratch, env, wsgi="config.wsgi", label=f"{label}-{size.name}", args=args,
                                    concurrency=(4, 16), api_throughput=True)
    result["answers"] = sample_answers(env, wsgi="config.wsgi", scratch=scratch, label=f"{label}-{size.name}")
    if node is not None:
        result["node_after_load"] = node_stats(node)
        say(f"  {label}: the node after the load runs: heap {result['node_after_load']['heap_used_mb']} of "
            f"{result['node_after_load']['heap_max_mb']} MB used, RSS {result['node_after_load']['rss_mb']} MB")
    return result


def measure_baseline(scratch: Scratch, size: corpus.Size, *, args, text_bytes: int) -> dict:
    env = scratch.env(index="baseline", settings="bench.baseline.settings")
    result = {}
    say(f"  baseline: rebuild_index --noinput over {size.documents} documents (budget {args.baseline_budget or 'none'} s)")
    built = rebuild(scratch, env, label=f"rebuild-baseline-{size.name}", budget=args.baseline_budget)
    indexed = scratch.task("index_count", env=env)["documents"]
    result["rebuild"] = finish_rebuild(built, indexed=indexed, total=size.documents, text_bytes=text_bytes)
    say(f"  baseline: rebuild {built['wall_s']} s{' (stopped: extrapolated)' if built['stopped_after_budget'] else ''}, "
        f"{indexed} documents in its index, {result['rebuild']['docs_per_s']} docs/s")
    result["index_mb"] = folder_mb(scratch.index_dir("baseline"))
    result["in_process"] = scratch.task("search", "--baseline", "--repeat", str(max(1, args.latency_repeat // 2)), env=env)
    say(f"  baseline: in process p50 {result['in_process']['latency']['p50_ms']} ms, p95 {result['in_process']['latency']['p95_ms']} ms")
    fresh = time.perf_counter()
    result["fresh_process"] = scratch.task("first_search", "--baseline", env=env)
    result["fresh_process"]["process_wall_s"] = round(time.perf_counter() - fresh, 3)
    baseline_args = argparse.Namespace(**{**vars(args), "latency_repeat": max(1, args.latency_repeat // 2)})
    result["http"] = measure_server(scratch, env, wsgi="bench.baseline.wsgi", label=f"baseline-{size.name}",
                                    args=baseline_args, concurrency=(4,), api_throughput=False)
    result["answers"] = sample_answers(env, wsgi="bench.baseline.wsgi", scratch=scratch, label=f"baseline-{size.name}")
    return result


# The run ---------------------------------------------------------------------------------------------


def _terminated(signum, frame):
    raise SystemExit(f"stopped by signal {signum}")  # so that every finally clause cleans up


def main() -> int:
    args = parse_args()
    signal.signal(signal.SIGTERM, _terminated)
    started = time.perf_counter()
    today = datetime.date.today().isoformat()
    scratch = Scratch(log=say)
    written = []
    node = None
    try:
        info = machine()
        say(f"machine: {info['nproc']} cores ({info['cpu_model']}), {info['memory_gb']} GB, Python {info['python']}, "
            f"load {info['load_average_at_start']}; wrk {'found' if info['wrk'] else 'missing: Python thread client'}")
        say(f"scratch: database {DATABASE}, folders under {RUN_DIR}")
        scratch.create()
        env = scratch.env(index="ours")
        for command in (("migrate", "--noinput"), ("createcachetable",), ("collectstatic", "--noinput", "-v", "0")):
            scratch.manage(*command, env=env, label="setup")
        quick = args.sizes[0].quick
        documents = corpus.base_documents(quick=quick)
        text_bytes = corpus.text_bytes(documents)
        say(f"corpus: {len(documents)} base documents, {round(text_bytes / 1e6, 1)} MB of text, from {corpus.corpus_dir()}")

        node_info = None
        if "opensearch" in args.backends:
            say(f"opensearch: starting one node (heap {args.opensearch_heap}, serial GC) from scripts/opensearch_cluster.py")
            node, started_s = start_opensearch(args.opensearch_heap)
            node_info = {"url": node.url, "java_opts": node.java_opts, "to_green_s": started_s, "idle": node_stats(node)}
            say(f"opensearch: green after {started_s} s at {node.url}; idle heap {node_info['idle']['heap_used_mb']} of "
                f"{node_info['idle']['heap_max_mb']} MB, RSS {node_info['idle']['rss_mb']} MB")

        say("jieba floor: tokenize(HMM=True) over every base text, one process")
        floor = scratch.task("floor", *(["--quick"] if quick else []), env=env)
        say(f"jieba floor: {floor['wall_s']} s wall ({floor['cpu_s']} s CPU), {floor['mb_per_s']} MB/s, "
            f"{floor['docs_per_s']} docs/s; dictionary load {floor['dictionary_load_s']} s")

        ingests = {}
        for backend in args.backends:
            say(f"real ingest path ({backend}): `ingest_replies` over {args.ingest_sample} .txt files")
            ingests[backend] = ingest = measure_ingest(scratch, documents, count=args.ingest_sample, backend=backend,
                                                       node=node)
            say(f"real ingest path ({backend}): {ingest['created']} created in {ingest['wall_s']} s: "
                f"{ingest['docs_per_s']} docs/s ({ingest['docs_per_s_without_startup']} without process start-up)")
        ingest = ingests[args.backends[0]]

        topics_cache = CACHE_DIR / f"topics-{'quick' if quick else 'C1'}-{corpus.topics_cache_key()}.json"
        if not topics_cache.exists():
            say("topics: assigning the pipeline's topics to every base document (2 processes; cached in var/bench/cache)")
            topics = scratch.task("topics", "--cache", str(topics_cache), *(["--quick"] if quick else []), env=env)
            say(f"topics: {topics['documents']} documents in {topics['wall_s']} s")

        loaded = 0
        baseline = None
        for number, size in enumerate(args.sizes):
            say(f"== {size.name}: {size.documents} documents")
            load = scratch.task("load", "--first-copy", str(loaded), "--last-copy", str(size.copies),
                                "--topics", str(topics_cache), *(["--quick"] if quick else []), env=env)
            loaded = size.copies
            say(f"  loaded {load['rows']} rows in bulk ({load['total_rows']} in all) in {load['wall_s']} s")
            size_bytes = text_bytes * size.copies
            result = {
                "size": size.name, "documents": size.documents, "text_mb": round(size_bytes / 1e6, 1),
                "date": today, "machine": info, "floor": floor, "ingest": ingest, "ingest_by_backend": ingests,
                "opensearch_node": node_info, "backends": args.backends, "bulk_load": load,
                "load_average_before": [round(value, 2) for value in os.getloadavg()],
                "options": {"latency_repeat": args.latency_repeat, "throughput_seconds": args.throughput_seconds,
                            "rebuild_budget_s": args.rebuild_budget,
                            "opensearch_rebuild_budget_s": args.opensearch_rebuild_budget, "baseline_budget_s": args.baseline_budget},
            }
            for backend in args.backends:
                result[SIDE[backend]] = measure_ours(scratch, size, args=args, floor=floor, text_bytes=size_bytes,
                                                     first=number == 0, backend=backend,
                                                     node=node if backend == "opensearch" else None)
            if number == 0 and not args.skip_baseline:
                baseline = measure_baseline(scratch, size, args=args, text_bytes=size_bytes)
                result["baseline"] = baseline
            elif baseline is not None:
                result["baseline_size"] = args.sizes[0].name
            result["load_average_after"] = [round(value, 2) for value in os.getloadavg()]
            result["code_changed_during_run"] = code_hash() != info["code_hash"]
            result["figures"] = report.figures(result) if "ours" in result else []
            result["backend_figures"] = report.backend_figures(result)
            folder = RESULTS_DIR if not quick else RUN_DIR / "results"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{today}-{size.name}.json"
            path.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            written.append(path)
            say(f"  written {path.relative_to(ROOT)}")
            print(report.figures_table(result["figures"]) if result["figures"] else "", flush=True)
            print(report.backend_table(result["backend_figures"]), flush=True)
        tables = report.render([json.loads(path.read_text(encoding="utf-8")) for path in written])
        (RUN_DIR / "report.md").write_text(tables, encoding="utf-8")
        print(tables, flush=True)
        say(f"done in {round((time.perf_counter() - started) / 60, 1)} min; tables in {(RUN_DIR / 'report.md').relative_to(ROOT)}")
        return 0
    finally:
        say("cleaning up: servers stopped, scratch databases dropped" + ("" if args.keep else ", indexes removed"))
        if node is not None:
            node.stop()
            if not args.keep:
                shutil.rmtree(RUN_DIR / "opensearch", ignore_errors=True)
        scratch.remove(keep_files=args.keep)


if __name__ == "__main__":
    sys.exit(main())
