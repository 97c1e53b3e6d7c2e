"""Start and stop real OpenSearch nodes on this machine: the launcher in search/opensearch/node/
(Maven Central's jars, built once with Maven) run as one Java process per node.

    python scripts/opensearch_cluster.py start [--nodes 2] [--data var/opensearch] [--fresh] [--http-port 9200]
    python scripts/opensearch_cluster.py stop [--data var/opensearch]
    python scripts/opensearch_cluster.py status [--data var/opensearch]

`start` prints the nodes' URLs, comma-separated, for OPENSEARCH_URL. Run twice, it finds the
cluster already answering and prints the same URLs; a cluster that was stopped starts again on its
old data (--fresh wipes it). The tests use the Python API:

    cluster = start_cluster(2, tmp_path)      # waits for green
    cluster.urls; cluster.stop_node(1); cluster.start_node(1); cluster.stop()

Each node is a process group of its own, logs to DATA/node-N/node.log and keeps its data in
DATA/node-N/data. The heap and other JVM options come from JAVA_OPTS (default DEFAULT_JAVA_OPTS).
Only the standard library is used, so the script runs with any Python 3.10+.
"""
from __future__ import annotations

import argparse
import fcntl
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_PROJECT = ROOT / "search" / "opensearch" / "node"
NODE_JAR = NODE_PROJECT / "target" / "archive-opensearch-node.jar"
NODE_LIB = NODE_PROJECT / "target" / "lib"
MAIN_CLASS = "org.repliesarchive.node.ArchiveNode"
DEFAULT_DATA = ROOT / "var" / "opensearch"
STATE_FILE = "cluster.json"
HOST = "127.0.0.1"
# For development and the benchmark: a fixed 512 MB heap, the serial collector (no concurrent GC
# threads competing for 2 cores) and the full JIT for query speed. The tests start faster with the
# C1 compiler only (tests/search_engine). docs/scale.md has the measured start times.
DEFAULT_JAVA_OPTS = "-Xms512m -Xmx512m -XX:+UseSerialGC"
# Always on, whatever JAVA_OPTS says: the system properties OpenSearch 2.x's own start script sets
# (date formats as the distribution parses them, UTF-8), and exit rather than limp on after an OOM.
SYSTEM_JAVA_OPTS = ("-Dfile.encoding=UTF-8", "-Djava.locale.providers=SPI,COMPAT", "-Dlog4j2.disable.jmx=true",
                    "-XX:+ExitOnOutOfMemoryError")
# Development and test nodes only: the disk watermarks would refuse replicas on a nearly full disk,
# which this machine has been seen with; a production cluster keeps them.
DEV_NODE_SETTINGS = ("-Ecluster.routing.allocation.disk.threshold_enabled=false",)
START_TIMEOUT = 180.0


class EngineUnavailable(RuntimeError):
    """Java or Maven is missing, the launcher does not build, or a node does not come up."""


def ensure_built(*, quiet: bool = True) -> None:
    """Build the launcher with Maven when its jar is missing or older than its sources. The first
    build downloads OpenSearch's jars from Maven Central into ~/.m2; later ones are offline."""
    for tool, package in (("java", "openjdk-17-jdk-headless"), ("mvn", "maven")):
        if shutil.which(tool) is None:
            raise EngineUnavailable(f"`{tool}` is not on PATH: OpenSearch nodes need Java 17 and Maven "
                                    f"(Debian: apt-get install {package}).")
    NODE_PROJECT.joinpath("target").mkdir(exist_ok=True)
    with open(NODE_PROJECT / "target" / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two test runs at once build once
        if _launcher_is_current():
            return
        command = ["mvn", "-B", "-q", "package"] if quiet else ["mvn", "-B", "package"]
        offline = Path.home().joinpath(".m2", "repository", "org", "opensearch", "opensearch").exists()
        result = subprocess.run(command + (["-o"] if offline else []), cwd=NODE_PROJECT,
                                capture_output=True, text=True)
        if result.returncode != 0 and offline:  # ~/.m2 may lack a plugin: go online once
            result = subprocess.run(command, cwd=NODE_PROJECT, capture_output=True, text=True)
        if result.returncode != 0:
            raise EngineUnavailable(f"building {NODE_PROJECT} with Maven failed:\n"
                                    f"{result.stdout[-4000:]}{result.stderr[-4000:]}")
        NODE_JAR.touch()


def _launcher_is_current() -> bool:
    if not NODE_JAR.exists() or not NODE_LIB.is_dir():
        return False
    built = NODE_JAR.stat().st_mtime
    sources = [NODE_PROJECT / "pom.xml", *NODE_PROJECT.joinpath("src").rglob("*.java")]
    return all(source.stat().st_mtime <= built for source in sources)


def free_ports(count: int) -> list[int]:
    with ExitStack() as stack:
        sockets = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in sockets:
            sock.bind((HOST, 0))
        return [sock.getsockname()[1] for sock in sockets]


def http_json(url: str, *, timeout: float = 5.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


@dataclass
class NodeSpec:
    name: str
    http_port: int
    transport_port: int
    home: str
    pid: int | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.http_port}"

    @property
    def log(self) -> Path:
        return Path(self.home) / "node.log"


class Cluster:
    """N nodes of one cluster on 127.0.0.1, every node eligible as cluster manager and a data node."""

    def __init__(self, data_dir: Path, nodes: list[NodeSpec], *, name: str = "archive",
                 java_opts: str | None = None, node_settings: tuple[str, ...] = DEV_NODE_SETTINGS,
                 die_with_parent: bool = False):
        self.data_dir = Path(data_dir)
        self.die_with_parent = die_with_parent
        self.nodes = nodes
        self.name = name
        self.java_opts = java_opts if java_opts is not None else os.environ.get("JAVA_OPTS", DEFAULT_JAVA_OPTS)
        self.node_settings = node_settings
        self._processes: dict[int, subprocess.Popen] = {}

    @classmethod
    def new(cls, data_dir: Path, count: int, *, http_port: int = 0, **options) -> "Cluster":
        """Nodes on free ports; with http_port, on http_port+i and http_port+100+i when all are free."""
        wanted = [port for i in range(count) for port in (http_port + i, http_port + 100 + i)]
        ports = wanted if http_port and _ports_free(*wanted) else free_ports(2 * count)
        nodes = [NodeSpec(f"node-{i}", ports[2 * i], ports[2 * i + 1], str(Path(data_dir) / f"node-{i}"))
                 for i in range(count)]
        return cls(data_dir, nodes, **options)

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    @property
    def url(self) -> str:
        """The value for OPENSEARCH_URL."""
        return ",".join(self.urls)

    def command(self, i: int) -> list[str]:
        node = self.nodes[i]
        arguments = ["--cluster-name", self.name, "--node-name", node.name, "--data", node.home,
                     "--http-port", str(node.http_port), "--transport-port", str(node.transport_port)]
        if len(self.nodes) == 1:
            arguments.append("--single-node")
        else:
            arguments += ["--seed-hosts", ",".join(f"{HOST}:{n.transport_port}" for n in self.nodes),
                          "--initial-managers", ",".join(n.name for n in self.nodes)]
        classpath = f"{NODE_JAR}{os.pathsep}{NODE_LIB}/*"
        return ["java", *SYSTEM_JAVA_OPTS, *shlex.split(self.java_opts), "-cp", classpath, MAIN_CLASS, *arguments,
                *self.node_settings]

    def launch_node(self, i: int) -> None:
        """Start node i in the background, without waiting for it."""
        node = self.nodes[i]
        if self.node_is_running(i):
            return
        Path(node.home).mkdir(parents=True, exist_ok=True)
        with open(node.log, "ab") as log:
            log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {shlex.join(self.command(i))}\n".encode())
            log.flush()
            process = subprocess.Popen(self._with_parent_death(self.command(i)), stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True, cwd=node.home)
        self._processes[i] = process
        node.pid = process.pid
        self.save_state()

    def _with_parent_death(self, command: list[str]) -> list[str]:
        """With die_with_parent, Linux sends the node SIGTERM when the thread that started it dies:
        util-linux's setpriv sets PR_SET_PDEATHSIG and then runs java in the same process."""
        if self.die_with_parent and shutil.which("setpriv"):
            return ["setpriv", "--pdeathsig", "TERM", "--", *command]
        return command

    def start(self, *, timeout: float = START_TIMEOUT, wait_for: str = "green") -> "Cluster":
        ensure_built()
        for i in range(len(self.nodes)):
            self.launch_node(i)
        self.wait_for_health(wait_for, nodes=len(self.nodes), timeout=timeout)
        return self

    def start_node(self, i: int, *, timeout: float = START_TIMEOUT, wait_for: str = "green") -> None:
        """Start node i again (on its old data and ports) and wait until the cluster is whole."""
        self.launch_node(i)
        self.wait_for_health(wait_for, nodes=len(self.nodes), timeout=timeout)

    def stop_node(self, i: int, *, timeout: float = 60.0) -> None:
        """Stop node i as a service manager would: SIGTERM to its process group, SIGKILL after timeout."""
        node = self.nodes[i]
        if not self.node_is_running(i):
            node.pid = None
            return
        process = self._processes.pop(i, None)
        _stop_group(node.pid, process, timeout=timeout)
        node.pid = None
        self.save_state()

    def stop(self) -> None:
        for i in range(len(self.nodes)):
            self.stop_node(i)

    def node_is_running(self, i: int) -> bool:
        node = self.nodes[i]
        process = self._processes.get(i)
        if process is not None:
            return process.poll() is None
        return node.pid is not None and _is_our_node(node.pid, node.home)

    def health(self, *, query: str = "") -> dict:
        """The cluster's health as the first running node that answers tells it."""
        error: Exception = EngineUnavailable(f"no node of {self.data_dir} is running")
        for i, node in enumerate(self.nodes):
            if self.node_is_running(i):
                try:
                    return http_json(f"{node.url}/_cluster/health{query}", timeout=70.0)
                except (OSError, ValueError) as failure:
                    error = failure
        raise error

    def wait_for_health(self, status: str, *, nodes: int, timeout: float = START_TIMEOUT) -> dict:
        """Wait until the cluster has `nodes` nodes and at least `status` (yellow or green)."""
        deadline = time.monotonic() + timeout
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            for i, node in enumerate(self.nodes):
                process = self._processes.get(i)
                if process is not None and process.poll() is not None:
                    raise EngineUnavailable(f"{node.name} exited with code {process.returncode}; "
                                            f"the end of {node.log}:\n{_tail(node.log)}")
            try:
                remaining = max(1, int(deadline - time.monotonic()))
                health = self.health(query=f"?wait_for_status={status}&wait_for_nodes={nodes}"
                                           f"&timeout={min(remaining, 10)}s")
                if not health.get("timed_out"):
                    return health
                last_error = f"health {health.get('status')} with {health.get('number_of_nodes')} nodes"
            except (OSError, ValueError, EngineUnavailable) as error:
                last_error = str(error)
            time.sleep(0.25)
        logs = "\n".join(f"--- {node.log}\n{_tail(node.log)}" for node in self.nodes)
        raise EngineUnavailable(f"the cluster in {self.data_dir} did not reach {status} with {nodes} nodes "
                                f"in {timeout:.0f} s ({last_error}).\n{logs}")

    def save_state(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        state = {"name": self.name, "java_opts": self.java_opts, "nodes": [asdict(node) for node in self.nodes]}
        self.data_dir.joinpath(STATE_FILE).write_text(json.dumps(state, indent=2))

    @classmethod
    def load(cls, data_dir: Path) -> "Cluster | None":
        path = Path(data_dir) / STATE_FILE
        if not path.exists():
            return None
        state = json.loads(path.read_text())
        return cls(data_dir, [NodeSpec(**node) for node in state["nodes"]], name=state["name"])

    def __enter__(self) -> "Cluster":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def start_cluster(count: int, data_dir: Path, *, timeout: float = START_TIMEOUT, java_opts: str | None = None,
                  wait_for: str = "green", die_with_parent: bool = True, http_port: int = 0) -> Cluster:
    """A new cluster of `count` nodes on free ports with its data in `data_dir` (wiped first).
    die_with_parent: the nodes get SIGTERM when the calling thread dies, so that a test run that is
    killed leaves no Java processes behind on the shared cores."""
    data_dir = Path(data_dir)
    previous = Cluster.load(data_dir)
    if previous is not None:
        previous.stop()
    elif data_dir.is_dir() and any(data_dir.iterdir()):
        raise EngineUnavailable(f"{data_dir} is not empty and holds no {STATE_FILE}: not wiping it")
    shutil.rmtree(data_dir, ignore_errors=True)
    cluster = Cluster.new(data_dir, count, java_opts=java_opts, die_with_parent=die_with_parent,
                          http_port=http_port)
    try:
        return cluster.start(timeout=timeout, wait_for=wait_for)
    except BaseException:
        cluster.stop()
        raise


def start_or_reuse(count: int, data_dir: Path, *, fresh: bool = False, http_port: int = 0) -> Cluster:
    """What `start` does: the cluster already running in data_dir if it has `count` nodes, else the
    stopped one restarted on its data and ports, else a new one (a different size starts afresh)."""
    cluster = None if fresh else Cluster.load(data_dir)
    if cluster is not None and len(cluster.nodes) != count:
        print(f"{data_dir} holds a {len(cluster.nodes)}-node cluster; starting a new {count}-node one.",
              file=sys.stderr)
        cluster = None
    if cluster is None:
        return start_cluster(count, data_dir, die_with_parent=False, http_port=http_port)
    in_use = [node for i, node in enumerate(cluster.nodes) if not cluster.node_is_running(i)
              and not _ports_free(node.http_port, node.transport_port)]
    if in_use:
        print(f"the ports of {', '.join(n.name for n in in_use)} are taken; starting a new cluster.",
              file=sys.stderr)
        return start_cluster(count, data_dir, die_with_parent=False, http_port=http_port)
    return cluster.start()


def _ports_free(*ports: int) -> bool:
    for port in ports:
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the node binds: TIME_WAIT is no obstacle
            try:
                sock.bind((HOST, port))
            except OSError:
                return False
    return True


def _is_our_node(pid: int, home: str) -> bool:
    """True if pid is still the launcher started for `home` (a pid from an old state file may
    have been given to another process since)."""
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return MAIN_CLASS.encode() in arguments and home.encode() in arguments


def _stop_group(pid: int, process: subprocess.Popen | None, *, timeout: float) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None:
            if process.poll() is not None:
                return
        elif not Path(f"/proc/{pid}").exists():
            return
        time.sleep(0.1)
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    if process is not None:
        process.wait()


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=("start", "stop", "status", "build"))
    parser.add_argument("--nodes", type=int, default=1, help="number of nodes (start); default 1")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"default {DEFAULT_DATA}")
    parser.add_argument("--fresh", action="store_true", help="wipe the data of an earlier cluster first")
    parser.add_argument("--http-port", type=int, default=9200,
                        help="first node's HTTP port when free (transport: +100); 0 for any free port")
    args = parser.parse_args(argv)
    data_dir = args.data.resolve()
    try:
        if args.action == "build":
            started = time.monotonic()
            ensure_built(quiet=False)
            print(f"launcher built in {time.monotonic() - started:.1f} s: {NODE_JAR}")
        elif args.action == "start":
            started = time.monotonic()
            cluster = start_or_reuse(args.nodes, data_dir, fresh=args.fresh, http_port=args.http_port)
            print(f"{len(cluster.nodes)} node(s) answering after {time.monotonic() - started:.1f} s; "
                  f"logs in {data_dir}/node-*/node.log", file=sys.stderr)
            print(cluster.url)
        elif args.action == "stop":
            cluster = Cluster.load(data_dir)
            if cluster is None:
                print(f"no cluster was started in {data_dir}", file=sys.stderr)
            else:
                cluster.stop()
                print(f"stopped the nodes of {data_dir}", file=sys.stderr)
        else:
            cluster = Cluster.load(data_dir)
            running = [] if cluster is None else [i for i in range(len(cluster.nodes)) if cluster.node_is_running(i)]
            if not running:
                print(f"no node of {data_dir} is running")
                return 1
            health = cluster.health()
            print(f"{health['status']}: {health['number_of_nodes']} node(s) at {cluster.url}")
    except (EngineUnavailable, OSError) as error:
        print(f"opensearch_cluster: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
