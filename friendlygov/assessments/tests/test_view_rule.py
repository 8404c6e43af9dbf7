"""`permissions.may(user, VIEW, a)` (one assessment, in Python) and `permissions.visible(user)` (a
queryset) are the same rule: `selectors.assessment_for` relies on the first, lists on the second."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from friendlygov.accounts.models import Role
from friendlygov.assessments import permissions, selectors
from friendlygov.assessments.models import Assessment
from friendlygov.assessments.testing import district


@pytest.fixture
def everyone(people, persona, cycle_2024, admin_user):
    province = district("Huyện Kim Thành").parent
    return {
        **{name: client.user for name, client in people.items()},
        "province_admin": persona(Role.PROVINCE_ADMIN, province).user,
        "viewer_2023_only": persona(Role.VIEWER, province, year=2023).user,
        "viewer_2024_only": persona(Role.VIEWER, province, year=2024).user,
        "superuser": admin_user,
        "anonymous": AnonymousUser(),
    }


def test_may_view_and_visible_agree_for_every_person_and_assessment(everyone):
    assessments = list(Assessment.objects.select_related("cycle", "unit__parent__parent"))
    assert len(assessments) > 10
    for name, user in everyone.items():
        listed = set(permissions.visible(user).values_list("pk", flat=True))
        one_by_one = {a.pk for a in assessments if permissions.may(user, permissions.VIEW, a)}
        assert one_by_one == listed, name
    sees = {name: len(permissions.visible(user)) for name, user in everyone.items()}
    assert sees["anonymous"] == sees["viewer_2023_only"] == 0
    assert sees["officer"] == sees["chair"] == 1
    assert 1 < sees["appraiser"] < sees["province_admin"] == sees["viewer_2024_only"] <= sees["superuser"]


def test_an_assessment_out_of_reach_is_404_like_a_missing_one(everyone, dong_cam):
    assert selectors.assessment_for(everyone["officer"], dong_cam.pk) == dong_cam
    for name in ("outsider_commune", "outsider_district", "viewer_2023_only", "anonymous"):
        with pytest.raises(Http404):
            selectors.assessment_for(everyone[name], dong_cam.pk)
    with pytest.raises(Http404):
        selectors.assessment_for(everyone["superuser"], "not-a-number")
