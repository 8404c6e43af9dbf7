"""Which reminders are due on a given day: pure decisions over the assessments of running cycles,
the role grants and the kinds table. Nothing is sent or written here (see services.py)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Q

from friendlygov.accounts import reach
from friendlygov.accounts.models import Role, RoleGrant
from friendlygov.accounts.reach import APPRAISAL_ROLES, COMMUNE_ROLES
from friendlygov.assessments.deadlines import held_to
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.workflow import APPRAISAL_EDITABLE, Status
from friendlygov.reviews.models import OPEN as OPEN_REVIEWS
from friendlygov.reviews.models import UNANSWERED, ReviewRequest

from .kinds import (
    APPRAISAL_DUE,
    EXPLANATION_REQUESTED,
    KINDS,
    OVERDUE,
    OVERDUE_REPEAT_DAYS,
    REVIEW_REQUEST,
    SELF_CLOSING,
)

# Who is told when a unit's or an appraiser's work is late: the heads of the appraising body and
# the province's administrators, through a grant on the body's area or above it.
SUPERVISOR_ROLES = (Role.APPRAISAL_HEAD, Role.PROVINCE_ADMIN)

LATE_SELF = "self"
LATE_EXPLANATION = "explanation"
LATE_APPRAISAL = "appraisal"


@dataclass(frozen=True)
class Due:
    kind: str
    assessment: Assessment
    recipient: object
    key: str
    deadline: date | None
    as_supervisor: bool = False
    late: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)


class Grants:
    """The role grants, indexed by unit, loaded once per run."""

    def __init__(self, roles):
        self.by_unit = defaultdict(list)
        grants = RoleGrant.objects.filter(role__in=roles, user__is_active=True).select_related("user")
        for grant in grants:
            self.by_unit[grant.unit_id].append(grant)

    def people(self, unit_ids, roles, year) -> list:
        found = {}
        for unit_id in unit_ids:
            for grant in self.by_unit.get(unit_id, ()):
                if grant.role in roles and grant.applies_to_year(year):
                    found[grant.user_id] = grant.user
        return sorted(found.values(), key=lambda user: user.pk)


def unit_people(assessment, grants: Grants) -> list:
    """The commune's officers and chair (a grant on the unit or above it)."""
    return grants.people(reach.chain(assessment.unit), COMMUNE_ROLES, assessment.cycle.year)


def appraisers(assessment, grants: Grants) -> list:
    """Who appraises the unit: an appraisal grant strictly above it (nobody appraises their own unit)."""
    return grants.people(reach.chain(assessment.unit)[1:], APPRAISAL_ROLES, assessment.cycle.year)


def supervisors(assessment, grants: Grants) -> list:
    return grants.people(reach.chain(assessment.body.unit), SUPERVISOR_ROLES, assessment.cycle.year)


def lead_stage(kind_code: str, deadline: date, today: date) -> int | None:
    """The tightest lead time the day falls in (7 days, then 2 days before), or None."""
    days_left = (deadline - today).days
    stages = [days for days in sorted(KINDS[kind_code].lead_days) if 0 <= days_left <= days]
    return stages[0] if stages else None


def overdue_week(deadline: date, today: date) -> int | None:
    """0 on the first week after the deadline, 1 on the next…; None when not late."""
    late_days = (today - deadline).days
    return None if late_days <= 0 else (late_days - 1) // OVERDUE_REPEAT_DAYS


def running_assessments(today: date, assessments=None):
    """Assessments of cycles that are open and not past their decision period."""
    base = assessments if assessments is not None else Assessment.objects.all()
    return base.filter(cycle__opened_at__isnull=False, cycle__decision_until__gte=today).select_related(
        "cycle", "unit", "body__unit"
    )


def due_reminders(today: date, assessments=None, kinds=None) -> list[Due]:
    """Every reminder due on `today`, before preferences and the sent log are applied."""
    kinds = set(kinds or KINDS)
    grants = Grants((*COMMUNE_ROLES, *APPRAISAL_ROLES, *SUPERVISOR_ROLES))
    due = []
    running = list(running_assessments(today, assessments))
    held = held_to(running, today)
    for assessment in running:
        due.extend(_for_assessment(assessment, today, grants, kinds, held.get(assessment.pk)))
    if REVIEW_REQUEST in kinds:
        for request in review_requests(today, assessments):
            due.extend(_for_review(request, today, grants))
    return due


def _for_assessment(assessment, today, grants, kinds, deadline):
    cycle, status = assessment.cycle, assessment.status
    if status == Status.DRAFT and SELF_CLOSING in kinds:
        stage = lead_stage(SELF_CLOSING, cycle.self_assessment_closes, today)
        if stage is not None:
            key = f"{cycle.self_assessment_closes}:{stage}d"
            for person in unit_people(assessment, grants):
                yield Due(SELF_CLOSING, assessment, person, key, cycle.self_assessment_closes)
    if status in APPRAISAL_EDITABLE and APPRAISAL_DUE in kinds:
        stage = lead_stage(APPRAISAL_DUE, cycle.appraisal_deadline, today)
        if stage is not None:
            key = f"{cycle.appraisal_deadline}:{stage}d"
            for person in appraisers(assessment, grants):
                yield Due(APPRAISAL_DUE, assessment, person, key, cycle.appraisal_deadline)
    if status == Status.RETURNED and EXPLANATION_REQUESTED in kinds:
        key = f"round-{assessment.explanation_rounds}"
        for person in unit_people(assessment, grants):
            yield Due(EXPLANATION_REQUESTED, assessment, person, key, assessment.explanation_due)
    if OVERDUE in kinds:
        yield from _overdue(assessment, today, grants, deadline)


# Whose work is late in each state; the date it is held to is the workflow's, or the unit's
# extension (`deadlines.held_to`).
LATE = {
    Status.DRAFT: (LATE_SELF, unit_people),
    Status.RETURNED: (LATE_EXPLANATION, unit_people),
    **dict.fromkeys(APPRAISAL_EDITABLE, (LATE_APPRAISAL, appraisers)),
}


def _overdue(assessment, today, grants, held):
    if assessment.status not in LATE or held is None:
        return
    deadline = held.until  # an extended unit is chased from the end of its extension
    late, responsible = LATE[assessment.status]
    week = overdue_week(deadline, today)
    if week is None:
        return
    key = f"{late}:{deadline}:w{week}"
    told = set()
    for person in responsible(assessment, grants):
        told.add(person.pk)
        yield Due(OVERDUE, assessment, person, key, deadline, late=late)
    for person in supervisors(assessment, grants):
        if person.pk not in told:
            yield Due(OVERDUE, assessment, person, key, deadline, as_supervisor=True, late=late)


# --- Review requests (friendlygov.reviews) -------------------------------------------------------
# Told once each: the heads when a request is filed, the appraiser it is assigned to, the commune
# when it is answered; and, while unanswered, whoever answers it before and after the due day.
ANSWERED_TOLD_FOR_DAYS = 30


def review_requests(today: date, assessments=None):
    """Requests open, or answered lately, whatever the cycle's decision period (a request may
    follow the last decision)."""
    recent = Q(answered_at__date__gte=today - timedelta(days=ANSWERED_TOLD_FOR_DAYS))
    rows = ReviewRequest.objects.filter(Q(state__in=OPEN_REVIEWS) | recent)
    if assessments is not None:
        rows = rows.filter(assessment__in=assessments)
    return rows.select_related(
        "assessment__cycle", "assessment__unit", "assessment__body__unit", "assigned_to"
    )


def heads(assessment, grants: Grants) -> list:
    return grants.people(reach.chain(assessment.body.unit), (Role.APPRAISAL_HEAD,), assessment.cycle.year)


def _for_review(request, today, grants):
    assessment, prefix = request.assessment, f"review-{request.pk}"

    def due(person, key, step, **fields):
        extra = {"review": request, "step": step}
        return Due(
            REVIEW_REQUEST, assessment, person, f"{prefix}:{key}", request.answer_due, extra=extra, **fields
        )

    if request.state in UNANSWERED:
        for person in heads(assessment, grants):
            yield due(person, "filed", "filed")
    answerers = [request.assigned_to] if request.assigned_to_id else heads(assessment, grants)
    if request.assigned_to_id and request.state in UNANSWERED:
        yield due(request.assigned_to, f"assigned-{request.assigned_to_id}", "assigned")
    if request.answered_at is not None:
        for person in unit_people(assessment, grants):
            yield due(person, "answered", "answered")
        return
    stage = lead_stage(REVIEW_REQUEST, request.answer_due, today)
    if stage is not None:
        for person in answerers:
            yield due(person, f"due-{stage}d", "due")
    week = overdue_week(request.answer_due, today)
    if week is not None:
        told = set()
        for person in answerers:
            told.add(person.pk)
            yield due(person, f"late-w{week}", "late")
        for person in supervisors(assessment, grants):
            if person.pk not in told:
                yield due(person, f"late-w{week}", "late", as_supervisor=True)
