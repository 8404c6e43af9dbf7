"""The permission policy of citizen feedback, on top of the assessment policy.

- Results (rates, points): whoever may see the assessment, except that the commune's own users
  see nothing before the cycle's self-assessment deadline has passed (the embargo); the appraisal
  side, province and viewers above the unit see them at any time.
- Comments: the appraisal side and province administrators above the unit, and the commune's own
  users once the embargo is over. Viewers (leaders) get the numbers, not the comments.
- Paper forms: the commune's own officers and chair. The sample frame N: the commune or its appraisers.
"""

from django.utils import timezone

from friendlygov.accounts import reach
from friendlygov.accounts.models import Role
from friendlygov.accounts.reach import APPRAISAL_ROLES, COMMUNE_ROLES
from friendlygov.assessments import permissions as assessment_policy

# Who reads the comments and sets the sample frame from above the unit: the appraisal side and
# the province's administrators.
OVERSIGHT_ROLES = (*APPRAISAL_ROLES, Role.PROVINCE_ADMIN)


def embargo_lifted(cycle, today=None) -> bool:
    """The commune may see its own results once the self-assessment deadline has passed."""
    return (today or timezone.localdate()) > cycle.self_assessment_closes


def _holds(user, roles, assessment, *, from_above: bool) -> bool:
    return reach.reaches(user, assessment.unit, roles, assessment.cycle.year, from_above=from_above)


def may_see_results(user, assessment, today=None) -> bool:
    if assessment_policy.may(user, assessment_policy.VIEW_APPRAISAL, assessment):
        return True
    return assessment_policy.may(user, assessment_policy.VIEW, assessment) and embargo_lifted(
        assessment.cycle, today
    )


def may_see_comments(user, assessment, today=None) -> bool:
    if reach.sees_everything(user):
        return True
    if _holds(user, OVERSIGHT_ROLES, assessment, from_above=True):
        return True
    return _holds(user, COMMUNE_ROLES, assessment, from_above=False) and embargo_lifted(
        assessment.cycle, today
    )


def survey_open(assessment) -> bool:
    """Paper forms and N can still change: once a decision settles the unit, the survey data it
    was decided on is frozen."""
    return not assessment.is_decided


def may_enter_paper(user, assessment) -> bool:
    return _holds(user, COMMUNE_ROLES, assessment, from_above=False)


def may_set_population(user, assessment) -> bool:
    if reach.sees_everything(user):
        return True
    return may_enter_paper(user, assessment) or _holds(user, OVERSIGHT_ROLES, assessment, from_above=True)


def may_print_poster(user, assessment) -> bool:
    return assessment_policy.may(user, assessment_policy.VIEW, assessment)


def results_scope(user, cycle, today=None):
    """The assessments of `cycle` whose survey results `user` may see (a queryset)."""
    visible = assessment_policy.visible(user).filter(cycle=cycle)
    if reach.sees_everything(user) or embargo_lifted(cycle, today):
        return visible
    return assessment_policy.which(user, assessment_policy.VIEW_APPRAISAL).filter(cycle=cycle)
