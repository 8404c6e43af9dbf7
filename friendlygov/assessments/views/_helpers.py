"""What the commune and appraisal pages share: the detail context and the row responses."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from .. import permissions, selectors, services
from ..completeness import EVIDENCE, Incomplete, missing_for_approval, missing_for_submission
from ..confirmation import confirmation
from ..forms import decimal_from_form, parse_score_post
from ..models import IndicatorScore
from ..results import bonus_lines, layer_result
from ..services import ASSESSMENT_VALUES
from ..workflow import APPRAISED, SELF, STAGE_OF, Action, Stage, TransitionNotAllowed


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
    can = {str(action): action in offered for action in ABILITIES}
    can[permissions.TAKE_OVER] = permissions.may(user, permissions.TAKE_OVER, assessment)
    return can


def results_for(assessment, scores, show_appraisal, known=None):
    """Both layers' results; `known` is a layer's result already computed from the same rows."""
    known = known or {}
    self_result = known.get(SELF) or layer_result(assessment, scores, SELF)
    appraised_result = (
        (known.get(APPRAISED) or layer_result(assessment, scores, APPRAISED)) if show_appraisal else None
    )
    return self_result, appraised_result


@dataclass(frozen=True)
class Completion:
    """The layer a person fills or submits, its result, and what blocks its next step (submitting
    for the commune, approving for the appraiser), item by item with its row."""

    layer: str
    result: object  # results.LayerResult
    missing: list

    @property
    def missing_evidence(self) -> int:
        return sum(1 for item in self.missing if item.kind == EVIDENCE)

    @property
    def missing_by_criterion(self) -> Counter:
        return Counter(item.criterion_id for item in self.missing)

    @property
    def missing_rows(self) -> set:
        return {item.score_id for item in self.missing}


def completion_for(assessment, can, rows, self_result, appraised_result) -> Completion | None:
    """None for someone who neither fills nor submits nor appraises (a viewer, an outsider)."""
    if can["edit_self"] or can["submit"] or can["resubmit"]:
        return Completion(SELF, self_result, missing_for_submission(assessment, rows))
    if can["appraise"] and appraised_result is not None:
        return Completion(APPRAISED, appraised_result, missing_for_approval(assessment, rows))
    return None


def detail_context(request, assessment, **extra) -> dict:
    blocks = selectors.rows_by_criterion(assessment)
    show_appraisal = permissions.may_see_appraisal(request.user, assessment)
    rows = [row for block in blocks for row in block.rows]
    self_result, appraised_result = results_for(assessment, rows, show_appraisal)
    can = abilities(request.user, assessment)
    completion = completion_for(assessment, can, rows, self_result, appraised_result)
    counts = completion.missing_by_criterion if completion else Counter()
    criteria_nav = [(block.criterion, counts[block.criterion.pk]) for block in blocks]
    only_missing = completion is not None and request.GET.get("only") == "missing"
    if only_missing:
        blocks = [
            selectors.CriterionBlock(b.criterion, [r for r in b.rows if r.pk in completion.missing_rows])
            for b in blocks
        ]
        blocks = [b for b in blocks if b.rows]
    # "Tiếp theo" for whoever has an appraisal queue: also once this commune left it (approved).
    appraiser_view = show_appraisal and permissions.may(request.user, permissions.APPRAISE_QUEUE, assessment)
    return {
        "assessment": assessment,
        "cycle": assessment.cycle,
        "standing": selectors.standing(assessment),
        "can_extend": permissions.may_extend(request.user, assessment),
        "extension_stages": Stage.choices,
        "current_stage": STAGE_OF.get(assessment.status),
        "review": selectors.review_progress(rows) if show_appraisal else None,
        "drafts": selectors.drafts_of(rows) if can["return"] else [],
        "next_item": selectors.next_in_queue(request.user, assessment) if appraiser_view else None,
        "blocks": blocks,
        "self_result": self_result,
        "appraised_result": appraised_result,
        "show_appraisal": show_appraisal,
        "can": can,
        "completion": completion,
        "criteria_nav": criteria_nav,
        "only_missing": only_missing,
        "requests": selectors.latest_requests(assessment) if assessment.explanation_rounds else [],
        "gating_flags": [r for r in assessment.cycle.framework.gating_rules_for_scoring() if r.flag],
        "bonus_cap": assessment.cycle.framework.bonus_cap,
        "bonus_lines": bonus_lines(assessment),
        **extra,
    }


SCORE_VALUES = [f.attname for f in IndicatorScore._meta.concrete_fields if not f.is_relation]


def row_response(
    request,
    assessment,
    score,
    *,
    layer,
    error=None,
    attempted=None,
    conflict=False,
    full=False,
    saved=None,
    upload_error=None,
):
    """The row again (htmx) with the live totals swapped out of band; or back to the page.

    `saved`: what the service answered (services.SavedScore): the row as saved, its locked
    assessment, every row of it as saved and the saved layer's totals; the live totals come from
    those, not from reading them again. The answer shows the saved value and the totals, not the
    whole row, so `score` needs no evidence or requests.
    """
    if not is_htmx(request):
        if error or upload_error:
            messages.error(request, error or upload_error)
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
        "upload_error": upload_error,
        "attempted": attempted,
        "conflict": conflict,
        "self_result": self_result,
        "appraised_result": appraised_result,
        "oob": True,
    }
    template = (
        "assessments/partials/row_full_response.html" if full else "assessments/partials/row_response.html"
    )
    response = render(request, template, context)
    response["HX-Trigger"] = "scores-changed"  # the summary and "còn thiếu" list refresh themselves
    return response


def rows_response(request, assessment, score_ids, *, error=None):
    """After a review action on some rows: the rows again (htmx, swapped in place) with the live
    totals; or back to the page at the first row."""
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        anchor = f"#row-{score_ids[0]}" if score_ids else ""
        return redirect(reverse("assessments:detail", args=[assessment.pk]) + anchor)
    assessment.refresh_from_db(fields=ASSESSMENT_VALUES)
    rows = [selectors.score_row(assessment, pk) for pk in score_ids]
    scores = selectors.scores_for_totals(assessment)
    can = abilities(request.user, assessment)
    show_appraisal = permissions.may_see_appraisal(request.user, assessment)
    self_result, appraised_result = results_for(assessment, scores, show_appraisal)
    response = render(
        request,
        "assessments/partials/rows_response.html",
        {
            "assessment": assessment,
            "cycle": assessment.cycle,
            "rows": rows,
            "can": can,
            "drafts": selectors.drafts_of(assessment.explanation_requests.filter(draft=True))
            if can["return"]
            else [],
            "show_appraisal": show_appraisal,
            "error": error,
            "self_result": self_result,
            "appraised_result": appraised_result,
            "oob": True,
        },
    )
    response["HX-Trigger"] = "scores-changed"
    return response


def act(request, assessment, do, success: str):
    """Run one workflow action from a button; show its refusal clearly and change nothing."""
    try:
        do()
    except Incomplete as exc:
        return _refused_as_incomplete(request, assessment, exc)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except (TransitionNotAllowed, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("assessments:detail", assessment.pk)


def _refused_as_incomplete(request, assessment, exc: Incomplete):
    """One summary, not a banner per item: the page lists each item with a link to its row."""
    n = len(exc.missing)
    messages.error(
        request,
        ngettext(
            "Chưa thể thực hiện: còn %(n)s mục thiếu, liệt kê trong “Còn thiếu” bên dưới.",
            "Chưa thể thực hiện: còn %(n)s mục thiếu, liệt kê trong “Còn thiếu” bên dưới.",
            n,
        )
        % {"n": n},
    )
    return redirect(reverse("assessments:detail", args=[assessment.pk]) + "#missing")


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
            except Incomplete as exc:
                return _refused_as_incomplete(request, assessment, exc)
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            except (TransitionNotAllowed, PermissionDenied) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, str(success))
            return redirect("assessments:detail", assessment.pk)
        summary = confirmation(assessment, action)
        template = (
            "assessments/partials/confirm_body.html" if is_htmx(request) else "assessments/confirm.html"
        )
        return render(
            request,
            template,
            {
                "assessment": assessment,
                "cycle": assessment.cycle,
                "summary": summary,
                "action_url": here,
                "inline": is_htmx(request),
            },
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
