"""The national-scale benchmark data set on PostgreSQL, built once and kept between runs.

    python bench/dataset.py            # build it unless the kept one matches the schema
    python bench/dataset.py --rebuild  # build it again whatever is kept

The database (BENCH_DATA_URL, default postgres://postgres@127.0.0.1:5432/wt_bench_data) holds:
the 10,595 communes, 705 districts and 63 provinces of the 2024 list; seven decided cycles
2019–2025 with one assessment per commune and one score row per leaf indicator (~1.5 million rows,
written with COPY); ten citizen survey responses of four answered aspects each for every commune
of 2025 (~106,000 responses and ~424,000 answers, also written with COPY); a small open 2026 cycle
for the autosave clients; the users the benchmarks sign in as. A fingerprint of the migrations and
of this builder is kept in the database: when either changes, the next run builds it again.
"""

import argparse
import hashlib
import os
import random
import subprocess
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA_URL = os.environ.get("BENCH_DATA_URL", "postgres://postgres@127.0.0.1:5432/wt_bench_data")
YEARS = range(2019, 2026)
OPEN_YEAR = 2026
PROVINCE_CODE = "01"  # Hà Nội, the largest province of the 2024 list (30 districts, 579 communes)
AUTOSAVE_CLIENTS = 64
SURVEY_YEAR = 2025
RESPONSES_PER_COMMUNE = 10  # × the form's four aspects: ~40 answers a commune, as in service
PASSWORD = "bench-friendlygov-2026"  # noqa: S105 — a throwaway benchmark database


def fingerprint() -> str:
    digest = hashlib.sha256()
    files = [
        *sorted(ROOT.glob("friendlygov/*/migrations/*.py")),
        Path(__file__),
        ROOT / "bench" / "national.py",
    ]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _server_and_name() -> tuple[str, str]:
    server, _, name = DATA_URL.rpartition("/")
    return server, name


def kept_fingerprint() -> str | None:
    import psycopg

    try:
        with psycopg.connect(DATA_URL) as conn:
            row = conn.execute("SELECT value FROM bench_meta WHERE key = 'fingerprint'").fetchone()
    except psycopg.Error:
        return None
    return row[0] if row else None


def ensure(*, rebuild: bool = False) -> dict:
    """The data set is there and current; builds it (in a child process) when it is not."""
    wanted = fingerprint()
    if not rebuild and kept_fingerprint() == wanted:
        return {"built": False, "fingerprint": wanted}
    import psycopg

    server, name = _server_and_name()
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    env = {**os.environ, **django_env()}
    subprocess.run([sys.executable, __file__, "--child"], env=env, check=True, cwd=ROOT)
    return {"built": True, "fingerprint": wanted, "build_seconds": round(time.perf_counter() - started, 1)}


def django_env() -> dict:
    return {
        "DATABASE_URL": DATA_URL,
        "FRIENDLYGOV_ALLOW_INSECURE_KEY": "1",
        "DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


# --- Inside the child process ----------------------------------------------------------------------


def _setup_django() -> None:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()


def build() -> None:
    _setup_django()
    from django.core.management import call_command
    from django.db import connection

    from bench import national

    step = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_units", verbosity=0)
    call_command("load_default_framework", verbosity=0)
    national.load_national_units()
    _log("schema and units", step)
    for year in YEARS:
        step = time.perf_counter()
        _decided_cycle(year)
        _log(f"cycle {year}", step)
    step = time.perf_counter()
    _survey_answers(SURVEY_YEAR)
    _log(f"survey answers {SURVEY_YEAR}", step)
    step = time.perf_counter()
    _open_cycle_and_users()
    _log("open cycle and users", step)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics, as a database in service would have
        cursor.execute("CREATE TABLE bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cursor.execute("INSERT INTO bench_meta VALUES ('fingerprint', %s)", [fingerprint()])


def _log(what: str, started: float) -> None:
    print(f"  built {what} in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)


def _scope(year_end: date):
    from friendlygov.units.models import Level, UnitVersion

    scope = UnitVersion.objects.valid_on(year_end)
    return list(scope.filter(level=Level.COMMUNE)), list(scope.filter(level=Level.DISTRICT))


def _decided_cycle(year: int) -> None:
    """One decided cycle over every commune of the 2024 list: assessments through the ORM, one
    issued decision per appraising body naming its communes (so the cycle is public, as a decided
    one is in service), score rows through COPY (the ORM's bulk_create spends most of its time
    building objects)."""
    from django.db import connection, transaction

    from bench import national
    from friendlygov.assessments.models import AppraisingBody, Assessment, Cycle
    from friendlygov.assessments.results import points_for
    from friendlygov.assessments.workflow import Status
    from friendlygov.frameworks.levels import level_for_score
    from friendlygov.frameworks.models import FrameworkVersion

    communes, districts = _scope(date(2024, 12, 31))
    framework = FrameworkVersion.objects.get(code="hai-duong-2024")
    leaves = [i for i in framework.indicators.select_related("criterion") if not i.children.exists()]
    rng = random.Random(year)
    with transaction.atomic():
        cycle = Cycle.objects.create(
            program=national.program_named(national.NATIONAL_PROGRAM),
            year=year,
            name=f"{national.NATIONAL_PROGRAM} {year}",
            framework=framework,
            self_assessment_opens=date(year, 10, 1),
            self_assessment_closes=date(year, 11, 30),
            appraisal_deadline=date(year, 12, 31),
            decision_from=date(year + 1, 1, 1),
            decision_until=date(year + 1, 1, 31),
        )
        bodies = AppraisingBody.objects.bulk_create(
            AppraisingBody(
                cycle=cycle,
                name=f"UBND {d.name}",
                unit=d,
                issuing_authority=f"ỦY BAN NHÂN DÂN {d.name.upper()}",
                place_name=d.name,
            )
            for d in districts
        )
        body_of = {b.unit_id: b for b in bodies}
        assessments = []
        for unit in communes:
            score = Decimal(rng.randint(6800, 9900)) / 100
            level = level_for_score(score)
            assessments.append(
                Assessment(
                    cycle=cycle,
                    unit=unit,
                    body=body_of[unit.parent_id],
                    status=Status.RECOGNISED if level else Status.NOT_RECOGNISED,
                    self_score=score + Decimal(rng.randint(0, 400)) / 100,
                    appraised_score=score,
                    final_score=score,
                    final_level=level,
                )
            )
        Assessment.objects.bulk_create(assessments, batch_size=5000)
        _issued_decisions(cycle, bodies, Assessment.objects.filter(cycle=cycle))
        ids = list(Assessment.objects.filter(cycle=cycle).values_list("pk", flat=True))
        columns = (
            "assessment_id, indicator_id, self_value, self_na, self_points, explanation, "
            "appraised_value, appraised_na, appraised_points, appraisal_comment, review, version, updated_at"
        )
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY assessments_indicatorscore ({columns}) FROM STDIN") as copy,
        ):
            for pk in ids:
                for indicator in leaves:
                    value = national._value(indicator, rng)
                    points = points_for(indicator, value)
                    copy.write_row(
                        (
                            pk,
                            indicator.pk,
                            value,
                            False,
                            points,
                            "",
                            value,
                            False,
                            points,
                            "",
                            "accepted",
                            1,
                            "now",
                        )
                    )


def _issued_decisions(cycle, bodies, assessments) -> None:
    """What `issue_decision` leaves behind, written in bulk (the decisions are issued as created)."""
    from django.utils import timezone

    from bench import national
    from friendlygov.assessments.models import Decision, DecisionItem
    from friendlygov.assessments.register_rules import authority_key

    issued = timezone.now()
    decisions = Decision.objects.bulk_create(
        Decision(
            cycle=cycle,
            body=body,
            state=Decision.State.ISSUED,
            number=f"{number:02d}/QĐ-UBND",
            authority=authority_key(body.issuing_authority),
            register_year=cycle.decision_from.year,
            serial=number,
            signed_on=cycle.decision_from,
            signer_name="Chủ tịch",
            legal_bases="Quyết định về đánh giá chính quyền thân thiện",
            created_by=national.bench_user(),
            issued_at=issued,
        )
        for number, body in enumerate(bodies, start=1)
    )
    decision_of = {decision.body_id: decision for decision in decisions}
    DecisionItem.objects.bulk_create(
        (
            DecisionItem(
                decision=decision_of[a.body_id],
                assessment=a,
                final_score=a.final_score,
                level=a.final_level or 0,
            )
            for a in assessments.only("pk", "body_id", "final_score", "final_level")
        ),
        batch_size=5000,
    )
    assessments.update(decided_at=issued)


def _survey_answers(year: int) -> None:
    """Citizen survey responses for every commune of the year's cycle, on a published form of the
    bench's programme (forms are kept per programme), with explicit ids so that the answers can
    follow them through COPY too."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import national
    from friendlygov.assessments.models import Assessment
    from friendlygov.feedback.definition import read_definition
    from friendlygov.feedback.models import Channel, SurveyForm

    definition = read_definition().model_copy(update={"program": national.NATIONAL_PROGRAM, "code": "bench"})
    aspects = [q.code for q in definition.aspects]
    rng = random.Random(year * 7)
    with transaction.atomic():
        form = SurveyForm.objects.create(
            program=definition.program,
            code=definition.code,
            version=definition.version,
            definition=definition.model_dump(mode="json"),
            published_at=timezone.now(),
        )
        ids = Assessment.objects.filter(cycle__year=year).order_by("pk").values_list("pk", flat=True)
        responses = [(rid, pk) for rid, pk in enumerate(_repeat(ids, RESPONSES_PER_COMMUNE), start=1)]
        with connection.cursor() as cursor:
            columns = "id, assessment_id, form_id, channel, overall, comment, received_on, entered_by_id"
            with cursor.copy(f"COPY feedback_surveyresponse ({columns}) FROM STDIN") as copy:
                for rid, pk in responses:
                    received = date(year, 3, 1) + timedelta(days=rng.randrange(270))
                    channel = (Channel.PAPER if rng.random() < 0.3 else Channel.QR).value
                    copy.write_row((rid, pk, form.pk, channel, _survey_value(rng), "", received, None))
            with cursor.copy("COPY feedback_surveyanswer (response_id, question, value) FROM STDIN") as copy:
                for rid, _pk in responses:
                    for code in aspects:
                        copy.write_row((rid, code, _survey_value(rng)))
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('feedback_surveyresponse', 'id'), %s)", [len(responses)]
            )


def _repeat(ids, times: int):
    for pk in ids:
        for _ in range(times):
            yield pk


def _survey_value(rng) -> int:
    return rng.choice((4, 5)) if rng.random() < 0.8 else rng.choice((1, 2, 3))


def _open_cycle_and_users() -> None:
    """The bench users, and a 2026 cycle open for self-assessment to the autosave clients' communes."""
    from django.db import transaction

    from bench import national
    from friendlygov.accounts.models import Role, RoleGrant, User
    from friendlygov.assessments.models import AppraisingBody, Assessment, Cycle, IndicatorScore
    from friendlygov.frameworks.models import FrameworkVersion
    from friendlygov.units.models import UnitVersion

    with transaction.atomic():
        admin = national.bench_user()
        admin.set_password(PASSWORD)
        admin.save()
        province = UnitVersion.objects.get(pk=f"{PROVINCE_CODE}@{national.START}")
        province_admin = User.objects.create_user("bench-province", password=PASSWORD)
        RoleGrant.objects.create(user=province_admin, role=Role.PROVINCE_ADMIN, unit=province)
        framework = FrameworkVersion.objects.get(code="hai-duong-2024")
        leaves = [i for i in framework.indicators.all() if not i.children.exists()]
        cycle = Cycle.objects.create(
            program=national.program_named(national.NATIONAL_PROGRAM),
            year=OPEN_YEAR,
            name=f"{national.NATIONAL_PROGRAM} {OPEN_YEAR}",
            framework=framework,
            self_assessment_opens=date(OPEN_YEAR, 1, 1),
            self_assessment_closes=date(OPEN_YEAR + 1, 12, 31),
            appraisal_deadline=date(OPEN_YEAR + 1, 12, 31),
            decision_from=date(OPEN_YEAR + 2, 1, 1),
            decision_until=date(OPEN_YEAR + 2, 1, 31),
        )
        communes = list(
            UnitVersion.objects.filter(parent__parent=province).select_related("parent").order_by("code")
        )[:AUTOSAVE_CLIENTS]
        bodies = {}
        for commune in communes:
            if commune.parent_id not in bodies:
                bodies[commune.parent_id] = AppraisingBody.objects.create(
                    cycle=cycle,
                    name=f"UBND {commune.parent.name}",
                    unit=commune.parent,
                    issuing_authority=f"ỦY BAN NHÂN DÂN {commune.parent.name.upper()}",
                    place_name=commune.parent.name,
                )
            assessment = Assessment.objects.create(cycle=cycle, unit=commune, body=bodies[commune.parent_id])
            IndicatorScore.objects.bulk_create(
                IndicatorScore(assessment=assessment, indicator=i)
                for i in leaves
                if not i.unit_types or commune.type in i.unit_types
            )
            officer = User.objects.create_user(f"bench-officer-{commune.code}", password=PASSWORD)
            RoleGrant.objects.create(user=officer, role=Role.COMMUNE_OFFICER, unit=commune)
        # The personas of the pages part (bench/pages.py) beside the two administrators: an
        # appraiser of Hà Nội's first district and an officer of its first commune, every year.
        district = communes[0].parent
        appraiser = User.objects.create_user("bench-appraiser", password=PASSWORD)
        RoleGrant.objects.create(user=appraiser, role=Role.APPRAISER, unit=district)
        commune_officer = User.objects.create_user("bench-commune", password=PASSWORD)
        RoleGrant.objects.create(user=commune_officer, role=Role.COMMUNE_OFFICER, unit=communes[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="build it again whatever is kept")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        build()
        return
    print(ensure(rebuild=args.rebuild))


if __name__ == "__main__":
    main()
