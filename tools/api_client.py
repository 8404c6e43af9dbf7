"""The API as a provincial integrator meets it: generate a client from /api/v1/openapi.json with
openapi-python-client (any warning fails), then do the integration jobs with that client only.

    python tools/api_client.py                       # a fresh small demo, served on a free port
    python tools/api_client.py --base-url URL --tokens officer=fg_… chair=fg_… appraiser=fg_… head=fg_…

With no --base-url it builds the small demo (`setup_demo --small`) in a temporary SQLite file, or
in a new database on DATABASE_URL's PostgreSQL server when that is set (dropped at the end),
serves it with `runserver` on a free port, creates a token for each persona and stops the server
at the end (API_CLIENT_DATABASE names that database and API_CLIENT_PORT the port, for a machine
where each checkout has its own). `make api-client` runs it; CI too (.ci/run).

The jobs (docs/api.md, "Jobs"): pull every result of the decided cycles, push a self-assessment
and submit it, run the appraisal loop, draft and issue a decision and download it as .docx bytes
with its file name, read units and lineage."""

import argparse
import contextlib
import datetime
import importlib
import inspect
import json
import os
import re
import socket
import subprocess  # nosec B404 - runs manage.py and the generator, with fixed arguments
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PERSONAS = {
    "officer": "canbo.kimthanh",
    "chair": "chutich.kimthanh",
    "appraiser": "thamdinh.sonoivu",
    "head": "giamdoc.sonoivu",
}
UNIT = "10804"  # Xã Kim Thành, whose 2026 self-assessment the demo leaves as a draft
VALUES = {"manual": "4.5", "yes_no": "1", "ratio": "97", "deduction": "0", "survey": "92"}
EXPLANATION = "Báo cáo số 45/BC-UBND"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class Failed(Exception):
    pass


def check(condition, what: str) -> None:
    if not condition:
        raise Failed(what)


# --- The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args: str, env: dict) -> str:
    done = subprocess.run(  # noqa: S603  # nosec B603 - fixed command
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise Failed(f"manage.py {' '.join(args)}: {done.stderr[-2000:]}")
    return done.stdout


@contextlib.contextmanager
def fresh_database(workdir: Path):
    """The environment of a demo in a database of its own: a new SQLite file, or, when
    DATABASE_URL names a PostgreSQL server, a new database on it, dropped at the end."""
    env = {**os.environ, "DEBUG": "1", "SQLITE_PATH": str(workdir / "demo.sqlite3")}
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield env
        return
    import psycopg
    from psycopg import sql

    name = os.environ.get("API_CLIENT_DATABASE") or f"fg_api_client_{os.getpid()}"
    with psycopg.connect(url, autocommit=True) as server:
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield {**env, "DATABASE_URL": urllib.parse.urlparse(url)._replace(path=f"/{name}").geturl()}
    finally:
        with psycopg.connect(url, autocommit=True) as server:
            server.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def serve_demo(env: dict):
    """A small demo served on a free port: (base URL, tokens by persona, the server process)."""
    env.setdefault("FRIENDLYGOV_ALLOW_INSECURE_KEY", "1")
    manage("migrate", "-v0", env=env)
    manage("setup_demo", "--small", "-v0", env=env)
    tokens = {
        persona: manage("create_api_token", user, "--name", "api-client", env=env).strip().splitlines()[-1]
        for persona, user in PERSONAS.items()
    }
    port = int(os.environ.get("API_CLIENT_PORT") or 0) or free_port()
    server = subprocess.Popen(  # noqa: S603  # nosec B603 - fixed command
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(240):  # until it listens (a loaded machine takes a while to import Django)
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return f"http://127.0.0.1:{port}", tokens, server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise Failed("the demo server did not start")


# --- The client ---------------------------------------------------------------------------------


def generate(base: str, workdir: Path):
    """Fetch and validate the document, generate the client (failing on any warning), import it."""
    from openapi_spec_validator import validate

    with urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=120) as answer:  # noqa: S310  # nosec B310
        document = json.load(answer)
    validate(document)
    path = workdir / "openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    target = workdir / "fg_client"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(  # noqa: S603  # nosec B603 - fixed command
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(path),
            "--output-path",
            str(target),
            "--meta",
            "none",
            "--fail-on-warning",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    said = done.stdout + done.stderr
    if done.returncode or re.search(r"warning", said, re.IGNORECASE):
        raise Failed(f"openapi-python-client:\n{said}")
    sys.path.insert(0, str(workdir))
    return importlib.import_module("fg_client"), len(document["paths"])


def api(module: str):
    return importlib.import_module(f"fg_client.api.{module}")


def ok(response, what: str):
    check(200 <= response.status_code < 300, f"{what}: {response.status_code} {response.content[:500]!r}")
    return response.parsed


# --- The jobs -----------------------------------------------------------------------------------


def pull_results(anonymous) -> int:
    """The warehouse: every line of every decided cycle, page by page; the totals must match the
    summary's. Then, once the results list offers `updated_since`, the incremental pull: nothing
    has changed since (the hook below turns itself on when the document has the parameter)."""
    results, summary = api("results.list_results"), api("results.get_cycle_summary")
    lines = 0
    for year in (2024, 2025):
        totals = ok(summary.sync_detailed(year, client=anonymous), f"summary {year}")
        offset, pulled = 0, []
        while True:
            page = ok(
                results.sync_detailed(year, client=anonymous, limit=500, offset=offset), f"results {year}"
            )
            pulled += page.items
            offset += page.limit
            if offset >= page.count:
                break
        check(len(pulled) == totals.units_total, f"{year}: {len(pulled)} lines, summary {totals.units_total}")
        check(all("@" in line.unit_id for line in pulled), f"{year}: every line has its unit version id")
        decided = sum(1 for line in pulled if line.level is not None)
        check(decided == totals.decided, f"{year}: {decided} decided lines, summary {totals.decided}")
        by_decided_level = totals.by_decided_level.to_dict()
        check(
            sum(by_decided_level.values()) + totals.undecided == totals.units_total,
            f"{year}: the decided levels and the undecided add up to every unit",
        )
        not_recognised = sum(1 for line in pulled if line.level == 0)
        check(by_decided_level["0"] == not_recognised, f"{year}: level 0 is decided as not recognised")
        lines += len(pulled)
    if "updated_since" in inspect.signature(results.sync_detailed).parameters:
        # Incremental sync, once the results list offers it: nothing changed since the full pull.
        since = datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
        for year in (2024, 2025):
            again = ok(results.sync_detailed(year, client=anonymous, updated_since=since), f"since {year}")
            check(again.count == 0, f"{year}: {again.count} lines changed since the full pull")
        print("incremental pull with updated_since: nothing changed since the full pull", flush=True)
    return lines


def push_self_assessment(fg, officer, chair) -> int:
    """The commune portal: save every indicator with the generated ScorePatch, then submit."""
    from fg_client.models import BulkIn, BulkScore, ScorePatch

    def value_for(score):
        value = VALUES[score.method]
        if score.method == "manual":
            value = str(min(Decimal(value), Decimal(score.max_points)))
        return value

    listing = ok(
        api("assessments.list_assessments").sync_detailed(client=officer, cycle=2026, unit=UNIT), "list"
    )
    [summary] = listing.items
    assessment = ok(api("assessments.get_assessment").sync_detailed(summary.id, client=officer), "read")
    check("@" in assessment.unit.id, "the assessment names its unit version")
    patch = api("assessments.patch_score")
    first = assessment.scores[0]
    saved = ok(
        patch.sync_detailed(
            summary.id,
            first.indicator_code,
            client=officer,
            body=ScorePatch(version=first.version, explanation=EXPLANATION),
        ),
        "explanation",
    )
    row = ok(
        patch.sync_detailed(
            summary.id,
            first.indicator_code,
            client=officer,
            body=ScorePatch(version=saved.version, self_value=value_for(first)),
        ),
        f"save {first.indicator_code}",
    )
    check(row.explanation == EXPLANATION, "a value-only save keeps the saved explanation")
    # Every other indicator in one request, all or nothing, each row with the version it was read at.
    rows = [
        BulkScore(
            indicator_code=score.indicator_code,
            version=score.version,
            self_value=value_for(score),
            **({"explanation": EXPLANATION} if score.evidence_required else {}),
        )
        for score in assessment.scores[1:]
    ]
    bulk = ok(
        api("assessments.save_scores").sync_detailed(summary.id, client=officer, body=BulkIn(scores=rows)),
        "bulk",
    )
    check(bulk.saved == len(rows), f"one bulk request saved {bulk.saved} of {len(rows)} rows")
    submitted = ok(api("assessments.submit_assessment").sync_detailed(summary.id, client=chair), "submit")
    check(submitted.status.value == "submitted", f"submitted, not {submitted.status}")
    return summary.id


def appraise(assessment_id: int, officer, chair, appraiser) -> None:
    """The appraising body's tools: start, accept the commune's values criterion by criterion (the
    whole commune at once is refused), write an explanation request on one indicator and send the
    round, let the commune answer and resubmit, take it up again, approve."""
    from fg_client.models import RequestIn, ResponseIn, ReturnIn

    def version(who) -> str:
        """The If-Match of the assessment as `who` reads it now."""
        read = ok(api("assessments.get_assessment").sync_detailed(assessment_id, client=who), "read")
        return f'"{read.version}"'

    start = api("assessments.start_appraisal")
    current = version(appraiser)
    stale = f'"{int(current.strip(chr(34))) - 1}"'  # as read before someone else's step
    refused = start.sync_detailed(assessment_id, client=appraiser, if_match=stale)
    check(refused.status_code == 412, f"a stale If-Match answers 412, not {refused.status_code}")
    started = ok(start.sync_detailed(assessment_id, client=appraiser, if_match=current), "start")
    accept = api("assessments.copy_self_to_appraisal")
    whole = accept.sync_detailed(assessment_id, client=appraiser)
    check(
        whole.status_code == 422 and b"whole_commune_refused" in whole.content,
        f"the whole commune at once is refused, not {whole.status_code}",
    )
    for criterion in dict.fromkeys(score.criterion_code for score in started.scores):
        ok(
            accept.sync_detailed(
                assessment_id, client=appraiser, criterion=criterion, if_match=version(appraiser)
            ),
            f"accept {criterion}",
        )
    code = started.scores[0].indicator_code
    ok(
        api("appraisal.write_explanation_request").sync_detailed(
            assessment_id, code, client=appraiser, body=RequestIn(reason="Đề nghị bổ sung biên bản.")
        ),
        "write a request on the indicator",
    )
    returned = ok(
        api("assessments.return_for_explanation").sync_detailed(
            assessment_id, client=appraiser, body=ReturnIn(), if_match=version(appraiser)
        ),
        "return",
    )
    [request] = returned.explanation_requests
    ok(
        api("assessments.respond_to_request").sync_detailed(
            assessment_id,
            request.id,
            client=officer,
            body=ResponseIn(response="Đã bổ sung biên bản số 12/BB."),
            if_match=version(officer),
        ),
        "respond",
    )
    ok(
        api("assessments.resubmit_assessment").sync_detailed(
            assessment_id, client=chair, if_match=version(chair)
        ),
        "resubmit",
    )
    again = ok(
        start.sync_detailed(assessment_id, client=appraiser, if_match=version(appraiser)), "start again"
    )
    approved = ok(
        api("assessments.approve_appraisal").sync_detailed(
            assessment_id, client=appraiser, if_match=f'"{again.version}"'
        ),
        "approve",
    )
    check(approved.status.value == "appraised", f"appraised, not {approved.status}")


def decide(assessment_id: int, head, appraiser) -> tuple[str, int]:
    """The appraising body: draft a decision on the unit, issue it, download the .docx."""
    from fg_client.models import DecisionIn, DecisionKind

    read = ok(api("assessments.get_assessment").sync_detailed(assessment_id, client=appraiser), "read")
    draft = ok(
        api("decisions.draft_decision").sync_detailed(
            client=head,
            body=DecisionIn(
                body_id=read.body.id,
                assessment_ids=[assessment_id],
                signed_on=datetime.datetime.now(VIETNAM).date(),
                signer_name="Nguyễn Văn An",
                legal_bases=["Căn cứ Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ;"],
                kind=DecisionKind.RECOGNITION,
                # The demo's cycle decides in January; a decision signed today is outside that window.
                date_reason="Ký ngoài thời hạn để kiểm thử tích hợp.",
            ),
        ),
        "draft",
    )
    check(all("@" in item.unit_id for item in draft.items), "the decision names unit versions")
    issued = ok(api("decisions.issue_decision").sync_detailed(draft.id, client=head), "issue")
    check(issued.state.value == "issued" and issued.number, f"issued with a number, not {issued.state}")
    answer = api("decisions.download_decision_docx").sync_detailed(draft.id, client=head)
    document = ok(answer, "docx")
    content = document.payload.read()
    check(content[:2] == b"PK", "the .docx is a zip (Office Open XML)")
    match = re.search(r'filename="?([^";]+)"?', answer.headers.get("content-disposition", ""))
    check(
        match and match.group(1).endswith(".docx"),
        f"a file name: {answer.headers.get('content-disposition')}",
    )
    return match.group(1), len(content)


def follow_events(assessment_id: int, head) -> int:
    """The warehouse's change feed: page through every event after cursor 0 and find this
    session's steps on the assessment and its decision."""
    events = api("events.list_events")
    after, seen = 0, []
    while True:
        page = ok(events.sync_detailed(client=head, after=after, limit=500), f"events after {after}")
        seen += page.items
        if not page.has_more:
            break
        after = page.next_cursor
    mine = {
        event.type_
        for event in seen
        if event.target.type_ == "assessment" and event.target.id == assessment_id
    }
    for wanted in ("assessment.submit", "assessment.approve"):
        check(
            wanted in mine, f"the feed has {wanted} for assessment {assessment_id} (saw {sorted(mine)[:8]})"
        )
    check(any(event.type_.startswith("decision.") for event in seen), "the feed has the decision's events")
    return len(seen)


def read_units(anonymous) -> int:
    units = ok(
        api("units.list_units").sync_detailed(
            client=anonymous, date=datetime.date(2025, 7, 1), province="31", administrative_level=3, limit=500
        ),
        "units",
    )
    check(units.count > 0 and all("@" in unit.id for unit in units.items), "units with their version ids")
    lineage = ok(
        api("units.get_unit_lineage").sync_detailed(UNIT, client=anonymous, date=datetime.date(2025, 7, 1)),
        "lineage",
    )
    check(lineage.predecessors, f"{UNIT} on 2025-07-01 came from the merged communes")
    return units.count


def run(base: str, tokens: dict, workdir: Path) -> None:
    import httpx  # the generated client's HTTP library (a dependency of openapi-python-client)

    started = time.monotonic()
    fg, operations = generate(base, workdir)
    print(f"client generated with no warning: {operations} paths", flush=True)
    wait = httpx.Timeout(120.0)  # a loaded CI machine; the generated client's default is 5 s
    anonymous = fg.Client(base_url=base, raise_on_unexpected_status=True, timeout=wait)
    people = {
        persona: fg.AuthenticatedClient(
            base_url=base, token=token, raise_on_unexpected_status=True, timeout=wait
        )
        for persona, token in tokens.items()
    }
    print(f"pulled {pull_results(anonymous)} result lines (2024, 2025), totals as the summaries", flush=True)
    assessment_id = push_self_assessment(fg, people["officer"], people["chair"])
    print(
        f"self-assessment {assessment_id} pushed (one value-only save, then one bulk request) and submitted",
        flush=True,
    )
    appraise(assessment_id, people["officer"], people["chair"], people["appraiser"])
    print(
        "appraisal loop done with If-Match (a stale one refused with 412): "
        "returned, explained, resubmitted, approved",
        flush=True,
    )
    name, size = decide(assessment_id, people["head"], people["appraiser"])
    print(f"decision issued; {name}: {size} bytes", flush=True)
    print(f"followed {follow_events(assessment_id, people['head'])} events of the change feed", flush=True)
    print(f"read {read_units(anonymous)} communes and a lineage", flush=True)
    print(f"all jobs passed in {time.monotonic() - started:.0f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="A running server (else a fresh small demo is served)")
    parser.add_argument(
        "--tokens", nargs="*", default=[], help="persona=token for officer, chair, appraiser, head"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fg-api-client-") as temp, fresh_database(Path(temp)) as env:
        workdir = Path(temp)
        server = None
        try:
            if args.base_url:
                base, tokens = args.base_url.rstrip("/"), dict(pair.split("=", 1) for pair in args.tokens)
            else:
                base, tokens, server = serve_demo(env)
            run(base, tokens, workdir)
        except Failed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
