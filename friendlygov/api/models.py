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

    class Meta:
        verbose_name = _("Mã truy cập API")
        verbose_name_plural = _("Mã truy cập API")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)
