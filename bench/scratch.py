"""The scratch environment of one benchmark run: its own database, data folders, secret and settings.

Everything lives under var/bench/ (git-ignored) and in the databases named below, which are dropped
and recreated at the start of a run and dropped at its end. The application only ever sees it
through environment variables, as in production (config/settings.py).
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RUN_DIR = BENCH_DIR / "run"
CACHE_DIR = BENCH_DIR / "cache"  # kept between runs: jieba's dictionary cache, computed topics
DATABASE_SERVER = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
# BENCH_DATABASE names the scratch database (another working copy's run on the same server uses another name).
DATABASE = os.environ.get("BENCH_DATABASE", "replies_bench")
INGEST_DATABASE = f"{DATABASE}_ingest"


def venv_program(name: str) -> str:
    """A program of the project's venv (the one running this harness)."""
    for folder in (ROOT / ".venv" / "bin", Path(sys.executable).parent):
        if (folder / name).exists():
            return str(folder / name)
    raise FileNotFoundError(f"{name} is not installed in the project's venv")


class Scratch:
    def __init__(self, *, log=print):
        self.log = log
        self.secret_key = secrets.token_urlsafe(50)
        self.logs = RUN_DIR / "logs"

    # Folders and databases ----------------------------------------------------------------

    def create(self) -> None:
        if RUN_DIR.exists():
            shutil.rmtree(RUN_DIR)
        for folder in ("media", "static", "logs"):
            (RUN_DIR / folder).mkdir(parents=True)
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        recreate_database(DATABASE)

    def remove(self, *, keep_files: bool = False) -> None:
        for name in (DATABASE, INGEST_DATABASE):
            drop_database(name)
        if not keep_files:
            for folder in RUN_DIR.glob("index*"):
                shutil.rmtree(folder, ignore_errors=True)
            shutil.rmtree(RUN_DIR / "media", ignore_errors=True)
            shutil.rmtree(RUN_DIR / "ingest-sample", ignore_errors=True)

    def index_dir(self, name: str) -> Path:
        return RUN_DIR / f"index-{name}"

    # The environment the application sees ---------------------------------------------------

    def env(self, *, index: str, settings: str = "config.settings", database: str = DATABASE, **extra) -> dict:
        env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "HAYSTACK_"))}
        env.update(
            DJANGO_SETTINGS_MODULE=settings,
            DATABASE_URL=f"{DATABASE_SERVER}/{database}",
            SECRET_KEY=self.secret_key,
            DEBUG="0",
            VAR_DIR=str(RUN_DIR),
            SEARCH_INDEX_DIR=str(self.index_dir(index)),
            MEDIA_ROOT=str(RUN_DIR / "media"),
            STATIC_ROOT=str(RUN_DIR / "static"),
            JIEBA_CACHE_DIR=str(CACHE_DIR / "jieba"),
            RATELIMIT_ENABLE="0",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
            PYTHONWARNINGS="ignore::SyntaxWarning",
        )
        env.update({key: str(value) for key, value in extra.items()})
        return env

    # Running the application's commands and the in-Django tasks ---------------------------

    def manage(self, *args: str, env: dict, label: str | None = None) -> float:
        """Run `manage.py args` to completion; return its wall time. Output goes to the run's log."""
        return self.run([sys.executable, "manage.py", *args], env=env, label=label or args[0])

    def run(self, command: list[str], *, env: dict, label: str) -> float:
        started = time.perf_counter()
        with open(self.logs / f"{label}.log", "ab") as log:
            completed = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        elapsed = time.perf_counter() - started
        if completed.returncode:
            raise RuntimeError(f"{' '.join(command[:4])} failed ({completed.returncode}); see {self.logs / label}.log")
        return elapsed

    def task(self, name: str, *args: str, env: dict) -> dict:
        """Run bench.tasks NAME in its own process under `env`; return what it reported."""
        with tempfile.NamedTemporaryFile(suffix=".json", dir=RUN_DIR, delete=False) as out:
            path = Path(out.name)
        try:
            self.run([sys.executable, "-m", "bench.tasks", name, "--out", str(path), *args], env=env, label=f"task-{name}")
            return json.loads(path.read_text(encoding="utf-8"))
        finally:
            path.unlink(missing_ok=True)


def _server_connection():
    return psycopg.connect(f"{DATABASE_SERVER}/postgres", autocommit=True)


def recreate_database(name: str, *, template: str | None = None) -> None:
    drop_database(name)
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with _server_connection() as connection:
        connection.execute(statement)


def drop_database(name: str) -> None:
    with _server_connection() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
