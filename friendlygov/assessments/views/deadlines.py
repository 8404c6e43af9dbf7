"""Extensions of a unit's deadline, granted by the appraising body from the assessment's page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from friendlygov.core.dates import DayRefused, parse_day

from .. import selectors, services
from ..limits import checked_text
from ..workflow import Stage


@require_POST
def grant_extension(request, pk):
    assessment = selectors.assessment_for(request.user, pk)
    try:
        extension = services.grant_extension(
            assessment,
            stage=request.POST.get("stage", ""),
            until=parse_day(request.POST.get("until", "")),
            reason=checked_text(request.POST.get("reason", "")),
            actor=request.user,
        )
    except DayRefused as exc:
        messages.error(request, str(exc))
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Đã gia hạn %(stage)s cho %(unit)s đến ngày %(until)s.")
            % {
                "stage": Stage(extension.stage).label,
                "unit": assessment.unit.name,
                "until": f"{extension.until:%d/%m/%Y}",
            },
        )
    return redirect("assessments:detail", assessment.pk)


urlpatterns = [
    path("<int:pk>/extension/", grant_extension, name="grant_extension"),
]
