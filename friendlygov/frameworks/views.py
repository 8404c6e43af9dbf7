from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import describe, permissions, selectors, services
from .forms import FrameworkUploadForm
from .models import FrameworkVersion
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
    return render(
        request,
        "frameworks/detail.html",
        {
            "version": version,
            "tree": selectors.tree(version),
            "gating_rules": [(rule, describe.gating_line(rule)) for rule in version.gating_rules.all()],
            "can_manage": permissions.can_manage(request.user),
        },
    )


def framework_export(request, pk):
    version = _version_or_404(request, pk)
    text = dump_document(selectors.version_document(version))
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{version.code}-v{version.version}.yaml"'
    return response


@require_http_methods(["GET", "POST"])
def framework_upload(request):
    _require_manager(request)
    form = FrameworkUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            version = services.load_framework(
                form.text, filename=form.cleaned_data["file"].name, actor=request.user
            )
        except FrameworkFileError as error:
            problems = error.problems
        else:
            messages.success(request, _("Đã tải lên bộ tiêu chí dưới dạng bản nháp."))
            return redirect("frameworks:detail", pk=version.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "frameworks/upload.html", {"form": form, "problems": problems}, status=status)


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
