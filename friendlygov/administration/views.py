"""The administration area (/quan-tri/): the provincial administrator's pages over cycles, bodies,
deadlines, people and the audit trail. Each view checks the one policy (permissions.py), parses
its input, and calls one service or selector."""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from friendlygov.accounts import people
from friendlygov.accounts.models import RoleGrant, User
from friendlygov.assessments import cycles as cycle_services
from friendlygov.assessments.models import AppraisingBody, Cycle, DeadlineExtension
from friendlygov.audit.models import AuditEvent
from friendlygov.core.i18n import fold
from friendlygov.core.paging import PAGE_SIZE, page_of
from friendlygov.core.spreadsheets import ImportRefused, read_upload
from friendlygov.units import selectors as unit_selectors
from friendlygov.units.models import Level, UnitVersion

from . import forms
from .permissions import require_administrator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _refusals(request, exc) -> None:
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)


def home(request):
    require_administrator(request.user)
    latest = cycle_services.last_cycle()
    return render(request, "administration/home.html", {"latest": latest})


# --- Cycles ---------------------------------------------------------------------------------------


def cycle_list(request):
    require_administrator(request.user)
    cycles = Cycle.objects.select_related("framework").annotate(units=Count("assessments")).order_by("-year")
    return render(request, "administration/cycles.html", {"cycles": cycles})


def _cycle(year: int) -> Cycle:
    cycle = Cycle.objects.select_related("framework").filter(year=year).order_by("pk").first()
    if cycle is None:
        raise Http404(_("Không có đợt đánh giá năm %(year)s.") % {"year": year})
    return cycle


def cycle_detail(request, year: int):
    require_administrator(request.user)
    cycle = _cycle(year)
    fields = [
        "name",
        *cycle_services.DATE_FIELDS,
        "max_explanation_rounds",
        "explanation_days",
        "late_allowed",
    ]
    if request.method == "POST":
        form = forms.CycleSettingsForm(request.POST)
        if form.is_valid():
            try:
                cycle_services.update_cycle_settings(cycle, actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                _refusals(request, exc)
            else:
                messages.success(request, _("Đã lưu cài đặt của %(cycle)s.") % {"cycle": cycle.name})
                return redirect("administration:cycle", year=year)
    else:
        form = forms.CycleSettingsForm(initial={name: getattr(cycle, name) for name in fields})
    context = {
        "cycle": cycle,
        "form": form,
        "bodies": cycle.bodies.select_related("unit").order_by("name"),
        "extensions": DeadlineExtension.objects.filter(assessment__cycle=cycle)
        .select_related("assessment__unit", "granted_by")
        .order_by("-granted_at")[:PAGE_SIZE],
        "counts": unit_selectors.count_by_type([a.unit for a in cycle.assessments.select_related("unit")]),
    }
    return render(request, "administration/cycle.html", context)


def body_edit(request, pk: int):
    require_administrator(request.user)
    body = get_object_or_404(AppraisingBody.objects.select_related("cycle", "unit"), pk=pk)
    form = forms.BodyForm(request.POST or None, instance=body)
    if request.method == "POST" and form.is_valid():
        try:
            cycle_services.update_body(form.instance, changed=form.changed_data, actor=request.user)
        except (ValidationError, PermissionDenied) as exc:
            _refusals(request, exc)
        else:
            messages.success(request, _("Đã lưu %(body)s.") % {"body": body.name})
            return redirect("administration:cycle", year=body.cycle.year)
    return render(request, "administration/body.html", {"body": body, "form": form})


def _roots():
    units = UnitVersion.objects.filter(level=Level.PROVINCE).order_by("search_name", "valid_from")
    return unit_selectors.labelled(units)


def _scope(data):
    year = data["year"]
    if data["scope_by"] == forms.BY_LINEAGE:
        root = UnitVersion.objects.filter(pk=data["root"]).first()
        if root is None:
            raise ValidationError(_("Không tìm thấy đơn vị đã chọn."))
        return cycle_services.scope_by_lineage(root, year)
    codes = [code for code in re.split(r"[\s,;]+", data["codes"]) if code]
    return cycle_services.scope_by_codes(codes, year)


def cycle_wizard(request):
    """Copy a cycle into a new year: choose the scope, see its counts by unit type, then create."""
    require_administrator(request.user)
    cycles = Cycle.objects.order_by("-year")
    latest = cycles.first()
    initial = {"source": latest, "year": latest.year + 1 if latest else None}
    form = forms.WizardForm(request.POST or None, initial=initial, cycles=cycles, roots=_roots())
    scope, refusal = None, None
    if request.method == "POST" and form.is_valid():
        try:
            scope = _scope(form.cleaned_data)
            cycle_services.check_scope(scope)
            if "create" in request.POST:
                cycle = cycle_services.copy_cycle(
                    form.cleaned_data["source"], scope, actor=request.user, name=form.cleaned_data["name"]
                )
                messages.success(
                    request,
                    _("Đã tạo %(cycle)s với %(count)s hồ sơ đánh giá.")
                    % {"cycle": cycle.name, "count": len(scope.units)},
                )
                return redirect("administration:cycle", year=cycle.year)
        except (ValidationError, PermissionDenied) as exc:
            refusal = getattr(exc, "messages", [str(exc)])
    context = {"form": form, "scope": scope, "refusal": refusal}
    return render(request, "administration/wizard.html", context)


# --- People ---------------------------------------------------------------------------------------


def user_list(request):
    require_administrator(request.user)
    query = request.GET.get("q", "").strip()[:100]
    users = User.objects.order_by("username").annotate(grant_count=Count("grants"))
    if query:
        users = users.filter(
            Q(username__icontains=query) | Q(email__icontains=query) | Q(full_name__icontains=query)
        )
    page = page_of(request, users)
    context = {"page": page, "query": query, "upload": forms.PeopleUploadForm()}
    return render(request, "administration/users.html", context)


def people_template(request):
    require_administrator(request.user)
    response = HttpResponse(people.people_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nguoi-dung.xlsx"'
    return response


@require_POST
def people_import(request):
    require_administrator(request.user)
    form = forms.PeopleUploadForm(request.POST, request.FILES)
    refusal = None
    if not form.is_valid():
        messages.error(request, _("Hãy chọn tệp Excel (.xlsx) để tải lên."))
        return redirect("administration:users")
    try:
        data, name = read_upload(form.cleaned_data["file"], person=request.user)
        found = people.read_people(data, name)
        imported = people.import_people(found, actor=request.user, site=request.build_absolute_uri("/"))
    except ImportRefused as exc:
        refusal = exc
    except (ValidationError, PermissionDenied) as exc:
        _refusals(request, exc)
        return redirect("administration:users")
    if refusal is not None:
        page = page_of(request, User.objects.order_by("username"))
        context = {"page": page, "query": "", "upload": form, "refusal": refusal}
        return render(request, "administration/users.html", context, status=400)
    messages.success(
        request,
        _(
            "Đã nhập %(rows)s dòng: %(created)s tài khoản mới (đã gửi thư mời đặt mật khẩu), "
            "%(granted)s quyền mới."
        )
        % {"rows": len(found), "created": imported.created, "granted": imported.granted},
    )
    return redirect("administration:users")


def user_detail(request, pk: int):
    require_administrator(request.user)
    person = get_object_or_404(User, pk=pk)
    form = forms.GrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = people.unit_for_code(data["unit"], data["year"])
        if unit is None:
            form.add_error(
                "unit",
                _("Không có đơn vị mã “%(code)s” còn hiệu lực vào năm đã chọn.") % {"code": data["unit"]},
            )
        else:
            try:
                people.grant_role(person, role=data["role"], unit=unit, year=data["year"], actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                _refusals(request, exc)
            else:
                label = unit_selectors.version_label(unit)
                messages.success(request, _("Đã cấp quyền trên %(unit)s.") % {"unit": label})
                return redirect("administration:user", pk=pk)
    grants = (
        RoleGrant.objects.filter(user=person).select_related("unit").order_by("role", "unit__search_name")
    )
    context = {
        "person": person,
        "grants": [(grant, unit_selectors.version_label(grant.unit)) for grant in grants],
        "form": form,
    }
    return render(request, "administration/user.html", context)


@require_POST
def user_active(request, pk: int):
    require_administrator(request.user)
    person = get_object_or_404(User, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        people.set_active(person, active=active, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        _refusals(request, exc)
    else:
        messages.success(request, _("Đã mở lại tài khoản.") if active else _("Đã khoá tài khoản."))
    return redirect("administration:user", pk=pk)


@require_POST
def user_invite(request, pk: int):
    require_administrator(request.user)
    person = get_object_or_404(User, pk=pk)
    people.invite_again(person, actor=request.user, site=request.build_absolute_uri("/"))
    messages.success(request, _("Đã gửi thư mời đặt mật khẩu tới %(email)s.") % {"email": person.email})
    return redirect("administration:user", pk=pk)


@require_POST
def grant_revoke(request, pk: int):
    require_administrator(request.user)
    grant = get_object_or_404(RoleGrant.objects.select_related("user", "unit"), pk=pk)
    try:
        people.revoke_role(grant, actor=request.user)
    except PermissionDenied as exc:
        _refusals(request, exc)
    else:
        messages.success(request, _("Đã thu hồi quyền."))
    return redirect("administration:user", pk=grant.user_id)


# --- Audit ----------------------------------------------------------------------------------------


def audit(request):
    require_administrator(request.user)
    kind = fold(request.GET.get("type", ""))[:64]
    events = AuditEvent.objects.order_by("-occurred_at", "-pk")
    if kind:
        events = events.filter(event_type__startswith=kind)
    page = page_of(request, events)
    return render(request, "administration/audit.html", {"page": page, "kind": kind})
