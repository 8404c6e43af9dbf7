"""Reads of framework versions: the tree for pages and the API, and the document for export."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from . import permissions
from .models import Criterion, FrameworkVersion, Indicator

NUMERIC_PARAM_KEYS = {
    "min_percent",
    "points",
    "floor_percent",
    "full_percent",
    "per_violation",
    "percent",
    "min_total",
}


def versions_for(user):
    return permissions.viewable_versions(user).order_by("-year", "code", "-version")


def version_with_tree(user, pk: int) -> FrameworkVersion | None:
    """The version with criteria, indicators, gating and bonus rules loaded in a fixed number of queries."""
    return (
        permissions.viewable_versions(user)
        .prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("order")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("order")),
            "gating_rules",
            "bonus_rules",
        )
        .filter(pk=pk)
        .first()
    )


def previous_version(user, version: FrameworkVersion) -> FrameworkVersion | None:
    """What a version is compared with before it is published: the latest earlier version of the
    same code, or else the latest published version of the same program from its year or before."""
    viewable = permissions.viewable_versions(user).exclude(pk=version.pk)
    earlier = viewable.filter(code=version.code, version__lt=version.version).order_by("-version").first()
    if earlier is not None:
        return earlier
    return (
        viewable.filter(
            program=version.program, status=FrameworkVersion.Status.PUBLISHED, year__lte=version.year
        )
        .order_by("-year", "-published_at", "-pk")
        .first()
    )


@dataclass
class IndicatorNode:
    indicator: Indicator
    children: list["IndicatorNode"] = field(default_factory=list)


@dataclass
class CriterionNode:
    criterion: Criterion
    indicators: list[IndicatorNode] = field(default_factory=list)


def tree(version: FrameworkVersion) -> list[CriterionNode]:
    """Criteria → indicators → sub-indicators, in order, from the prefetched rows."""
    nodes = {c.pk: CriterionNode(c) for c in version.criteria.all()}
    by_id: dict[int, IndicatorNode] = {}
    for indicator in version.indicators.all():
        node = by_id[indicator.pk] = IndicatorNode(indicator)
        if indicator.parent_id:
            by_id[indicator.parent_id].children.append(node)
        else:
            nodes[indicator.criterion_id].indicators.append(node)
    return list(nodes.values())


def _numbers(value, key=None):
    if isinstance(value, dict):
        return {k: _numbers(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if key in NUMERIC_PARAM_KEYS and isinstance(value, str):
        return Decimal(value)
    return value


def _indicator_document(node: IndicatorNode) -> dict:
    ind = node.indicator
    doc = {"code": ind.code, "name": ind.name}
    if ind.name_en:
        doc["name_en"] = ind.name_en
    doc["max_points"] = ind.max_points
    if ind.method:
        doc["method"] = ind.method
        if ind.params:
            doc["params"] = _numbers(ind.params)
        if ind.step is not None:
            doc["step"] = ind.step
    doc["evidence"] = ind.evidence
    doc["guidance"] = {"vi": ind.guidance_vi, "en": ind.guidance_en}
    doc["unit_types"] = list(ind.unit_types)
    doc["na_allowed"] = ind.na_allowed
    if node.children:
        doc["sub_indicators"] = [_indicator_document(child) for child in node.children]
    return doc


def version_document(version: FrameworkVersion) -> dict:
    """The version as a framework document (the same shape the loader reads)."""
    return {
        "code": version.code,
        "version": version.version,
        "program": version.program,
        "name": version.name,
        "year": version.year,
        "template": {"is_template": version.is_template, "note": version.template_note},
        "criteria": [
            {
                "code": node.criterion.code,
                "name": node.criterion.name,
                **({"name_en": node.criterion.name_en} if node.criterion.name_en else {}),
                "max_points": node.criterion.max_points,
                "indicators": [_indicator_document(child) for child in node.indicators],
            }
            for node in tree(version)
        ],
        "gating_rules": [
            {"code": r.code, "name": r.name, "kind": r.kind, "params": _numbers(r.params)}
            for r in version.gating_rules.all()
        ],
        "bonus_rules": [
            {"code": r.code, "name": r.name, "description": r.description, "cap": r.cap}
            for r in version.bonus_rules.all()
        ],
    }
