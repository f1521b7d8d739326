"""Web load: the production server (gunicorn, DEBUG off, WhiteNoise) on PostgreSQL at a realistic volume, under 50
concurrent users asking for the most used pages and API calls, beside a bare endpoint of the same server.

The run creates its own database (`aiplus_bench` on the PostgreSQL server of --server, trust or password in the
URL), migrates it, loads the reference data and seeds (bench/_web_seed.py, by COPY) 10,000 organisations,
100,000 scenario needs, capability profiles and catalogue datasets with their search tokens, 100 signed-in
members with API tokens, notifications and compute requests, and 1,000,000 audit events on the hash chain. It then
starts the server as scripts/run.sh does (gunicorn, 4 threads a process, plus background workers) and runs locust
headless (bench/_web_locust.py): closed-loop users without think time over the endpoints of bench/_web_endpoints.py
(anonymous pages, a member's session, a member's API token) and /healthz, which touches no database: its row is the
ceiling, what the server and its middleware cost a request under the same load.

Two configurations, one after the other on the same database:
  A  one web process (4 threads) and one worker
  B  two web processes (4 threads each) and two workers (`make run`'s default, AIPLUS_WEB_WORKERS=2)
For each: requests, requests/s and p50/p95/p99 (ms, as the users saw them, exact, over the measured window after the
warm-up) and errors per endpoint, and the median time the web process spent on it once a thread took it up (from
gunicorn's access log: the difference is the wait for a free thread). Any error (anything but a 200 with the text
the endpoint must show) makes the exit code 1. The processes and the database are removed at the end, also on
Ctrl-C. --quick: a small volume, 20 users, 10 s a configuration (one to three minutes in all, most of it the
migrations and the start-ups); skipped (exit 0) when no PostgreSQL answers. The full run takes 10 to 15 minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from bench._common import Report, parse_args  # noqa: E402
from bench._web_endpoints import ENDPOINTS  # noqa: E402
from bench._web_seed import FULL, QUICK, Volume  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
READY = "aiplus-bench: web process ready"
# The access log: when each request ended, its endpoint (bench/_web_endpoints.ENDPOINT_HEADER) and the microseconds
# the web process spent on it, from the moment a thread took it up (so without the wait for a free thread).
ACCESS_FORMAT = "%(t)s|%({x-bench-endpoint}i)s|%(D)s"
THREADS = 4  # as scripts/run.sh


@dataclass(frozen=True)
class Config:
    label: str
    web_processes: int
    workers: int


CONFIGS = (Config("A", 1, 1), Config("B", 2, 2))


def _options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--users", type=int, help="concurrent users (50; --quick 20)")
    parser.add_argument("--seconds", type=int, help="measured seconds per configuration (60; --quick 10)")
    parser.add_argument("--warmup", type=int, help="seconds of load before measuring (15; --quick 3)")
    parser.add_argument("--server", default=os.environ.get("AIPLUS_BENCH_POSTGRES", DEFAULT_SERVER),
                        help=f"PostgreSQL server URL without a database name (default: $AIPLUS_BENCH_POSTGRES or "
                             f"{DEFAULT_SERVER})")
    parser.add_argument("--database", default="aiplus_bench", help="the database created and dropped (aiplus_bench)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs (to look at them)")
    for name in ("organisations", "needs", "profiles", "datasets", "audit-events", "members"):
        parser.add_argument(f"--{name}", type=int, metavar="N", help=f"volume: {name.replace('-', ' ')}")


class Run:
    """The processes and the database of one benchmark run; `close` removes them all, whatever happened."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.server = args.server.rstrip("/")
        self.database = args.database
        self.tmp = Path(tempfile.mkdtemp(prefix="aiplus-bench-web-"))
        self.processes: list[subprocess.Popen[bytes]] = []
        self.created = False
        self.env = {name: value for name, value in os.environ.items()
                    if not name.startswith(("AIPLUS_", "DJANGO_")) and name != "DATABASE_URL"}
        # Production settings: DEBUG off, a strong key shared by the seeding process (sessions) and the server.
        self.env.update(DATABASE_URL=f"{self.server}/{self.database}", AIPLUS_DATA_DIR=str(self.tmp / "data"),
                        AIPLUS_SECRET_KEY=secrets.token_urlsafe(64), DJANGO_SETTINGS_MODULE="aiplus.settings",
                        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))

    # -- the database -------------------------------------------------------------------------------------------

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(f"{self.server}/postgres", autocommit=True, connect_timeout=5) as connection:
            connection.execute(statement)

    def reachable(self) -> str:
        try:
            self._admin("SELECT 1")
        except Exception as error:
            return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return ""

    def create_database(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        self._admin(f'CREATE DATABASE "{self.database}"')
        self.created = True

    def seed(self, volume: Volume) -> dict[str, Any]:
        """Migrate, load the reference data and seed, in this process (Django set up on the bench database)."""
        for name in [n for n in os.environ if n.startswith(("AIPLUS_", "DJANGO_")) or n == "DATABASE_URL"]:
            del os.environ[name]
        os.environ.update(self.env)
        import io

        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        from bench._web_seed import seed

        (self.tmp / "data").mkdir(exist_ok=True)
        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        call_command("sync_reference", verbosity=0, stdout=io.StringIO())
        print(f"  migrate and reference data: {time.perf_counter() - started:.1f} s", flush=True)
        data = seed(volume, log=lambda line: print(line, flush=True))
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
        connections.close_all()
        payload = data.as_json()
        (self.tmp / "bench.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return payload

    def collect_static(self) -> subprocess.Popen[bytes] | None:
        """`make run`'s collectstatic into staticfiles/ (WhiteNoise serves them with DEBUG off), in the background
        while the seed runs; nothing to do when the collected files are newer than every source."""
        manifest = ROOT / "staticfiles" / "staticfiles.json"
        sources = [p for base in ROOT.joinpath("src").glob("aiplus/*/static") for p in base.rglob("*") if p.is_file()]
        if manifest.exists() and all(p.stat().st_mtime <= manifest.stat().st_mtime for p in sources):
            return None
        return self.start([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
                          self.tmp / "collectstatic.log")

    # -- processes ----------------------------------------------------------------------------------------------

    def start(self, argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        # A session of its own, so that stopping it stops what it started (gunicorn's web processes).
        with log.open("ab") as out:
            process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)
        self.processes.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes]) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if process in self.processes:
            self.processes.remove(process)

    def close(self, keep_logs: bool) -> None:
        for process in list(self.processes):
            self.stop(process)
        if self.created and not self.args.keep:
            try:
                self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            except Exception as error:
                print(f"could not drop the database {self.database}: {error}", file=sys.stderr)
        if keep_logs or self.args.keep:
            print(f"logs kept in {self.tmp}", file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- one configuration --------------------------------------------------------------------------------------

    def measure(self, config: Config, users: int, seconds: int, warmup: int) -> dict[str, Any]:
        port = _free_port()
        log = self.tmp / f"server-{config.label}.log"
        access = self.tmp / f"access-{config.label}.log"
        hooks = self.tmp / "gunicorn_hooks.py"
        hooks.write_text(f"def post_worker_init(worker):\n    print({READY!r}, worker.pid, flush=True)\n")
        workers = [self.start([sys.executable, "manage.py", "aiplus_worker", "--queue-name", "default"],
                              self.tmp / f"worker-{config.label}-{n}.log") for n in range(config.workers)]
        started = time.perf_counter()
        # scripts/run.sh's command line (MODE=run), with the access log in a file and a hook that says when each web
        # process has loaded the application (and built its matching index: aiplus.wsgi).
        web = self.start([sys.executable, "-m", "gunicorn", "aiplus.wsgi:application", "--bind", f"127.0.0.1:{port}",
                          "--workers", str(config.web_processes), "--threads", str(THREADS), "--timeout", "120",
                          "--graceful-timeout", "10", "--forwarded-allow-ips", "", "--no-control-socket",
                          "--access-logfile", str(access), "--access-logformat", ACCESS_FORMAT, "-c", str(hooks)], log)
        while log.read_text(errors="replace").count(READY) < config.web_processes:
            if web.poll() is not None or any(w.poll() is not None for w in workers):
                raise RuntimeError(f"configuration {config.label}: the server or a worker stopped; see {log}")
            if time.perf_counter() - started > 900:
                raise RuntimeError(f"configuration {config.label}: not ready after 15 minutes; see {log}")
            time.sleep(0.5)
        ready_s = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        samples_file = self.tmp / f"samples-{config.label}.json"
        env = {**self.env, "AIPLUS_BENCH_DATA": str(self.tmp / "bench.json"),
               "AIPLUS_BENCH_SAMPLES": str(samples_file)}
        locust = subprocess.run(
            [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "_web_locust.py"), "--headless",
             "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{warmup + seconds}s",
             "--stop-timeout", "60", "--host", f"http://127.0.0.1:{port}", "--only-summary", "--loglevel", "WARNING",
             "--exit-code-on-error", "0"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=warmup + seconds + 300)
        (self.tmp / f"locust-{config.label}.log").write_text(locust.stdout + locust.stderr, encoding="utf-8")
        if locust.returncode != 0 or not samples_file.exists():
            raise RuntimeError(f"configuration {config.label}: locust failed ({locust.returncode}): "
                               f"{locust.stderr.strip()[-2000:]}")
        rss = _tree_rss_mb(web.pid)
        load_after = os.getloadavg()[0]
        self.stop(web)
        for worker in workers:
            self.stop(worker)
        samples = json.loads(samples_file.read_text(encoding="utf-8"))
        server_errors = log.read_text(errors="replace").count("Traceback")
        return {"config": config, "ready_s": ready_s, "rss_mb": rss, "server_tracebacks": server_errors,
                "load": (load_before, load_after),
                **_summarise(samples, warmup, _server_times(access))}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _tree_rss_mb(pid: int) -> list[float]:
    """Resident memory of each of gunicorn's web processes (MB)."""
    try:
        import psutil

        return [round(child.memory_info().rss / 2**20) for child in psutil.Process(pid).children()]
    except Exception:
        return []


def _percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(q * len(ordered) / 100)))
    return ordered[rank - 1]


def _server_times(access: Path) -> list[tuple[float, str, float]]:
    """(end as epoch seconds, endpoint, milliseconds in the web process) of each request in the access log."""
    from datetime import datetime

    found = []
    for line in access.read_text(errors="replace").splitlines() if access.exists() else []:
        parts = line.rsplit("|", 2)
        if len(parts) != 3:
            continue
        with contextlib.suppress(ValueError):
            end = datetime.strptime(parts[0].strip("[] "), "%d/%b/%Y:%H:%M:%S %z").timestamp()
            found.append((end, parts[1], int(parts[2]) / 1000))
    return found


def _summarise(samples: list[list[Any]], warmup: int,
               server: list[tuple[float, str, float]] | None = None) -> dict[str, Any]:
    """Per endpoint over the measured window: the requests that started after the warm-up (and, from the access
    log, the time the web process spent on those that ended in the window, to the second)."""
    if not samples:
        return {"rows": [], "window_s": 0.0, "failures": []}
    first = min(s[1] for s in samples)
    begin = first + warmup
    kept = [s for s in samples if s[1] >= begin]
    end = max((s[1] + s[2] / 1000 for s in kept), default=begin)
    window = max(end - begin, 1e-9)
    rows, failures = [], []
    groups = [(e.name, e.ceiling) for e in ENDPOINTS]
    app_names = {n for n, c in groups if not c}
    for name, ceiling in [*groups, ("all pages and API calls", False)]:
        if name == "all pages and API calls":
            chosen = [s for s in kept if s[0] not in {n for n, c in groups if c}]
        else:
            chosen = [s for s in kept if s[0] == name]
        ordered = sorted(s[2] for s in chosen)
        errors = [s for s in chosen if s[3]]
        if name != "all pages and API calls":
            failures.extend(f"{name}: {s[3]}" for s in errors[:5])
        inside = sorted(ms for end, who, ms in server or () if end >= int(begin)
                        and (who == name or (name == "all pages and API calls" and who in app_names)))
        rows.append({"endpoint": name, "ceiling": ceiling, "requests": len(chosen),
                     "server_p50": _percentile(inside, 50),
                     "rps": len(chosen) / window, "p50": _percentile(ordered, 50), "p95": _percentile(ordered, 95),
                     "p99": _percentile(ordered, 99), "mean": statistics.fmean(ordered) if ordered else float("nan"),
                     "errors": len(errors)})
    # Requests of the warm-up that failed count too: zero errors means none at all.
    warm_errors = sum(1 for s in samples if s[1] < begin and s[3])
    return {"rows": rows, "window_s": window, "failures": failures, "warmup_errors": warm_errors}


def _table(result: dict[str, Any]) -> str:
    header = ["endpoint", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "server p50 ms"]
    lines = [header]
    for row in result["rows"]:
        lines.append([row["endpoint"], f"{row['requests']:,}", f"{row['rps']:.1f}", f"{row['p50']:.0f}",
                      f"{row['p95']:.0f}", f"{row['p99']:.0f}", str(row["errors"]),
                      f"{row['server_p50']:.1f}"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for k, line in enumerate(lines):
        if k == len(lines) - 1:
            out.append("  ".join("-" * w for w in widths))
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths,
                                                                                                   strict=True))))
        if k == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def _volume(args: argparse.Namespace) -> Volume:
    volume = QUICK if args.quick else FULL
    chosen = {name: getattr(args, name) for name in ("organisations", "needs", "profiles", "datasets",
                                                      "audit_events", "members") if getattr(args, name) is not None}
    return replace(volume, **chosen)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv, traces=False, extra=_options,
                      quick_help="small volume, 20 users, 10 s a configuration (one to three minutes in all)")
    users = args.users or (20 if args.quick else 50)
    seconds = args.seconds or (10 if args.quick else 60)
    warmup = args.warmup if args.warmup is not None else (3 if args.quick else 15)
    volume = _volume(args)
    run = Run(args)
    problem = run.reachable()
    if problem:
        print(f"no PostgreSQL at {run.server} ({problem}): the web benchmark needs one (--server)",
              file=sys.stderr)
        shutil.rmtree(run.tmp, ignore_errors=True)
        return 0 if args.quick else 2

    def interrupted(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    failed = True
    try:
        print(f"database {args.database} on {run.server}; volume: {volume}", flush=True)
        run.create_database()
        collecting = run.collect_static()
        data = run.seed(volume)
        if collecting is not None and collecting.wait() != 0:
            raise RuntimeError(f"collectstatic failed; see {run.tmp / 'collectstatic.log'}")
        results = []
        for config in CONFIGS:
            print(f"configuration {config.label}: {config.web_processes} web process(es) × {THREADS} threads, "
                  f"{config.workers} worker(s); {users} users, {warmup} s warm-up, {seconds} s measured", flush=True)
            results.append(run.measure(config, users, seconds, warmup))
        report = Report("web", {"users": users, "seconds": seconds, "warmup": warmup, "threads": THREADS,
                                "volume": data["counts"], "seed_seconds": data["seconds"], "quick": args.quick})
        errors = 0
        print()
        for result in results:
            config = result["config"]
            print(f"== {config.label}: {config.web_processes} web process(es) × {THREADS} threads, {config.workers} "
                  f"worker(s), PostgreSQL; {users} users, {result['window_s']:.0f} s measured; ready after "
                  f"{result['ready_s']:.0f} s, web process RSS {result['rss_mb']} MB; machine: {os.cpu_count()} "
                  f"cores, 1-minute load average {result['load'][0]:.1f} before the run and {result['load'][1]:.1f} "
                  f"at its end")
            print(_table(result))
            for line in result["failures"]:
                print(f"  failure: {line}")
            errors += sum(r["errors"] for r in result["rows"] if r["endpoint"] != "all pages and API calls")
            errors += result["warmup_errors"] + result["server_tracebacks"]
            if result["warmup_errors"] or result["server_tracebacks"]:
                print(f"  errors during the warm-up: {result['warmup_errors']}; server tracebacks: "
                      f"{result['server_tracebacks']}")
            for row in result["rows"]:  # the ceiling is the bound the pages are measured against
                for metric, unit in (("requests", "requests"), ("rps", "req/s"), ("p50", "ms"), ("p95", "ms"),
                                     ("p99", "ms"), ("errors", "requests"), ("server_p50", "ms")):
                    report.add(f"{config.label}: {row['endpoint']}", "bound" if row["ceiling"] else "aiplus", metric,
                               float(row[metric]), unit)
            print()
        report.write(args.json)
        failed = errors > 0
        print("zero errors" if not failed else f"{errors} error(s): exit code 1")
        return 1 if failed else 0
    except KeyboardInterrupt:
        print("interrupted: stopping the processes and dropping the database", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        run.close(keep_logs=failed)


if __name__ == "__main__":
    raise SystemExit(main())
