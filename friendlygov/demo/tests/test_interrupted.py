import pytest

from friendlygov.assessments.models import AppraisingBody, Cycle
from friendlygov.demo import generator


def test_an_interrupted_cycle_leaves_nothing_behind(db, reference_data, monkeypatch):
    class Broken(generator.DistrictHistory):
        def build(self):
            self.create_bodies(self.create_cycle())
            raise RuntimeError("interrupted")

    monkeypatch.setitem(generator.BUILDERS, 2024, Broken)
    with pytest.raises(RuntimeError, match="interrupted"):
        generator.setup_cycles(small=True, log=lambda line: None)
    assert not Cycle.objects.exists()
    assert not AppraisingBody.objects.exists()
