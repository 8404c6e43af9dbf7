import threading

import pytest
from django.db import connection

from friendlygov.assessments import register, services

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks between real connections: run with DATABASE_URL=postgres://…",
)


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_one_field_one_wins_the_other_is_told(dong_cam, people):
    score = dong_cam.scores.select_related("indicator").filter(indicator__method="manual").first()
    loaded_version = score.version
    start = threading.Barrier(2)
    outcomes = {}

    def save(who, value):
        try:
            start.wait(timeout=10)
            services.save_self_score(
                score, expected_version=loaded_version, actor=people[who].user, self_value=value
            )
            outcomes[who] = ("saved", value)
        except services.StaleVersion as exc:
            outcomes[who] = ("conflict", str(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=args) for args in (("officer", 3), ("chair", 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    kinds = sorted(kind for kind, _ in outcomes.values())
    assert kinds == ["conflict", "saved"]
    (winner_value,) = [value for kind, value in outcomes.values() if kind == "saved"]
    score.refresh_from_db()
    assert score.self_value == winner_value
    assert score.version == loaded_version + 1
    (message,) = [text for kind, text in outcomes.values() if kind == "conflict"]
    assert "vừa được người khác cập nhật" in message


@pytest.mark.django_db(transaction=True)
def test_two_drafts_sharing_a_unit_issued_at_once_one_wins(appraised_units, people):
    """The register keeps one decision in force per unit, also when two heads press "issue" at
    the same moment: the unit's row lock orders them and the second is refused."""
    from datetime import date

    from django.core.exceptions import ValidationError

    unit = appraised_units[0]
    head = people["head"].user
    drafts = [
        services.draft_decision(
            unit.body,
            assessments=[unit],
            number=f"{number}/QĐ-UBND",
            signed_on=date(2025, 1, 15),
            signer_name="Nguyễn Văn A",
            legal_bases="Căn cứ Luật Tổ chức chính quyền địa phương",
            actor=head,
        )
        for number in (15, 16)
    ]
    start = threading.Barrier(2)
    outcomes = {}

    def issue(decision):
        try:
            start.wait(timeout=10)
            services.issue_decision(decision, actor=head)
            outcomes[decision.pk] = "issued"
        except ValidationError:
            outcomes[decision.pk] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(decision,)) for decision in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["issued", "refused"]
    (winner,) = [pk for pk, outcome in outcomes.items() if outcome == "issued"]
    assert register.in_force(unit).pk == winner


def _issue_at_once(drafts, head):
    from django.core.exceptions import ValidationError

    start = threading.Barrier(len(drafts))
    outcomes = {}

    def issue(decision):
        try:
            start.wait(timeout=10)
            services.issue_decision(decision, actor=head)
            outcomes[decision.pk] = "issued"
        except ValidationError as exc:
            outcomes[decision.pk] = f"refused: {exc.messages}"
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(decision,)) for decision in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _drafts(units, head, number):
    from datetime import date

    return [
        services.draft_decision(
            unit.body,
            assessments=[unit],
            number=number,
            signed_on=date(2025, 1, 15),
            signer_name="Nguyễn Văn A",
            legal_bases="Căn cứ Luật Tổ chức chính quyền địa phương",
            actor=head,
        )
        for unit in units
    ]


@pytest.mark.django_db(transaction=True)
def test_two_decisions_issued_at_once_under_one_number_one_is_refused(appraised_units, people):
    """The database constraint holds the register when both checks ran before either committed."""
    from friendlygov.assessments.models import Decision

    head = people["head"].user
    outcomes = _issue_at_once(_drafts(appraised_units[:2], head, "20/QĐ-UBND"), head)
    assert sorted(o.split(":")[0] for o in outcomes.values()) == ["issued", "refused"]
    (refusal,) = [o for o in outcomes.values() if o.startswith("refused")]
    assert "mỗi số chỉ dùng một lần" in refusal
    assert list(Decision.objects.filter(state="issued").values_list("number", flat=True)) == ["20/QĐ-UBND"]


@pytest.mark.django_db(transaction=True)
def test_two_decisions_numbered_by_the_register_at_once_get_two_numbers(appraised_units, people):
    from friendlygov.assessments.models import Decision

    head = people["head"].user
    outcomes = _issue_at_once(_drafts(appraised_units[:2], head, ""), head)
    assert list(outcomes.values()) == ["issued", "issued"]
    numbers = sorted(Decision.objects.values_list("number", flat=True))
    assert numbers == ["01/QĐ-UBND", "02/QĐ-UBND"]
