"""The permission policy of review requests, built on the one reach policy (accounts.reach) and
the assessment area's: who may file, assign, answer, correct and read.

- file: the commune chair (a chair's grant on the unit or above it);
- assign: the head of the appraising body (who issues its decisions);
- answer: the head, or the appraiser the head assigned it to (an appraisal grant above the unit);
- correct: the head drafts the corrective decision once the re-appraisal is approved;
- read: whoever may read the assessment.
"""

from django.db.models import Q

from friendlygov.accounts import reach
from friendlygov.accounts.models import Role, RoleGrant, User
from friendlygov.accounts.reach import APPRAISAL_ROLES
from friendlygov.assessments import permissions as assessment_permissions

from .models import ReviewRequest

ASSIGN = "assign"
ANSWER = "answer"
CORRECT = "correct"
VIEW = "view"

FILING_ROLES = (Role.COMMUNE_CHAIR,)


def may_file(user, assessment) -> bool:
    """The role half of filing; the state and the period are the service's (services.filing_state)."""
    return reach.reaches(user, assessment.unit, FILING_ROLES, assessment.cycle.year)


def _is_head(user, request: ReviewRequest) -> bool:
    return assessment_permissions.may_decide_for(user, request.assessment.body)


def _is_assignee(user, request: ReviewRequest) -> bool:
    assessment = request.assessment
    return (
        user.is_authenticated
        and request.assigned_to_id == user.pk
        and reach.reaches(user, assessment.unit, APPRAISAL_ROLES, assessment.cycle.year, from_above=True)
    )


def may(user, action: str, request: ReviewRequest) -> bool:
    """May `user` take `action` on `request` (role and scope; the services check the state)?"""
    if action == VIEW:
        return assessment_permissions.may(user, assessment_permissions.VIEW, request.assessment)
    if action in (ASSIGN, CORRECT):
        return _is_head(user, request)
    if action == ANSWER:
        return _is_head(user, request) or _is_assignee(user, request)
    return False


def visible(user):
    """The requests `user` may read: those on the assessments they may read."""
    return ReviewRequest.objects.select_related(
        "assessment__unit", "assessment__cycle", "assessment__body", "assigned_to", "filed_by"
    ).filter(assessment__in=assessment_permissions.visible(user).values("pk"))


def appraisers_for(assessment):
    """Who a request on `assessment` may be assigned to: the people holding an appraiser's grant
    strictly above the unit for the cycle's year."""
    year = assessment.cycle.year
    grants = RoleGrant.objects.filter(
        Q(year__isnull=True) | Q(year=year),
        role=Role.APPRAISER,
        unit_id__in=reach.chain(assessment.unit)[1:],
    )
    return User.objects.filter(is_active=True, pk__in=grants.values("user_id")).order_by("username")
