"""Build the demo cycles (synthetic data, labelled so in each cycle's name) through the services.

Three cycles on the published template framework "hai-duong-2024":
- 2024: the 235 communes of Hải Dương, appraised by the 12 district People's Committees, fully
  decided in January 2025 (one issued decision per district);
- 2025: the 64 units of Hải Phòng formed from Hải Dương on 1 July 2025 (found through the lineage
  links from Hải Dương's last units), appraised by Sở Nội vụ, decided by one decision in January 2026;
- 2026: the same 64 units, under way, with assessments in every state.

How, and why so:
- Every transition goes through the services (open_cycle, submit_assessment, start_appraisal,
  return_for_explanation, respond_to_request, resubmit_assessment, approve_appraisal,
  draft_decision, issue_decision, save_flags), taken by an official who holds the role grant for
  it, so states, totals, levels, decisions and audit events are what real use produces.
- The current cycle (2026) also enters every indicator through save_self_score and
  save_appraised_score, one call per field as an official would.
- For the historical cycles (2024, 2025: 299 assessments × 21 indicators × 2 layers) entering
  each indicator through the services costs ~12 queries and a full re-total per call (about
  12,500 calls), which alone would take most of the 90-second budget on SQLite (measured: the
  64 units of 2026, entered this way, take half of the whole run). There the score rows are
  written in bulk instead (one executemany UPDATE per layer: Django's bulk_update builds a CASE
  per field and row and took longer than the services), the commune's layer before its
  submission and the appraiser's after the appraisal starts. The stored points come from
  `results.points_for`; totals and levels are computed by the services themselves
  (`submit_assessment` and `approve_appraisal` call `results.layer_result`). What history
  therefore lacks are the per-indicator `score.*_saved` audit events; every state change has its
  event.
- Historical steps run on a travelled clock (time-machine, a dev dependency that `make run`
  installs) so that dates read as they would have: submissions in November, appraisal in
  December, decisions in January. Without time-machine they carry today's date.
- Each cycle is built in one transaction and skipped when it already exists, so a second run
  creates nothing and keeps whatever users changed; an interrupted run leaves no half-made cycle.
- Values come from a random generator seeded per cycle, so every run builds the same data.
"""

import random
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from friendlygov.accounts.models import Role, User
from friendlygov.accounts.services import ensure_demo_accounts
from friendlygov.assessments import services
from friendlygov.assessments.cycles import scope_by_lineage
from friendlygov.assessments.models import PROGRAM_NAME, AppraisingBody, Assessment, Cycle, IndicatorScore
from friendlygov.assessments.workflow import APPRAISED, Status
from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.units.models import Level, UnitVersion

from . import cycles as config
from .people import commune_officials, ensure_officials, full_name
from .scores import Planner

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SELF_FIELDS = ("self_value", "self_na", "self_points", "explanation")
APPRAISED_FIELDS = ("appraised_value", "appraised_na", "appraised_points", "appraisal_comment")
DISTRICT_PREFIXES = ("Thành phố ", "Thị xã ", "Huyện ")
DEMO_COMMUNE = {config.XA_KIM_THANH: ("canbo.kimthanh", "chutich.kimthanh")}
DEMO_APPRAISERS_2024 = {"293@2024-01-01": "thamdinh.kimthanh2024"}
CITY_APPRAISER, CITY_HEAD = "thamdinh.sonoivu", "giamdoc.sonoivu"


# --- Which units ---------------------------------------------------------------------------------


def hai_duong_communes(year: int):
    return list(
        UnitVersion.objects.valid_on(date(year, 12, 31))
        .filter(province_code=config.HAI_DUONG, level=Level.COMMUNE)
        .select_related("parent__parent")
        .order_by("parent__code", "code")
    )


def hai_phong_from_hai_duong(year: int):
    """The units valid on 31 December of `year` formed, through lineage, from Hải Dương province
    (64: 43 xã, 21 phường), scoped as the administrator's cycle wizard scopes a cycle."""
    root = UnitVersion.objects.get(pk=config.HAI_DUONG_PROVINCE)
    return sorted(scope_by_lineage(root, year).units, key=lambda unit: unit.code)


# --- Clock ---------------------------------------------------------------------------------------


@contextmanager
def clock(moment: datetime | None):
    """Run the services as if at `moment` (see the module docstring); None: now."""
    try:
        import time_machine
    except ImportError:  # pragma: no cover - dev dependency absent
        time_machine = None
    if moment is None or time_machine is None:
        yield
        return
    with time_machine.travel(moment, tick=False):
        yield


def at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(7, 16), rng.randint(0, 59)), tzinfo=TZ)


# --- Entry point ---------------------------------------------------------------------------------


def setup_cycles(*, small: bool = False, log=print) -> dict[int, str]:
    """Create the missing demo cycles. `small` builds a reduced variant (2 districts in 2024,
    14 units in 2025–2026) for fast tests. Returns {year: "created" | "kept"}."""
    ensure_demo_accounts()
    framework = (
        FrameworkVersion.objects.filter(code=config.FRAMEWORK_CODE, status=FrameworkVersion.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if framework is None:
        raise RuntimeError(f"The framework {config.FRAMEWORK_CODE} is not loaded and published.")
    admin = User.objects.get(username="admin")
    outcome = {}
    for year, cycle_config in config.cycles(timezone.localdate()).items():
        if Cycle.objects.filter(program__name=PROGRAM_NAME, year=year).exists():
            outcome[year] = "kept"
            continue
        started = timezone.now()
        with transaction.atomic():
            builder = BUILDERS[year](cycle_config, framework, admin, small=small)
            builder.build()
        outcome[year] = "created"
        log(f"cycle {year}: created ({(timezone.now() - started).total_seconds():.1f} s)")
    return outcome


# --- One cycle -----------------------------------------------------------------------------------


class CycleBuilder:
    def __init__(self, cycle_config, framework, admin, *, small: bool):
        self.config, self.framework, self.admin, self.small = cycle_config, framework, admin, small
        self.rng = random.Random(config.SEED + cycle_config.year)  # noqa: S311 (reproducible demo data)  # nosec B311
        self.leaves = [
            i for i in framework.indicators.select_related("criterion").order_by("order") if i.method
        ]
        self.planner = Planner(self.leaves, self.rng)

    def create_cycle(self) -> Cycle:
        c = self.config
        return Cycle.objects.create(
            year=c.year,
            name=c.name,
            framework=self.framework,
            self_assessment_opens=c.self_assessment_opens,
            self_assessment_closes=c.self_assessment_closes,
            appraisal_deadline=c.appraisal_deadline,
            decision_from=c.decision_from,
            decision_until=c.decision_until,
        )

    def assessments(self, cycle):
        return list(
            Assessment.objects.filter(cycle=cycle)
            .select_related("cycle__framework", "unit__parent", "body__unit")
            .order_by("unit__code")
        )

    def targets(self, assessments, previous: dict[str, Decimal] | None = None) -> dict[int, dict]:
        """Per assessment: the self total aimed at, the inflation, and a failed criterion or None."""
        failing = {
            a.pk for a in self.rng.sample(assessments, min(self.config.gate_failures, len(assessments)))
        }
        result = {}
        for a in assessments:
            base = previous.get(a.unit_id) if previous else None
            if base is not None:
                target = float(base) + self.rng.gauss(2.5, 2.5)
            else:
                target = self.rng.gauss(self.config.score_mean, self.config.score_sd)
            inflation = 0.0 if self.rng.random() < 0.3 else self.rng.uniform(0.5, 4.0)
            if a.pk in failing:  # a good score that a weak criterion still blocks
                target = max(target, self.rng.uniform(82.0, 88.0))
            result[a.pk] = {
                "target": min(max(target, 62.0), 98.5),
                "inflation": inflation,
                "fail": self.rng.choice(("TC2", "TC3", "TC4", "TC5")) if a.pk in failing else None,
                "bonus": self._bonus(),
            }
        return result

    def _bonus(self) -> Decimal:
        if self.rng.random() >= config.BONUS_SHARE:
            return Decimal(0)
        return self.rng.choice((Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("3")))

    def claim(self, plan) -> dict:
        """The planned bonus as a claim rule by rule: each rule filled up to its cap, in order."""
        claim, left = {}, plan.bonus
        for rule in self.framework.bonus_rules.all():
            if left > 0:
                claim[rule.code] = min(left, rule.cap)
                left -= claim[rule.code]
        return claim

    def decide_bonus(self, a, plan, appraiser):
        """The appraiser decides every claimed rule (granted as claimed) before approving."""
        if plan.bonus:
            services.save_flags(a, flags={}, bonus=self.claim(plan), actor=appraiser, layer=APPRAISED)

    def plan(self, spec):
        plan = self.planner.plan(spec["target"], fail_criterion=spec["fail"], inflation=spec["inflation"])
        plan.bonus = spec["bonus"]
        return plan


class HistoryBuilder(CycleBuilder):
    """A finished cycle: every unit submitted, appraised (some after an explanation round) and
    covered by one issued recognition decision of its appraising body."""

    def build(self):
        cycle = self.create_cycle()
        bodies = self.create_bodies(cycle)
        units = self.units(bodies)
        ensure_officials(self.commune_wanted(units) + self.body_wanted(bodies), self.rng)
        names = {n for u in units for n in self.commune_names(u)} | {
            n for b in bodies for n in self.body_names(b)
        }
        users = {u.username: u for u in User.objects.filter(username__in=names)}
        opens = self.config.self_assessment_opens
        with clock(at(opens, self.rng)):
            services.open_cycle(cycle, units=units, actor=self.admin)
        assessments = self.assessments(cycle)
        specs = self.targets(assessments, self.previous_scores())
        plans = {a.pk: self.plan(specs[a.pk]) for a in assessments}
        self.write_layer(assessments, plans, "self", at(opens + timedelta(days=30), self.rng))
        moments = {}
        for a in assessments:
            officer, chair = (users[n] for n in self.commune_names(a.unit))
            appraiser, _ = (users[n] for n in self.body_names(a.body))
            submitted = at(date(self.config.year, 11, self.rng.randint(5, 29)), self.rng)
            if plans[a.pk].bonus:
                with clock(submitted - timedelta(hours=2)):
                    services.save_flags(a, flags={}, bonus=self.claim(plans[a.pk]), actor=officer)
            with clock(submitted):
                services.submit_assessment(a, actor=chair)
            started = submitted + timedelta(days=self.rng.randint(1, 8))
            with clock(started):
                services.start_appraisal(a, actor=appraiser)
            if self.rng.random() < config.RETURNED_SHARE:
                started = self.explanation_round(a, plans[a.pk], officer, appraiser, started)
            moments[a.pk] = started
        self.write_layer(assessments, plans, APPRAISED, None, moments)
        for a in assessments:
            appraiser, _ = (users[n] for n in self.body_names(a.body))
            approved = max(moments[a.pk] + timedelta(days=1), at(date(self.config.year, 12, 10), self.rng))
            approved = min(approved, at(date(self.config.year, 12, 30), self.rng))
            with clock(approved):
                self.decide_bonus(a, plans[a.pk], appraiser)
                services.approve_appraisal(a, actor=appraiser)
        for body in bodies:
            _, head = (users[n] for n in self.body_names(body))
            self.decide(body, head)

    def explanation_round(self, a, plan, officer, appraiser, started) -> datetime:
        changed = plan.changed or [self.rng.choice(self.leaves).pk]
        picked = self.rng.sample(changed, min(len(changed), self.rng.randint(1, 2)))
        returned = started + timedelta(days=self.rng.randint(1, 3))
        with clock(returned):
            services.return_for_explanation(
                a, reasons={pk: self.rng.choice(config.EXPLANATION_REASONS) for pk in picked}, actor=appraiser
            )
        answered = returned + timedelta(days=self.rng.randint(2, 6))
        with clock(answered):
            for request in services.open_requests(a):
                services.respond_to_request(
                    request, response=self.rng.choice(config.EXPLANATION_RESPONSES), actor=officer
                )
            services.resubmit_assessment(a, actor=officer)
        restarted = answered + timedelta(days=1)
        with clock(restarted):
            services.start_appraisal(a, actor=appraiser)
        return restarted

    def write_layer(self, assessments, plans, layer, moment, moments=None):
        """Write one layer's inputs of every score row of the cycle in one executemany (see the
        module docstring; Django's bulk_update builds one CASE per field and row, which took half
        the time budget here). The points come from points_for, carried by the plan; the services
        compute the totals and levels at the next transition."""
        fields = SELF_FIELDS if layer == "self" else (*APPRAISED_FIELDS, "review")
        params = []
        rows = IndicatorScore.objects.filter(assessment__in=assessments).values_list(
            "pk", "assessment_id", "indicator_id"
        )
        for pk, assessment_id, indicator_id in rows:
            plan = plans[assessment_id]
            given = (plan.self_inputs if layer == "self" else plan.appraised_inputs)[indicator_id]
            when = moment or moments[assessment_id]
            ops = connection.ops
            values = [
                ops.adapt_decimalfield_value(given.value),
                given.na,
                ops.adapt_decimalfield_value(given.points),
            ]
            values.append(given.comment)
            if layer != "self":  # the appraiser reviewed the row: accepted, or changed with its comment
                own = plan.self_inputs[indicator_id]
                values.append("changed" if (given.na, given.points) != (own.na, own.points) else "accepted")
            params.append((*values, ops.adapt_datetimefield_value(when), pk))
        table = connection.ops.quote_name(IndicatorScore._meta.db_table)
        columns = ", ".join(f"{connection.ops.quote_name(f)} = %s" for f in (*fields, "updated_at"))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {columns}, version = version + 1 WHERE id = %s",  # noqa: S608  # nosec B608
                params,
            )

    def decide(self, body, head):
        assessments = list(body.assessments.select_related("unit").filter(status=Status.APPRAISED))
        signed_on, number, proposal = self.decision_numbers()
        with clock(at(signed_on - timedelta(days=2), self.rng)):
            decision = services.draft_decision(
                body,
                assessments=assessments,
                number=number,
                signed_on=signed_on,
                signer_name=self.signer_name(head),
                legal_bases=self.legal_bases(body, proposal),
                actor=head,
            )
        with clock(at(signed_on, self.rng)):
            services.issue_decision(decision, actor=head)

    def decision_numbers(self):
        signed_on = date(self.config.year + 1, 1, self.rng.randint(8, 24))
        proposal_day = signed_on - timedelta(days=self.rng.randint(2, 5))
        return signed_on, proposal_day

    def previous_scores(self):
        return None

    def signer_name(self, head):
        return head.full_name


class DistrictHistory(HistoryBuilder):
    """2024: one appraising body per district People's Committee."""

    def create_bodies(self, cycle):
        districts = UnitVersion.objects.valid_on(date(self.config.year, 12, 31)).filter(
            province_code=config.HAI_DUONG, level=Level.DISTRICT
        )
        if self.small:
            districts = districts.filter(pk__in=["293@2024-01-01", "294@2024-01-01"])
        bodies = []
        for district in districts.order_by("code"):
            prefix = next(p for p in DISTRICT_PREFIXES if district.name.startswith(p))
            place = district.name.removeprefix(prefix)
            bodies.append(
                AppraisingBody.objects.create(
                    cycle=cycle,
                    name=f"UBND {prefix.lower()}{place}",
                    unit=district,
                    issuing_authority=f"ỦY BAN NHÂN DÂN {district.name.upper()}",
                    place_name=place,
                )
            )
        return bodies

    def units(self, bodies):
        districts = {b.unit_id for b in bodies}
        return [u for u in hai_duong_communes(self.config.year) if u.parent_id in districts]

    def commune_names(self, unit):
        return f"canbo.{unit.code}.{self.config.year}", f"chutich.{unit.code}.{self.config.year}"

    def commune_wanted(self, units):
        return commune_officials(units, year=self.config.year, demo={})

    def body_names(self, body):
        slug = _slug(body.place_name)
        appraiser = DEMO_APPRAISERS_2024.get(body.unit_id, f"thamdinh.{slug}{self.config.year}")
        return appraiser, f"chutich.ubnd.{slug}{self.config.year}"

    def body_wanted(self, bodies):
        wanted = []
        for body in bodies:
            appraiser, head = self.body_names(body)
            wanted += [
                (appraiser, Role.APPRAISER, body.unit_id, self.config.year),
                (head, Role.APPRAISAL_HEAD, body.unit_id, self.config.year),
            ]
        return wanted

    def decision_numbers(self):
        signed_on, proposal_day = super().decision_numbers()
        number = f"{self.rng.randint(8, 95):02d}/QĐ-UBND"
        proposal = f"{self.rng.randint(2, 30)}/TTr-PNV ngày {proposal_day:%d/%m/%Y}"
        return signed_on, number, proposal

    def legal_bases(self, body, proposal):
        place = body.name.removeprefix("UBND ")
        return config.district_legal_bases(self.config.year, body.name, place, proposal)


class CityMixin:
    """2025 and later: one provincial body, Sở Nội vụ thành phố Hải Phòng, for the 64 units."""

    def create_bodies(self, cycle):
        return [
            AppraisingBody.objects.create(
                cycle=cycle,
                name="Sở Nội vụ thành phố Hải Phòng",
                unit_id=config.HAI_PHONG_CITY,
                issuing_authority="ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG",
                place_name="Hải Phòng",
            )
        ]

    def units(self, bodies):
        units = hai_phong_from_hai_duong(self.config.year)
        if self.small:
            keep = {config.XA_KIM_THANH} | {u.pk for u in units[:13]}
            units = [u for u in units if u.pk in keep][:14]
        return units

    def commune_names(self, unit):
        return DEMO_COMMUNE.get(unit.pk, (f"canbo.{unit.code}", f"chutich.{unit.code}"))

    def commune_wanted(self, units):
        return commune_officials(units, year=None, demo=DEMO_COMMUNE)

    def body_names(self, body):
        return CITY_APPRAISER, CITY_HEAD

    def body_wanted(self, bodies):
        return []  # the demo accounts hold these grants (accounts/demo.py)


class CityHistory(CityMixin, HistoryBuilder):
    def decision_numbers(self):
        signed_on, proposal_day = super().decision_numbers()
        number = f"{self.rng.randint(40, 180)}/QĐ-UBND"
        proposal = f"{self.rng.randint(10, 60)}/TTr-SNV ngày {proposal_day:%d/%m/%Y}"
        return signed_on, number, proposal

    def legal_bases(self, body, proposal):
        return config.city_legal_bases(self.config.year, proposal)

    def signer_name(self, head):
        return full_name(self.rng)  # the chair of the city People's Committee signs


class CityInProgress(CityMixin, CycleBuilder):
    """2026, under way: every state present, each indicator entered through the services."""

    def build(self):
        cycle = self.create_cycle()
        bodies = self.create_bodies(cycle)
        units = self.units(bodies)
        self.users = ensure_officials(self.commune_wanted(units), self.rng)
        self.appraiser = User.objects.get(username=CITY_APPRAISER)
        with clock(at(self.config.self_assessment_opens, self.rng)):
            services.open_cycle(cycle, units=units, actor=self.admin)
        assessments = self.assessments(cycle)
        specs = self.targets(assessments, self.previous_scores())
        for a, state in self.states(assessments):
            getattr(self, f"to_{state}")(a, self.plan(specs[a.pk]))

    def previous_scores(self) -> dict[str, Decimal]:
        rows = Assessment.objects.filter(
            cycle__program__name=PROGRAM_NAME, cycle__year=self.config.year - 1, self_score__isnull=False
        )
        return dict(rows.values_list("unit_id", "self_score"))

    def states(self, assessments):
        plan = config.IN_PROGRESS_PLAN
        if self.small:
            plan = tuple((state, 2) for state, _ in plan)
        slots = [state for state, count in plan for _ in range(count)]
        kim_thanh = next((a for a in assessments if a.unit_id == config.XA_KIM_THANH), None)
        others = [a for a in assessments if a is not kim_thanh]
        self.rng.shuffle(others)
        if kim_thanh is not None:
            slots.remove(config.DRAFT_PARTIAL)
            yield kim_thanh, config.DRAFT_PARTIAL
        yield from zip(others, slots, strict=False)

    def people(self, a):
        officer, chair = (self.users[n] for n in self.commune_names(a.unit))
        return officer, chair

    # Each state builds on the previous one, as the assessment moves through the workflow.

    def to_draft_empty(self, a, plan):
        return None

    def to_draft_partial(self, a, plan):
        officer, _ = self.people(a)
        # Officers fill the form from the top: the first criteria are done, the rest still empty.
        picked = [i.pk for i in self.leaves][: round(len(self.leaves) * self.rng.uniform(0.35, 0.7))]
        self.enter(a, plan.self_inputs, picked, officer, "self")

    def to_submitted(self, a, plan):
        officer, chair = self.people(a)
        self.enter(a, plan.self_inputs, list(plan.self_inputs), officer, "self")
        if plan.bonus:
            services.save_flags(a, flags={}, bonus=self.claim(plan), actor=officer)
        services.submit_assessment(a, actor=chair)

    def to_under_appraisal(self, a, plan, share=None):
        self.to_submitted(a, plan)
        share = self.rng.uniform(0.3, 0.8) if share is None else share
        picked = [pk for pk in plan.appraised_inputs if self.rng.random() < share] or [self.leaves[0].pk]
        self.enter(a, plan.appraised_inputs, picked, self.appraiser, APPRAISED)

    def to_returned(self, a, plan, *, rounds=None):
        self.to_under_appraisal(a, plan)
        rounds = rounds or (2 if self.rng.random() < 0.3 else 1)
        officer, _ = self.people(a)
        for round_ in range(1, rounds + 1):
            changed = plan.changed or [self.rng.choice(self.leaves).pk]
            picked = self.rng.sample(changed, min(len(changed), self.rng.randint(1, 2)))
            services.return_for_explanation(
                a,
                reasons={pk: self.rng.choice(config.EXPLANATION_REASONS) for pk in picked},
                actor=self.appraiser,
            )
            if round_ < rounds:
                self.answer(a, officer)
                services.start_appraisal(a, actor=self.appraiser)

    def to_resubmitted(self, a, plan):
        self.to_returned(a, plan, rounds=1)
        officer, _ = self.people(a)
        self.answer(a, officer)

    def to_appraised(self, a, plan):
        if self.rng.random() < 0.25:
            self.to_resubmitted(a, plan)
            services.start_appraisal(a, actor=self.appraiser)
        else:
            self.to_submitted(a, plan)
        rest = [
            pk
            for pk, score in self.rows(a).items()
            if score.appraised_points is None and not score.appraised_na
        ]
        self.enter(a, plan.appraised_inputs, rest, self.appraiser, APPRAISED)
        self.decide_bonus(a, plan, self.appraiser)
        services.approve_appraisal(a, actor=self.appraiser)

    def answer(self, a, officer):
        for request in services.open_requests(a):
            services.respond_to_request(
                request, response=self.rng.choice(config.EXPLANATION_RESPONSES), actor=officer
            )
        services.resubmit_assessment(a, actor=officer)

    def rows(self, a) -> dict[int, IndicatorScore]:
        return {s.indicator_id: s for s in a.scores.select_related("indicator")}

    def enter(self, a, inputs, indicator_ids, actor, layer):
        rows = self.rows(a)
        for pk in indicator_ids:
            if pk not in rows:
                continue  # the indicator does not apply to this type of unit
            given, score = inputs[pk], rows[pk]
            if layer == "self":
                values = {"self_value": given.value, "self_na": given.na, "explanation": given.comment}
                services.save_self_score(score, expected_version=score.version, actor=actor, **values)
            else:
                values = {
                    "appraised_value": given.value,
                    "appraised_na": given.na,
                    "appraisal_comment": given.comment,
                }
                services.save_appraised_score(score, expected_version=score.version, actor=actor, **values)


def _slug(name: str) -> str:
    from friendlygov.core.i18n import fold

    return fold(name).replace(" ", "")


BUILDERS = {2024: DistrictHistory, 2025: CityHistory, 2026: CityInProgress}
