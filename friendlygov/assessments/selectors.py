"""Every non-trivial read of the assessment area, scoped by the permission policy."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from friendlygov.audit.models import AuditEvent
from friendlygov.core import rowsql
from friendlygov.core.i18n import fold

from . import permissions
from .models import Assessment, ExplanationRequest, IndicatorScore
from .results import published_framework, published_indicators
from .workflow import TRANSITIONS, Action, Status, deadline_of, is_overdue


def assessment_for(user, pk) -> Assessment:
    """The assessment if the user may see it; 404 otherwise (outsiders learn nothing).

    Read by its key and checked with `permissions.may(…, VIEW, …)` rather than filtered through
    `visible()`: the same rule (a test holds the two equal), but PostgreSQL plans the scope's
    subquery joined with six tables in ~3.6 ms and this query in a tenth of that, on every page
    and every autosave. The body's own unit is left to the few callers that need it: joining it
    too costs PostgreSQL another 0.6 ms of planning."""
    try:
        related = ("cycle__framework", "unit__parent", "body")
        assessment = Assessment.objects.select_related(*related).get(pk=pk)
    except (Assessment.DoesNotExist, ValueError) as exc:
        raise Http404(_("Không tìm thấy hồ sơ.")) from exc
    if not permissions.may(user, permissions.VIEW, assessment):
        raise Http404(_("Không tìm thấy hồ sơ."))
    return assessment


@dataclass
class CriterionBlock:
    criterion: object
    rows: list = field(default_factory=list)


def rows_by_criterion(assessment) -> list[CriterionBlock]:
    evidence = {}
    for item in assessment.evidence.filter(removed_at__isnull=True).order_by("uploaded_at"):
        evidence.setdefault(item.indicator_id, []).append(item)
    requests = {}
    for request in assessment.explanation_requests.order_by("round"):
        requests.setdefault(request.indicator_id, []).append(request)
    blocks: dict[int, CriterionBlock] = {}
    for score in assessment.scores.select_related("indicator__criterion", "indicator__parent").order_by(
        "indicator__criterion__order", "indicator__order", "indicator_id"
    ):
        score.live_evidence = evidence.get(score.indicator_id, [])
        score.requests = requests.get(score.indicator_id, [])  # nosec B113  # not the requests library
        criterion = score.indicator.criterion
        blocks.setdefault(criterion.pk, CriterionBlock(criterion)).rows.append(score)
    return list(blocks.values())


def scores_for_totals(assessment) -> list[IndicatorScore]:
    """Every row of the assessment, enough for `results.layer_result` (no evidence, no requests)."""
    return list(assessment.scores.select_related("indicator__criterion"))


def score_to_save(assessment, score_pk) -> IndicatorScore:
    """The row an autosave writes: its indicator, not its evidence or requests (the answer to an
    autosave shows the saved value and the totals, not the row again)."""
    try:
        return assessment.scores.select_related("indicator").get(pk=score_pk)
    except (IndicatorScore.DoesNotExist, ValueError) as exc:
        raise Http404(_("Không tìm thấy chỉ tiêu.")) from exc


def score_to_save_for(user, pk, score_pk) -> IndicatorScore:
    """The row an autosave writes, with its assessment as `assessment_for` gives it, in one query;
    a row or an assessment that is not there, or not visible, answers the same 404 as
    `assessment_for` then `score_to_save` do (they answer it).

    A published framework version and its indicators come from memory (results.published_*):
    each table joined costs PostgreSQL about 0.1 ms more to plan, on every save. The statement
    is built once per process (core.rowsql): the ORM's select_related costs more CPU to build it
    than the database spends running it."""
    try:
        keys = {"id": int(score_pk), "assessment_id": int(pk)}
        if not all(0 < key < 2**63 for key in keys.values()):
            raise ValueError("not a key")
        related = ("assessment", "assessment__cycle", "assessment__unit")
        (score,) = rowsql.select(IndicatorScore, keys, related=related)
    except ValueError:  # not a key, or no such row in that assessment
        return score_to_save(assessment_for(user, pk), score_pk)
    if not permissions.may(user, permissions.VIEW, score.assessment):
        raise Http404(_("Không tìm thấy hồ sơ."))
    cycle = score.assessment.cycle
    framework = published_framework(cycle.framework_id)
    if framework is not None:  # a draft's framework and indicator are read when they are used
        cycle.framework = framework
        indicator = published_indicators(framework).get(score.indicator_id)
        if indicator is not None:
            score.indicator = indicator
    return score


def score_row(assessment, score_pk) -> IndicatorScore:
    try:
        score = assessment.scores.select_related("indicator__criterion", "indicator__parent").get(pk=score_pk)
    except (IndicatorScore.DoesNotExist, ValueError) as exc:
        raise Http404(_("Không tìm thấy chỉ tiêu.")) from exc
    score.live_evidence = list(
        assessment.evidence.filter(indicator_id=score.indicator_id, removed_at__isnull=True).order_by(
            "uploaded_at"
        )
    )
    score.requests = list(
        assessment.explanation_requests.filter(indicator_id=score.indicator_id).order_by("round")
    )
    return score


def latest_requests(assessment) -> list[ExplanationRequest]:
    return list(
        assessment.explanation_requests.filter(round=assessment.explanation_rounds)
        .select_related("indicator")
        .order_by("indicator__order")
    )


@dataclass(frozen=True)
class Standing:
    """Where a commune stands: state, what happens next, by when, and why it was returned."""

    status: str
    label: str
    next_step: str
    deadline: date | None
    overdue: bool


def _next_step(assessment) -> str:
    status, body = assessment.status, {"body": assessment.body.name}
    if status == Status.DRAFT:
        return _("Cán bộ nhập điểm và tài liệu kiểm chứng; Chủ tịch UBND xã gửi thẩm định.")
    if status in (Status.SUBMITTED, Status.RESUBMITTED):
        return _("Chờ cơ quan thẩm định (%(body)s) tiếp nhận.") % body
    if status == Status.UNDER_APPRAISAL:
        return _("%(body)s đang thẩm định.") % body
    if status == Status.RETURNED:
        return _("Giải trình các chỉ tiêu được yêu cầu rồi gửi lại.")
    if status == Status.APPRAISED:
        return _("Chờ quyết định công nhận của %(body)s.") % body
    if status == Status.UNDER_REVIEW:
        return _("%(body)s đang thẩm định lại các chỉ tiêu nêu trong kiến nghị.") % body
    return _("Đã có quyết định; kết quả được công bố công khai.")


def standing(assessment) -> Standing:
    headline = assessment.headline(timezone.localdate())
    return Standing(
        status=headline.status,
        label=headline.label,
        next_step=_next_step(assessment),
        deadline=headline.deadline,
        overdue=headline.overdue,
    )


@dataclass
class AssessmentList:
    items: list
    total: int
    by_status: Counter
    overdue_count: int
    cycles: list
    cycle: object
    groups: list


def assessment_list(user, *, year=None, status=None, group=None, q=None) -> AssessmentList:
    """The assessments the user may see in one cycle, with progress counts (constant queries)."""
    visible = permissions.visible(user)
    years = sorted(set(visible.values_list("cycle__year", flat=True)), reverse=True)
    if not years:
        return AssessmentList([], 0, Counter(), 0, [], None, [])
    year = int(year) if year and str(year).isdigit() and int(year) in years else years[0]
    in_cycle = (
        visible.filter(cycle__year=year)
        .select_related("cycle", "unit__parent", "body")
        .order_by("body__name", "unit__search_name")
    )
    everything = list(in_cycle)
    today = timezone.localdate()
    for item in everything:
        item.is_overdue = item.headline(today).overdue
    groups = sorted({item.body.name for item in everything})
    by_status = Counter(item.status for item in everything)
    items = everything
    if status:
        items = [item for item in items if item.status == status]
    if group:
        items = [item for item in items if item.body.name == group]
    if q:
        needle = fold(q)
        items = [item for item in items if needle in item.unit.search_name]
    cycle = everything[0].cycle if everything else None
    overdue_count = sum(1 for item in everything if item.is_overdue)
    return AssessmentList(items, len(everything), by_status, overdue_count, years, cycle, groups)


def chosen_assessments(user, ids) -> list[Assessment]:
    """The assessments a bulk action was asked for that the user may see (the services then check
    each action), by unit name."""
    wanted = [int(pk) for pk in ids if str(pk).isdigit()]
    return list(permissions.visible(user).filter(pk__in=wanted).order_by("unit__search_name"))


def bulk_choices(user, year) -> dict[str, set[int]]:
    """Which assessments of the cycle the user may receive or approve in bulk now: one query per
    action, whatever the number of units."""
    return {
        str(action): set(
            permissions.which(user, action)
            .filter(cycle__year=year, status__in=TRANSITIONS[action].sources)
            .values_list("pk", flat=True)
        )
        for action in BULK_ACTIONS
    }


BULK_ACTIONS = (Action.START_APPRAISAL, Action.APPROVE)


class Waiting(models.TextChoices):
    """Why an assessment waits for the appraiser, in the order the queue's counts are shown."""

    SUBMITTED = "submitted", gettext_lazy("Mới gửi, chờ tiếp nhận")
    RESUBMITTED = "resubmitted", gettext_lazy("Đã giải trình, gửi lại")
    READY = "ready", gettext_lazy("Thẩm định xong, chờ duyệt")
    IN_REVIEW = "in_review", gettext_lazy("Đang thẩm định")
    EXPLANATION_OVERDUE = "explanation_overdue", gettext_lazy("Quá hạn giải trình")


@dataclass(frozen=True)
class QueueItem:
    assessment: Assessment
    waiting: str  # Waiting
    since: date  # submitted (or resubmitted) on; for an overdue explanation, its due date
    days: int

    @property
    def waiting_label(self) -> str:
        return str(Waiting(self.waiting).label)


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]
    counts: list[tuple[str, int]]  # (label, count) per Waiting, in that order, zeros left out


def appraisal_queue(user, today: date) -> Queue:
    """What waits for `user` as appraiser, oldest first: the assessments they may appraise that
    were submitted or resubmitted, are under review (ready to approve or not), or whose
    explanation is overdue. A constant number of queries whatever the number of units."""
    open_states = (*TRANSITIONS[Action.START_APPRAISAL].sources, Status.UNDER_APPRAISAL, Status.RETURNED)
    mine = list(
        permissions.which(user, permissions.APPRAISE)
        .filter(status__in=open_states)
        .select_related("cycle__framework")
        .order_by("submitted_at", "pk")
    )
    reviewed = [a.pk for a in mine if a.status == Status.UNDER_APPRAISAL]
    rows: dict[int, list] = {}
    for row in (
        IndicatorScore.objects.filter(assessment_id__in=reviewed)
        .select_related("indicator")
        .order_by("indicator__order", "indicator_id")
    ):
        rows.setdefault(row.assessment_id, []).append(row)
    items = []
    for a in mine:
        waiting, since = _waiting(a, rows.get(a.pk, []), today)
        if waiting:
            items.append(QueueItem(a, waiting, since, (today - since).days))
    items.sort(key=lambda item: (item.since, item.assessment.pk))
    counts = Counter(item.waiting for item in items)
    return Queue(items, [(str(w.label), counts[w]) for w in Waiting if counts[w]])


def _waiting(assessment, rows, today) -> tuple[str | None, date | None]:
    from .completeness import missing_for_approval

    submitted = timezone.localdate(assessment.submitted_at) if assessment.submitted_at else today
    if assessment.status == Status.RETURNED:
        if is_overdue(assessment, today):
            return Waiting.EXPLANATION_OVERDUE, deadline_of(assessment)
        return None, None
    if assessment.status == Status.UNDER_APPRAISAL:
        ready = not missing_for_approval(assessment, rows)
        return (Waiting.READY if ready else Waiting.IN_REVIEW), submitted
    return Waiting(assessment.status), submitted


def history(user, assessment, *, since=None):
    """The assessment's audit events for `user`, newest first: the appraiser's working numbers only
    to whoever may see the appraisal (`permissions.may_see_appraisal`), as on the page and in the API."""
    events = AuditEvent.objects.for_target(assessment).select_related("actor").order_by("-occurred_at", "-id")
    if not permissions.may_see_appraisal(user, assessment):
        events = events.exclude(event_type__in=permissions.APPRAISAL_EVENT_TYPES)
    if since is not None:
        events = events.filter(occurred_at__gt=since)
    return list(events)
