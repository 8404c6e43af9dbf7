"""Recognition decisions: heads of an appraising body draft them from appraised units, issue them,
and revoke them by a new decision; everyone who may see a decision downloads it (.docx, .pdf).

Drafts are seen only by heads of their body. 404 for what the user may not see, 403 for what
they may see but not do. Errors from the services are shown on the page and change nothing.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from friendlygov.core import decree30
from friendlygov.core.office import PdfUnavailable, file_response
from friendlygov.core.paging import PAGE_SIZE, page_of

from .. import decision_lists, decision_text, documents, permissions, register, services
from ..decision_forms import DecisionForm, IssueForm
from ..models import AppraisingBody, Decision, DecisionItem, IssuedDecisionImmutable
from ..workflow import Status, TransitionNotAllowed

SERVICE_ERRORS = (ValidationError, PermissionDenied, TransitionNotAllowed, IssuedDecisionImmutable)


def _initial(body, *, revokes=None):
    """What a new draft starts from, all editable: the law in force today, the body's usual
    signing mode and recipients. The signer is left for the head to name (the person who drafts
    is seldom the one who signs)."""
    today = timezone.localdate()
    return {
        "signed_on": today,
        "signing_mode": body.signing_mode,
        "legal_bases": decision_text.default_legal_bases(body, today, revokes=revokes),
        "recipients": decision_text.default_recipients(body, today),
    }


def _drafted(decision) -> str:
    if decision.number:
        return _("Đã lập dự thảo quyết định số %(number)s.") % {"number": decision.number}
    return _("Đã lập dự thảo quyết định; số quyết định được cấp khi ban hành.")


def _refusal_status(exc) -> int:
    """The status of a refused request, as the API answers it (api/errors.py): 409 for a request
    the decision's or the unit's state refuses, 403 for one the policy refuses, else 422."""
    if isinstance(exc, (IssuedDecisionImmutable, TransitionNotAllowed)):
        return 409
    if isinstance(exc, PermissionDenied):
        return 403
    return 422


def _error_messages(exc) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    if isinstance(exc, IssuedDecisionImmutable):
        return [_("Quyết định này đã được ban hành và không thể thay đổi.")]
    return [str(exc) or _("Bạn không có quyền thực hiện thao tác này.")]


# --- Who sees what ------------------------------------------------------------------------------


def _decisions(user):
    return permissions.decisions_visible_to(user).select_related("cycle", "body__unit__parent", "supersedes")


def _visible_decision(user, pk) -> Decision:
    # The body's cycle is read by the policy (may_decide_for), the framework by the page's banner.
    return get_object_or_404(_decisions(user).select_related("body__cycle", "cycle__framework"), pk=pk)


def _body_for(user, body_id) -> AppraisingBody:
    """The body, if the user may see its area (else 404); 403 unless the user heads it."""
    body = get_object_or_404(AppraisingBody.objects.select_related("cycle", "unit__parent"), pk=body_id)
    if permissions.may_decide_for(user, body):
        return body
    if permissions.visible(user).filter(body=body).exists():
        raise PermissionDenied(_("Chỉ thủ trưởng cơ quan thẩm định được lập và ban hành quyết định."))
    raise Http404


def _number(value) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 10 else None


def _chosen(request) -> dict:
    """The list's filters as asked; a value that is not one of them is ignored, not an error."""
    state = request.GET.get("state", "")
    return {
        "year": _number(request.GET.get("year")),
        "state": state if state in Decision.State.values else "",
        "body": _number(request.GET.get("body")),
        "q": request.GET.get("q", "").strip()[:100],
    }


# --- Pages --------------------------------------------------------------------------------------

DECISIONS_PER_PAGE = PAGE_SIZE


def decision_list(request):
    """The decisions the user may see, 50 a page with how many match; filtered and paged in SQL."""
    visible = permissions.decisions_visible_to(request.user)
    chosen = _chosen(request)
    matching = decision_lists.filtered(visible, **chosen).order_by("-signed_on", "-pk")
    page = page_of(request, matching.values_list("pk", flat=True), per_page=DECISIONS_PER_PAGE)
    rows = _decisions(request.user).annotate(unit_count=decision_lists.unit_count())
    page.object_list = decision_lists.rows_in_order(page.object_list, rows)
    cycles = decision_lists.cycles_with(visible)
    context = {
        "page": page,
        "chosen": chosen,
        "years": [cycle.year for cycle in cycles],
        "states": Decision.State.choices,
        "cycles": cycles,
        "bodies": decision_lists.bodies_ready(request.user),
    }
    return render(request, "assessments/decisions/list.html", context)


@require_http_methods(["GET", "POST"])
def decision_new(request, body_id):
    body = _body_for(request.user, body_id)
    candidates = _candidates(body)
    errors, status = [], 200
    if request.method == "POST":
        form = DecisionForm(request.POST, body=body)
        chosen_ids = {int(v) for v in request.POST.getlist("assessments") if v.isdigit()}
        chosen = [a for a in candidates if a.pk in chosen_ids]
        status = 422
        if form.is_valid():
            try:
                decision = services.draft_decision(
                    body, assessments=chosen, actor=request.user, **form.cleaned_data
                )
            except SERVICE_ERRORS as exc:
                errors, status = _error_messages(exc), _refusal_status(exc)
            else:
                messages.success(request, _drafted(decision))
                return redirect("assessments:decision_detail", decision.pk)
    else:
        form = DecisionForm(initial=_initial(body), body=body)
        # Units already in another draft start unticked (one unit, one pending decision), and so
        # do units that did not qualify: a decision settles them only when the head picks them.
        chosen_ids = {a.pk for a in candidates if not a.draft_items and a.final_level}
    context = {"body": body, "form": form, "chosen": chosen_ids, "errors": errors, **_split(candidates)}
    return render(request, "assessments/decisions/new.html", context, status=status)


def _split(candidates) -> dict:
    """Units that qualify (listed in a recognition) apart from those that do not (settled as not
    recognised, never listed or ticked in advance)."""
    return {
        "candidates": candidates,
        "qualified": [a for a in candidates if a.final_level],
        "unqualified": [a for a in candidates if not a.final_level],
    }


def _candidates(body, *, also=(), besides=None) -> list:
    """The units a recognition of `body` may name (appraised), with the drafts each is already in
    (other than `besides`), and the units `also` (those of the draft being edited)."""
    in_drafts = DecisionItem.objects.filter(decision__state=Decision.State.DRAFT).select_related("decision")
    if besides is not None:
        in_drafts = in_drafts.exclude(decision=besides)
    return list(
        body.assessments.filter(Q(status=Status.APPRAISED) | Q(pk__in=also))
        .select_related("unit")
        .prefetch_related(Prefetch("decision_items", queryset=in_drafts, to_attr="draft_items"))
        .order_by("-final_level", "-final_score", "unit__search_name")
    )


def decision_detail(request, pk):
    decision = _visible_decision(request.user, pk)
    covered = documents.decision_items(decision)
    items, settled_apart = documents.listed_and_apart(decision, covered)
    later = list(_decisions(request.user).filter(supersedes=decision).order_by("created_at"))
    frame = decision.printed_frame()
    context = {
        "decision": decision,
        "items": items,
        "superseded_by": later,
        "revoked": any(d.is_issued and d.kind == Decision.Kind.REVOCATION for d in later),
        "may_decide": permissions.may_decide_for(request.user, decision.body),
        "may_issue": permissions.may_issue_for(request.user, decision.body),
        "legal_bases": documents.legal_basis_lines(decision.legal_bases),
        "frame": frame,
        "signature": decree30.signature_lines(frame, decision.signing_mode, decision.signer_title),
        "recipients": decree30.recipient_lines(decision.recipients.splitlines()),
        "recognised": sum(1 for item in items if item.level),
        "covered": len(covered),
        "settled_apart": settled_apart,
    }
    return render(request, "assessments/decisions/detail.html", context)


@require_http_methods(["GET", "POST"])
def decision_issue(request, pk):
    """A confirm step (GET) where the number the register proposes and the signing date can be
    changed, then the issue itself (POST)."""
    decision = _visible_decision(request.user, pk)
    if not permissions.may_issue_for(request.user, decision.body):
        raise PermissionDenied
    errors, status = [], 200
    if request.method == "POST":
        form = IssueForm(request.POST, body=decision.body)
        status = 422
        if form.is_valid():
            try:
                issued = services.issue_decision(decision, actor=request.user, **form.given())
            except SERVICE_ERRORS as exc:
                errors, status = _error_messages(exc), _refusal_status(exc)
            else:
                messages.success(
                    request, _("Đã ban hành quyết định số %(number)s.") % {"number": issued.number}
                )
                return redirect("assessments:decision_detail", decision.pk)
    else:
        initial = {
            "number": decision.number or (not decision.is_issued and register.next_number(decision)) or "",
            "signed_on": decision.signed_on,
            "date_reason": decision.date_reason,
        }
        form = IssueForm(initial=initial, body=decision.body)
    if decision.is_issued and not errors:
        errors, status = _error_messages(IssuedDecisionImmutable(decision.number)), 409
    context = {
        "decision": decision,
        "items": documents.decision_items(decision),
        "errors": errors,
        "form": form,
    }
    return render(request, "assessments/decisions/issue.html", context, status=status)


@require_http_methods(["GET", "POST"])
def decision_edit(request, pk):
    """Change a draft: its text, date, proposed number and, for a recognition that supersedes
    nothing, its units."""
    decision = _visible_decision(request.user, pk)
    body = decision.body
    if not permissions.may_decide_for(request.user, body):
        raise PermissionDenied
    own = set(decision.items.values_list("assessment_id", flat=True))
    picks_units = decision.kind == Decision.Kind.RECOGNITION and decision.supersedes_id is None
    candidates = _candidates(body, also=own, besides=decision) if picks_units else []
    errors, status, chosen_ids = [], 200, own
    if decision.is_issued:
        errors, status = _error_messages(IssuedDecisionImmutable(decision.number)), 409
    if request.method == "POST" and not decision.is_issued:
        form = DecisionForm(request.POST, body=body)
        status = 422
        units = None
        if picks_units:
            chosen_ids = {int(v) for v in request.POST.getlist("assessments") if v.isdigit()}
            units = [a for a in candidates if a.pk in chosen_ids]
        if form.is_valid():
            try:
                services.update_draft(decision, actor=request.user, assessments=units, **form.cleaned_data)
            except SERVICE_ERRORS as exc:
                errors, status = _error_messages(exc), _refusal_status(exc)
            else:
                messages.success(request, _("Đã lưu dự thảo."))
                return redirect("assessments:decision_detail", decision.pk)
    else:
        form = DecisionForm(initial={f: getattr(decision, f) for f in services.DRAFT_FIELDS}, body=body)
    context = {
        "body": body,
        "decision": decision,
        "form": form,
        "chosen": chosen_ids,
        "errors": errors,
        "items": [] if picks_units else documents.decision_items(decision),
        **_split(candidates),
    }
    return render(request, "assessments/decisions/new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def decision_revoke(request, pk):
    """Draft a decision that revokes an issued one, for the same units."""
    old = _visible_decision(request.user, pk)
    if not permissions.may_decide_for(request.user, old.body):
        raise PermissionDenied
    errors, status = [], 200
    units = _still_decided_by(old)
    if not old.is_issued:
        errors, status = [_("Chỉ thu hồi được quyết định đã ban hành.")], 409
    elif not units:
        errors, status = [_("Quyết định này không còn quyết định đơn vị nào; không có gì để thu hồi.")], 409
    if request.method == "POST" and not errors:
        form = DecisionForm(request.POST, body=old.body)
        status = 422
        if form.is_valid():
            try:
                decision = services.draft_decision(
                    old.body,
                    assessments=units,
                    supersedes=old,
                    kind=Decision.Kind.REVOCATION,
                    actor=request.user,
                    **form.cleaned_data,
                )
            except SERVICE_ERRORS as exc:
                errors, status = _error_messages(exc), _refusal_status(exc)
            else:
                messages.success(
                    request,
                    _("Đã lập dự thảo quyết định số %(number)s thu hồi quyết định số %(old)s.")
                    % {"number": decision.number, "old": old.number},
                )
                return redirect("assessments:decision_detail", decision.pk)
    else:
        form = DecisionForm(initial=_initial(old.body, revokes=old), body=old.body)
    shown = {a.pk for a in units}
    items = [item for item in documents.decision_items(old) if item.assessment_id in shown]
    context = {"old": old, "form": form, "errors": errors, "items": items}
    return render(request, "assessments/decisions/revoke.html", context, status=status)


def _still_decided_by(decision) -> list:
    """The units of `decision` that it still decides (a later decision may have replaced it for
    some): the only ones a revocation of it may name."""
    items = list(decision.items.select_related("assessment__unit"))
    live = register.in_force_items([item.assessment_id for item in items])
    return [
        item.assessment
        for item in items
        if any(other.decision_id == decision.pk for other in live.get(item.assessment_id, []))
    ]


# --- Downloads ----------------------------------------------------------------------------------


def decision_docx(request, pk):
    decision = _visible_decision(request.user, pk)
    return file_response(documents.decision_docx(decision), documents.decision_filename(decision, "docx"))


def decision_report_docx(request, pk):
    """The appraisal report that accompanies a recognition: every covered unit, with the reasons
    of those not recognised."""
    decision = _visible_decision(request.user, pk)
    if decision.kind != Decision.Kind.RECOGNITION:
        raise Http404
    return file_response(documents.appraisal_report_docx(decision), documents.report_filename(decision))


def decision_pdf(request, pk):
    decision = _visible_decision(request.user, pk)
    try:
        pdf = documents.decision_pdf(decision)
    except PdfUnavailable as exc:
        context = {"decision": decision, "reason": str(exc)}
        return render(request, "assessments/decisions/pdf_unavailable.html", context, status=503)
    return file_response(pdf, documents.decision_filename(decision, "pdf"))


urlpatterns = [
    path("decisions/", decision_list, name="decision_list"),
    path("decisions/new/<int:body_id>/", decision_new, name="decision_new"),
    path("decisions/<int:pk>/", decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/issue/", decision_issue, name="decision_issue"),
    path("decisions/<int:pk>/edit/", decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/revoke/", decision_revoke, name="decision_revoke"),
    path("decisions/<int:pk>/docx/", decision_docx, name="decision_docx"),
    path("decisions/<int:pk>/pdf/", decision_pdf, name="decision_pdf"),
    path("decisions/<int:pk>/report/docx/", decision_report_docx, name="decision_report_docx"),
]
