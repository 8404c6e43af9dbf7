from datetime import date

from django.utils import translation

from friendlygov.units import selectors
from friendlygov.units.models import UnitVersion


def test_it_finds_the_three_hong_phong_ignoring_tone_marks(units):
    found = list(selectors.search_units("hong phong", day=date(2024, 12, 31), province="30"))
    assert sorted((u.name, u.parent.name) for u in found) == [
        ("Xã Hồng Phong", "Huyện Nam Sách"),
        ("Xã Hồng Phong", "Huyện Ninh Giang"),
        ("Xã Hồng Phong", "Huyện Thanh Miện"),
    ]


def test_it_searches_case_insensitively_with_d_folded(units):
    names = {u.name for u in selectors.search_units("DONG CAM")}
    assert names == {"Xã Đồng Cẩm"}


def test_it_builds_the_tree_with_counts_by_type(units, django_assert_max_num_queries):
    with django_assert_max_num_queries(2), translation.override("vi"):
        tree = selectors.tree_on(date(2024, 12, 31), "30")
        assert tree.total == 235
        assert dict(tree.counts) == {"Xã": 178, "Phường": 47, "Thị trấn": 10}
        assert len(tree.districts) == 12
        assert sum(len(b.children) for b in tree.districts) == 235
        assert all(c.parent.name for b in tree.districts for c in b.children)


def test_it_has_no_district_level_after_july_2025(units):
    tree = selectors.tree_on(date(2025, 7, 1), "31")
    assert tree.districts == []
    assert tree.total == len(tree.communes) == 114


def test_it_follows_the_full_ancestry_back(units):
    kim_thanh = UnitVersion.objects.get(pk="10804@2025-07-01")
    steps = selectors.ancestry_of(kim_thanh)
    assert len(steps) == 2
    # Hòa Bình (Kim Thành) was formed on 1 January 2025 from Bình Dân and Liên Hòa (inferred).
    back = {(link.predecessor.name, link.inferred) for link in steps[1]}
    assert ("Xã Liên Hòa", True) in back
    assert ("Xã Bình Dân", False) in back


def test_it_follows_descendants_forward(units):
    lien_hoa = UnitVersion.objects.get(pk="10807@2024-01-01")
    steps = selectors.descendants_of(lien_hoa)
    assert [link.successor.id for link in steps[0]] == ["10798@2025-01-01"]
    assert {link.successor.name for link in steps[1]} == {"Xã Kim Thành", "Xã Hà Nam"}
    assert {link.share for link in steps[1]} == {"part"}


def test_it_ends_districts_and_hai_duong_on_30_june_2025(units):
    assert set(
        UnitVersion.objects.filter(province_code="30", level=2).values_list("valid_to", flat=True)
    ) == {date(2025, 6, 30)}
    hai_duong = UnitVersion.objects.get(pk="30@2024-01-01")
    assert hai_duong.valid_to == date(2025, 6, 30)
    [link] = selectors.successors_of(hai_duong)
    assert link.successor.id == "31@2025-07-01"


def test_it_keeps_lineage_queries_constant(units, django_assert_max_num_queries):
    city = UnitVersion.objects.get(pk="31@2025-07-01")
    with django_assert_max_num_queries(1):
        links = selectors.predecessors_of(city)
        assert [link.predecessor.parent for link in links] == [None, None]
    kim_thanh = UnitVersion.objects.get(pk="10804@2025-07-01")
    with django_assert_max_num_queries(4):
        steps = selectors.ancestry_of(kim_thanh)
        names = [
            (link.predecessor.name, link.predecessor.parent and link.predecessor.parent.name)
            for s in steps
            for link in s
        ]
    assert len(names) >= 5
