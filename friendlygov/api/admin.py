from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import tokens, webhooks
from .models import ApiToken, ServiceAccount, WebhookDelivery, WebhookSubscription


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see and revoke every token; they create one with `create_api_token` (or
    `create_service_account`), which shows the secret once (a form here would leave it in the
    browser's history of pages)."""

    list_display = (
        "name",
        "user",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at",)
    search_fields = ("name", "prefix", "user__username", "user__full_name")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scopes",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
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


@admin.register(ServiceAccount)
class ServiceAccountAdmin(admin.ModelAdmin):
    """Service accounts are created with `manage.py create_service_account` (which prints the first
    token once); here they are listed. Their grants are given on their user's page (Role grants),
    like anyone's."""

    list_display = ("user", "description", "created_at")
    search_fields = ("user__username", "description")
    readonly_fields = ("user", "created_at")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    max_num = 0
    can_delete = False
    fields = readonly_fields = (
        "event",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
        "delivered_at",
    )
    ordering = ["-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("event")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    """The administrator manages the subscriptions; the secret is generated when left empty."""

    list_display = ("name", "url", "owner", "event_types", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "url", "owner__username")
    autocomplete_fields = ("owner",)
    inlines = [DeliveryInline]

    def get_changeform_initial_data(self, request):
        return {**super().get_changeform_initial_data(request), "secret": webhooks.new_secret()}


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The delivery log: every event sent to every subscription, its attempts and last answer."""

    list_display = (
        "subscription",
        "event",
        "state",
        "attempts",
        "last_status",
        "next_attempt_at",
        "delivered_at",
    )
    list_filter = ("state", "subscription")
    readonly_fields = (
        "subscription",
        "event",
        "state",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    )
    actions = ["send_again"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("subscription", "event")

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Gửi lại ngay các lần gửi đã chọn"))
    def send_again(self, request, queryset):
        count = webhooks.send_again(queryset)
        self.message_user(
            request, _("Đã đưa %(count)s lần gửi vào hàng đợi.") % {"count": count}, messages.SUCCESS
        )
