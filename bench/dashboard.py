"""Benchmark: the province dashboard and the results export for one cycle, at province scale
(Hải Dương 2024, 235 communes) and at national scale (the 10,595 communes of the 2024 list).

    python bench/dashboard.py            # both sizes, SQLite and PostgreSQL; prints a table,
                                         # writes bench/results/dashboard.json

Each (database, size) runs in a fresh database in its own process: SQLite in a temporary file,
PostgreSQL in a scratch database `bench_<size>` on BENCH_PG_URL (default the local server).
Timings are of the whole request through Django's test client (view, queries, template), as a
provincial administrator; the median and the spread of N runs after one warm-up are reported,
with the number of SQL queries of each request.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "dashboard.json"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
SIZES = ("province", "national")


def measure(size: str, runs: int) -> dict:
    """Runs inside the child process, with the database settings already in the environment."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench import national
    from friendlygov.units.models import Level, UnitVersion

    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    call_command("load_default_framework", verbosity=0)
    started = time.perf_counter()
    scope = UnitVersion.objects.valid_on(national.START.replace(month=12, day=31))
    if size == "national":
        national.load_national_units()
    else:
        scope = scope.filter(province_code="30")
    communes = list(scope.filter(level=Level.COMMUNE))
    districts = list(scope.filter(level=Level.DISTRICT))
    national.build_cycle(program=national.NATIONAL_PROGRAM, communes=communes, bodies_by_unit=districts)
    build_seconds = time.perf_counter() - started

    client = Client()
    client.force_login(national.bench_user())
    result = {"units": len(communes), "build_seconds": round(build_seconds, 1)}
    for name, url in (("dashboard", "/reports/2024/"), ("export_xlsx", "/reports/2024/export.xlsx")):
        assert client.get(url).status_code == 200, url  # warm-up, and a check that it works
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
                times.append(time.perf_counter() - start)
        result[name] = {
            "median_ms": round(statistics.median(times) * 1000, 1),
            "min_ms": round(min(times) * 1000, 1),
            "max_ms": round(max(times) * 1000, 1),
            "queries": len(queries.captured_queries),
            "runs": runs,
        }
    return result


def run_child(backend: str, size: str, runs: int) -> dict:
    env = {**os.environ, "FRIENDLYGOV_ALLOW_INSECURE_KEY": "1", "DEBUG": "0", "STATIC_MANIFEST": "0"}
    env.pop("DATABASE_URL", None)
    with tempfile.TemporaryDirectory() as tmp:
        if backend == "sqlite":
            env["SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        else:
            database = f"bench_{size}"
            _recreate_pg_database(database)
            env["DATABASE_URL"] = f"{PG_URL}/{database}"
        completed = subprocess.run(
            [sys.executable, __file__, "--child", size, "--runs", str(runs)],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            cwd=ROOT,
        )
    if completed.returncode != 0:
        raise SystemExit(f"{backend}/{size} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _recreate_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--child", choices=SIZES)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.runs)))
        return
    rows = []
    for backend in args.backends.split(","):
        for size in SIZES:
            print(f"… {backend} / {size}", file=sys.stderr, flush=True)
            rows.append({"backend": backend, "size": size, **run_child(backend, size, args.runs)})
    print(
        f"{'backend':<11}{'size':<10}{'units':>7}  {'dashboard median':>17}  {'queries':>7}  "
        f"{'export median':>14}  {'queries':>7}"
    )
    for r in rows:
        d, e = r["dashboard"], r["export_xlsx"]
        dashboard = f"{d['median_ms']:>14.1f} ms  {d['queries']:>7}"
        export = f"{e['median_ms']:>11.1f} ms  {e['queries']:>7}"
        print(f"{r['backend']:<11}{r['size']:<10}{r['units']:>7}  {dashboard}  {export}")
    for backend in {r["backend"] for r in rows}:
        for page in ("dashboard", "export_xlsx"):
            counts = {r[page]["queries"] for r in rows if r["backend"] == backend}
            verdict = "the same" if len(counts) == 1 else "DIFFERENT"
            print(f"{backend}: {page} issues {verdict} number of queries at every size ({sorted(counts)})")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "rows": rows}, indent=2) + "\n"
    )
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
