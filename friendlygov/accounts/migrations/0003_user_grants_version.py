from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_role_grants")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="grants_version",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
    ]
