import threading

import pytest
from django.db import connection

from friendlygov.assessments import services

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
