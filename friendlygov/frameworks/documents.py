"""A framework document: its shape and every rule a framework file must meet, whatever its format.

YAML (`yaml_io`) and Excel (`xlsx_io`) each turn a file into plain data and call `check_document`
with a `Locator` that names a place in the file in its own terms (line and column; sheet, row and
column). The rules live here once, so both formats refuse the same things for the same reasons.
Reasons speak of what a field means ("bước điểm"), never of a format's key, since the locator
already says where.
"""

from decimal import Decimal
from typing import Annotated, Any, Literal, Protocol

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


# --- Where a problem is -------------------------------------------------------------------------


class Locator(Protocol):
    """Collects problems for one file. `loc` is a path in the document, as pydantic gives it:
    ("criteria", 0, "indicators", 2, "max_points")."""

    def add(self, loc: tuple, reason: str) -> None: ...

    def name(self, loc: tuple) -> str:
        """The place of `loc` as a person finds it in the file ("criteria[0]", "dòng 7")."""
        ...

    def has_problems(self) -> bool: ...


def path_text(loc: tuple) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


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
    "string_too_long": gettext_lazy("Dài quá %(max_length)s ký tự."),
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


def add_validation_error(locator: Locator, error: ValidationError, prefix: tuple = ()) -> None:
    for item in error.errors():
        loc = prefix + tuple(p for p in item["loc"] if not str(p).startswith("function-"))
        locator.add(loc, pydantic_reason(item))


# --- The rules ----------------------------------------------------------------------------------


def check_document(data: Any, locator: Locator) -> FrameworkDocument | None:
    """The checked document, or None; every problem found is added to `locator`."""
    if not isinstance(data, dict):
        locator.add((), _("Tài liệu phải là một bảng khóa–giá trị có code, name, year, criteria…"))
        return None
    try:
        document = FrameworkDocument.model_validate(data)
    except ValidationError as error:
        add_validation_error(locator, error)
        return None
    _check(document, locator)
    return None if locator.has_problems() else document


def _check(doc: FrameworkDocument, locator: Locator) -> None:
    total = sum((c.max_points for c in doc.criteria), Decimal("0"))
    if total != TOTAL_POINTS:
        locator.add(
            ("criteria",),
            _("Tổng điểm các tiêu chí là %(total)s, phải bằng %(expected)s.")
            % {"total": total, "expected": TOTAL_POINTS},
        )
    seen: dict[str, tuple] = {}

    def unique(code: str, loc: tuple, kind: str) -> None:
        key = f"{kind}:{code}"
        if key in seen:
            locator.add(
                (*loc, "code"),
                _("Mã %(code)s bị trùng (đã dùng ở %(first)s).")
                % {"code": code, "first": locator.name(seen[key])},
            )
        else:
            seen[key] = loc

    for i, criterion in enumerate(doc.criteria):
        loc = ("criteria", i)
        unique(criterion.code, loc, "criterion")
        _check_children(criterion.indicators, criterion.max_points, (*loc, "indicators"), locator, unique)
    for i, rule in enumerate(doc.gating_rules):
        unique(rule.code, ("gating_rules", i), "gating")
        try:
            rule.params = GATING_PARAMS[rule.kind].model_validate(rule.params).model_dump(mode="json")
        except ValidationError as error:
            add_validation_error(locator, error, ("gating_rules", i, "params"))
    for i, rule in enumerate(doc.bonus_rules):
        unique(rule.code, ("bonus_rules", i), "bonus")


def _check_children(indicators, parent_max, loc, locator: Locator, unique) -> None:
    total = sum((ind.max_points for ind in indicators), Decimal("0"))
    if total != parent_max:
        locator.add(
            loc,
            _("Tổng điểm các chỉ tiêu là %(total)s, phải bằng %(expected)s.")
            % {"total": total, "expected": parent_max},
        )
    for i, indicator in enumerate(indicators):
        _check_indicator(indicator, (*loc, i), locator, unique)


def _check_indicator(ind: IndicatorDoc, loc: tuple, locator: Locator, unique) -> None:
    unique(ind.code, loc, "indicator")
    if ind.sub_indicators:
        if ind.method is not None:
            locator.add(
                (*loc, "method"),
                _("Chỉ tiêu có chỉ tiêu con được tính bằng tổng các chỉ tiêu con, không có cách chấm riêng."),
            )
        if len(loc) > 4:
            locator.add((*loc, "sub_indicators"), _("Chỉ cho phép một cấp chỉ tiêu con."))
        _check_children(ind.sub_indicators, ind.max_points, (*loc, "sub_indicators"), locator, unique)
        return
    if ind.method is None:
        locator.add(
            (*loc, "method"),
            _("Chỉ tiêu không có chỉ tiêu con phải có cách chấm."),
        )
        return
    try:
        ind.params = (
            METHOD_PARAMS[ind.method].model_validate(ind.params).model_dump(mode="json", exclude_none=True)
        )
    except ValidationError as error:
        add_validation_error(locator, error, (*loc, "params"))
        return
    if ind.method == scoring.MANUAL:
        if ind.step is None:
            locator.add(
                (*loc, "step"), _("Chỉ tiêu chấm điểm trực tiếp cần có bước điểm (ví dụ 0,25 hoặc 0,5).")
            )
        elif ind.max_points % ind.step:
            locator.add(
                (*loc, "step"),
                _("Điểm tối đa %(max)s không chia hết cho bước điểm %(step)s.")
                % {"max": ind.max_points, "step": ind.step},
            )
    elif ind.step is not None:
        locator.add((*loc, "step"), _("Chỉ chỉ tiêu chấm điểm trực tiếp mới có bước điểm."))
    over_max = _("Lớn hơn điểm tối đa của chỉ tiêu (%(max)s).") % {"max": ind.max_points}
    for j, threshold in enumerate(ind.params.get("thresholds", [])):
        if Decimal(threshold["points"]) > ind.max_points:
            locator.add((*loc, "params", "thresholds", j, "points"), over_max)
    if ind.params.get("per_violation") and Decimal(ind.params["per_violation"]) > ind.max_points:
        locator.add((*loc, "params", "per_violation"), over_max)
