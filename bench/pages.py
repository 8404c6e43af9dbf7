"""The `pages` part of `make bench`: every main page and API list of the product, timed on the
national data set as the person who would open it.

    python bench/run.py --parts pages                 # waits for a quiet machine first
    python bench/run.py --parts pages --no-load-wait  # development: start now, and say so

Each page is requested through Django's test client in this process (DEBUG=0, the data set's
PostgreSQL, the shared Redis cache) signed in as its persona: `admin` (bench-admin, national),
`province` (bench-province, Hà Nội), `appraiser` (bench-appraiser, Hà Nội's first district),
`commune` (bench-commune, its first commune) or `anonymous`. Two warm-ups, the second one counted
(queries, bytes), then N timed requests, each followed by its floor (bench/floors.py: the bare SQL
of the same numbers) where one is defined, so that a busy moment falls on both. A cached page is
also timed cold: the cache emptied before each of a few requests. A file is timed until its last
byte is read; the national cycle export through the background job from the request that starts
it until its file is ready. A page that takes long gets fewer runs (PAGE_BUDGET_S), so the part
ends in minutes even before the pages are fast: `n` says how many.
"""

import json
import os
import statistics
import time
from dataclasses import dataclass, field
from functools import partial

from bench import floors

YEAR = 2025
RUNS = 15
COLD_RUNS = 3
PAGE_BUDGET_S = 20  # timed runs per page are cut to fit in about this long (at least MIN_RUNS)
MIN_RUNS = 3
MEDIAN_MS, P95_MS, COLD_MS = 150, 300, 300
PROVINCE_EXPORT_MS = 1_000
NATIONAL_EXPORT_MS = 10_000
MAX_LOAD = 1.0
SEARCH = "Hòa"  # a word that starts the names of about a hundred communes across the country
DEEP_ASSESSMENTS = 70_000  # of about 74,000 assessments over eight years
DEEP_RESULTS = 10_000  # of 10,595 published lines of a year

PERSONAS = {
    "admin": "bench-admin",
    "province": "bench-province",
    "appraiser": "bench-appraiser",
    "commune": "bench-commune",
    "anonymous": None,
}


@dataclass(frozen=True)
class Page:
    """One page or API list: `url` may name `{decision}` and `{assessment}` (the commune's 2025
    assessment); `floor(cycle, scope)` is its bare SQL; `cached` pages are also timed cold."""

    name: str
    persona: str
    url: str
    floor: object = None
    cached: bool = False
    kind: str = "get"  # get, job (POST that starts the export job), panel (a template fragment)
    median_ms: int = MEDIAN_MS
    p95_ms: int | None = P95_MS
    status: int = 200
    what: str = ""


Y = YEAR
PAGES = (
    Page("home", "admin", "/", what="the start page (work queues)"),
    Page("assessment_list", "admin", f"/assessments/?year={Y}", partial(floors.assessment_page)),
    Page(
        "assessment_list_filtered",
        "admin",
        f"/assessments/?year={Y}&status=recognised&q={SEARCH}",
        partial(floors.assessment_page, status="recognised", q=SEARCH),
    ),
    Page("assessment_list", "province", f"/assessments/?year={Y}", partial(floors.assessment_page)),
    Page("assessment_list", "appraiser", f"/assessments/?year={Y}", partial(floors.assessment_page)),
    Page("assessment_detail", "commune", "/assessments/{assessment}/", what="one assessment, 2025"),
    Page("public_results_index", "anonymous", "/public/", what="the published years"),
    Page("public_results", "anonymous", f"/public/{Y}/", partial(floors.public_page), cached=True),
    Page(
        "public_search",
        "anonymous",
        f"/public/{Y}/?q={SEARCH}",
        partial(floors.public_page, q=SEARCH),
        cached=True,
    ),
    *(
        Page("decision_list", persona, "/assessments/decisions/", partial(floors.decision_page))
        for persona in ("admin", "province", "appraiser", "commune")
    ),
    Page("decision_detail", "province", "/assessments/decisions/{decision}/", what="one decision"),
    Page("dashboard_national", "admin", f"/reports/{Y}/", floors.province_dashboard),
    Page("dashboard_province", "province", f"/reports/{Y}/", floors.province_dashboard),
    Page(
        "feedback_overview",
        "admin",
        f"/reports/{Y}/ (survey panel)",
        kind="panel",
        what="the dashboard's survey panel alone ({% survey_dashboard_panel %}), nation",
    ),
    Page("near_level_list", "admin", f"/reports/{Y}/danh-sach/gan-muc-tren/", floors.near_level),
    Page("trend_list", "admin", f"/reports/{Y}/danh-sach/xu-huong-huyen/", floors.trend),
    Page("explain_my_level", "commune", "/reports/commune/{assessment}/", what="the commune's 2025 level"),
    Page("feedback_unit", "commune", "/feedback/{assessment}/", what="one commune's survey results"),
    Page(
        "api_results",
        "anonymous",
        f"/api/v1/cycles/{Y}/results?limit=50&offset=0",
        partial(floors.public_page),
        cached=True,
    ),
    Page(
        "api_results_deep",
        "anonymous",
        f"/api/v1/cycles/{Y}/results?limit=50&offset={DEEP_RESULTS}",
        partial(floors.public_page, offset=DEEP_RESULTS),
        cached=True,
    ),
    Page("api_summary", "admin", f"/api/v1/cycles/{Y}/summary", floors.national_summary),
    Page("api_assessments", "admin", "/api/v1/assessments?limit=50", partial(floors.all_assessments_page)),
    Page(
        "api_assessments_deep",
        "admin",
        f"/api/v1/assessments?limit=50&offset={DEEP_ASSESSMENTS}",
        partial(floors.all_assessments_page, offset=DEEP_ASSESSMENTS),
    ),
    Page("api_decisions", "admin", "/api/v1/decisions?limit=50", partial(floors.decision_page)),
    Page("api_decision", "admin", "/api/v1/decisions/{decision}", what="one decision"),
    Page("api_feedback_cycle", "admin", f"/api/v1/feedback/cycles/{Y}?limit=50", partial(floors.survey_page)),
    Page(
        "feedback_export",
        "admin",
        f"/feedback/{Y}/export.xlsx",
        what="the survey workbook, nation: the page that offers it as a background job",
    ),
    Page(
        "feedback_export_province",
        "province",
        f"/feedback/{Y}/export.xlsx",
        median_ms=PROVINCE_EXPORT_MS,
        p95_ms=None,
        what="the survey workbook of Hà Nội, in the request",
    ),
    Page(
        "feedback_export_national_job",
        "admin",
        f"/jobs/survey-export/{Y}/",
        kind="job",
        status=302,
        median_ms=NATIONAL_EXPORT_MS,
        p95_ms=None,
        what="the national survey workbook through the background job, start to file ready",
    ),
    Page(
        "cycle_export_province",
        "province",
        f"/reports/{Y}/export.xlsx",
        median_ms=PROVINCE_EXPORT_MS,
        p95_ms=None,
        what="the cycle workbook of Hà Nội, in the request",
    ),
    Page(
        "cycle_export_national_job",
        "admin",
        f"/jobs/export/{Y}/",
        kind="job",
        status=302,
        median_ms=NATIONAL_EXPORT_MS,
        p95_ms=None,
        what="the national cycle workbook through the background job, start to file ready",
    ),
)


# --- Waiting for a quiet machine ----------------------------------------------------------------


def wait_for_quiet(*, timeout_s: float, max_load: float = MAX_LOAD, log) -> dict:
    """Return once the 1-minute load average is under `max_load`; SystemExit after `timeout_s`."""
    started = time.monotonic()
    load = os.getloadavg()[0]
    while load >= max_load:
        waited = time.monotonic() - started
        if waited >= timeout_s:
            raise SystemExit(
                f"The 1-minute load average stayed at {load:.2f} (≥ {max_load}) for {waited:.0f} s: other "
                "work is running on this machine and would slow every page. Run again when it is quiet, "
                "wait longer (--load-wait SECONDS) or, for a development run only, --no-load-wait."
            )
        log(f"  load average {load:.2f} ≥ {max_load}: waiting ({waited:.0f} of {timeout_s:.0f} s)")
        time.sleep(15)
        load = os.getloadavg()[0]
    return {"load_average": round(load, 2), "waited_s": round(time.monotonic() - started)}


# --- Measuring ------------------------------------------------------------------------------------


@dataclass
class Measured:
    times: list = field(default_factory=list)
    floor: list = field(default_factory=list)
    cold: list = field(default_factory=list)


def _ms(seconds: list[float]) -> tuple[float, float]:
    ms = sorted(s * 1000 for s in seconds)
    return round(statistics.median(ms), 1), round(ms[min(len(ms) - 1, int(0.95 * len(ms)))], 1)


def _body_size(response) -> int:
    """The bytes of the answer, read to the end (a streamed file is only made while it is read)."""
    if getattr(response, "streaming", False):
        size = sum(len(chunk) for chunk in response.streaming_content)
        response.close()
        return size
    return len(response.content)


def invalidate() -> None:
    """Make a cached page cold. The shared cache is emptied (the bench's own Redis database, or this
    process's memory): it drops whatever the app keeps there, as any invalidation it has would."""
    from django.core.cache import cache

    cache.clear()


class Runner:
    def __init__(self, runs: int, log):
        from django.contrib.auth import get_user_model
        from django.test import Client

        from friendlygov.assessments.models import Assessment, Cycle, Decision

        self.runs, self.log = runs, log
        users = get_user_model().objects
        self.users = {p: users.get(username=u) if u else None for p, u in PERSONAS.items()}
        self.clients = {}
        for persona, user in self.users.items():
            self.clients[persona] = Client()
            if user is not None:
                self.clients[persona].force_login(user)
        self.cycle = Cycle.objects.filter(year=YEAR).order_by("pk").first()
        commune = self.users["commune"].grants.get().unit_id
        province = self.users["province"].grants.get().unit
        self.ids = {
            "assessment": Assessment.objects.get(cycle=self.cycle, unit_id=commune).pk,
            "decision": Decision.objects.filter(
                cycle=self.cycle, state=Decision.State.ISSUED, body__unit__parent=province
            )
            .order_by("pk")
            .first()
            .pk,
        }
        self.jobs = []  # the jobs this run started, removed at its end

    def call(self, page: Page):
        """A function making one request of the page and answering (status, bytes)."""
        client = self.clients[page.persona]
        url = page.url.format(**self.ids)
        if page.kind == "panel":
            return self._panel(page)
        if page.kind == "job":
            return partial(self._job, client, url)

        def get():
            response = client.get(url)
            return response.status_code, _body_size(response)

        return get

    def _job(self, client, url):
        from friendlygov.jobs.models import Job, State

        response = client.post(url)
        job = Job.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
        self.jobs.append(job.pk)
        while job.state in (State.QUEUED, State.RUNNING):  # the immediate backend: already done
            time.sleep(0.05)
            job.refresh_from_db()
        return (response.status_code if job.state == State.DONE else 500), job.result.size

    def _panel(self, page: Page):
        from django.template import Context, Template
        from django.test import RequestFactory

        request = RequestFactory().get(f"/reports/{YEAR}/")
        request.user = self.users[page.persona]
        template = Template("{% load feedback_tags %}{% survey_dashboard_panel cycle %}")

        def render():
            return 200, len(template.render(Context({"request": request, "cycle": self.cycle})).encode())

        return render

    def measure(self, page: Page) -> dict:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        call = self.call(page)
        user = self.users[page.persona]
        floor = partial(page.floor, self.cycle, floors.scope_for(user)) if page.floor else None
        first = time.perf_counter()
        status, size = call()
        warm_s = time.perf_counter() - first
        row = {"name": page.name, "url": page.url.format(**self.ids), "persona": page.persona}
        if status != page.status:
            return {**row, "status": status, "verdict": f"NO: answered {status}, not {page.status}"}
        if floor:
            floor()
        with CaptureQueriesContext(connection) as captured:  # the second warm-up
            call()
        queries = len(captured)  # now: the log it reads is emptied when the next request starts
        runs = max(MIN_RUNS, min(self.runs, int(PAGE_BUDGET_S / max(warm_s, 0.001))))
        measured = Measured()
        if page.cached:
            for _ in range(COLD_RUNS):
                invalidate()
                measured.cold.append(_timed(call))
        for _ in range(runs):
            measured.times.append(_timed(call))
            if floor:
                measured.floor.append(_timed(floor))
        return {**row, **self._figures(page, measured), "queries": queries, "bytes": size}

    def _figures(self, page: Page, measured: Measured) -> dict:
        median, p95 = _ms(measured.times)
        out = {"median_ms": median, "p95_ms": p95, "n": len(measured.times)}
        if measured.floor:
            out["floor_median_ms"] = _ms(measured.floor)[0]
        if measured.cold:
            out["cold_ms"] = _ms(measured.cold)[0]
        out["verdict"] = verdict(page, out)
        return out

    def clean_up(self) -> None:
        """The jobs this run started, and their files."""
        from friendlygov.jobs.models import Job

        for job in Job.objects.filter(pk__in=self.jobs):
            if job.result:
                job.result.delete(save=False)
            job.delete()


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def verdict(page: Page, figures: dict) -> str:
    """ "met", or "NO:" and the figures beyond their targets."""
    over = []
    if figures["median_ms"] > page.median_ms:
        over.append(f"median {figures['median_ms']:g} > {page.median_ms} ms")
    if page.p95_ms is not None and figures["p95_ms"] > page.p95_ms:
        over.append(f"p95 {figures['p95_ms']:g} > {page.p95_ms} ms")
    if figures.get("cold_ms", 0) > COLD_MS:
        over.append(f"cold {figures['cold_ms']:g} > {COLD_MS} ms")
    return "NO: " + ", ".join(over) if over else "met"


def part_pages(runs: int, log, only: set[str] = frozenset()) -> dict:
    """Inside a child with Django set up on the data set: every page (or those named in `only`, by
    name or name:persona), in PAGES order."""
    import logging

    for name in ("friendlygov.request", "axes"):  # a line per request and sign-in: the table says it
        logging.getLogger(name).setLevel(logging.WARNING)
    runner = Runner(runs, log)
    rows = []
    try:
        for page in (p for p in PAGES if not only or {p.name, f"{p.name}:{p.persona}"} & only):
            try:
                rows.append(runner.measure(page))
            except Exception as error:  # one broken page is a row that says so, not a lost run
                row = {"name": page.name, "url": page.url, "persona": page.persona}
                rows.append({**row, "verdict": f"NO: {type(error).__name__}: {str(error)[:200]}"})
            log(f"  {json.dumps(rows[-1], ensure_ascii=False)}")
    finally:
        runner.clean_up()
    return {"pages": rows}


def table(rows: list[dict]) -> str:
    head = f"{'page':<28}{'persona':<11}{'median':>9}{'p95':>9}{'cold':>8}{'floor':>8}{'n':>4}"
    head += f"{'queries':>8}{'bytes':>11}  verdict"
    lines = [head]
    for r in rows:
        cold = f"{r['cold_ms']:g}" if "cold_ms" in r else ""
        floor = f"{r['floor_median_ms']:g}" if "floor_median_ms" in r else ""
        lines.append(
            f"{r['name']:<28}{r['persona']:<11}{r.get('median_ms', ''):>9}{r.get('p95_ms', ''):>9}{cold:>8}"
            f"{floor:>8}{r.get('n', ''):>4}{r.get('queries', ''):>8}{r.get('bytes', ''):>11}  {r['verdict']}"
        )
    return "\n".join(lines)
