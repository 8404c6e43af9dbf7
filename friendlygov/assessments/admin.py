"""Cycles and appraising bodies are configuration a provincial administrator keeps here;
assessments and decisions are read-only (they change only through the workflow)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from friendlygov.accounts import reach
from friendlygov.units.admin import VersionLabelledUnits
from friendlygov.units.models import Level, UnitVersion

from .models import AppraisingBody, Assessment, Cycle, Decision, DecisionItem
from .services import open_cycle


class AppraisingBodyInline(VersionLabelledUnits, admin.StackedInline):
    """Stacked: a body carries its Decree 30 frame (heading lines, signing, recipients)."""

    model = AppraisingBody
    extra = 0
    autocomplete_fields = ["unit"]


def communes_in_scope(cycle) -> list[UnitVersion]:
    """The commune-level units valid on 31 December under any of the cycle's bodies."""
    below_a_body = Q(pk__in=[])
    for body in cycle.bodies.select_related("unit"):
        below_a_body |= reach.under_q(body.unit, from_above=True)
    units = UnitVersion.objects.valid_on(cycle.scope_date).filter(level=Level.COMMUNE)
    return list(units.filter(below_a_body))


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "framework", "opened_at")
    inlines = [AppraisingBodyInline]
    actions = ["open_selected"]

    def get_readonly_fields(self, request, obj=None):
        return ("opened_at", "framework", "year") if obj and obj.is_open else ("opened_at",)

    @admin.action(description=_("Mở đợt đánh giá: tạo hồ sơ cho các xã thuộc địa bàn các cơ quan thẩm định"))
    def open_selected(self, request, queryset):
        for cycle in queryset:
            try:
                created = open_cycle(cycle, units=communes_in_scope(cycle), actor=request.user)
            except (ValidationError, PermissionDenied) as exc:
                reason = " ".join(getattr(exc, "messages", [str(exc)]))
                self.message_user(request, f"{cycle}: {reason}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext("%(cycle)s: đã tạo %(n)d hồ sơ.", "%(cycle)s: đã tạo %(n)d hồ sơ.", created)
                    % {"cycle": cycle, "n": created},
                )


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly):
    list_display = ("unit", "cycle", "status", "self_score", "appraised_score", "final_level")
    list_filter = ("cycle", "status")
    search_fields = ("unit__name", "unit__code")
    list_select_related = ("unit", "cycle")


class DecisionItemInline(admin.TabularInline):
    model = DecisionItem
    extra = 0
    can_delete = False
    readonly_fields = ("assessment", "final_score", "level")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("number", "signed_on", "body", "kind", "state")
    list_filter = ("cycle", "state", "kind")
    inlines = [DecisionItemInline]
