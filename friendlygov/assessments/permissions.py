"""The permission policy of the assessment area: the only place that knows who may do what.

`may(user, action, assessment)` answers one question; `visible(user)` and `which(user, action)`
answer "which assessments" as a queryset. A grant on a unit covers the unit and its subtree for
the grant's year (or every year); nobody appraises or decides on their own unit. Seeing also
reaches back through lineage: the decided results of the units a visible unit was formed from
(reach.lineage_q).
"""

from django.db.models import Q

from friendlygov.accounts import reach
from friendlygov.accounts.models import Role
from friendlygov.accounts.reach import APPRAISAL_ROLES, COMMUNE_ROLES

from . import deadlines
from .models import AppraisingBody, Assessment, Decision
from .workflow import APPRAISAL_EDITABLE, APPRAISED, DECIDED, SELF_EDITABLE, Action, Status, allowed_actions

EDIT_SELF = "edit_self"
APPRAISE = "appraise"
DECIDE = "decide"
VIEW = "view"
VIEW_APPRAISAL = "view_appraisal"
EXTEND = "extend"  # grant a unit a later deadline (deadlines.py)
ASSIGN = "assign"  # give a commune to one appraiser of the body
APPRAISE_QUEUE = "appraise_queue"  # read the body's appraisal queue (any state)
TAKE_OVER = "take_over"  # the head makes a commune assigned to another appraiser their own

DECISION_ROLES = (Role.APPRAISAL_HEAD,)
# Decree 30: the clerk (văn thư) of the body numbers, dates and issues what its head signed.
ISSUE_ROLES = (Role.APPRAISAL_HEAD, Role.CLERK)

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
    Action.REOPEN_FOR_REVIEW: APPRAISAL_ROLES,
    DECIDE: DECISION_ROLES,
    EXTEND: (Role.APPRAISAL_HEAD, Role.PROVINCE_ADMIN),
    ASSIGN: (Role.APPRAISAL_HEAD,),
    TAKE_OVER: (Role.APPRAISAL_HEAD,),
    APPRAISE_QUEUE: APPRAISAL_ROLES,
}
ACTION_STATES = {
    EDIT_SELF: SELF_EDITABLE,
    APPRAISE: APPRAISAL_EDITABLE,
    ASSIGN: (*APPRAISAL_EDITABLE, Status.RETURNED),
    TAKE_OVER: (*APPRAISAL_EDITABLE, Status.RETURNED),
}
# Actions that must come from above the unit, never from the unit itself.
FROM_ABOVE = {
    VIEW_APPRAISAL,
    APPRAISE,
    Action.START_APPRAISAL,
    Action.RETURN,
    Action.APPROVE,
    Action.REOPEN_FOR_REVIEW,
    DECIDE,
    EXTEND,
    ASSIGN,
    TAKE_OVER,
    APPRAISE_QUEUE,
}
# Once a commune is assigned to an appraiser, only they take these; the others of the body read.
# The head is no exception: to appraise a commune given to someone else, the head first takes it
# over (one audited action, TAKE_OVER), so there is always one person whose work it is.
ASSIGNED_ONLY = {APPRAISE, Action.START_APPRAISAL, Action.RETURN, Action.APPROVE}


def _assigned_elsewhere(user, action, assessment) -> bool:
    return action in ASSIGNED_ONLY and assessment.appraiser_id not in (None, user.pk)


def _nothing_to_take_over(user, action, assessment) -> bool:
    """Taking over is for a commune given to someone else; one nobody has is appraised as it is."""
    return action == TAKE_OVER and assessment.appraiser_id in (None, user.pk)


def sees_everything(user) -> bool:
    """A superuser sees every assessment and its appraisal (and acts on none by that alone)."""
    return reach.sees_everything(user)


def may(user, action: str, assessment: Assessment) -> bool:
    """May `user` take `action` on `assessment` now (role, scope and state)?"""
    if action in (VIEW, VIEW_APPRAISAL) and sees_everything(user):
        return True
    roles = ACTION_ROLES.get(action, ())
    year = assessment.cycle.year
    if not reach.reaches(user, assessment.unit, roles, year, from_above=action in FROM_ABOVE):
        return action == VIEW and _reads_as_history(user, assessment)
    if _assigned_elsewhere(user, action, assessment) or _nothing_to_take_over(user, action, assessment):
        return False
    states = ACTION_STATES.get(action)
    return states is None or assessment.status in states


def _reads_as_history(user, assessment: Assessment) -> bool:
    """Whoever may see a unit reads the decided results of the units it was formed from."""
    return assessment.status in DECIDED and reach.reaches_through_lineage(
        user, assessment.unit, ACTION_ROLES[VIEW], assessment.cycle.year
    )


def which(user, action: str = VIEW):
    """The assessments on which `user` may take `action`, state aside."""
    base = Assessment.objects.select_related("cycle", "unit", "unit__parent", "body")
    if not user.is_authenticated:
        return base.none()
    if action == VIEW and sees_everything(user):
        return base
    roles = ACTION_ROLES.get(action, ())
    scope = reach.reach_q(user, roles, from_above=action in FROM_ABOVE)
    if action == VIEW:
        scope |= Q(status__in=DECIDED) & reach.lineage_q(user, roles)
    scoped = base.filter(scope)
    if action in ASSIGNED_ONLY:
        scoped = scoped.filter(Q(appraiser__isnull=True) | Q(appraiser=user))
    if action == TAKE_OVER:
        scoped = scoped.exclude(appraiser__isnull=True).exclude(appraiser=user)
    return scoped


def assignable_appraisers(assessment):
    """The people a commune may be given to: those whose appraiser grant reaches it from above,
    and the heads of the body (who then appraise it themselves)."""
    return reach.holders(assessment.unit, APPRAISAL_ROLES, assessment.cycle.year, from_above=True)


def queue_scope(user):
    """The assessments whose appraisal queue `user` reads: those their appraisal grants reach from
    above, whoever they are assigned to (the appraisers of a body read each other's work)."""
    return which(user, APPRAISE_QUEUE)


def visible(user):
    return which(user, VIEW)


def decided_results_q(user, *, unit_field: str = "unit", year_field: str = "year") -> Q:
    """Decided results kept outside the workflow (e.g. a past year's imported results, one row
    per unit and year) that `user` reads: of the units they see, and of the units those were
    formed from, by the same rule as `visible` (everything for a superuser)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if sees_everything(user):
        return Q()
    roles = ACTION_ROLES[VIEW]
    fields = {"unit_field": unit_field, "year_field": year_field}
    return reach.reach_q(user, roles, **fields) | reach.lineage_q(user, roles, **fields)


def available_actions(user, assessment: Assessment) -> list[str]:
    """What `user` may do on `assessment` now: the moves the workflow table allows from its state,
    then editing either side. The API lists these; pages offer them (see `offered_actions`)."""
    moves = [str(action) for action in allowed_actions(assessment.status) if may(user, action, assessment)]
    actions = moves + [edit for edit in (EDIT_SELF, APPRAISE) if may(user, edit, assessment)]
    if actions and deadlines.locked(assessment) is not None:
        return []  # every action open in these states belongs to the stage its deadline locks
    return actions


# The appraiser's first saved value starts the appraisal while the page stays open, so the page
# offers returning and approving as soon as the appraisal may start.
OFFERED_WITH_START = (Action.RETURN, Action.APPROVE)


def offered_actions(user, assessment: Assessment) -> set[str]:
    """The actions a page shows buttons for."""
    actions = set(available_actions(user, assessment))
    if Action.START_APPRAISAL in actions:
        actions |= {str(a) for a in OFFERED_WITH_START if may(user, a, assessment)}
    return actions


# The audit events that carry the appraiser's working numbers: shown under the same rule as the
# numbers themselves, wherever history is read.
# A bulk action's refusal of a unit gives its reason, which may quote those numbers.
APPRAISAL_EVENT_TYPES = (
    f"score.{APPRAISED}_saved",
    f"assessment.{APPRAISED}_flags_saved",
    f"assessment.{Action.START_APPRAISAL}_refused",
    f"assessment.{Action.APPROVE}_refused",
)


def may_see_appraisal(user, assessment: Assessment) -> bool:
    """The appraiser's numbers: to the appraisal side at any time, to everyone once approved."""
    return assessment.status in (Status.APPRAISED, *DECIDED) or may(user, VIEW_APPRAISAL, assessment)


def may_extend(user, assessment: Assessment) -> bool:
    """Heads of the appraising body (or the province administrator) grant a later deadline to an
    undecided unit."""
    return assessment.status not in DECIDED and may(user, EXTEND, assessment)


def may_move_assessments(user) -> bool:
    """Moving a cycle's open assessments to the successors of a merger or a division is the
    province administrator's."""
    return reach.is_province_admin(user)


def may_decide_for(user, body) -> bool:
    """Heads of the appraising body (a grant on the body's unit or above) draft and issue decisions."""
    return reach.reaches(user, body.unit, DECISION_ROLES, body.cycle.year)


def may_issue_for(user, body) -> bool:
    """Heads and clerks of the appraising body issue its decisions (number, date, the agency's
    signature); only heads draft and sign them."""
    return reach.reaches(user, body.unit, ISSUE_ROLES, body.cycle.year)


def decisions_visible_to(user):
    """Issued decisions are public; a draft is seen only by the heads and clerks who may issue it,
    by nobody else (a superuser included). Pages, the API and jobs all read decisions through this."""
    base = Decision.objects.select_related("cycle", "body")
    issued = Q(state=Decision.State.ISSUED)
    if not user.is_authenticated:
        return base.filter(issued)
    drafts = Q(state=Decision.State.DRAFT) & reach.reach_q(user, ISSUE_ROLES, unit_field="body__unit")
    return base.filter(issued | drafts)


def bodies_headed_by(user):
    """The appraising bodies whose decisions the user drafts and issues."""
    return AppraisingBody.objects.select_related("cycle", "unit").filter(
        reach.reach_q(user, DECISION_ROLES, year_field="cycle__year")
    )


def is_public(assessment: Assessment) -> bool:
    """Results are public only once a decision on them is issued."""
    return assessment.status in (Status.RECOGNISED, Status.NOT_RECOGNISED)
