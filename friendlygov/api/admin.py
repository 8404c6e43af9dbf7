from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import tokens
from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see and revoke every token; they create one with `create_api_token`, which
    shows the secret once (a form here would leave it in the browser's history of pages)."""

    list_display = ("name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit trail points at it

    @admin.action(description=_("Thu hồi các mã truy cập đã chọn"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("user"):
            tokens.revoke_token(token, actor=request.user)
        self.message_user(request, _("Đã thu hồi."), messages.SUCCESS)
