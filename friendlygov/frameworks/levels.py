"""Recognition level from a final score (pure, Decimal only).

Bands are half-open and exact: 84.99 is level 1, 85.00 is level 2 (the scheme's own wording).
The bands are a program's data (friendlygov/programs): a caller that holds a cycle asks
`rules_for(cycle).level_for(score)`; the constants below are Hải Dương's 2024–2030 bands, the
default program's first version, and what a caller without a cycle (a test, a benchmark) gets.
"""

from collections.abc import Sequence
from decimal import Decimal

NOT_QUALIFIED = 0
LEVELS = (0, 1, 2, 3, 4)
MIN_SCORE = Decimal("0")
MAX_SCORE = Decimal("100")

# (lowest score of the band, level), highest band first.
Bands = Sequence[tuple[Decimal, int]]
LEVEL_BANDS: tuple[tuple[Decimal, int], ...] = (
    (Decimal("95"), 4),
    (Decimal("90"), 3),
    (Decimal("85"), 2),
    (Decimal("80"), 1),
)


class ScoreOutOfRange(ValueError):
    """A score below 0 or above 100 has no level: it is a bug upstream, not a band."""


def level_for_score(score: Decimal, bands: Bands = LEVEL_BANDS) -> int:
    """The level of the highest band whose lowest score `score` reaches, 0 (không đạt chuẩn) below
    every band. With the default bands: 1 for [80, 85); 2 for [85, 90); 3 for [90, 95); 4 for
    [95, 100]. `bands` is (lowest score, level) pairs, highest band first."""
    if not isinstance(score, Decimal):
        raise TypeError(f"score must be a Decimal, not {type(score).__name__}")
    if not score.is_finite() or score < MIN_SCORE or score > MAX_SCORE:
        raise ScoreOutOfRange(f"score {score} is outside 0–100")
    for lowest, level in bands:
        if score >= lowest:
            return level
    return NOT_QUALIFIED
