"""Survey results shown on other areas' pages (the appraisal row, the dashboard, the commune page)
through the feedback policy and selectors, so those areas only include one tag."""

from django import template

from friendlygov.frameworks import scoring

from .. import permissions, selectors

register = template.Library()


def _unit_survey(request, assessment):
    cache = getattr(request, "_feedback_unit_survey", None)
    if cache is None:
        cache = request._feedback_unit_survey = {}
    if assessment.pk not in cache:
        cache[assessment.pk] = selectors.unit_survey(assessment)
    return cache[assessment.pk]


@register.inclusion_tag("feedback/partials/beside_claim.html", takes_context=True)
def survey_beside(context, row):
    """Beside a survey-method indicator: what the responses earn, next to the commune's claim."""
    request = context["request"]
    if row.indicator.method != scoring.SURVEY or not permissions.may_see_results(
        request.user, row.assessment
    ):
        return {"line": None}
    survey = _unit_survey(request, row.assessment)
    line = next((p for p in survey.points if p.indicator.pk == row.indicator_id), None)
    return {"line": line, "assessment": row.assessment}


@register.inclusion_tag("feedback/partials/dashboard_panel.html", takes_context=True)
def survey_dashboard_panel(context, cycle, survey=None):
    """`survey`: the cycle's `selectors.overview_panel` in the reader's `permissions.results_scope`
    when the page has it already (the dashboard keeps a decided cycle's)."""
    request = context["request"]
    if survey is None:
        scope = permissions.results_scope(request.user, cycle)
        survey = selectors.overview_panel(selectors.cycle_overview(cycle, scope))
    embargoed = not survey.units and not permissions.embargo_lifted(cycle)
    return {"cycle": cycle, "survey": survey, "embargoed": embargoed, "weakest": survey.weakest}


@register.inclusion_tag("feedback/partials/commune_panel.html", takes_context=True)
def survey_commune_panel(context, assessment):
    request = context["request"]
    allowed = permissions.may_see_results(request.user, assessment)
    return {
        "assessment": assessment,
        "allowed": allowed,
        "survey": _unit_survey(request, assessment) if allowed else None,
    }
