"""The shipped data files: deterministic, and the counts the province reports."""

import csv
from collections import Counter

import pytest
from django.conf import settings
from django.core.management import call_command

from friendlygov.units.loader import DATA_DIR, read_rows

RAW = settings.SHARED_DIR / "data" / "admin-units"


def valid_on(rows, day, province):
    return [
        r
        for r in rows
        if r["province_code"] == province
        and r["valid_from"] <= day
        and (not r["valid_to"] or r["valid_to"] >= day)
    ]


def test_it_ships_the_hai_duong_2024_counts():
    counts = Counter(r["type"] for r in valid_on(read_rows("units.csv"), "2024-12-31", "30"))
    assert (counts["xa"], counts["phuong"], counts["thi_tran"]) == (178, 47, 10)
    assert counts["huyen"] + counts["thanh_pho"] + counts["thi_xa"] == 12


def test_it_marks_every_retired_2025_code_as_an_inferred_merge():
    links = read_rows("links.csv")
    retired_hd = {
        r["id"]
        for r in read_rows("units.csv")
        if r["province_code"] == "30"
        and r["valid_to"] == "2024-12-31"
        and r["code"] not in {u["code"] for u in read_rows("units.csv") if u["valid_from"] == "2025-01-01"}
    }
    assert len(retired_hd) == 28
    inferred = {link["predecessor_id"] for link in links if link["inferred"] == "1"}
    assert retired_hd <= inferred


def test_it_keeps_the_two_hoa_binh_apart():
    links = read_rows("links.csv")
    kim_thanh_hoa_binh = {
        link["successor_id"] for link in links if link["predecessor_id"] == "10798@2025-01-01"
    }
    vinh_bao_hoa_binh = {
        link["successor_id"] for link in links if link["predecessor_id"] == "11890@2024-01-01"
    }
    assert kim_thanh_hoa_binh == {"10804@2025-07-01", "10843@2025-07-01"}
    assert vinh_bao_hoa_binh == {"11911@2025-07-01"}


def test_it_ids_every_version_by_code_and_start():
    rows = read_rows("units.csv")
    assert all(r["id"] == f"{r['code']}@{r['valid_from']}" for r in rows)
    assert len({r["id"] for r in rows}) == len(rows)


@pytest.mark.skipif(not RAW.exists(), reason="raw reference files not available")
def test_it_rebuilds_the_same_files_from_the_raw_data(tmp_path):
    call_command("build_unit_data", source=RAW, output=tmp_path, stdout=open("/dev/null", "w"))  # noqa: SIM115
    for name in ("units.csv", "events.csv", "links.csv"):
        assert (tmp_path / name).read_text(encoding="utf-8") == (DATA_DIR / name).read_text(encoding="utf-8")


def test_it_writes_sorted_files():
    with (DATA_DIR / "units.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    keys = [(len(r["code"]), r["code"], r["valid_from"]) for r in rows]
    assert keys == sorted(keys)


def test_it_records_22_hai_duong_renames_or_retypes_on_1_january_2025():
    units = {r["id"]: r for r in read_rows("units.csv")}
    changed = {
        link["successor_id"]
        for link in read_rows("links.csv")
        if link["event_id"].startswith("2025-01-01/")
        and link["inferred"] == "0"
        and units[link["predecessor_id"]]["province_code"] == "30"
        and units[link["predecessor_id"]]["code"] == units[link["successor_id"]]["code"]
        and (units[link["predecessor_id"]]["name"], units[link["predecessor_id"]]["type"])
        != (units[link["successor_id"]]["name"], units[link["successor_id"]]["type"])
    }
    assert len(changed) == 22
