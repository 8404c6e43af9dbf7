from django.contrib import admin

from .models import RefusedCount, SampleFrame, SurveyForm


@admin.register(SurveyForm)
class SurveyFormAdmin(admin.ModelAdmin):
    list_display = ("code", "version", "program", "published_at")
    readonly_fields = ("published_at",)


@admin.register(SampleFrame)
class SampleFrameAdmin(admin.ModelAdmin):
    list_display = ("assessment", "population", "basis", "updated_by", "updated_at")
    raw_id_fields = ("assessment",)


@admin.register(RefusedCount)
class RefusedCountAdmin(admin.ModelAdmin):
    list_display = ("unit", "day", "reason", "count")
    list_filter = ("reason", "day")
