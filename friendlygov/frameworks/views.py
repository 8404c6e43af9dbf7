from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from friendlygov.core import spreadsheets
from friendlygov.core.office import file_response

from . import describe, diff, permissions, selectors, services
from .forms import XLSX, FrameworkUploadForm
from .models import FrameworkVersion
from .xlsx_export import framework_workbook
from .yaml_io import FrameworkFileError, dump_document


def _require_manager(request):
    if not permissions.can_manage(request.user):
        raise PermissionDenied


def _version_or_404(request, pk) -> FrameworkVersion:
    version = selectors.version_with_tree(request.user, pk)
    if version is None:
        raise Http404
    return version


def framework_list(request):
    return render(
        request,
        "frameworks/list.html",
        {
            "versions": selectors.versions_for(request.user),
            "can_manage": permissions.can_manage(request.user),
        },
    )


def framework_detail(request, pk):
    version = _version_or_404(request, pk)
    can_manage = permissions.can_manage(request.user)
    changes = None
    if can_manage and not version.is_published:
        changes = _changes(request, version, selectors.previous_version(request.user, version))
    return render(
        request,
        "frameworks/detail.html",
        {
            "version": version,
            "tree": selectors.tree(version),
            "gating_rules": [(rule, describe.gating_line(rule)) for rule in version.gating_rules.all()],
            "can_manage": can_manage,
            "changes": changes,
        },
    )


def framework_diff(request, pk):
    """What changed from another version (by default the previous one): read by whoever may view both."""
    version = _version_or_404(request, pk)
    against = request.GET.get("against", "")
    if against.isdigit():
        base = selectors.version_with_tree(request.user, int(against))
        if base is None or base.pk == version.pk:
            raise Http404
    else:
        base = selectors.previous_version(request.user, version)
    return render(
        request,
        "frameworks/diff.html",
        {
            "version": version,
            "changes": _changes(request, version, base),
            "choices": selectors.versions_for(request.user).exclude(pk=version.pk),
            "can_manage": permissions.can_manage(request.user),
        },
    )


def _changes(request, version, base) -> diff.FrameworkDiff | None:
    if base is None:
        return None
    return diff.compare(selectors.version_document(base), selectors.version_document(version), base=base)


def framework_export(request, pk):
    version = _version_or_404(request, pk)
    text = dump_document(selectors.version_document(version))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.code}-v{version.version}.yaml"'
    return response


def framework_export_xlsx(request, pk):
    version = _version_or_404(request, pk)
    data = framework_workbook(selectors.version_document(version))
    return file_response(data, f"{version.code}-v{version.version}.xlsx")


@require_http_methods(["GET", "POST"])
def framework_upload(request):
    """Import a framework from Excel or YAML as a new draft: all or nothing, every problem named."""
    _require_manager(request)
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    context = {"form": form, "problems": [], "sheet_problems": [], "problems_more": 0}
    if request.method == "POST" and form.is_valid():
        try:
            version = _import(request, form)
        except FrameworkFileError as error:
            context["problems"] = error.problems
        except spreadsheets.ImportRefused as refused:
            context["sheet_problems"], context["problems_more"] = refused.problems, refused.more
        else:
            messages.success(
                request,
                _(
                    "Đã tải lên bộ tiêu chí thành bản nháp, phiên bản %(version)s. "
                    "Xem lại các thay đổi trước khi ban hành."
                )
                % {"version": version.version},
            )
            return redirect("frameworks:detail", pk=version.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "frameworks/upload.html", context, status=status)


def _import(request, form) -> FrameworkVersion:
    if form.kind == XLSX:
        data, name = spreadsheets.read_upload(form.cleaned_data["file"], person=request.user)
        return services.import_framework_workbook(data, filename=name, actor=request.user)
    return services.load_framework(form.text, filename=form.cleaned_data["file"].name, actor=request.user)


@require_POST
def framework_publish(request, pk):
    _require_manager(request)
    version = _version_or_404(request, pk)
    try:
        services.publish_framework(version, actor=request.user)
    except (services.FrameworkIncomplete, services.workflow.TransitionRefused) as error:
        messages.error(request, _("Không thể ban hành: %(reason)s") % {"reason": error})
    else:
        messages.success(request, _("Đã ban hành bộ tiêu chí. Từ nay không thể sửa đổi."))
    return redirect("frameworks:detail", pk=version.pk)
