"""Every write to frameworks: load a document, publish, edit or delete a draft."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.audit.services import record

from . import permissions, selectors, workflow
from .models import BonusRule, Criterion, FrameworkVersion, GatingRule, Indicator, PublishedFrameworkImmutable
from .xlsx_import import read_framework_workbook
from .yaml_io import FrameworkDocument, FrameworkFileError, Problem, dump_document, parse_framework


class FrameworkAlreadyExists(FrameworkFileError):
    pass


def _require_manager(actor) -> None:
    if actor is not None and not permissions.can_manage(actor):
        raise PermissionDenied("only provincial administrators manage frameworks")


def load_framework(text: str, *, filename: str, actor, publish: bool = False) -> FrameworkVersion:
    """Parse, check and create a draft version from YAML text; all or nothing.

    `actor=None` is the system (management commands run by an operator)."""
    _require_manager(actor)
    document = parse_framework(text, filename)
    with transaction.atomic():
        if FrameworkVersion.objects.filter(code=document.code, version=document.version).exists():
            reason = _("Phiên bản %(version)s của %(code)s đã có; hãy tăng version.") % {
                "version": document.version,
                "code": document.code,
            }
            raise FrameworkAlreadyExists([Problem(filename, None, None, "version", reason)])
        version = create_from_document(document, source_yaml=text, filename=filename)
        if publish:
            publish_framework(version, actor=actor)
    return version


def import_framework_workbook(data: bytes, *, filename: str, actor) -> FrameworkVersion:
    """Read, check and create a draft from an Excel workbook (`xlsx_io`); all or nothing.

    The workbook becomes the next version of its code, whatever version it was exported from: a
    file edited from version 3 is version 4 (or 5, if 4 came meanwhile) and never touches 3."""
    _require_manager(actor)
    document = read_framework_workbook(data, filename)
    with transaction.atomic():
        latest = FrameworkVersion.objects.filter(code=document.code).aggregate(latest=Max("version"))[
            "latest"
        ]
        document.version = (latest or 0) + 1
        version = create_from_document(document, source_yaml="", filename=filename)
        version.source_yaml = dump_document(selectors.version_document(version))
        version.save(update_fields=["source_yaml"])
        record(
            actor,
            "framework.imported",
            version,
            {"file": filename, "format": "xlsx", "code": version.code, "version": version.version},
        )
    return version


def create_from_document(document: FrameworkDocument, *, source_yaml: str, filename: str) -> FrameworkVersion:
    version = FrameworkVersion.objects.create(
        code=document.code,
        version=document.version,
        program=document.program,
        name=document.name,
        year=document.year,
        is_template=document.template.is_template,
        template_note=document.template.note,
        source_filename=filename,
        source_yaml=source_yaml,
    )
    for order, criterion_doc in enumerate(document.criteria, start=1):
        criterion = Criterion.objects.create(
            version=version,
            code=criterion_doc.code,
            name=criterion_doc.name,
            name_en=criterion_doc.name_en,
            max_points=criterion_doc.max_points,
            order=order,
        )
        _create_indicators(criterion, criterion_doc.indicators, parent=None, order=order * 1000)
    for order, rule in enumerate(document.gating_rules, start=1):
        GatingRule.objects.create(
            version=version, code=rule.code, name=rule.name, kind=rule.kind, params=rule.params, order=order
        )
    for order, rule in enumerate(document.bonus_rules, start=1):
        BonusRule.objects.create(
            version=version,
            code=rule.code,
            name=rule.name,
            description=rule.description,
            cap=rule.cap,
            order=order,
        )
    return version


def _create_indicators(criterion, docs, *, parent, order) -> int:
    for doc in docs:
        order += 1
        indicator = Indicator.objects.create(
            version=criterion.version,
            criterion=criterion,
            parent=parent,
            code=doc.code,
            name=doc.name,
            name_en=doc.name_en,
            max_points=doc.max_points,
            method=doc.method or "",
            params=doc.params if doc.method else {},
            step=doc.step,
            evidence=doc.evidence,
            guidance_vi=doc.guidance.vi,
            guidance_en=doc.guidance.en,
            unit_types=list(doc.unit_types),
            na_allowed=doc.na_allowed,
            order=order,
        )
        order = _create_indicators(criterion, doc.sub_indicators, parent=indicator, order=order)
    return order


def check_complete(version: FrameworkVersion) -> list[str]:
    """What stops `version` being published (the loader checks the same on the way in)."""
    problems = []
    criteria = list(version.criteria.all())
    if not criteria:
        problems.append("no criteria")
    if sum((c.max_points for c in criteria), Decimal("0")) != Decimal("100"):
        problems.append("criteria points do not add up to 100")
    indicators = list(version.indicators.all())
    for criterion in criteria:
        top = [i for i in indicators if i.criterion_id == criterion.pk and i.parent_id is None]
        if sum((i.max_points for i in top), Decimal("0")) != criterion.max_points:
            problems.append(f"indicators of {criterion.code} do not add up to {criterion.max_points}")
    for parent in indicators:
        children = [i for i in indicators if i.parent_id == parent.pk]
        if children and sum((i.max_points for i in children), Decimal("0")) != parent.max_points:
            problems.append(f"sub-indicators of {parent.code} do not add up to {parent.max_points}")
        if not children and not parent.method:
            problems.append(f"{parent.code} has no method")
    return problems


class FrameworkIncomplete(ValueError):
    pass


def publish_framework(version: FrameworkVersion, *, actor) -> FrameworkVersion:
    """Check and publish a draft: from now on nothing in it can change."""
    _require_manager(actor)
    with transaction.atomic():
        version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        workflow.check_transition(version, FrameworkVersion.Status.PUBLISHED)
        problems = check_complete(version)
        if problems:
            raise FrameworkIncomplete("; ".join(problems))
        version.status = FrameworkVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.published_by = actor
        version.save()
    return version


EDITABLE_INDICATOR_FIELDS = {
    "name",
    "name_en",
    "evidence",
    "guidance_vi",
    "guidance_en",
    "na_allowed",
    "unit_types",
}


def update_indicator(indicator: Indicator, *, actor, **changes) -> Indicator:
    """Edit the wording of a draft's indicator (points and methods change through a new file)."""
    _require_manager(actor)
    unknown = set(changes) - EDITABLE_INDICATOR_FIELDS
    if unknown:
        raise ValueError(f"not editable here: {', '.join(sorted(unknown))}")
    if indicator.version.is_published:
        raise PublishedFrameworkImmutable(f"{indicator.version} is published")
    for field, value in changes.items():
        setattr(indicator, field, value)
    indicator.save(update_fields=list(changes))
    return indicator


def delete_draft_framework(version: FrameworkVersion, *, actor) -> None:
    _require_manager(actor)
    if version.is_published:
        raise PublishedFrameworkImmutable(f"{version} is published")
    with transaction.atomic():
        version.delete()
