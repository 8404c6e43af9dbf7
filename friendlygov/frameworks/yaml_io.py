"""Framework documents in YAML: parse and check (errors carry file, line and path), and export.

`parse_framework(text, filename)` returns a checked `FrameworkDocument` or raises
`FrameworkFileError` listing every problem; it never touches the database.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any, Literal

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import gating, scoring
from .labels import UNIT_TYPES
from .params import GATING_PARAMS, METHOD_PARAMS

TOTAL_POINTS = Decimal("100")
Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9._-]+$")]
Text = Annotated[str, Field(min_length=1)]
MaxPoints = Annotated[Decimal, Field(gt=0, le=100, decimal_places=2)]
Method = Literal["manual", "yes_no", "ratio", "deduction", "survey"]
UnitType = Literal["xa", "phuong", "thi_tran", "dac_khu"]
assert set(UnitType.__args__) == set(UNIT_TYPES)  # nosec B101  # import-time consistency check
assert set(Method.__args__) == set(scoring.METHODS)  # nosec B101


class Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GuidanceDoc(Doc):
    vi: str = ""
    en: str = ""


class IndicatorDoc(Doc):
    code: Code
    name: Text
    name_en: str = ""
    max_points: MaxPoints
    method: Method | None = None
    params: dict[str, Any] = Field(default_factory=dict)
    step: Annotated[Decimal, Field(gt=0)] | None = None
    evidence: str = ""
    guidance: GuidanceDoc = Field(default_factory=GuidanceDoc)
    unit_types: list[UnitType] = Field(default_factory=lambda: list(UNIT_TYPES))
    na_allowed: bool = False
    sub_indicators: list["IndicatorDoc"] = Field(default_factory=list)


class CriterionDoc(Doc):
    code: Code
    name: Text
    name_en: str = ""
    max_points: MaxPoints
    indicators: Annotated[list[IndicatorDoc], Field(min_length=1)]


class GatingRuleDoc(Doc):
    code: Code
    name: Text
    kind: Literal["min_criterion_percent", "min_total", "veto_flag"]
    params: dict[str, Any] = Field(default_factory=dict)


class BonusRuleDoc(Doc):
    code: Code
    name: Text
    description: str = ""
    cap: MaxPoints


class TemplateDoc(Doc):
    is_template: bool = False
    note: str = ""


class FrameworkDocument(Doc):
    code: Annotated[str, Field(min_length=1, max_length=80, pattern=r"^[a-z0-9-]+$")]
    version: Annotated[int, Field(ge=1)] = 1
    program: Text
    name: Text
    year: Annotated[int, Field(ge=2000, le=2100)]
    template: TemplateDoc = Field(default_factory=TemplateDoc)
    criteria: Annotated[list[CriterionDoc], Field(min_length=1)]
    gating_rules: list[GatingRuleDoc] = Field(default_factory=list)
    bonus_rules: list[BonusRuleDoc] = Field(default_factory=list)


assert set(GatingRuleDoc.model_fields["kind"].annotation.__args__) == set(gating.GATING_KINDS)  # nosec B101

# --- Errors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    filename: str
    line: int | None
    column: int | None
    path: str
    reason: str

    def __str__(self):
        where = self.filename
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        return f"{where}: {self.path + ': ' if self.path else ''}{self.reason}"


class FrameworkFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _path_text(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _node_at(root: yaml.Node | None, loc: tuple) -> yaml.Node | None:
    """The deepest YAML node along `loc` (pydantic's error location)."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node = match
    return node


class _Problems:
    def __init__(self, filename: str, root: yaml.Node | None):
        self.filename, self.root, self.items = filename, root, []

    def add(self, loc: tuple, reason: str) -> None:
        node = _node_at(self.root, loc)
        line = node.start_mark.line + 1 if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        self.items.append(Problem(self.filename, line, column, _path_text(loc), reason))

    def add_validation_error(self, error: ValidationError, prefix: tuple = ()) -> None:
        for item in error.errors():
            loc = prefix + tuple(p for p in item["loc"] if not str(p).startswith("function-"))
            self.add(loc, pydantic_reason(item))


# Pydantic's error types in the people's language; anything else keeps pydantic's English text.
PYDANTIC_REASONS = {
    "missing": gettext_lazy("Bắt buộc phải có."),
    "extra_forbidden": gettext_lazy("Trường này không được hỗ trợ."),
    "literal_error": gettext_lazy("Giá trị phải là một trong: %(expected)s."),
    "greater_than": gettext_lazy("Phải lớn hơn %(gt)s."),
    "greater_than_equal": gettext_lazy("Phải lớn hơn hoặc bằng %(ge)s."),
    "less_than_equal": gettext_lazy("Phải nhỏ hơn hoặc bằng %(le)s."),
    "string_pattern_mismatch": gettext_lazy(
        "Sai định dạng mã (chỉ dùng chữ không dấu, số, dấu chấm, gạch ngang)."
    ),
    "string_too_short": gettext_lazy("Không được để trống."),
    "string_type": gettext_lazy("Phải là văn bản."),
    "too_short": gettext_lazy("Cần ít nhất %(min_length)s mục."),
    "decimal_parsing": gettext_lazy("Phải là một số."),
    "decimal_type": gettext_lazy("Phải là một số."),
    "decimal_max_places": gettext_lazy("Tối đa %(decimal_places)s chữ số thập phân."),
    "int_parsing": gettext_lazy("Phải là số nguyên."),
    "int_type": gettext_lazy("Phải là số nguyên."),
    "int_from_float": gettext_lazy("Phải là số nguyên."),
    "bool_parsing": gettext_lazy("Phải là true hoặc false."),
    "bool_type": gettext_lazy("Phải là true hoặc false."),
    "list_type": gettext_lazy("Phải là một danh sách."),
    "dict_type": gettext_lazy("Phải là một bảng khóa–giá trị."),
    "model_type": gettext_lazy("Phải là một bảng khóa–giá trị."),
    "model_attributes_type": gettext_lazy("Phải là một bảng khóa–giá trị."),
}


def pydantic_reason(item: dict) -> str:
    if item["type"] == "value_error":
        return str(item["ctx"]["error"])
    template = PYDANTIC_REASONS.get(item["type"])
    if template is None:
        return item["msg"]
    return str(template) % {key: str(value) for key, value in (item.get("ctx") or {}).items()}


# --- Loading ------------------------------------------------------------------------------------


class _DecimalLoader(yaml.SafeLoader):
    """Reads YAML floats as Decimal from their text, so 0.1 stays exactly 0.1."""


_DecimalLoader.add_constructor(
    "tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node).replace("_", ""))
)


def parse_framework(text: str, filename: str) -> FrameworkDocument:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass  # nosec B506
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = _("Lỗi cú pháp YAML: %(problem)s") % {"problem": getattr(error, "problem", None) or error}
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise FrameworkFileError([Problem(filename, line, column, "", reason)]) from None
    problems = _Problems(filename, root)
    if not isinstance(data, dict):
        problems.add((), _("Tài liệu phải là một bảng khóa–giá trị có code, name, year, criteria…"))
        raise FrameworkFileError(problems.items)
    try:
        document = FrameworkDocument.model_validate(data)
    except ValidationError as error:
        problems.add_validation_error(error)
        raise FrameworkFileError(problems.items) from None
    _check(document, problems)
    if problems.items:
        raise FrameworkFileError(problems.items)
    return document


def _check(doc: FrameworkDocument, problems: _Problems) -> None:
    total = sum((c.max_points for c in doc.criteria), Decimal("0"))
    if total != TOTAL_POINTS:
        problems.add(
            ("criteria",),
            _("Tổng điểm các tiêu chí là %(total)s, phải bằng %(expected)s.")
            % {"total": total, "expected": TOTAL_POINTS},
        )
    seen: dict[str, tuple] = {}

    def unique(code: str, loc: tuple, kind: str) -> None:
        key = f"{kind}:{code}"
        if key in seen:
            problems.add(
                (*loc, "code"),
                _("Mã %(code)s bị trùng (đã dùng ở %(first)s).")
                % {"code": code, "first": _path_text(seen[key])},
            )
        else:
            seen[key] = loc

    for i, criterion in enumerate(doc.criteria):
        loc = ("criteria", i)
        unique(criterion.code, loc, "criterion")
        _check_children(criterion.indicators, criterion.max_points, (*loc, "indicators"), problems, unique)
    for i, rule in enumerate(doc.gating_rules):
        unique(rule.code, ("gating_rules", i), "gating")
        try:
            rule.params = GATING_PARAMS[rule.kind].model_validate(rule.params).model_dump(mode="json")
        except ValidationError as error:
            problems.add_validation_error(error, ("gating_rules", i, "params"))
    for i, rule in enumerate(doc.bonus_rules):
        unique(rule.code, ("bonus_rules", i), "bonus")


def _check_children(indicators, parent_max, loc, problems: _Problems, unique) -> None:
    total = sum((ind.max_points for ind in indicators), Decimal("0"))
    if total != parent_max:
        problems.add(
            loc,
            _("Tổng điểm các chỉ tiêu là %(total)s, phải bằng %(expected)s.")
            % {"total": total, "expected": parent_max},
        )
    for i, indicator in enumerate(indicators):
        _check_indicator(indicator, (*loc, i), problems, unique)


def _check_indicator(ind: IndicatorDoc, loc: tuple, problems: _Problems, unique) -> None:
    unique(ind.code, loc, "indicator")
    if ind.sub_indicators:
        if ind.method is not None:
            problems.add(
                (*loc, "method"),
                _("Chỉ tiêu có chỉ tiêu con được tính bằng tổng các chỉ tiêu con: bỏ method."),
            )
        if len(loc) > 4:
            problems.add((*loc, "sub_indicators"), _("Chỉ cho phép một cấp chỉ tiêu con."))
        _check_children(ind.sub_indicators, ind.max_points, (*loc, "sub_indicators"), problems, unique)
        return
    if ind.method is None:
        problems.add((*loc, "method"), _("Cần có method (manual, yes_no, ratio, deduction, survey)."))
        return
    try:
        ind.params = (
            METHOD_PARAMS[ind.method].model_validate(ind.params).model_dump(mode="json", exclude_none=True)
        )
    except ValidationError as error:
        problems.add_validation_error(error, (*loc, "params"))
        return
    if ind.method == scoring.MANUAL:
        if ind.step is None:
            problems.add((*loc, "step"), _("Chỉ tiêu chấm điểm trực tiếp cần có step (ví dụ 0.25 hoặc 0.5)."))
        elif ind.max_points % ind.step:
            problems.add(
                (*loc, "step"),
                _("max_points %(max)s không chia hết cho step %(step)s.")
                % {"max": ind.max_points, "step": ind.step},
            )
    elif ind.step is not None:
        problems.add((*loc, "step"), _("Chỉ chỉ tiêu chấm điểm trực tiếp mới có step."))
    over_max = _("Lớn hơn max_points (%(max)s).") % {"max": ind.max_points}
    for j, threshold in enumerate(ind.params.get("thresholds", [])):
        if Decimal(threshold["points"]) > ind.max_points:
            problems.add((*loc, "params", "thresholds", j, "points"), over_max)
    if ind.params.get("per_violation") and Decimal(ind.params["per_violation"]) > ind.max_points:
        problems.add((*loc, "params", "per_violation"), over_max)


# --- Export -------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper, value: Decimal):
    text = format(value.normalize(), "f")
    if "." not in text:
        return dumper.represent_int(int(text))
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(Decimal, _represent_decimal)


def dump_document(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
