from django.contrib import admin

from .models import ReminderOptOut, SentReminder


@admin.register(SentReminder)
class SentReminderAdmin(admin.ModelAdmin):
    list_display = ("sent_at", "kind", "assessment", "recipient", "key", "as_supervisor")
    list_filter = ("kind", "as_supervisor")
    search_fields = ("recipient__username", "email", "key")
    readonly_fields = [f.name for f in SentReminder._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReminderOptOut)
class ReminderOptOutAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "created_at")
    list_filter = ("kind",)
