from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from friendlygov.frameworks.models import BonusRule, Criterion, FrameworkVersion, GatingRule, Indicator
from friendlygov.frameworks.selectors import version_document
from friendlygov.frameworks.services import delete_draft_framework, load_framework
from friendlygov.frameworks.yaml_io import FrameworkFileError, dump_document, parse_framework

pytestmark = pytest.mark.django_db

MODELS = (FrameworkVersion, Criterion, Indicator, GatingRule, BonusRule)


def row_snapshot(version):
    fields = lambda obj, skip: {  # noqa: E731
        f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in skip
    }
    skip = {
        "id",
        "version",
        "criterion",
        "parent",
        "created_at",
        "updated_at",
        "source_yaml",
        "source_filename",
    }
    return {
        "version": fields(version, skip),
        "criteria": [fields(c, skip) for c in version.criteria.order_by("order")],
        "indicators": [
            (i.criterion.code, i.parent.code if i.parent else None, fields(i, skip))
            for i in version.indicators.order_by("order")
        ],
        "gating": [fields(r, skip) for r in version.gating_rules.all()],
        "bonus": [fields(r, skip) for r in version.bonus_rules.all()],
    }


def counts():
    return [model.objects.count() for model in MODELS]


@pytest.fixture(autouse=True)
def before():
    """Row counts before the test (the session's reference data is already loaded)."""
    return counts()


def test_it_loads_the_default_framework_with_five_criteria_of_20_points(default_text):
    version = load_framework(default_text, filename="hai-duong-2024.yaml", actor=None)
    criteria = list(version.criteria.all())
    assert [c.max_points for c in criteria] == [Decimal(20)] * 5
    assert criteria[0].name == "Hoạt động công khai, minh bạch"
    assert version.is_template and "chưa phải phụ lục chính thức" in version.template_note
    assert version.status == FrameworkVersion.Status.DRAFT
    assert {r.kind for r in version.gating_rules.all()} == {"min_criterion_percent", "veto_flag"}
    assert version.bonus_cap == Decimal(5)
    for criterion in criteria:
        assert 3 <= criterion.indicators.filter(parent=None).count() <= 5


def test_it_round_trips_load_export_load(default_text):
    first = load_framework(default_text, filename="hai-duong-2024.yaml", actor=None)
    exported = dump_document(version_document(first))
    rows = row_snapshot(first)
    delete_draft_framework(first, actor=None)
    second = load_framework(exported, filename="exported.yaml", actor=None)
    assert dump_document(version_document(second)) == exported
    assert row_snapshot(second) == rows
    assert parse_framework(exported, "x.yaml") == parse_framework(default_text, "y.yaml")


def refused(text, filename="broken.yaml"):
    rows = counts()
    with pytest.raises(FrameworkFileError) as caught:
        load_framework(text, filename=filename, actor=None)
    assert counts() == rows, "an invalid file created rows"
    return caught.value.problems


def line_of(text, needle):
    return next(n for n, line in enumerate(text.splitlines(), start=1) if needle in line)


def test_it_refuses_bad_yaml_syntax_with_line_and_column(default_text):
    text = default_text.replace("    max_points: 20\n", "    max_points: [20\n", 1)
    [problem] = refused(text)
    assert problem.filename == "broken.yaml"
    assert problem.line is not None and problem.column is not None
    assert "Lỗi cú pháp YAML" in problem.reason


def test_it_refuses_criteria_not_adding_up_to_100(default_text):
    text = default_text.replace("    max_points: 20\n", "    max_points: 25\n", 1)
    problems = refused(text)
    assert any(
        "Tổng điểm các tiêu chí là 105, phải bằng 100" in p.reason and p.path == "criteria" for p in problems
    )
    assert any("Tổng điểm các chỉ tiêu là 20, phải bằng 25" in p.reason for p in problems)
    assert all(p.line for p in problems)


def test_it_refuses_an_unknown_method_at_its_line(default_text):
    text = default_text.replace("method: deduction", "method: guesswork", 1)
    [problem] = refused(text)
    assert problem.path == "criteria[0].indicators[3].method"
    assert problem.line == line_of(text, "method: guesswork")
    assert "manual" in problem.reason and "survey" in problem.reason
    assert str(problem).startswith(f"broken.yaml:{problem.line}:")


def test_it_refuses_duplicate_codes(default_text):
    text = default_text.replace("code: TC2.2", "code: TC2.1", 1)
    [problem] = refused(text)
    assert "Mã TC2.1 bị trùng" in problem.reason
    assert problem.path == "criteria[1].indicators[1].code"
    second = [n for n, line in enumerate(text.splitlines(), start=1) if "code: TC2.1" in line][1]
    assert problem.line == second


@pytest.mark.parametrize(
    ("old", "new", "path_end", "reason"),
    [
        ("per_violation: 1\n", "per_violation: -1\n", "params.per_violation", "Phải lớn hơn 0"),
        ("per_violation: 1\n", "per_violation: 1\n          bogus: 2\n", "params.bogus", "không được hỗ trợ"),
        (
            "linear: {floor_percent: 50, full_percent: 100}",
            "linear: {floor_percent: 90, full_percent: 60}",
            "params.linear",
            "phải nhỏ hơn tỷ lệ được đủ điểm",
        ),
        (
            "{min_percent: 98, points: 5}",
            "{min_percent: 98, points: 7}",
            "params.thresholds[0].points",
            "Lớn hơn điểm tối đa",
        ),
        ("{min_percent: 95, points: 4}", "{min_percent: 99, points: 4}", "params", "tỷ lệ cao nhất"),
        ("        step: 0.5\n", "", "step", "cần có bước điểm"),
    ],
)
def test_it_refuses_bad_method_parameters(default_text, old, new, path_end, reason):
    text = default_text.replace(old, new, 1)
    problems = refused(text)
    assert any(p.path.endswith(path_end) and reason in p.reason and p.line for p in problems), problems


def test_it_gives_reasons_in_english_too(default_text):
    with translation.override("en"):
        problems = refused(default_text.replace("    max_points: 20\n", "    max_points: 25\n", 1))
        unknown = refused(default_text.replace("method: deduction", "method: guesswork", 1))
    assert "criteria points add up to 105, not 100" in problems[0].reason
    assert unknown[0].reason.startswith("The value must be one of:")


def test_it_refuses_a_bad_gating_rule(default_text):
    problems = refused(default_text.replace("params: {percent: 50}", "params: {percent: 150}"))
    assert problems[0].path == "gating_rules[0].params.percent"


def test_it_refuses_a_version_that_already_exists(default_text):
    load_framework(default_text, filename="a.yaml", actor=None)
    with pytest.raises(FrameworkFileError, match="đã có"):
        load_framework(default_text, filename="a.yaml", actor=None)
    assert FrameworkVersion.objects.filter(code="thu-nghiem").count() == 1


def test_it_loads_and_publishes_from_the_command(tmp_path, default_text):
    path = tmp_path / "fw.yaml"
    path.write_text(default_text, encoding="utf-8")
    call_command("load_framework", str(path), "--publish", verbosity=0)
    assert FrameworkVersion.objects.get(code="thu-nghiem").is_published


def test_it_reports_file_and_line_from_the_command_and_loads_nothing(tmp_path, default_text, before):
    path = tmp_path / "fw.yaml"
    path.write_text(default_text.replace("method: yes_no", "method: nope", 1), encoding="utf-8")
    with pytest.raises(CommandError, match=r"fw\.yaml:\d+:\d+: criteria\[0\]"):
        call_command("load_framework", str(path))
    assert counts() == before


def test_it_exports_to_a_file_that_loads_again(tmp_path, published):
    out = tmp_path / "out.yaml"
    call_command("export_framework", "hai-duong-2024", "--output", str(out), verbosity=0)
    document = parse_framework(out.read_text(encoding="utf-8"), "out.yaml")
    assert document.code == "hai-duong-2024"


def test_it_loads_the_default_framework_once(published):
    rows = counts()
    call_command("load_default_framework", verbosity=0)
    assert counts() == rows
    assert published.is_published and published.published_at is not None


@pytest.mark.parametrize(
    ("ending", "explained"),
    [
        ("extra: [\n", "còn thiếu nội dung"),  # PyYAML: "expected the node content, but found '<stream end>'"
        ("extra: {a: 1\n", "ngoặc nhọn “{” chưa được đóng"),
        ('extra: "open\n', "Dấu nháy đã mở nhưng chưa đóng"),
        ("\textra: 1\n", "chỉ thụt lề bằng dấu cách"),
        ("extra: a: b\n", "Dấu hai chấm đặt sai chỗ"),
    ],
)
def test_it_explains_yaml_syntax_errors_in_words(default_text, ending, explained):
    [problem] = refused(default_text + ending)
    assert problem.line is not None and problem.column is not None
    assert problem.reason.startswith("Lỗi cú pháp YAML: ")
    assert explained in problem.reason
    assert "expected" not in problem.reason and "found" not in problem.reason


@pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "pure-python"])
def test_an_unprintable_character_is_a_syntax_problem_with_either_parser(default_text, libyaml, monkeypatch):
    # Without libyaml, PyYAML's own reader refuses the character as the loader is made.
    if not libyaml:
        from friendlygov.frameworks import yaml_io

        class PurePython(yaml_io.yaml.SafeLoader):
            pass

        PurePython.yaml_constructors = yaml_io._DecimalLoader.yaml_constructors
        monkeypatch.setattr(yaml_io, "_DecimalLoader", PurePython)
    [problem] = refused(default_text + "extra: \x07\n")
    assert problem.reason.startswith("Lỗi cú pháp YAML: ")
    assert "\x07" not in problem.reason and "special characters" not in problem.reason


def test_it_says_an_empty_file_is_empty():
    [problem] = refused("# chỉ có chú thích\n")
    assert problem.reason == "Tệp trống (hoặc chỉ có chú thích)."
