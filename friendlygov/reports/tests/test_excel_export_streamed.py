"""The streamed cycle export (write-only, plain rows) reads back as the export written cell by cell
before it (legacy_cycle_export), on the full demo, for every year and persona: values, formats,
borders, widths, filters, print set-up."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from friendlygov.assessments import permissions
from friendlygov.assessments.models import Cycle
from friendlygov.assessments.workflow import DECIDED, Status
from friendlygov.core.testing import workbook_differences
from friendlygov.reports import exports

from . import legacy_cycle_export

PERSONAS = ("admin", "lanhdao.haiphong", "thamdinh.sonoivu", "giamdoc.sonoivu", "canbo.kimthanh")


@pytest.fixture(scope="module")
def demo(full_demo, django_db_blocker):
    with django_db_blocker.unblock():
        users = {u.username: u for u in get_user_model().objects.filter(username__in=PERSONAS)}
        cycles = list(Cycle.objects.select_related("framework").order_by("year"))
    assert len(users) == len(PERSONAS) and [c.year for c in cycles] == [2024, 2025, 2026]
    return users, cycles


def _reads(cycle, user) -> tuple:
    """What the workbook follows from besides the cycle (exports._assessment_rows): the
    assessments the user sees, and which of them still closed to others show their appraisal."""
    visible = permissions.visible(user).filter(cycle=cycle)
    appraisals = (
        visible if permissions.sees_everything(user) else permissions.which(user, permissions.VIEW_APPRAISAL)
    )
    still_closed = appraisals.filter(cycle=cycle).exclude(status__in=(Status.APPRAISED, *DECIDED))
    return (
        cycle.pk,
        frozenset(visible.values_list("pk", flat=True)),
        frozenset(still_closed.values_list("pk", flat=True)),
    )


# People who read the same assessments (the province's leader and a superuser, two people of one
# appraising body) get the same workbook: it is built and compared once, and the differences
# found are the answer for each of them.
_COMPARED: dict[tuple, list] = {}


@pytest.mark.django_db
@pytest.mark.parametrize("username", PERSONAS)
def test_it_reads_back_as_the_export_written_cell_by_cell_for_every_year(demo, username):
    users, cycles = demo
    user = users[username]
    compared = 0
    for cycle in cycles:
        if not exports.cycle_export_units(cycle, user):
            continue
        reads = _reads(cycle, user)
        if reads not in _COMPARED:
            expected = legacy_cycle_export.export_cycle(cycle, user)
            _COMPARED[reads] = workbook_differences(expected, exports.export_cycle(cycle, user))
        assert _COMPARED[reads] == [], cycle.year
        compared += 1
    assert compared >= 1


@pytest.mark.django_db
def test_the_download_is_the_same_workbook(demo, client):
    users, cycles = demo
    client.force_login(users["admin"])
    response = client.get(reverse("reports:export_cycle", args=[2024]))
    assert response.status_code == 200
    assert (
        workbook_differences(legacy_cycle_export.export_cycle(cycles[0], users["admin"]), response.content)
        == []
    )
