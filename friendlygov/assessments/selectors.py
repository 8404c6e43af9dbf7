"""Every non-trivial read of the assessment area, scoped by the permission policy."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from friendlygov.audit.models import AuditEvent
from friendlygov.core import rowsql
from friendlygov.core.i18n import fold
from friendlygov.frameworks.models import Indicator
from friendlygov.programs.selectors import rules_for
from friendlygov.units.models import LineageEvent, LineageLink

from . import deadlines, permissions
from .models import Assessment, Cycle, DeadlineExtension, Evidence, ExplanationRequest, IndicatorScore
from .results import published_framework, published_indicators
from .workflow import DECIDED, STAGE_OF, TRANSITIONS, Action, Stage, Status, deadline_of


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


@dataclass(frozen=True)
class RequestChanges:
    """What the commune changed on an indicator since an explanation request was sent."""

    value_changed: bool
    old: object  # (na, value) when the request was sent
    new: object  # (na, value) now
    added: list  # evidence uploaded since
    withdrawn: list  # evidence withdrawn since

    @property
    def any(self) -> bool:
        return self.value_changed or bool(self.added or self.withdrawn)


def request_changes(request, score, files_by_pk) -> RequestChanges:
    """`files_by_pk`: every evidence row of the assessment (withdrawn ones too), by key."""
    then = set(request.evidence_then)
    live = [e for e in files_by_pk.values() if e.indicator_id == score.indicator_id and e.removed_at is None]
    old, new = (request.na_then, request.value_then), (score.self_na, score.self_value)
    return RequestChanges(
        value_changed=old != new,
        old=old,
        new=new,
        added=[e for e in live if e.pk not in then],
        withdrawn=[
            files_by_pk[pk] for pk in sorted(then) if pk in files_by_pk and files_by_pk[pk].removed_at
        ],
    )


def _attach_requests(score, requests, files_by_pk):
    """The sent requests of a row, each with what changed since; its draft apart (appraisers only)."""
    score.requests = [r for r in requests if not r.draft]  # nosec B113  # not the requests library
    score.draft_request = next((r for r in requests if r.draft), None)
    for request in score.requests:
        request.changes = request_changes(request, score, files_by_pk)


def drafts_of(rows_or_requests) -> list[ExplanationRequest]:
    """The explanation requests written and not yet sent: from rows already read, or a queryset."""
    if isinstance(rows_or_requests, models.QuerySet):
        return list(rows_or_requests.select_related("indicator").order_by("indicator__order"))
    drafts = []
    for row in rows_or_requests:
        if row.draft_request is not None:
            row.draft_request.indicator = row.indicator
            drafts.append(row.draft_request)
    return drafts


def rows_by_criterion(assessment) -> list[CriterionBlock]:
    files = {item.pk: item for item in assessment.evidence.order_by("uploaded_at")}
    evidence = {}
    for item in files.values():
        if item.removed_at is None:
            evidence.setdefault(item.indicator_id, []).append(item)
    asked = {}
    for request in assessment.explanation_requests.order_by("round"):
        asked.setdefault(request.indicator_id, []).append(request)
    blocks: dict[int, CriterionBlock] = {}
    for score in assessment.scores.select_related("indicator__criterion", "indicator__parent").order_by(
        "indicator__criterion__order", "indicator__order", "indicator_id"
    ):
        score.live_evidence = evidence.get(score.indicator_id, [])
        _attach_requests(score, asked.get(score.indicator_id, []), files)
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
    files = {
        e.pk: e for e in assessment.evidence.filter(indicator_id=score.indicator_id).order_by("uploaded_at")
    }
    score.live_evidence = [e for e in files.values() if e.removed_at is None]
    asked = list(assessment.explanation_requests.filter(indicator_id=score.indicator_id).order_by("round"))
    _attach_requests(score, asked, files)
    return score


def latest_round_sent_at(assessment):
    """When the latest round of explanation requests was sent (None before the first)."""
    return (
        assessment.explanation_requests.filter(round=assessment.explanation_rounds, draft=False)
        .order_by("requested_at")
        .values_list("requested_at", flat=True)
        .first()
    )


def latest_requests(assessment) -> list[ExplanationRequest]:
    return list(
        assessment.explanation_requests.filter(round=assessment.explanation_rounds, draft=False)
        .select_related("indicator")
        .order_by("indicator__order")
    )


@dataclass(frozen=True)
class Standing:
    """Where a commune stands: state, what happens next, by when (with the unit's extension, if
    granted), whether the stage is locked, and the stages it did late."""

    status: str
    label: str
    next_step: str
    deadline: date | None  # the last day of the current stage, extension included
    overdue: bool
    extension: object = None  # DeadlineExtension of the current stage, or None
    due: date | None = None  # the stage's own date, when an extension moved it
    locked: bool = False
    late: tuple = ()  # labels of the stages done after their deadline


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


def standings(assessments) -> list[Standing]:
    """Each assessment's standing; the extensions of their current stages in one query."""
    today = timezone.localdate()
    stages = {a.pk: STAGE_OF.get(a.status) for a in assessments}
    extensions = {
        (e.assessment_id, e.stage): e
        for e in DeadlineExtension.objects.filter(assessment_id__in=[pk for pk, st in stages.items() if st])
    }
    return [_standing(a, extensions.get((a.pk, stages[a.pk])), today) for a in assessments]


def standing(assessment) -> Standing:
    return standings([assessment])[0]


def _standing(assessment, extension, today) -> Standing:
    headline = assessment.headline(today)
    deadline = headline.deadline
    stage = STAGE_OF.get(assessment.status)
    held = deadlines.Deadline(stage, deadline, extension) if stage and deadline else None
    return Standing(
        status=headline.status,
        label=headline.label,
        next_step=_next_step(assessment),
        deadline=held.until if held else deadline,
        overdue=held.passed(today) if held else headline.overdue,
        extension=extension if held else None,
        due=deadline if held and extension else None,
        locked=bool(held and held.passed(today) and not assessment.cycle.late_allowed),
        late=tuple(str(Stage(stage).label) for stage in assessment.late_stages if stage in Stage.values),
    )


@dataclass
class AssessmentList:
    """One cycle's assessments as the list shows them. `rows` is the matching rows in the list's
    order, not read: the page reads one page of it (core.paging.page_of) and `mark_overdue` marks
    that page. The counts cover the whole cycle, whatever the filters."""

    rows: models.QuerySet
    total: int
    by_status: dict
    overdue_count: int
    cycles: list  # the years the user sees, newest first
    cycle: object
    groups: list  # the appraising bodies' names, for the group filter
    levels: tuple = ()  # the levels of the cycle's program, for the level filter
    matching: int | None = None  # how many rows match the filters, where the counts tell


LIST_ORDER = ("body__name", "unit__search_name", "pk")


def assessment_list(user, *, year=None, status=None, group=None, level=None, q=None) -> AssessmentList:
    """The assessments the user may see in one cycle, filtered in SQL by status, group (the
    appraising body's name), level (the final level the list shows) and search (on the folded
    unit name, ignoring tone marks), with the cycle's counts by status and overdue by GROUP BY
    and COUNT: a constant number of queries, none of which reads the whole cycle into Python."""
    visible = permissions.visible(user)
    cycles = list(
        Cycle.objects.filter(models.Exists(visible.filter(cycle=models.OuterRef("pk"))))
        .select_related("framework")
        .order_by("-year", "pk")
    )
    years = sorted({c.year for c in cycles}, reverse=True)
    if not years:
        return AssessmentList(Assessment.objects.none(), 0, {}, 0, [], None, [])
    year = int(year) if year and str(year).isdigit() and int(year) in years else years[0]
    cycle = next(c for c in cycles if c.year == year)
    in_cycle = visible.filter(cycle__year=year).order_by()
    by_status, groups = defaultdict(int), set()
    for status_value, body_name, n in in_cycle.values_list("status", "body__name").annotate(
        n=models.Count("pk")
    ):
        by_status[status_value] += n
        groups.add(body_name)
    today = timezone.localdate()
    overdue_count = in_cycle.filter(deadlines.overdue_q(today)).count()
    rows = in_cycle
    if status:
        rows = rows.filter(status=status)
    if group:
        rows = rows.filter(body__name=group)
    if level is not None and str(level).isdigit():
        rows = rows.filter(final_level=int(level))
    if q:
        rows = rows.filter(unit__search_name__contains=fold(q))
    rows = rows.select_related("cycle", "unit__parent", "body").order_by(*LIST_ORDER)
    total = sum(by_status.values())
    # The rows' count is known from the counts by status unless a filter other than the status
    # narrows them: the pager then asks no COUNT of its own.
    matching = None if (group or level or q) else by_status.get(status, 0) if status else total
    return AssessmentList(
        rows,
        total,
        dict(by_status),
        overdue_count,
        years,
        cycle,
        sorted(groups),
        rules_for(cycle).levels,
        matching,
    )


def mark_overdue(items, today=None) -> list:
    """The page's assessments, each with `is_overdue` as `deadlines.held_to` says (extensions
    included): at most one query for the page."""
    items = list(items)
    today = today or timezone.localdate()
    held = deadlines.held_to(items, today)
    for item in items:
        item.is_overdue = item.pk in held and held[item.pk].passed(today)
    return items


def chosen_assessments(user, ids) -> list[Assessment]:
    """The assessments a bulk action was asked for that the user may see (the services then check
    each action), by unit name."""
    wanted = [int(pk) for pk in ids if str(pk).isdigit()]
    return list(permissions.visible(user).filter(pk__in=wanted).order_by("unit__search_name"))


def bulk_choices(user, year, among=None) -> dict[str, set[int]]:
    """Which assessments of the cycle (of `among`, the ids a page shows, if given) the user may
    receive or approve in bulk now: one query per action, whatever the number of units."""
    choices = {}
    for action in BULK_ACTIONS:
        allowed = permissions.which(user, action).filter(
            cycle__year=year, status__in=TRANSITIONS[action].sources
        )
        if among is not None:
            allowed = allowed.filter(pk__in=among)
        choices[str(action)] = set(allowed.values_list("pk", flat=True))
    return choices


BULK_ACTIONS = (Action.START_APPRAISAL, Action.APPROVE)


class Waiting(models.TextChoices):
    """Why an assessment waits for the appraiser, in the order the queue's counts are shown."""

    SUBMITTED = "submitted", gettext_lazy("Mới gửi, chờ tiếp nhận")
    RESUBMITTED = "resubmitted", gettext_lazy("Đã giải trình, gửi lại")
    UNDER_REVIEW = "under_review", gettext_lazy("Đang xem xét lại (kiến nghị được chấp nhận)")
    READY = "ready", gettext_lazy("Thẩm định xong, chờ duyệt")
    IN_REVIEW = "in_review", gettext_lazy("Đang thẩm định")
    EXPLANATION_OVERDUE = "explanation_overdue", gettext_lazy("Quá hạn giải trình")


@dataclass(frozen=True)
class QueueItem:
    assessment: Assessment
    waiting: str  # Waiting
    since: date  # submitted (or resubmitted) on; for an overdue explanation, its due date
    days: int
    mine: bool = True  # the reader may appraise it (assigned to them, or to nobody yet)

    @property
    def waiting_label(self) -> str:
        return str(Waiting(self.waiting).label)


MINE, ALL = "mine", "all"


@dataclass(frozen=True)
class Queue:
    items: list[QueueItem]
    counts: list[tuple[str, int]]  # (label, count) per Waiting, in that order, zeros left out
    scope: str = MINE  # MINE: what the reader appraises; ALL: the body's, whoever appraises it


OPEN_STATES = (
    *TRANSITIONS[Action.START_APPRAISAL].sources,
    Status.UNDER_APPRAISAL,
    Status.RETURNED,
    Status.UNDER_REVIEW,
)


def _with_reopened_at(assessments):
    """When an accepted review request sent each assessment back to its appraiser (the newest
    `reopen_for_review` event): where a unit under review waits from, read in the same query."""
    reopened = (
        AuditEvent.objects.filter(
            target_type=Assessment._meta.label_lower,
            target_id=Cast(models.OuterRef("pk"), models.CharField()),
            event_type=f"assessment.{Action.REOPEN_FOR_REVIEW}",
        )
        .order_by("-occurred_at")
        .values("occurred_at")[:1]
    )
    return assessments.annotate(reopened_at=models.Subquery(reopened))


def _waits_since(assessment, today) -> date:
    """The day an open assessment started waiting for the appraiser."""
    if assessment.status == Status.RETURNED:
        return deadline_of(assessment)
    moment = getattr(assessment, "reopened_at", None) if assessment.status == Status.UNDER_REVIEW else None
    moment = moment or assessment.submitted_at
    return timezone.localdate(moment) if moment else today


def appraisal_queue(user, today: date, scope: str = MINE) -> Queue:
    """What waits for `user` as appraiser, oldest first: the assessments they may appraise that
    were submitted or resubmitted, are under review (ready to approve or not), or whose
    explanation is overdue; with `scope` ALL, the same for every appraiser of the bodies the
    user reads. A constant number of queries whatever the number of units."""
    scope = ALL if scope == ALL else MINE
    base = permissions.queue_scope(user) if scope == ALL else permissions.which(user, permissions.APPRAISE)
    mine_ids = (
        set(permissions.which(user, permissions.APPRAISE).values_list("pk", flat=True))
        if scope == ALL
        else None
    )
    mine = list(
        _with_reopened_at(base.filter(status__in=OPEN_STATES))
        .select_related("cycle__framework", "appraiser")
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
    held = deadlines.held_to(mine, today)
    items = []
    for a in mine:
        waiting, since = _waiting(a, rows.get(a.pk, []), today, held.get(a.pk))
        if waiting:
            own = mine_ids is None or a.pk in mine_ids
            items.append(QueueItem(a, waiting, since, (today - since).days, own))
    items.sort(key=lambda item: item.since)  # stable: by submission time within a day
    counts = Counter(item.waiting for item in items)
    return Queue(items, [(str(w.label), counts[w]) for w in Waiting if counts[w]], scope)


def next_in_queue(user, assessment) -> Assessment | None:
    """The item of the user's own queue after `assessment` (its first, when it is not in it)."""
    items = _queue_order(user, timezone.localdate())
    others = [a for a in items if a.pk != assessment.pk]
    if not others:
        return None
    keys = [a.pk for a in items]
    if assessment.pk not in keys:
        return others[0]
    following = items[keys.index(assessment.pk) + 1 :]
    return following[0] if following else others[0]


def _queue_order(user, today) -> list[Assessment]:
    """The assessments of the user's own queue in its order, without reading their rows (whether
    one is ready to approve does not change where it stands): one query."""
    listed = []
    queued = list(
        _with_reopened_at(
            permissions.which(user, permissions.APPRAISE).filter(status__in=OPEN_STATES)
        ).select_related("cycle", "unit")
    )
    held = deadlines.held_to(queued, today)
    for a in queued:
        if a.status == Status.RETURNED and not held[a.pk].passed(today):
            continue
        since = held[a.pk].until if a.status == Status.RETURNED else _waits_since(a, today)
        listed.append((since, a.submitted_at or timezone.now(), a.pk, a))
    return [entry[-1] for entry in sorted(listed, key=lambda entry: entry[:3])]


@dataclass(frozen=True)
class ReviewProgress:
    """The appraiser's review of a commune: how many indicators are reviewed, how many differ."""

    reviewed: int
    total: int
    differs: int

    @property
    def left(self) -> int:
        return self.total - self.reviewed


def review_progress(rows) -> ReviewProgress:
    return ReviewProgress(
        reviewed=sum(1 for row in rows if row.review and row.appraised_scored),
        total=len(rows),
        differs=sum(1 for row in rows if row.differs),
    )


@dataclass(frozen=True)
class IndicatorTableRow:
    assessment: Assessment
    score: IndicatorScore
    evidence: list
    can_appraise: bool


@dataclass(frozen=True)
class IndicatorTable:
    indicators: list  # the indicators to choose from (the latest cycle's framework)
    indicator: object  # the chosen one, or None
    rows: list[IndicatorTableRow]


def indicator_table(user, code, scope=None) -> IndicatorTable:
    """One indicator across the communes of the user's queue that are open to appraisal (with ALL,
    of the whole body, read-only where another appraiser has them)."""
    appraisable = (Status.SUBMITTED, Status.RESUBMITTED, Status.UNDER_APPRAISAL)
    base = permissions.queue_scope(user) if scope == ALL else permissions.which(user, permissions.APPRAISE)
    assessments = base.filter(status__in=appraisable)
    year = assessments.order_by("-cycle__year").values_list("cycle__year", flat=True).first()
    if year is None:
        return IndicatorTable([], None, [])
    framework = assessments.filter(cycle__year=year).values_list("cycle__framework", flat=True).first()
    indicators = list(
        IndicatorScore.objects.filter(assessment__in=assessments.filter(cycle__year=year))
        .values_list("indicator", flat=True)
        .distinct()
    )
    choices = list(
        Indicator.objects.filter(version_id=framework, pk__in=indicators).order_by(
            "criterion__order", "order"
        )
    )
    chosen = next((i for i in choices if i.code == code), None)
    if chosen is None:
        return IndicatorTable(choices, None, [])
    scores = list(
        IndicatorScore.objects.filter(assessment__in=assessments.filter(cycle__year=year), indicator=chosen)
        .select_related(
            "indicator__criterion", "assessment__unit", "assessment__cycle", "assessment__appraiser"
        )
        .order_by("assessment__submitted_at", "assessment_id")
    )
    mine = set(
        permissions.which(user, permissions.APPRAISE)
        .filter(pk__in=[s.assessment_id for s in scores])
        .values_list("pk", flat=True)
    )
    files = {}
    for item in Evidence.objects.filter(
        assessment_id__in=[s.assessment_id for s in scores], indicator=chosen, removed_at__isnull=True
    ).order_by("uploaded_at"):
        files.setdefault(item.assessment_id, []).append(item)
    rows = [
        IndicatorTableRow(s.assessment, s, files.get(s.assessment_id, []), s.assessment_id in mine)
        for s in scores
    ]
    return IndicatorTable(choices, chosen, rows)


def indicator_table_row(user, assessment, score_pk) -> IndicatorTableRow:
    score = score_row(assessment, score_pk)
    score.assessment = assessment
    return IndicatorTableRow(
        assessment, score, score.live_evidence, permissions.may(user, permissions.APPRAISE, assessment)
    )


def _waiting(assessment, rows, today, deadline) -> tuple[str | None, date | None]:
    from .completeness import missing_for_approval

    submitted = _waits_since(assessment, today)
    if assessment.status == Status.RETURNED:
        if deadline is not None and deadline.passed(today):
            return Waiting.EXPLANATION_OVERDUE, deadline.until
        return None, None
    if assessment.status == Status.UNDER_REVIEW:
        return Waiting.UNDER_REVIEW, submitted
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


# --- Mergers and divisions during a cycle -------------------------------------------------------


@dataclass(frozen=True)
class PendingMove:
    """A lineage event that touches units with open assessments in a cycle: what the province
    administrator may move (services.move_to_successors), and the choices it asks for."""

    event: object  # units.LineageEvent
    predecessors: list  # (unit, its assessment in the cycle or None)
    successors: list

    @property
    def is_merge(self) -> bool:
        """One successor: the administrator picks the predecessor whose assessment seeds it."""
        return len(self.successors) == 1

    @property
    def choices(self) -> list:
        """(unit, assessment or None) to choose the carrier among."""
        if self.is_merge:
            return [(unit, a) for unit, a in self.predecessors if a is not None]
        return self.successors


def pending_moves(cycle) -> list[PendingMove]:
    """The lineage events up to the cycle's scope date (31 December: later ones do not change
    whom it assesses) whose predecessors have undecided assessments in `cycle`, oldest first
    (3 queries whatever the number of events)."""
    open_units = Assessment.objects.filter(cycle=cycle).exclude(status__in=DECIDED).values("unit_id")
    events = list(
        LineageEvent.objects.filter(
            links__predecessor_id__in=open_units, effective_date__lte=cycle.scope_date
        )
        .distinct()
        .order_by("effective_date", "id")
        .prefetch_related(
            models.Prefetch("links", queryset=LineageLink.objects.select_related("predecessor", "successor"))
        )
    )
    unit_ids = {
        pk for e in events for link in e.links.all() for pk in (link.predecessor_id, link.successor_id)
    }
    found = {a.unit_id: a for a in Assessment.objects.filter(cycle=cycle, unit_id__in=unit_ids)}
    moves = []
    for event in events:
        links = list(event.links.all())
        predecessors = {link.predecessor_id: link.predecessor for link in links}
        successors = {link.successor_id: link.successor for link in links}
        moves.append(
            PendingMove(
                event,
                [
                    (unit, found.get(pk))
                    for pk, unit in sorted(predecessors.items(), key=lambda i: i[1].search_name)
                ],
                [
                    (unit, found.get(pk))
                    for pk, unit in sorted(successors.items(), key=lambda i: i[1].search_name)
                ],
            )
        )
    return moves
