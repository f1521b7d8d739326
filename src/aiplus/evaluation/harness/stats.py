"""Pass rates with Wilson score intervals and the verdict of a rate against a threshold (pure, no Django).

A verdict is `pass` or `fail` only when the sample holds at least the standard's minimum (a pack parameter);
below it the verdict is `too_small` whatever the rate, and `uncertain` flags a decided verdict whose 95 % interval
still straddles the threshold."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a proportion (0, 1 when n is 0)."""
    if n <= 0:
        return 0.0, 1.0
    if not 0 <= successes <= n:
        raise ValueError("successes must be between 0 and n")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


PASS, FAIL, TOO_SMALL, NO_THRESHOLD = "pass", "fail", "too_small", "no_threshold"


@dataclass(frozen=True)
class Rate:
    successes: int
    n: int

    @property
    def value(self) -> float | None:
        return self.successes / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.successes, self.n)


@dataclass(frozen=True)
class Verdict:
    outcome: str             # pass, fail, too_small, no_threshold
    threshold: float | None
    at_least: bool           # the rate must be at least (True) or at most (False) the threshold
    sample_min: int | None
    uncertain: bool          # decided, but the interval straddles the threshold

    def as_dict(self) -> dict[str, object]:
        return {"outcome": self.outcome, "threshold": self.threshold, "at_least": self.at_least,
                "sample_min": self.sample_min, "uncertain": self.uncertain}


def verdict(rate: Rate, *, threshold: float | None, at_least: bool = True, sample_min: int | None = None) -> Verdict:
    if threshold is None:
        return Verdict(NO_THRESHOLD, None, at_least, sample_min, False)
    if rate.n == 0 or (sample_min is not None and rate.n < sample_min):
        return Verdict(TOO_SMALL, threshold, at_least, sample_min, False)
    value = rate.successes / rate.n
    met = value >= threshold if at_least else value <= threshold
    low, high = rate.interval
    return Verdict(PASS if met else FAIL, threshold, at_least, sample_min, low < threshold < high)
