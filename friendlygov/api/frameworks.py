"""Criteria frameworks, read-only: published versions for everyone, drafts for administrators.

Points and percentages are decimal strings ("20", "0.5") so no client rounds them through floats."""

from datetime import datetime
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Path, Router, Schema

from friendlygov.frameworks import selectors

from .auth import OPTIONAL_AUTH
from .pagination import paged
from .shapes import DecimalString, error_responses

router = Router(tags=["frameworks"])


class FrameworkSummary(Schema):
    id: int
    code: str
    version: int
    name: str
    program: str
    year: int
    status: str
    is_template: bool
    published_at: datetime | None


class IndicatorOut(Schema):
    code: str
    name: str
    name_en: str
    max_points: DecimalString
    method: str | None
    params: dict[str, Any]
    step: DecimalString | None
    evidence: str
    guidance_vi: str
    guidance_en: str
    unit_types: list[str]
    na_allowed: bool
    sub_indicators: list["IndicatorOut"]


class CriterionOut(Schema):
    code: str
    name: str
    name_en: str
    max_points: DecimalString
    indicators: list[IndicatorOut]


class GatingRuleOut(Schema):
    code: str
    name: str
    kind: str
    params: dict[str, Any]


class BonusRuleOut(Schema):
    code: str
    name: str
    description: str
    cap: DecimalString


class FrameworkDetail(FrameworkSummary):
    template_note: str
    bonus_cap: DecimalString
    criteria: list[CriterionOut]
    gating_rules: list[GatingRuleOut]
    bonus_rules: list[BonusRuleOut]


def _indicator(node) -> dict:
    ind = node.indicator
    return {
        "code": ind.code,
        "name": ind.name,
        "name_en": ind.name_en,
        "max_points": ind.max_points,
        "method": ind.method or None,
        "params": ind.params,
        "step": ind.step,
        "evidence": ind.evidence,
        "guidance_vi": ind.guidance_vi,
        "guidance_en": ind.guidance_en,
        "unit_types": ind.unit_types,
        "na_allowed": ind.na_allowed,
        "sub_indicators": [_indicator(child) for child in node.children],
    }


@router.get("", response=list[FrameworkSummary], summary="Framework versions", auth=OPTIONAL_AUTH)
@paged
def list_frameworks(request: HttpRequest):
    return selectors.versions_for(request.user)


@router.get(
    "/{framework_id}",
    response={200: FrameworkDetail, **error_responses(404)},
    summary="One framework version with criteria, indicators, gating rules and bonus",
    auth=OPTIONAL_AUTH,
)
def get_framework(request: HttpRequest, framework_id: Annotated[int, Path(ge=1, le=2**31 - 1)]):
    version = selectors.version_with_tree(request.user, framework_id)
    if version is None:
        raise Http404("framework version not found")  # the API's one error shape (errors.py)
    return {
        **{field: getattr(version, field) for field in FrameworkSummary.model_fields if field != "id"},
        "id": version.pk,
        "template_note": version.template_note,
        "bonus_cap": version.bonus_cap,
        "criteria": [
            {
                "code": node.criterion.code,
                "name": node.criterion.name,
                "name_en": node.criterion.name_en,
                "max_points": node.criterion.max_points,
                "indicators": [_indicator(child) for child in node.indicators],
            }
            for node in selectors.tree(version)
        ],
        "gating_rules": list(version.gating_rules.all()),
        "bonus_rules": list(version.bonus_rules.all()),
    }
