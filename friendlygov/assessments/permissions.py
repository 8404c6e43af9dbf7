"""The permission policy of the assessment area: the only place that knows who may do what.

`may(user, action, assessment)` answers one question; `visible(user)` and `which(user, action)`
answer "which assessments" as a queryset. A grant on a unit covers the unit and its subtree for
the grant's year (or every year); nobody appraises or decides on their own unit.
"""

from django.db.models import Q

from friendlygov.accounts.models import Role
from friendlygov.units.models import UnitVersion

from .models import Assessment, Decision
from .workflow import APPRAISAL_EDITABLE, DECIDED, SELF_EDITABLE, Action, Status

EDIT_SELF = "edit_self"
APPRAISE = "appraise"
DECIDE = "decide"
VIEW = "view"
VIEW_APPRAISAL = "view_appraisal"

COMMUNE_ROLES = (Role.COMMUNE_OFFICER, Role.COMMUNE_CHAIR)
APPRAISAL_ROLES = (Role.APPRAISER, Role.APPRAISAL_HEAD)

# Which roles may take each action, and in which states (the states are checked again by the
# workflow table; here they decide what a page offers).
ACTION_ROLES = {
    VIEW: tuple(Role.values),
    # The appraiser's working numbers, before the appraisal is approved.
    VIEW_APPRAISAL: (Role.APPRAISER, Role.APPRAISAL_HEAD, Role.PROVINCE_ADMIN, Role.VIEWER),
    EDIT_SELF: COMMUNE_ROLES,
    Action.SUBMIT: (Role.COMMUNE_CHAIR,),
    Action.RESUBMIT: COMMUNE_ROLES,
    APPRAISE: APPRAISAL_ROLES,
    Action.START_APPRAISAL: APPRAISAL_ROLES,
    Action.RETURN: APPRAISAL_ROLES,
    Action.APPROVE: APPRAISAL_ROLES,
    DECIDE: (Role.APPRAISAL_HEAD,),
}
ACTION_STATES = {
    EDIT_SELF: SELF_EDITABLE,
    APPRAISE: APPRAISAL_EDITABLE,
}
# Actions that must come from above the unit, never from the unit itself.
FROM_ABOVE = {VIEW_APPRAISAL, APPRAISE, Action.START_APPRAISAL, Action.RETURN, Action.APPROVE, DECIDE}


def _grants(user, roles):
    if not user.is_authenticated:
        return []
    cache = getattr(user, "_grant_cache", None)
    if cache is None:
        cache = list(user.grants.all())
        user._grant_cache = cache
    return [grant for grant in cache if grant.role in roles]


def _unit_chain(unit) -> list[str]:
    chain = []
    while unit is not None:
        chain.append(unit.pk)
        unit = unit.parent
    return chain


def _covers(grant, assessment, *, from_above: bool) -> bool:
    if not grant.applies_to_year(assessment.cycle.year):
        return False
    chain = _unit_chain(assessment.unit)
    if from_above:
        chain = chain[1:]
    return grant.unit_id in chain


def sees_everything(user) -> bool:
    """A superuser sees every assessment and its appraisal (and acts on none by that alone)."""
    return user.is_authenticated and user.is_superuser


def may(user, action: str, assessment: Assessment) -> bool:
    """May `user` take `action` on `assessment` now (role, scope and state)?"""
    if action in (VIEW, VIEW_APPRAISAL) and sees_everything(user):
        return True
    roles = ACTION_ROLES.get(action, ())
    from_above = action in FROM_ABOVE
    if not any(_covers(g, assessment, from_above=from_above) for g in _grants(user, roles)):
        return False
    states = ACTION_STATES.get(action)
    return states is None or assessment.status in states


def _scope_q(grants, *, from_above: bool) -> Q:
    # The units reached are a subquery on the small units table, not a join with ORs across it:
    # PostgreSQL then reads the assessments of those units by index instead of scanning them all.
    query = Q(pk__in=[])
    for grant in grants:
        units = Q(parent_id=grant.unit_id) | Q(parent__parent_id=grant.unit_id)
        if not from_above:
            units |= Q(pk=grant.unit_id)
        reach = Q(unit_id__in=UnitVersion.objects.filter(units).values("pk"))
        if grant.year is not None:
            reach &= Q(cycle__year=grant.year)
        query |= reach
    return query


def which(user, action: str = VIEW):
    """The assessments on which `user` may take `action`, state aside."""
    base = Assessment.objects.select_related("cycle", "unit", "unit__parent", "body")
    if not user.is_authenticated:
        return base.none()
    if action == VIEW and sees_everything(user):
        return base
    grants = _grants(user, ACTION_ROLES.get(action, ()))
    return base.filter(_scope_q(grants, from_above=action in FROM_ABOVE))


def visible(user):
    return which(user, VIEW)


def may_see_appraisal(user, assessment: Assessment) -> bool:
    """The appraiser's numbers: to the appraisal side at any time, to everyone once approved."""
    return assessment.status in (Status.APPRAISED, *DECIDED) or may(user, VIEW_APPRAISAL, assessment)


def may_decide_for(user, body) -> bool:
    """Heads of the appraising body (a grant on the body's unit or above) draft and issue decisions."""
    for grant in _grants(user, (Role.APPRAISAL_HEAD,)):
        if grant.applies_to_year(body.cycle.year) and grant.unit_id in _unit_chain(body.unit):
            return True
    return False


def decisions_visible_to(user):
    """Issued decisions are public; a draft is seen only by the heads who may issue it."""
    base = Decision.objects.select_related("cycle", "body")
    issued = Q(state=Decision.State.ISSUED)
    if not user.is_authenticated:
        return base.filter(issued)
    if user.is_superuser:
        return base
    drafts = Q(pk__in=[])
    for grant in _grants(user, (Role.APPRAISAL_HEAD,)):
        reach = Q(body__unit_id=grant.unit_id) | Q(body__unit__parent_id=grant.unit_id)
        if grant.year is not None:
            reach &= Q(cycle__year=grant.year)
        drafts |= reach
    return base.filter(issued | (Q(state=Decision.State.DRAFT) & drafts))


def is_public(assessment: Assessment) -> bool:
    """Results are public only once a decision on them is issued."""
    return assessment.status in (Status.RECOGNISED, Status.NOT_RECOGNISED)
