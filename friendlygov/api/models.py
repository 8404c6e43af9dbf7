"""Personal API tokens: what a program sends as `Authorization: Bearer …` to act as its user.

Only a SHA-256 digest of the secret is stored; the secret itself is shown once, at creation.
The short prefix is kept in clear so that people can tell their tokens apart in a list."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("Người dùng"),
    )
    name = models.CharField(_("Tên gọi"), max_length=100)
    prefix = models.CharField(_("Tiền tố"), max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("Tạo lúc"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("Hết hạn lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("Dùng lần cuối"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("Thu hồi lúc"), null=True, blank=True, editable=False)
    # What a service account's token may call (scopes.py); empty for a personal token, which may
    # call whatever its user may do on the pages.
    scopes = models.JSONField(_("Phạm vi"), default=list, blank=True)

    class Meta:
        verbose_name = _("Mã truy cập API")
        verbose_name_plural = _("Mã truy cập API")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ServiceAccount(models.Model):
    """A system, not a person, that calls the API (a data warehouse, a commune portal). It is a user
    that cannot sign in to the pages: its role grants say which units and bodies it reaches (the
    one permission policy, accounts/reach.py), and its tokens' scopes say which kinds of operation
    it may call (scopes.py). Managed by the administrator."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="service_account",
        verbose_name=_("Tài khoản"),
    )
    description = models.CharField(_("Mô tả"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("Tạo lúc"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Tài khoản hệ thống")
        verbose_name_plural = _("Tài khoản hệ thống")
        ordering = ["user__username"]

    def __str__(self):
        return self.user.get_username()


class IdempotencyKey(models.Model):
    """The first answer to a POST sent with `Idempotency-Key`, kept until `expires_at`: a repeat
    of the same request with the same key gets it again instead of doing the work twice
    (idempotency.py)."""

    caller = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)  # null while the first request runs
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["caller", "key"], name="idempotency_caller_key")]

    def __str__(self):
        return f"{self.caller} · {self.key}"


class WebhookSubscription(models.Model):
    """A URL that receives the events its owner may see, as they happen (webhooks.py). The owner is
    the user (often a service account) whose view of the events feed decides what is sent."""

    name = models.CharField(_("Tên gọi"), max_length=100)
    url = models.URLField(_("Địa chỉ nhận"), max_length=500)
    secret = models.CharField(
        _("Khoá ký"), max_length=100, help_text=_("Dùng để kiểm tra chữ ký HMAC-SHA256 của mỗi lần gửi.")
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="webhook_subscriptions",
        verbose_name=_("Nhận sự kiện mà người này được xem"),
    )
    event_types = models.JSONField(
        _("Loại sự kiện"),
        default=list,
        blank=True,
        help_text=_(
            'Ví dụ ["assessment.", "decision.issued"]: loại bắt đầu bằng một trong các chuỗi này; '
            "để trống là mọi loại."
        ),
    )
    active = models.BooleanField(_("Đang dùng"), default=True)
    created_at = models.DateTimeField(_("Tạo lúc"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("Đăng ký webhook")
        verbose_name_plural = _("Đăng ký webhook")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    def wants(self, event_type: str) -> bool:
        return not self.event_types or any(event_type.startswith(prefix) for prefix in self.event_types)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Đang chờ gửi")
    DELIVERED = "delivered", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


class WebhookDelivery(models.Model):
    """One event sent to one subscription: every attempt is counted, the last answer kept."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("Đăng ký")
    )
    event = models.ForeignKey(
        "audit.AuditEvent", on_delete=models.PROTECT, related_name="+", verbose_name=_("Sự kiện")
    )
    state = models.CharField(
        _("Trạng thái"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("Gửi lại lúc"), null=True, blank=True, db_index=True)
    last_status = models.PositiveSmallIntegerField(_("Mã trả lời cuối"), null=True, blank=True)
    last_error = models.CharField(_("Lỗi cuối"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Tạo lúc"), default=timezone.now, editable=False)
    delivered_at = models.DateTimeField(_("Gửi được lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("Lần gửi webhook")
        verbose_name_plural = _("Nhật ký gửi webhook")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="webhook_delivery_once")
        ]

    def __str__(self):
        return f"{self.subscription} · {self.event_id}"
