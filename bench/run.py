"""`make bench`: every benchmark of issue 7 on this machine, as one table and one JSON file.

    python bench/run.py                      # (a)–(d); bench/results/national.json
    python bench/run.py --parts dashboard    # some of: dashboard, autosave, import, decisions, legacy
    python bench/run.py --rebuild            # build the national data set again (bench/dataset.py)

(a) dashboard — on the national data set (PostgreSQL, bench/dataset.py): the province dashboard of
    Hà Nội (579 communes, 30 districts, trend over 7 cycles) as its province administrator, and the
    national summary of all 63 provinces (/api/v1/cycles/<year>/summary) as a national administrator;
    each beside its floor, the bare SQL aggregates that compute the same numbers, on the same
    connection. Whole requests through Django's test client; median, p95 and p99 of N runs.
(b) autosave — gunicorn (explicit options, below) on the data set; 64 clients, each a commune officer
    signed in and saving its own assessment's indicators one after another with the right version,
    as htmx does; beside the trivial view (/healthz) on the same server, measured the same way,
    which shows the ceiling of the server and the load generator together.
(c) import — a 10,595-row results file (one row per commune of the 2024 list) through
    reports.imports.import_results, in a scratch database; then the same file again (nothing changes).
(d) decisions — Hải Dương 2024 (235 communes, its appraising bodies): draft one decision per body,
    then generate every decision's .docx, in the same scratch database.
legacy — bench/dashboard.py's comparison of SQLite and PostgreSQL at 235 and 10,595 units (not run by
    default: it builds four databases; `make bench-compare` or `--parts legacy`).
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
sys.path.insert(0, str(ROOT))

from bench import dataset  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "national.json"
# DEBUG=0 would serve static files from collectstatic's manifest; the bench renders pages without
# running collectstatic, so `{% static %}` uses plain names (no request here fetches a static file).
NO_COLLECTSTATIC = {"STATIC_MANIFEST": "0"}
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
SCRATCH_DB = os.environ.get("BENCH_SCRATCH_DB", "wt_bench_scratch")
PORT = int(os.environ.get("BENCH_PORT", "8160"))
YEAR = 2025
CLIENTS = 64
GUNICORN = ("--workers", "4", "--worker-class", "gthread", "--threads", "4", "--backlog", "256")
PARTS = ("dashboard", "autosave", "import", "decisions", "legacy")
TARGETS = {
    "dashboard_ms": 300,
    "dashboard_floor_ratio": 2,
    "autosave_rps": 300,
    "autosave_p99_ms": 200,
    "import_s": 20,
    "decisions_s": 60,
}


def stats(seconds: list[float]) -> dict:
    ms = sorted(s * 1000 for s in seconds)

    def pct(p):
        return round(ms[min(len(ms) - 1, int(p / 100 * len(ms)))], 1)

    return {"median_ms": round(statistics.median(ms), 1), "p95_ms": pct(95), "p99_ms": pct(99), "n": len(ms)}


def _django(database_url: str) -> None:
    os.environ.update({**dataset.django_env(), **NO_COLLECTSTATIC, "DATABASE_URL": database_url})
    import django

    django.setup()


# --- (a) dashboard and national summary ----------------------------------------------------------


def part_dashboard(runs: int) -> dict:
    _django(dataset.DATA_URL)
    from django.test import Client

    from bench import floors
    from friendlygov.accounts.models import User
    from friendlygov.assessments.models import Cycle

    cycle = Cycle.objects.get(year=YEAR, program__startswith="Quốc gia")
    province = User.objects.get(username="bench-province")
    result = {}
    pages = (
        ("province_dashboard", province, f"/reports/{YEAR}/", floors.province_dashboard),
        (
            "national_summary",
            User.objects.get(username="bench-admin"),
            f"/api/v1/cycles/{YEAR}/summary",
            None,
        ),
    )
    for name, user, url, floor in pages:
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == 200, url  # warm-up, and a check that it works
        floor_fn = floor or floors.national_summary
        scope = floors.scope_for(user)
        floor_fn(cycle, scope)
        # Page and floor alternate, so that a busy moment on this noisy machine falls on both.
        page, bare = [], []
        for _ in range(runs):
            start = time.perf_counter()
            response = client.get(url)
            page.append(time.perf_counter() - start)
            assert response.status_code == 200
            start = time.perf_counter()
            floor_fn(cycle, scope)
            bare.append(time.perf_counter() - start)
        page_stats, floor_stats = stats(page), stats(bare)
        result[name] = {
            "url": url,
            "page": page_stats,
            "floor": floor_stats,
            "ratio": round(page_stats["median_ms"] / floor_stats["median_ms"], 2),
        }
    return result


# --- (b) autosave against gunicorn ---------------------------------------------------------------


def autosave_plan() -> dict:
    """Inside a child: a signed-in session and the score rows of each bench commune officer."""
    _django(dataset.DATA_URL)
    import random

    from django.test import Client

    from bench import national
    from friendlygov.accounts.models import User
    from friendlygov.assessments.models import Assessment, IndicatorScore

    clients = []
    rng = random.Random(7)
    officers = User.objects.filter(username__startswith="bench-officer-").order_by("username")
    for officer in officers:
        code = officer.username.removeprefix("bench-officer-")
        assessment = Assessment.objects.get(cycle__year=dataset.OPEN_YEAR, unit__code=code)
        scores = IndicatorScore.objects.filter(assessment=assessment).select_related("indicator")
        session = Client()
        session.force_login(officer)
        clients.append(
            {
                "session": session.cookies["sessionid"].value,
                "assessment": assessment.pk,
                "scores": [[s.pk, s.version, str(national._value(s.indicator, rng))] for s in scores],
            }
        )
    return {"clients": clients}


def _saves_recorded(plan: dict) -> dict:
    _django(dataset.DATA_URL)
    from django.db.models import Sum

    from friendlygov.assessments.models import IndicatorScore
    from friendlygov.audit.models import AuditEvent

    ids = [s[0] for c in plan["clients"] for s in c["scores"]]
    versions = IndicatorScore.objects.filter(pk__in=ids).aggregate(v=Sum("version"))["v"]
    events = AuditEvent.objects.filter(event_type="score.self_saved").count()
    return {"version_sum": versions, "audit_events": events}


def part_autosave(seconds: float) -> dict:
    plan = _child_json("autosave-plan")
    before = _child_json("autosave-count", plan)
    server = _start_gunicorn()
    try:
        trivial = _with_cpu(server.pid, lambda: _load("trivial", plan, seconds))
        autosave = _with_cpu(server.pid, lambda: _load("autosave", plan, seconds))
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = _child_json("autosave-count", plan)
    saved = after["version_sum"] - before["version_sum"]
    audited = after["audit_events"] - before["audit_events"]
    return {
        "server": f"gunicorn {' '.join(GUNICORN)} --bind 127.0.0.1:{PORT}",
        "clients": CLIENTS,
        "trivial": trivial,
        "autosave": autosave,
        "rows_saved": saved,
        "audit_events": audited,
        "saves_match": saved == audited == autosave["ok"],
    }


def _processes() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, name, CPU seconds used so far) of every process, from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        out.append((int(entry.name), int(fields[1]), name, (int(fields[11]) + int(fields[12])) / tick))
    return out


def _cpu_by_side(server_pid: int) -> dict:
    """CPU seconds so far of the app server (gunicorn and its workers) and of PostgreSQL."""
    procs = _processes()
    server = sum(cpu for pid, ppid, _, cpu in procs if server_pid in (pid, ppid))
    database = sum(cpu for _, _, name, cpu in procs if name.startswith("postgres"))
    return {"server": server, "database": database}


def _with_cpu(server_pid: int, run) -> dict:
    """`run()`'s result with the CPU milliseconds per request that the server and the database spent:
    with the machine's cores, they give the ceiling of requests per second on this machine."""
    before = _cpu_by_side(server_pid)
    result = run()
    after = _cpu_by_side(server_pid)
    requests = max(result["requests"], 1)
    for side in ("server", "database"):
        result[f"{side}_cpu_ms_per_request"] = round((after[side] - before[side]) * 1000 / requests, 2)
    spent = result["server_cpu_ms_per_request"] + result["database_cpu_ms_per_request"]
    result["cores"] = os.cpu_count()
    result["ceiling_per_second"] = round(os.cpu_count() * 1000 / spent, 1) if spent else None
    return result


def _start_gunicorn() -> subprocess.Popen:
    env = {**os.environ, **dataset.django_env(), **NO_COLLECTSTATIC, "DB_CONN_MAX_AGE": "600"}
    command = [str(Path(sys.executable).with_name("gunicorn")), "config.wsgi", *GUNICORN]
    command += ["--bind", f"127.0.0.1:{PORT}", "--log-level", "warning"]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer on /healthz")


def _load(kind: str, plan: dict, seconds: float) -> dict:
    """Run the load generator in two processes of 32 threads each (one per core)."""
    with tempfile.TemporaryDirectory() as tmp:
        half = len(plan["clients"]) // 2
        workers = []
        for index, clients in enumerate((plan["clients"][:half], plan["clients"][half:])):
            path = Path(tmp) / f"plan{index}.json"
            path.write_text(json.dumps({"kind": kind, "seconds": seconds, "clients": clients}))
            workers.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench.load", str(path)],
                    cwd=ROOT,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        outputs = [json.loads(w.communicate()[0]) for w in workers]
    latencies = [s for o in outputs for s in o["latencies"]]
    elapsed = max(o["elapsed"] for o in outputs)
    errors = sum(o["errors"] for o in outputs)
    result = {"requests": len(latencies), "ok": len(latencies) - errors, "errors": errors}
    result["per_second"] = round(len(latencies) / elapsed, 1)
    result.update(stats(latencies))
    result["error_samples"] = [e for o in outputs for e in o["error_samples"]][:3]
    return result


# --- (c) import and (d) decisions, in a scratch database ----------------------------------------


def _scratch_url() -> str:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{SCRATCH_DB}"')
    return f"{PG_SERVER}/{SCRATCH_DB}"


def part_scratch() -> dict:
    """Inside a child on a fresh scratch database: the import, then the decisions."""
    _django(os.environ["DATABASE_URL"])
    from django.core.management import call_command

    from bench import national

    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    call_command("load_default_framework", verbosity=0)
    national.load_national_units()
    return {"import": _measure_import(), "decisions": _measure_decisions()}


def _measure_import() -> dict:
    import io
    import random

    from openpyxl import Workbook

    from bench import national
    from friendlygov.reports.imports import import_results
    from friendlygov.reports.models import ImportedResult
    from friendlygov.units.models import Level, UnitVersion

    communes = UnitVersion.objects.valid_on(national.START.replace(month=12, day=31)).filter(
        level=Level.COMMUNE
    )
    rng = random.Random(2024)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Kết quả")
    sheet.append(["Mã đơn vị", "Điểm cuối cùng", "Số quyết định", "Ngày quyết định"])
    for code in communes.order_by("code").values_list("code", flat=True):
        sheet.append([code, rng.randint(6000, 9900) / 100, f"{rng.randint(1, 999)}/QĐ-UBND", "15/01/2025"])
    out = io.BytesIO()
    book.save(out)
    data = out.getvalue()
    actor = national.bench_user()
    start = time.perf_counter()
    first = import_results(data, "ket-qua-2024.xlsx", year=2024, actor=actor)
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    second = import_results(data, "ket-qua-2024.xlsx", year=2024, actor=actor)
    second_s = time.perf_counter() - start
    return {
        "rows": ImportedResult.objects.filter(year=2024).count(),
        "file_bytes": len(data),
        "first_seconds": round(first_s, 2),
        "first_saved": first.saved,
        "again_seconds": round(second_s, 2),
        "again_unchanged": second.unchanged,
    }


def _measure_decisions() -> dict:
    from datetime import date

    from bench import national
    from friendlygov.accounts.models import Role, RoleGrant, User
    from friendlygov.assessments import documents, services
    from friendlygov.assessments.models import Assessment
    from friendlygov.assessments.workflow import Status
    from friendlygov.units.models import Level, UnitVersion

    scope = UnitVersion.objects.valid_on(date(2024, 12, 31)).filter(province_code="30")
    cycle = national.build_cycle(
        program="Hải Dương — đo hiệu năng",
        communes=list(scope.filter(level=Level.COMMUNE)),
        bodies_by_unit=list(scope.filter(level=Level.DISTRICT)),
    )
    Assessment.objects.filter(cycle=cycle).update(status=Status.APPRAISED)
    head = User.objects.create_user("bench-head")
    RoleGrant.objects.create(user=head, role=Role.APPRAISAL_HEAD, unit=scope.get(level=Level.PROVINCE))
    start = time.perf_counter()
    decisions = []
    for number, body in enumerate(cycle.bodies.order_by("name"), start=1):
        decisions.append(
            services.draft_decision(
                body,
                assessments=list(body.assessments.all()),
                number=f"{number}/QĐ-UBND",
                signed_on=date(2025, 1, 15),
                signer_name="Nguyễn Văn A",
                legal_bases="Luật Tổ chức chính quyền địa phương năm 2015;",
                actor=head,
            )
        )
    drafted_s = time.perf_counter() - start
    sizes = []
    start = time.perf_counter()
    for decision in decisions:
        sizes.append(len(documents.decision_docx(decision)))
    docx_s = time.perf_counter() - start
    return {
        "units": sum(d.items.count() for d in decisions),
        "decisions": len(decisions),
        "draft_seconds": round(drafted_s, 2),
        "docx_seconds": round(docx_s, 2),
        "total_seconds": round(drafted_s + docx_s, 2),
        "docx_bytes": sum(sizes),
    }


# --- Orchestration -------------------------------------------------------------------------------


def _child_json(what: str, payload=None, env=None) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--child", what],
        input=json.dumps(payload or {}),
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if completed.returncode != 0:
        raise SystemExit(f"{what} failed:\n{completed.stderr[-4000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def child(what: str, runs: int) -> dict:
    payload = json.loads(sys.stdin.read() or "{}")
    runs = int(os.environ.get("BENCH_RUNS", runs))
    if what == "dashboard":
        return part_dashboard(runs)
    if what == "autosave-plan":
        return autosave_plan()
    if what == "autosave-count":
        return _saves_recorded(payload)
    if what == "scratch":
        return part_scratch()
    raise SystemExit(f"unknown child {what}")


def verdicts(results: dict) -> list[tuple[str, str, str, bool]]:
    """(what, measured, target, met) for every 'Done when' figure that was measured."""
    rows = []
    for name in ("province_dashboard", "national_summary"):
        if d := results.get("dashboard", {}).get(name):
            median, ratio = d["page"]["median_ms"], d["ratio"]
            rows.append(
                (
                    f"{name} median (p95)",
                    f"{median} ms ({d['page']['p95_ms']} ms); floor {d['floor']['median_ms']} ms; ×{ratio}",
                    f"≤ {TARGETS['dashboard_ms']} ms and ≤ {TARGETS['dashboard_floor_ratio']}× floor",
                    median <= TARGETS["dashboard_ms"] and ratio <= TARGETS["dashboard_floor_ratio"],
                )
            )
    if a := results.get("autosave"):
        s, t = a["autosave"], a["trivial"]
        rows.append(
            (
                f"autosave, {a['clients']} clients",
                f"{s['per_second']} req/s, p99 {s['p99_ms']} ms, {s['errors']} errors "
                f"(trivial view: {t['per_second']} req/s, p99 {t['p99_ms']} ms); CPU per save "
                f"{s['server_cpu_ms_per_request']} ms app + {s['database_cpu_ms_per_request']} ms "
                f"PostgreSQL → at most {s['ceiling_per_second']} req/s on {s['cores']} cores",
                f"≥ {TARGETS['autosave_rps']} req/s, p99 ≤ {TARGETS['autosave_p99_ms']} ms, 0 errors",
                s["per_second"] >= TARGETS["autosave_rps"]
                and s["p99_ms"] <= TARGETS["autosave_p99_ms"]
                and s["errors"] == 0
                and a["saves_match"],
            )
        )
    if i := results.get("import"):
        rows.append(
            (
                f"import {i['rows']} rows",
                f"{i['first_seconds']} s (again, unchanged: {i['again_seconds']} s)",
                f"< {TARGETS['import_s']} s",
                i["first_seconds"] < TARGETS["import_s"],
            )
        )
    if d := results.get("decisions"):
        rows.append(
            (
                f"decisions for {d['units']} units ({d['decisions']} .docx)",
                f"{d['total_seconds']} s (draft {d['draft_seconds']} s, .docx {d['docx_seconds']} s)",
                f"< {TARGETS['decisions_s']} s",
                d["total_seconds"] < TARGETS["decisions_s"],
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default=",".join(PARTS[:-1]), help=f"some of {','.join(PARTS)}")
    parser.add_argument("--runs", type=int, default=30, help="requests per page (dashboard)")
    parser.add_argument("--seconds", type=float, default=20, help="duration of each load phase")
    parser.add_argument("--rebuild", action="store_true", help="build the national data set again")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.runs), default=str))
        return
    parts = args.parts.split(",")
    started = time.perf_counter()
    results = {"measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "load_average_before": os.getloadavg()}
    if {"dashboard", "autosave"} & set(parts):
        print("… national data set", file=sys.stderr, flush=True)
        results["dataset"] = dataset.ensure(rebuild=args.rebuild)
    if "dashboard" in parts:
        print("… (a) dashboard and national summary", file=sys.stderr, flush=True)
        results["dashboard"] = _child_json("dashboard", env={"BENCH_RUNS": str(args.runs)})
    if "autosave" in parts:
        print("… (b) autosave under gunicorn", file=sys.stderr, flush=True)
        results["autosave"] = part_autosave(args.seconds)
    if {"import", "decisions"} & set(parts):
        print("… (c) import and (d) decisions", file=sys.stderr, flush=True)
        scratch = _child_json("scratch", env={**dataset.django_env(), "DATABASE_URL": _scratch_url()})
        results.update(scratch)
    if "legacy" in parts:
        print(
            "… bench/dashboard.py (SQLite and PostgreSQL, 235 and 10,595 units)", file=sys.stderr, flush=True
        )
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "dashboard.py"), "--runs", "3"], check=True, cwd=ROOT
        )
    results["load_average_after"] = os.getloadavg()
    results["total_seconds"] = round(time.perf_counter() - started, 1)
    results["verdicts"] = [
        {"what": w, "measured": m, "target": t, "met": ok} for w, m, t, ok in verdicts(results)
    ]
    print(f"\n{'what':<44}{'measured':<80}{'target':<44}met")
    for w, m, t, ok in verdicts(results):
        print(f"{w:<44}{m:<80}{t:<44}{'yes' if ok else 'NO'}")
    print(
        f"total {results['total_seconds']} s; load average before/after {results['load_average_before']} / "
        f"{results['load_average_after']}"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
