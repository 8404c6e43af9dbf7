from django.conf import settings
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Events chained by one UPDATE statement (4 parameters each: well under every database's limit).
SEAL_BATCH = 500
SEAL_SQL = (
    "WITH link(id, seq, prev, digest) AS (VALUES {rows}) "
    "UPDATE {table} SET sequence = link.seq, previous_hash = link.prev, hash = link.digest "
    "FROM link WHERE {table}.id = link.id AND {table}.sequence IS NULL"
)


class AppendOnlyError(RuntimeError):
    """Audit events are never changed or deleted."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    def pending(self):
        """Stored but not chained yet (audit/services.seal chains them after their commit)."""
        return self.filter(sequence__isnull=True)

    def sealed(self):
        return self.filter(sequence__isnull=False)

    def seal(self, links: dict[int, tuple[int, str, str]]) -> int:
        """The one update an event ever gets: its place in the chain, once (services.seal).
        `links`: event id → (sequence, previous hash, hash). Written from a list of values joined
        on the id (UPDATE … FROM, SQLite 3.33+ and PostgreSQL), SEAL_BATCH events a statement: a
        CASE with a branch per event costs each row every branch, so a pass over a few thousand
        pending events took seconds."""
        connection = connections[self.db]
        table = connection.ops.quote_name(self.model._meta.db_table)
        sealed, items = 0, list(links.items())
        with connection.cursor() as cursor:
            for start in range(0, len(items), SEAL_BATCH):
                batch = items[start : start + SEAL_BATCH]
                rows = ", ".join(["(%s, %s, %s, %s)"] * len(batch))
                # The table's name quoted by the backend; every value is a parameter.
                sql = SEAL_SQL.format(table=table, rows=rows)
                cursor.execute(sql, [value for pk, link in batch for value in (pk, *link)])
                sealed += cursor.rowcount
        return sealed

    def for_target(self, target):
        return self.filter(target_type=target._meta.label_lower, target_id=str(target.pk))


class AuditEvent(models.Model):
    """One domain event: who did what to which object, with the old and new values."""

    occurred_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    event_type = models.CharField(_("loại sự kiện"), max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("tên người thực hiện"), max_length=150, blank=True)
    target_type = models.CharField(_("loại đối tượng"), max_length=64)
    target_id = models.CharField(_("mã đối tượng"), max_length=64)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=64, blank=True)
    # The hash chain (audit/chain.py): position, link to the event before, hash of this event.
    # Empty (NULL) from the insert until services.seal chains the event after its commit.
    sequence = models.PositiveBigIntegerField(_("số thứ tự"), unique=True, null=True)
    previous_hash = models.CharField(_("mã băm sự kiện trước"), max_length=64, blank=True)
    # NULL, not "", while pending: several pending events must not collide on the unique hash.
    hash = models.CharField(_("mã băm"), max_length=64, unique=True, null=True)  # noqa: DJ001
    # The key the event's MAC and link are made with (audit/keys.py), by its public id, and the MAC
    # over its content, written with the event. Empty on events chained before the key existed.
    key_id = models.CharField(_("mã khoá"), max_length=16, blank=True, default="")
    mac = models.CharField(_("mã xác thực"), max_length=64, blank=True, default="")

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("sự kiện nhật ký")
        verbose_name_plural = _("nhật ký hệ thống")
        ordering = [models.F("sequence").asc(nulls_last=True), "id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "occurred_at"], name="audit_target_time"),
            models.Index(fields=["id"], condition=models.Q(sequence__isnull=True), name="audit_pending"),
        ]

    def __str__(self):
        return f"{self.event_type} {self.target_type}:{self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("Audit events are append-only: they cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")
