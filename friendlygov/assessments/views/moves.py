"""The province administrator's page for a merger or a division that took effect while a cycle
was open: the events touching open assessments, and the move of each (services.move_to_successors)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _

from friendlygov.units.models import LineageEvent

from .. import permissions, selectors, services
from ..models import PROGRAM_NAME, Cycle


def _cycle_for(request, year: int) -> Cycle:
    if not permissions.may_move_assessments(request.user):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được chuyển hồ sơ sang đơn vị kế thừa."))
    cycle = Cycle.objects.filter(program__name=PROGRAM_NAME, year=year).first()
    if cycle is None:
        raise Http404(_("Không có đợt đánh giá năm %(year)s.") % {"year": year})
    return cycle


def moves(request, year: int):
    cycle = _cycle_for(request, year)
    if request.method == "POST":
        event = LineageEvent.objects.filter(pk=request.POST.get("event", "")).first()
        if event is None:
            messages.error(request, _("Không tìm thấy sự kiện thay đổi đơn vị hành chính này."))
            return redirect("assessments:moves", year=year)
        try:
            moved = services.move_to_successors(
                cycle, event, carrier=request.POST.get("carrier", ""), actor=request.user
            )
        except (ValidationError, PermissionDenied) as exc:
            for message in getattr(exc, "messages", [str(exc)]):
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("Đã chuyển hồ sơ sang %(unit)s.") % {"unit": moved.carried.unit.name},
            )
        return redirect("assessments:moves", year=year)
    return render(
        request, "assessments/moves.html", {"cycle": cycle, "moves": selectors.pending_moves(cycle)}
    )


urlpatterns = [
    path("cycles/<int:year>/chuyen-ho-so/", moves, name="moves"),
]
