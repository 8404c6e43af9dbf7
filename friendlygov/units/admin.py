from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView

from .models import LineageEvent, LineageLink, UnitVersion
from .selectors import version_label


class UnitVersionAutocomplete(AutocompleteJsonView):
    """The admin's autocomplete, with each unit version labelled by its period: two versions of
    "Thành phố Hải Phòng" are told apart ("… (từ 01/07/2025)"). Served at the admin's own
    autocomplete address (config/urls.py), for every model; only unit versions read differently."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if isinstance(obj, UnitVersion):
            result["text"] = version_label(obj)
        return result


class VersionLabelledUnits:
    """For an admin form choosing a unit version: the chosen one is shown with its period too."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.related_model is UnitVersion and field is not None:
            field.label_from_instance = version_label
        return field


@admin.register(UnitVersion)
class UnitVersionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "type", "level", "parent", "valid_from", "valid_to", "id")
    list_filter = ("province_code", "level", "type", "valid_from", "valid_to")
    search_fields = ("id", "code", "name", "search_name")
    list_select_related = ("parent",)
    raw_id_fields = ("parent",)
    readonly_fields = ("search_name",)
    date_hierarchy = "valid_from"


class LineageLinkInline(admin.TabularInline):
    model = LineageLink
    raw_id_fields = ("predecessor", "successor")
    extra = 0


@admin.register(LineageEvent)
class LineageEventAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "effective_date", "note")
    list_filter = ("kind", "effective_date")
    search_fields = ("id", "note", "legal_basis", "links__predecessor__name", "links__successor__name")
    inlines = [LineageLinkInline]
