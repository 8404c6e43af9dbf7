from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_decision_items_by_folded_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidence",
            name="purged_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="ngày xoá tệp"),
        ),
        migrations.AddIndex(
            model_name="evidence",
            index=models.Index(fields=["sha256"], name="evidence_sha256"),
        ),
    ]
