"""The provincial administrator's pages for programs: see one, edit its rules as a new version
with a preview of what changes on the current dashboard."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import forms, preview, selectors, services
from .models import Program
from .permissions import may_manage_programs
from .rules import ProgramRules


def _require_admin(request) -> None:
    if not may_manage_programs(request.user):
        raise PermissionDenied


def program_list(request):
    _require_admin(request)
    programs = [(program, selectors.current_rules(program)) for program in selectors.programs()]
    return render(request, "programs/list.html", {"programs": programs})


def program_detail(request, code):
    _require_admin(request)
    program = get_object_or_404(Program, code=code)
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "rules": selectors.current_rules(program),
            "versions": selectors.versions_of(program),
        },
    )


@require_http_methods(["GET", "POST"])
def program_edit(request, code):
    _require_admin(request)
    program = get_object_or_404(Program, code=code)
    context = {"program": program, "errors": {}, "note": ""}
    if request.method == "GET":
        context["band_rows"], context["target_rows"] = forms.rows_of(selectors.current_rules(program))
        return render(request, "programs/edit.html", context)
    parsed = forms.parse(request.POST)
    context.update(
        band_rows=parsed.band_rows, target_rows=parsed.target_rows, errors=parsed.errors, note=parsed.note
    )
    if parsed.valid and request.POST.get("action") == "save":
        try:
            version = services.save_rule_version(
                program, parsed.bands, parsed.targets, actor=request.user, note=parsed.note
            )
        except services.RulesRefused as exc:
            context["errors"] = {p.field: p.message for p in exc.problems}
        else:
            messages.success(
                request, _("Đã lưu phiên bản %(number)s của quy định.") % {"number": version.number}
            )
            return redirect("programs:detail", code=program.code)
    if parsed.valid:
        proposed = ProgramRules(bands=tuple(parsed.bands), targets=_schedule(parsed.targets))
        context["preview"] = preview.preview(program, proposed)
    _attach_errors(context)
    status = 200 if not context["errors"] else 400
    return render(request, "programs/edit.html", context, status=status)


def _attach_errors(context) -> None:
    """Each row carries its own messages ({"lowest": "…"}), so the page shows them beside the input."""
    for prefix, rows in (("bands", context["band_rows"]), ("targets", context["target_rows"])):
        for row in rows:
            start = f"{prefix}-{row['index']}-"
            row["errors"] = {k[len(start) :]: v for k, v in context["errors"].items() if k.startswith(start)}
    context["general_errors"] = [v for k, v in context["errors"].items() if k.count("-") < 2]


def _schedule(targets):
    schedule = {}
    for year, rule in targets:
        schedule.setdefault(year, []).append(rule)
    return {year: tuple(rules) for year, rules in sorted(schedule.items())}
