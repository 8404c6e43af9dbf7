"""Criteria frameworks, read-only: published versions for everyone, drafts for administrators.

Points and percentages are decimal strings ("20", "0.5") so no client rounds them through floats."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema

from friendlygov.frameworks import selectors
from friendlygov.frameworks.models import FrameworkVersion

from .auth import OPTIONAL_AUTH
from .pagination import paged
from .shapes import DecimalString, announce_deprecation, error_responses
from .sync import UpdatedSince

router = Router(tags=["frameworks"])


class FrameworkState(StrEnum):
    DRAFT = FrameworkVersion.Status.DRAFT.value
    PUBLISHED = FrameworkVersion.Status.PUBLISHED.value


class FrameworkSummary(Schema):
    id: int
    code: str
    version: int
    name: str
    program: str
    year: int
    state: FrameworkState = Field(description="draft (an administrator may still change it) or published")
    status: FrameworkState = Field(
        description="Deprecated (sunset 2027-07-01): now `state`, as decisions and review requests say",
        json_schema_extra={"deprecated": True},
    )
    is_template: bool
    published_at: datetime | None
    updated_at: datetime = Field(
        description="The last change of the version or anything in it (a published one never changes)"
    )

    @staticmethod
    def resolve_state(version) -> str:
        return version["status"] if isinstance(version, dict) else version.status


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
def list_frameworks(request: HttpRequest, response: HttpResponse, updated_since: UpdatedSince = None):
    versions = selectors.versions_for(request.user)
    announce_deprecation(response)  # `status`, see the API changelog
    if updated_since is not None:
        versions = versions.filter(updated_at__gte=updated_since)
    return versions


@router.get(
    "/{framework_id}",
    response={200: FrameworkDetail, **error_responses(404)},
    summary="One framework version with criteria, indicators, gating rules and bonus",
    auth=OPTIONAL_AUTH,
)
def get_framework(
    request: HttpRequest, response: HttpResponse, framework_id: Annotated[int, Path(ge=1, le=2**31 - 1)]
):
    version = selectors.version_with_tree(request.user, framework_id)
    if version is None:
        raise Http404("framework version not found")  # the API's one error shape (errors.py)
    announce_deprecation(response)
    return {
        **{
            field: getattr(version, field)
            for field in FrameworkSummary.model_fields
            if field not in ("id", "state")
        },
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
