from django.contrib import admin

from .models import BonusRule, Criterion, FrameworkVersion, GatingRule, Indicator


class ReadOnlyWhenPublished:
    """Inlines of a published version show its rows and allow no change."""

    def _published(self, obj):
        return obj is not None and obj.is_published

    def has_add_permission(self, request, obj=None):
        return not self._published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._published(obj) and super().has_delete_permission(request, obj)


class CriterionInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "code", "name", "max_points"]


class IndicatorInline(ReadOnlyWhenPublished, admin.StackedInline):
    model = Indicator
    extra = 0
    fields = [
        ("order", "code", "criterion", "parent"),
        "name",
        ("max_points", "method", "step", "na_allowed"),
        "params",
        "evidence",
        "guidance_vi",
        "unit_types",
    ]


class GatingRuleInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = GatingRule
    extra = 0


class BonusRuleInline(ReadOnlyWhenPublished, admin.TabularInline):
    model = BonusRule
    extra = 0


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "version", "year", "status", "is_template", "published_at"]
    list_filter = ["status", "year", "is_template"]
    search_fields = ["code", "name"]
    readonly_fields = [
        "status",
        "published_at",
        "published_by",
        "source_filename",
        "source_yaml",
        "created_at",
    ]
    inlines = [CriterionInline, IndicatorInline, GatingRuleInline, BonusRuleInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)
