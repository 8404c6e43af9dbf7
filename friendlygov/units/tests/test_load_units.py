import shutil
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError
from django.utils import timezone

from friendlygov.units.loader import DATA_DIR, load_units
from friendlygov.units.models import LineageEvent, LineageLink, UnitVersion


def snapshot():
    return (
        sorted(UnitVersion.objects.values_list("id", "name", "parent_id", "valid_to")),
        sorted(LineageEvent.objects.values_list("id", flat=True)),
        sorted(LineageLink.objects.values_list("id", "predecessor_id", "successor_id", "share", "inferred")),
    )


def test_it_loads_the_shipped_files_idempotently(db):
    call_command("load_units", stdout=StringIO())
    first = snapshot()
    out = StringIO()
    call_command("load_units", stdout=out)
    assert snapshot() == first
    assert "0 created, 0 updated" in out.getvalue()
    assert UnitVersion.objects.count() == len(first[0]) > 600


def test_it_repairs_a_changed_row_on_reload(units):
    UnitVersion.objects.filter(pk="10804@2025-07-01").update(name="Sai tên")
    call_command("load_units", stdout=StringIO())
    assert UnitVersion.objects.get(pk="10804@2025-07-01").name == "Xã Kim Thành"


def test_a_reload_stamps_the_rows_it_repairs_and_only_those(units):
    """`updated_at` is what the API's updated_since reads: bulk_update does not fill it by itself."""
    UnitVersion.objects.filter(pk="10804@2025-07-01").update(name="Sai tên")
    before = dict(UnitVersion.objects.values_list("pk", "updated_at"))
    moment = timezone.now() + timedelta(hours=1)
    with time_machine.travel(moment):
        call_command("load_units", stdout=StringIO())
    after = dict(UnitVersion.objects.values_list("pk", "updated_at"))
    assert [pk for pk in after if after[pk] != before[pk]] == ["10804@2025-07-01"]
    assert after["10804@2025-07-01"] >= moment - timedelta(seconds=1)


def test_it_stores_a_tone_free_search_name_and_level(units):
    unit = UnitVersion.objects.get(pk="10804@2025-07-01")
    assert unit.search_name == "xa kim thanh"
    assert unit.level == 3
    assert UnitVersion.objects.get(pk="288@2024-01-01").level == 2


def test_it_loads_all_or_nothing(units, tmp_path):
    UnitVersion.objects.filter(pk="10804@2025-07-01").update(name="Sai tên")
    count = UnitVersion.objects.count()
    for name in ("units.csv", "events.csv", "links.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    with (tmp_path / "units.csv").open("a", encoding="utf-8") as handle:
        handle.write("99999@2030-01-01,99999,Xã Mới,xa,31,31@2025-07-01,2030-01-01,\n")
    with (tmp_path / "links.csv").open("a", encoding="utf-8") as handle:
        last_link = (DATA_DIR / "links.csv").read_text(encoding="utf-8").splitlines()[-1]
        handle.write(last_link + "\n")  # the same link twice: fails after units were written
    with pytest.raises(IntegrityError):
        load_units(tmp_path)
    assert UnitVersion.objects.count() == count
    assert UnitVersion.objects.get(pk="10804@2025-07-01").name == "Sai tên"
