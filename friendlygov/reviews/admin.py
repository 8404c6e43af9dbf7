from django.contrib import admin

from .models import ReviewEvidence, ReviewRequest


class ReadOnly(admin.ModelAdmin):
    """Requests change only through the services (and their audit events)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReviewRequest)
class ReviewRequestAdmin(ReadOnly):
    list_display = (
        "assessment",
        "subject",
        "state",
        "filed_at",
        "answer_due",
        "assigned_to",
        "answered_late",
    )
    list_filter = ("state", "subject", "answered_late")


@admin.register(ReviewEvidence)
class ReviewEvidenceAdmin(ReadOnly):
    list_display = ("original_name", "request", "size", "uploaded_at")
