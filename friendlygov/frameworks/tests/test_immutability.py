from decimal import Decimal

import pytest

from friendlygov.accounts.models import Role
from friendlygov.frameworks.models import Criterion, Indicator, PublishedFrameworkImmutable
from friendlygov.frameworks.services import (
    FrameworkIncomplete,
    delete_draft_framework,
    publish_framework,
    update_indicator,
)
from friendlygov.frameworks.workflow import TransitionRefused

pytestmark = pytest.mark.django_db


def test_it_refuses_saving_a_child_of_a_published_version(published):
    criterion = published.criteria.first()
    criterion.name = "Đổi tên"
    with pytest.raises(PublishedFrameworkImmutable):
        criterion.save()
    indicator = published.indicators.first()
    with pytest.raises(PublishedFrameworkImmutable):
        Indicator.objects.create(
            version=published,
            criterion=criterion,
            code="NEW",
            name="Mới",
            max_points=Decimal(1),
            method="yes_no",
        )
    with pytest.raises(PublishedFrameworkImmutable):
        indicator.delete()
    assert Criterion.objects.get(pk=criterion.pk).name != "Đổi tên"


def test_it_refuses_changing_or_deleting_a_published_version(published, django_user_model):
    published.name = "Khác"
    with pytest.raises(PublishedFrameworkImmutable):
        published.save()
    with pytest.raises(PublishedFrameworkImmutable):
        delete_draft_framework(published, actor=None)


def test_it_refuses_edits_through_services_once_published(published):
    with pytest.raises(PublishedFrameworkImmutable):
        update_indicator(published.indicators.first(), actor=None, name="Khác")


def test_it_edits_a_draft_and_publishes_it_once(draft, django_user_model, reference_data):
    admin = django_user_model.objects.create_user("admin")
    admin.grants.create(role=Role.PROVINCE_ADMIN, unit_id="30@2024-01-01")
    update_indicator(draft.indicators.first(), actor=admin, guidance_vi="Hướng dẫn mới")
    version = publish_framework(draft, actor=admin)
    assert version.is_published and version.published_by == admin and version.published_at
    with pytest.raises(TransitionRefused):
        publish_framework(version, actor=admin)


def test_it_refuses_publishing_for_a_non_administrator(draft, django_user_model):
    from django.core.exceptions import PermissionDenied

    someone = django_user_model.objects.create_user("someone")
    with pytest.raises(PermissionDenied):
        publish_framework(draft, actor=someone)


def test_it_refuses_publishing_an_incomplete_draft(draft):
    draft.indicators.filter(parent=None).first().delete()
    with pytest.raises(FrameworkIncomplete, match="do not add up"):
        publish_framework(draft, actor=None)


def test_it_builds_scoring_rules_from_rows(published):
    rules = {i.code: i.scoring_rule() for i in published.indicators.exclude(method="")}
    from friendlygov.frameworks.scoring import indicator_points

    assert indicator_points(rules["TC1.3"], Decimal("96")) == Decimal("4")
    assert indicator_points(rules["TC2.1"], Decimal("75")) == Decimal("3.00")
    assert indicator_points(rules["TC3.2"], 3) == Decimal("3.5")
    assert [g.code for g in published.gating_rules_for_scoring()] == ["DK1", "DK2"]


def test_it_validates_method_parameters_on_the_model(draft):
    from django.core.exceptions import ValidationError

    indicator = draft.indicators.get(code="TC1.3")
    indicator.params = {"thresholds": [{"min_percent": "150", "points": "1"}]}
    with pytest.raises(ValidationError):
        indicator.full_clean()
    indicator.params = {"linear": {"floor_percent": 50, "full_percent": 100}}
    indicator.full_clean()
    assert indicator.params == {"linear": {"floor_percent": "50", "full_percent": "100"}}
    assert indicator.applies_to("xa") and not draft.indicators.get(code="TC5.3").applies_to("dac_khu")


def test_it_shows_published_versions_read_only_in_the_admin(admin_client, published, draft):
    response = admin_client.get(f"/admin/frameworks/frameworkversion/{published.pk}/change/")
    assert response.status_code == 200
    assert 'name="_save"' not in response.text
    response = admin_client.get(f"/admin/frameworks/frameworkversion/{draft.pk}/change/")
    assert response.status_code == 200 and 'name="_save"' in response.text
    assert admin_client.get("/admin/frameworks/frameworkversion/").status_code == 200
