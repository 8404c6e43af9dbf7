"""What the commune and appraisal pages share: the detail context and the row responses."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from .. import permissions, selectors, services
from ..confirmation import confirmation
from ..forms import decimal_from_form, parse_score_post
from ..models import IndicatorScore
from ..results import bonus_lines, layer_result
from ..services import ASSESSMENT_VALUES
from ..workflow import APPRAISED, SELF, Action, TransitionNotAllowed


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


ABILITIES = (
    permissions.EDIT_SELF,
    Action.SUBMIT,
    Action.RESUBMIT,
    permissions.APPRAISE,
    Action.START_APPRAISAL,
    Action.RETURN,
    Action.APPROVE,
)


def abilities(user, assessment) -> dict:
    """`can.<action>` for the templates, from the one policy."""
    offered = permissions.offered_actions(user, assessment)
    return {str(action): action in offered for action in ABILITIES}


def results_for(assessment, scores, show_appraisal, known=None):
    """Both layers' results; `known` is a layer's result already computed from the same rows."""
    known = known or {}
    self_result = known.get(SELF) or layer_result(assessment, scores, SELF)
    appraised_result = (
        (known.get(APPRAISED) or layer_result(assessment, scores, APPRAISED)) if show_appraisal else None
    )
    return self_result, appraised_result


def detail_context(request, assessment, **extra) -> dict:
    blocks = selectors.rows_by_criterion(assessment)
    show_appraisal = permissions.may_see_appraisal(request.user, assessment)
    rows = [row for block in blocks for row in block.rows]
    self_result, appraised_result = results_for(assessment, rows, show_appraisal)
    can = abilities(request.user, assessment)
    return {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "standing": selectors.standing(assessment),
        "blocks": blocks,
        "self_result": self_result,
        "appraised_result": appraised_result,
        "show_appraisal": show_appraisal,
        "can": can,
        "missing": services.missing_for_submission(assessment) if can["submit"] or can["resubmit"] else [],
        "requests": selectors.latest_requests(assessment) if assessment.explanation_rounds else [],
        "gating_flags": [r for r in assessment.cycle.framework.gating_rules_for_scoring() if r.flag],
        "bonus_cap": assessment.cycle.framework.bonus_cap,
        "bonus_lines": bonus_lines(assessment),
        **extra,
    }


SCORE_VALUES = [f.attname for f in IndicatorScore._meta.concrete_fields if not f.is_relation]


def row_response(
    request, assessment, score, *, layer, error=None, attempted=None, conflict=False, full=False, saved=None
):
    """The row again (htmx) with the live totals swapped out of band; or back to the page.

    `saved`: what the service answered (services.SavedScore): the row as saved, its locked
    assessment, every row of it as saved and the saved layer's totals; the live totals come from
    those, not from reading them again. The answer shows the saved value and the totals, not the
    whole row, so `score` needs no evidence or requests.
    """
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect(reverse("assessments:detail", args=[assessment.pk]) + f"#row-{score.pk}")
    if saved is None:
        # Fresh totals, status and version; the unit, cycle and body cannot have changed, and
        # keeping them cached saves five queries.
        assessment.refresh_from_db(fields=ASSESSMENT_VALUES)
        score = selectors.score_row(assessment, score.pk)
        scores, known = selectors.scores_for_totals(assessment), None
    else:
        assessment = saved.assessment
        for name in SCORE_VALUES:
            setattr(score, name, getattr(saved.row, name))
        scores, known = saved.rows, {saved.layer: saved.totals}
    show_appraisal = permissions.may_see_appraisal(request.user, assessment)
    self_result, appraised_result = results_for(assessment, scores, show_appraisal, known)
    context = {
        "assessment": assessment,
        "row": score,
        "layer": layer,
        "can": abilities(request.user, assessment),
        "show_appraisal": show_appraisal,
        "error": error,
        "attempted": attempted,
        "conflict": conflict,
        "self_result": self_result,
        "appraised_result": appraised_result,
        "oob": True,
    }
    template = (
        "assessments/partials/row_full_response.html" if full else "assessments/partials/row_response.html"
    )
    return render(request, template, context)


def act(request, assessment, do, success: str):
    """Run one workflow action from a button; show its refusal clearly and change nothing."""
    try:
        do()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except (TransitionNotAllowed, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("assessments:detail", assessment.pk)


def workflow_action(service, success):
    """A POST-only view taking one workflow action on an assessment: `service(assessment, actor=…)`."""

    @require_POST
    def view(request, pk):
        assessment = selectors.assessment_for(request.user, pk)
        return act(request, assessment, lambda: service(assessment, actor=request.user), str(success))

    view.__name__ = service.__name__
    return view


NOT_OFFERED = gettext_lazy(
    "Không thể thực hiện thao tác này với hồ sơ ở trạng thái hiện tại, hoặc bạn không có quyền."
)


def confirmed_action(service, action, success):
    """A confirm step, then the action: GET shows what the action will record
    (confirmation.confirmation); the POST that counts carries `confirmed=1` and the score the
    person saw, and the service refuses it if the result has moved since. A POST without the
    confirmation changes nothing and leads to the confirm step."""

    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        assessment = selectors.assessment_for(request.user, pk)
        here = reverse(request.resolver_match.view_name, args=[pk])
        if action not in permissions.offered_actions(request.user, assessment):
            messages.error(request, NOT_OFFERED)
            return redirect("assessments:detail", assessment.pk)
        if request.method == "POST":
            expected = _confirmed_score(request.POST)
            if expected is None:
                messages.info(request, _("Hãy xem bảng tóm tắt dưới đây rồi bấm xác nhận."))
                return redirect(here)
            try:
                service(assessment, actor=request.user, expected_score=expected)
            except services.ResultChanged as exc:
                messages.warning(request, str(exc))
                return redirect(here)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            except (TransitionNotAllowed, PermissionDenied) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, str(success))
            return redirect("assessments:detail", assessment.pk)
        summary = confirmation(assessment, action)
        return render(
            request,
            "assessments/confirm.html",
            {"assessment": assessment, "cycle": assessment.cycle, "summary": summary, "action_url": here},
        )

    view.__name__ = service.__name__
    return view


def _confirmed_score(data) -> Decimal | None:
    """The score the person confirmed, or None when the POST carries no confirmation."""
    if data.get("confirmed") != "1":
        return None
    try:
        return decimal_from_form(data.get("expected_score", ""))
    except ValidationError:
        return None


SAVERS = {"self": services.save_self_score, "appraised": services.save_appraised_score}


def save_layer(request, pk, score_pk, layer):
    """One autosave (htmx: the field named by HX-Trigger-Name) or the row's form, for one layer."""
    score = selectors.score_to_save_for(request.user, pk, score_pk)
    assessment = score.assessment
    only = request.headers.get("HX-Trigger-Name") if is_htmx(request) else None
    attempted = dict(request.POST.items())
    try:
        values, version = parse_score_post(request.POST, layer, only=only)
        saved = SAVERS[layer](score, expected_version=version, actor=request.user, **values)
    except services.StaleVersion as exc:
        error, conflict = str(exc), True
    except ValidationError as exc:
        error, conflict = " ".join(exc.messages), False
    else:
        return row_response(request, assessment, score, layer=layer, saved=saved)
    return row_response(
        request, assessment, score, layer=layer, error=error, attempted=attempted, conflict=conflict
    )
