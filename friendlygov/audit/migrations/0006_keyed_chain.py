"""Events get a key id and a MAC (audit/chain.py). Events already chained keep their unkeyed links
and stay the beginning of the chain; events still waiting to be chained get their MAC now, with
the configured key, so that sealing accepts them."""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations, models


def mac_pending(apps, schema_editor):
    # The formulas of audit/chain.py as they stand at this migration (a migration must not change
    # meaning when the app's code does later).
    key = settings.AUDIT_KEY.encode()
    key_id = hashlib.sha256(b"friendlygov audit key id\n" + key).hexdigest()[:12]
    AuditEvent = apps.get_model("audit", "AuditEvent")
    for event in AuditEvent.objects.filter(sequence__isnull=True).order_by("pk").iterator():
        content = json.dumps(
            {
                "occurred_at": event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds"),
                "event_type": event.event_type,
                "actor_id": event.actor_id,
                "actor_name": event.actor_name,
                "target_type": event.target_type,
                "target_id": event.target_id,
                "data": event.data,
                "request_id": event.request_id,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        mac = hmac.new(key, b"event\n" + content.encode(), hashlib.sha256).hexdigest()
        # The model's manager refuses updates; a historical model has the plain one.
        AuditEvent.objects.filter(pk=event.pk).update(key_id=key_id, mac=mac)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_audit_sealed_after_commit")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16, verbose_name="mã khoá"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="mã xác thực"),
        ),
        migrations.RunPython(mac_pending, migrations.RunPython.noop),
    ]
