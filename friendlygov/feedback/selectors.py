"""Reads of citizen feedback: the form to show, where a QR link leads, and the rates per unit and
cycle with their survey-based points. The policy (permissions.py) decides who may call what; the
arithmetic is in stats.py and the points come from the framework's own mapping (frameworks.scoring)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Subquery

from friendlygov.assessments.models import Assessment, IndicatorScore
from friendlygov.frameworks import scoring
from friendlygov.frameworks.models import Indicator
from friendlygov.programs.models import Program

from .definition import SATISFIED_MIN, Question
from .models import Channel, SampleFrame, SurveyAnswer, SurveyForm, SurveyResponse
from .stats import Rate

SATISFIED = Q(overall__gte=SATISFIED_MIN)


def current_form(program) -> SurveyForm | None:
    """The published survey form of `program`: its name, or a query giving it (a subquery on the
    cycle's program id costs no query of its own)."""
    return (
        SurveyForm.objects.filter(program=program, published_at__isnull=False)
        .order_by("-published_at", "-version")
        .first()
    )


def program_name(cycle):
    """The name of the cycle's program as a subquery: survey forms are kept by program name."""
    return Subquery(Program.objects.filter(pk=cycle.program_id).values("name")[:1])


def survey_target(unit_code: str, day: date) -> Assessment | None:
    """The assessment a QR link leads to on `day`: the unit's, in the cycle of that year."""
    return (
        Assessment.objects.select_related("cycle", "unit")
        .filter(unit__code=unit_code, cycle__year=day.year)
        .order_by("-cycle_id")
        .first()
    )


@dataclass(frozen=True)
class SurveyPoints:
    """What the survey says an indicator is worth, beside the commune's claim and the appraiser's."""

    indicator: Indicator
    question: Question
    rate: Rate
    points: Decimal | None  # None without answers
    claimed: Decimal | None
    appraised: Decimal | None

    @property
    def differs(self) -> bool:
        return self.points is not None and self.claimed is not None and self.points != self.claimed


@dataclass
class UnitSurvey:
    assessment: Assessment
    overall: Rate
    by_channel: dict[str, int] = field(default_factory=dict)
    aspects: list[tuple[Question, Rate]] = field(default_factory=list)
    points: list[SurveyPoints] = field(default_factory=list)
    basis: str = ""

    @property
    def channels(self) -> list[tuple[str, str, int]]:
        return [(value, label, self.by_channel.get(value, 0)) for value, label in Channel.choices]


def survey_points(indicator: Indicator, rate: Rate) -> Decimal | None:
    """The framework's own rule applied to the measured rate; None while nobody has answered."""
    if rate.percent is None:
        return None
    return scoring.indicator_points(indicator.scoring_rule(), rate.percent)


def survey_indicators(framework) -> list[Indicator]:
    return list(Indicator.objects.filter(version=framework, method=scoring.SURVEY).order_by("order"))


def question_for(indicator: Indicator, definition) -> Question:
    """The question whose rate feeds `indicator`: the one naming it, else the overall question."""
    return next((q for q in definition.questions if q.indicator == indicator.code), definition.overall)


def _form_of(assessment):
    form = current_form(program_name(assessment.cycle))
    return form.parsed() if form else None


def unit_survey(assessment: Assessment, *, with_points: bool = True) -> UnitSurvey:
    responses = SurveyResponse.objects.filter(assessment=assessment)
    totals = responses.aggregate(n=Count("id"), satisfied=Count("id", filter=SATISFIED))
    frame = SampleFrame.objects.filter(assessment=assessment).first()
    population = frame.population if frame else None
    overall = Rate(totals["n"], totals["satisfied"], population)
    by_channel = dict(responses.values_list("channel").annotate(n=Count("id")).values_list("channel", "n"))
    aspect_counts = {
        row["question"]: row
        for row in SurveyAnswer.objects.filter(response__assessment=assessment)
        .values("question")
        .annotate(n=Count("id"), satisfied=Count("id", filter=Q(value__gte=SATISFIED_MIN)))
    }
    definition = _form_of(assessment)
    rates = {}
    if definition is not None:
        rates[definition.overall.code] = overall
        for question in definition.aspects:
            row = aspect_counts.get(question.code, {"n": 0, "satisfied": 0})
            rates[question.code] = Rate(row["n"], row["satisfied"], population)
    survey = UnitSurvey(
        assessment=assessment,
        overall=overall,
        by_channel=by_channel,
        aspects=[(q, rates[q.code]) for q in definition.aspects] if definition else [],
        basis=frame.basis if frame else "",
    )
    if with_points and definition is not None:
        survey.points = _points(assessment, definition, rates)
    return survey


def _points(assessment, definition, rates) -> list[SurveyPoints]:
    indicators = survey_indicators(assessment.cycle.framework)
    claims = {
        score.indicator_id: score
        for score in IndicatorScore.objects.filter(assessment=assessment, indicator__in=indicators)
    }
    rows = []
    for indicator in indicators:
        question = question_for(indicator, definition)
        rate = rates[question.code]
        score = claims.get(indicator.pk)
        rows.append(
            SurveyPoints(
                indicator=indicator,
                question=question,
                rate=rate,
                points=survey_points(indicator, rate),
                claimed=score.self_points if score else None,
                appraised=score.appraised_points if score else None,
            )
        )
    return rows


def comments(assessment: Assessment, limit: int = 100):
    return list(
        SurveyResponse.objects.filter(assessment=assessment)
        .exclude(comment="")
        .only("comment", "overall", "channel", "received_on")[:limit]
    )


@dataclass(frozen=True)
class SurveyUnit:
    """The assessment a survey line is about, as plain values (no model objects are built for a
    nation's 10,595 lines)."""

    pk: int
    unit_id: str
    unit_code: str
    unit_name: str


@dataclass(frozen=True)
class CycleLine:
    """One unit of a cycle in the export and the API."""

    assessment: SurveyUnit
    overall: Rate
    by_channel: dict[str, int]
    points: tuple[Decimal | None, ...]  # in the order of `CycleSurvey.indicators`


@dataclass
class CycleSurvey:
    indicators: list[Indicator]
    lines: list[CycleLine]

    @property
    def total(self) -> Rate:
        return Rate(
            sum(x.overall.responses for x in self.lines), sum(x.overall.satisfied for x in self.lines)
        )

    @property
    def answered(self) -> list[CycleLine]:
        return [line for line in self.lines if line.overall.responses]

    @property
    def too_small(self) -> int:
        """Units with answers but fewer than needed (units without any answer are counted apart)."""
        return sum(1 for line in self.answered if line.overall.too_small)

    @property
    def by_channel(self) -> list[tuple[str, str, int]]:
        return [
            (value, label, sum(line.by_channel.get(value, 0) for line in self.lines))
            for value, label in Channel.choices
        ]


@dataclass(frozen=True)
class OverviewLine:
    assessment_id: int
    unit_name: str
    overall: Rate


@dataclass(frozen=True)
class CycleOverview:
    """The dashboard's panel: totals, channels and the units' overall rates, without the per-unit
    indicator points `cycle_survey` works out for the export."""

    units: int  # assessments of the cycle in scope, with or without answers
    answered: list[OverviewLine]  # units with at least one response, by name
    by_channel: list[tuple[str, str, int]]

    @property
    def total(self) -> Rate:
        return Rate(
            sum(x.overall.responses for x in self.answered), sum(x.overall.satisfied for x in self.answered)
        )

    @property
    def too_small(self) -> int:
        return sum(1 for line in self.answered if line.overall.too_small)


@dataclass(frozen=True)
class OverviewPanel:
    """What the dashboard's survey panel shows of a `CycleOverview`: its counts and the units with
    the lowest rates, without a line for every unit (small enough to keep in the cache)."""

    units: int
    answered_units: int
    total: Rate
    too_small: int
    by_channel: list[tuple[str, str, int]]
    weakest: list[OverviewLine]


def overview_panel(overview: CycleOverview, *, limit: int = 10) -> OverviewPanel:
    weakest = sorted(overview.answered, key=lambda line: (line.overall.percent, line.unit_name))
    return OverviewPanel(
        units=overview.units,
        answered_units=len(overview.answered),
        total=overview.total,
        too_small=overview.too_small,
        by_channel=overview.by_channel,
        weakest=weakest[:limit],
    )


def cycle_overview(cycle, scope) -> CycleOverview:
    """`CycleOverview` of `cycle` in `scope`: three queries, whatever the number of units (the
    answers counted by GROUP BY, the names and sample frames read once)."""
    in_scope = scope.filter(cycle=cycle).order_by()
    ids = in_scope.values("pk")  # a subquery: the scope's thousands of ids never travel as a list
    counts = defaultdict(lambda: [0, 0])
    channels = dict.fromkeys(Channel.values, 0)
    for assessment_id, channel, n, satisfied in (
        SurveyResponse.objects.filter(assessment__in=ids)
        .values_list("assessment_id", "channel")
        .annotate(n=Count("id"), satisfied=Count("id", filter=SATISFIED))
        .order_by()
    ):
        entry = counts[assessment_id]
        entry[0] += n
        entry[1] += satisfied
        channels[channel] = channels.get(channel, 0) + n
    names = dict(in_scope.values_list("pk", "unit__name"))
    populations = dict(
        SampleFrame.objects.filter(assessment__in=ids).values_list("assessment_id", "population")
    )
    answered = sorted(
        (
            OverviewLine(pk, names[pk], Rate(n, satisfied, populations.get(pk)))
            for pk, (n, satisfied) in counts.items()
        ),
        key=lambda line: line.unit_name,
    )
    return CycleOverview(
        units=len(names),
        answered=answered,
        by_channel=[(value, label, channels.get(value, 0)) for value, label in Channel.choices],
    )


def survey_order(cycle, scope):
    """The ids of the assessments of `cycle` in `scope`, in the lines' order (by unit code): a
    query, so that a page of it is read with LIMIT/OFFSET and counted by the database."""
    return scope.filter(cycle=cycle).order_by("unit__code", "pk").values_list("pk", flat=True)


def cycle_survey(cycle, scope, *, page=None, with_points: bool = True) -> CycleSurvey:
    """Rates of the assessments of `cycle` in `scope`, in a constant number of queries: all of
    them, or only those of `page` (ids, a slice of `survey_order`: an API page builds only the
    lines it returns). The answers are counted by GROUP BY over a join with the scope's query,
    never over a list of every id; each indicator's scoring rule is read once, not once a line."""
    if page is None:
        assessments = scope.filter(cycle=cycle)
        ids = assessments.order_by().values("pk")
    else:
        ids = list(page)
        assessments = Assessment.objects.filter(pk__in=ids)
    units = [
        SurveyUnit(*row)
        for row in assessments.order_by("unit__code", "pk").values_list(
            "pk", "unit_id", "unit__code", "unit__name"
        )
    ]
    counts = defaultdict(lambda: {"n": 0, "satisfied": 0, "channels": {}})
    for row in (
        SurveyResponse.objects.filter(assessment_id__in=ids)
        .values("assessment_id", "channel")
        .annotate(n=Count("id"), satisfied=Count("id", filter=SATISFIED))
        .order_by()
    ):
        entry = counts[row["assessment_id"]]
        entry["n"] += row["n"]
        entry["satisfied"] += row["satisfied"]
        entry["channels"][row["channel"]] = row["n"]
    populations = dict(
        SampleFrame.objects.filter(assessment_id__in=ids).values_list("assessment_id", "population")
    )
    rules = _survey_rules(cycle) if with_points else []
    aspect = _aspect_counts(ids) if any(not question.overall for _i, question, _r in rules) else {}
    lines = []
    for unit in units:
        entry = counts[unit.pk]
        population = populations.get(unit.pk)
        overall = Rate(entry["n"], entry["satisfied"], population)
        points = []
        for _indicator, question, rule in rules:
            if question.overall:
                rate = overall
            else:
                rate = Rate(*aspect.get((unit.pk, question.code), (0, 0)), population)
            points.append(None if rate.percent is None else scoring.indicator_points(rule, rate.percent))
        lines.append(CycleLine(unit, overall, entry["channels"], tuple(points)))
    return CycleSurvey(indicators=[indicator for indicator, _q, _r in rules], lines=lines)


def _survey_rules(cycle) -> list[tuple]:
    """(indicator, the question feeding it, its scoring rule) of each survey indicator of the
    cycle's framework, parsed once; none without a published survey form."""
    form = current_form(program_name(cycle))
    if form is None:
        return []
    definition = form.parsed()
    return [
        (indicator, question_for(indicator, definition), indicator.scoring_rule())
        for indicator in survey_indicators(cycle.framework_id)
    ]


def _aspect_counts(ids) -> dict:
    """{(assessment id, question): (answers, satisfied)}: one GROUP BY over the answers joined to
    their responses."""
    return {
        (row["response__assessment_id"], row["question"]): (row["n"], row["satisfied"])
        for row in SurveyAnswer.objects.filter(response__assessment_id__in=ids)
        .values("response__assessment_id", "question")
        .annotate(n=Count("id"), satisfied=Count("id", filter=Q(value__gte=SATISFIED_MIN)))
        .order_by()
    }
