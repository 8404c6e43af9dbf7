from django.contrib import admin

from .models import LineageEvent, LineageLink, UnitVersion


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
