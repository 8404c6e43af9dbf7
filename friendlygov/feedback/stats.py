"""Satisfaction rate, margin of error and recommended sample size: pure functions, Decimal only.

Recommended sample (Yamane): n = N / (1 + N·e²), with e = 5% by default. Margin of error at 95%
for a proportion: 1.96 · √(p(1−p)/n), times the finite-population correction √((N−n)/(N−1)) when
N is known. A sample is too small when it is below the recommended n, or below 30 answers when
N is not known (the normal approximation behind the margin needs at least that).
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

Z_95 = Decimal("1.96")
DEFAULT_MARGIN = Decimal("0.05")
MIN_SAMPLE_WITHOUT_N = 30
HUNDRED = Decimal(100)
QUANTUM = Decimal("0.01")


def recommended_sample(population: int, margin: Decimal = DEFAULT_MARGIN) -> int:
    if isinstance(population, bool) or not isinstance(population, int) or population < 1:
        raise ValueError(f"the population N must be a whole number ≥ 1, not {population!r}")
    if not Decimal(0) < margin < Decimal(1):
        raise ValueError(f"the margin e must be between 0 and 1, not {margin}")
    n = Decimal(population) / (1 + population * margin * margin)
    return int(n.to_integral_value(rounding=ROUND_CEILING))


def margin_of_error(satisfied: int, responses: int, population: int | None = None) -> Decimal | None:
    """Half-width of the 95% interval, in percentage points; None without answers."""
    if responses <= 0:
        return None
    if not 0 <= satisfied <= responses:
        raise ValueError(f"satisfied ({satisfied}) must be between 0 and the responses ({responses})")
    p = Decimal(satisfied) / responses
    variance = p * (1 - p) / responses
    if population is not None and population > 1:
        if responses >= population:
            return Decimal(0).quantize(QUANTUM)
        variance *= Decimal(population - responses) / (population - 1)
    return (Z_95 * variance.sqrt() * HUNDRED).quantize(QUANTUM, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rate:
    responses: int
    satisfied: int
    population: int | None = None
    margin: Decimal = DEFAULT_MARGIN

    @property
    def percent(self) -> Decimal | None:
        if not self.responses:
            return None
        return (Decimal(self.satisfied) / self.responses * HUNDRED).quantize(QUANTUM, rounding=ROUND_HALF_UP)

    @property
    def margin_of_error(self) -> Decimal | None:
        return margin_of_error(self.satisfied, self.responses, self.population)

    @property
    def recommended(self) -> int | None:
        return recommended_sample(self.population, self.margin) if self.population else None

    @property
    def too_small(self) -> bool:
        needed = self.recommended if self.population else MIN_SAMPLE_WITHOUT_N
        return self.responses < needed
