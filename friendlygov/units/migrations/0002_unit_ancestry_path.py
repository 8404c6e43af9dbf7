from django.db import migrations, models


def fill_paths(apps, schema_editor):
    """Every stored version gets "/<top>/…/<unit>/", parents before children."""
    UnitVersion = apps.get_model("units", "UnitVersion")
    units = {u.pk: u for u in UnitVersion.objects.only("pk", "parent_id")}
    paths = {}

    def path_of(pk):
        if pk not in paths:
            parent = units[pk].parent_id
            paths[pk] = f"{path_of(parent) if parent else '/'}{pk}/"
        return paths[pk]

    for unit in units.values():
        unit.path = path_of(unit.pk)
    UnitVersion.objects.bulk_update(units.values(), ["path"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("units", "0001_unit_versions")]

    operations = [
        migrations.AddField(
            model_name="unitversion",
            name="path",
            field=models.CharField(
                db_index=True, default="", editable=False, max_length=255, verbose_name="đường dẫn cấp trên"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(fill_paths, migrations.RunPython.noop),
    ]
