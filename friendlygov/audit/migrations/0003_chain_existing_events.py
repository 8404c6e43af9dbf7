"""Chain the events recorded before the hash chain existed, in the order they happened."""

from django.db import migrations

from friendlygov.audit import chain


def chain_existing(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    db = schema_editor.connection.alias
    previous = chain.GENESIS
    events = AuditEvent.objects.using(db).order_by("occurred_at", "id")
    for sequence, event in enumerate(events.iterator(chunk_size=2000), start=1):
        digest = chain.link_hash(None, previous, event)  # the unkeyed links of that time
        AuditEvent._base_manager.using(db).filter(pk=event.pk).update(
            sequence=sequence, previous_hash=previous, hash=digest
        )
        previous = digest


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_audit_chain_fields")]

    operations = [migrations.RunPython(chain_existing, migrations.RunPython.noop, elidable=False)]
