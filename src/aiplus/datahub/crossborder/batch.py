"""The vectorised path: classify many transfers at once with numpy (for bulk re-assessment and the benchmark).

A `TransferBatch` holds the same facts as `TransferCase`, column by column; unknowns are -1. The batch is
validated
once, the parameters are read once (the whole batch must fall under one version of each), and the decision
table
of `logic.py` is applied with array comparisons. Rows with an unknown fact that matters go through the scalar
`logic.determine`. Full `Decision` objects (reasons, deadlines) are built lazily, per row, by
`BatchResult.decision`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from aiplus.datahub.crossborder.counters import PERIOD_START_KEY, parse_month_day
from aiplus.datahub.crossborder.countries import COUNTRY_CODES
from aiplus.datahub.crossborder.deadlines import WorkingDayCalendar
from aiplus.datahub.crossborder.logic import (
    CLAIM_ORDER,
    EXEMPT,
    INCOMPLETE,
    OUTCOMES,
    OUTSIDE_RULES,
    SECURITY_ASSESSMENT,
    STANDARD_CONTRACT,
    Determination,
    Facts,
    Thresholds,
    determine,
)
from aiplus.datahub.crossborder.pathway import (
    KEY_FTZ_LISTS,
    KEY_PI_ASSESSMENT,
    KEY_PI_CONTRACT,
    KEY_SENSITIVE_ASSESSMENT,
    assess_transfer,
)
from aiplus.datahub.crossborder.schema import BELOW_THRESHOLD, Exemption, TransferCase
from aiplus.rules import Decision, ParameterRegistry

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

OUTCOME_CODES = {name: index for index, name in enumerate(OUTCOMES)}
# Exemption codes: the claims in article order, then the computed art. 5 item 4 exemption; -1 = none.
EXEMPTION_NAMES: tuple[str, ...] = (*(claim.value for claim in CLAIM_ORDER), BELOW_THRESHOLD)
_BELOW = len(CLAIM_ORDER)
_TRADE = CLAIM_ORDER.index(Exemption.TRADE_ACADEMIC_NO_PI)
_DIMENSION_FIELDS = {
    "important": ("transfer.important_data_designated",),
    "is_ciio": ("processor.is_ciio",),
    "in_ftz": ("processor.in_ftz",),
    "ftz_listed": ("processor.ftz_code",),
    "pi_total": ("cumulative.pi_people", "transfer.pi_people"),
    "sensitive_total": ("cumulative.sensitive_pi_people", "transfer.sensitive_pi_people"),
}


def claim_bit(claim: Exemption) -> int:
    return 1 << CLAIM_ORDER.index(claim)


@dataclass(slots=True)
class TransferBatch:
    """Transfers as columns. Tri-state columns use -1 unknown, 0 no, 1 yes; counts use -1 unknown."""

    transfer_on: npt.NDArray[np.datetime64]  # datetime64[D]
    country: npt.NDArray[np.int16]  # index into country_table
    country_table: tuple[str, ...]
    cat_personal: BoolArray
    cat_sensitive: BoolArray
    cat_important: BoolArray
    important_designated: npt.NDArray[np.int8]
    is_ciio: npt.NDArray[np.int8]
    in_ftz: npt.NDArray[np.int8]
    ftz: npt.NDArray[np.int16]  # index into ftz_table, -1 = not given
    ftz_table: tuple[str, ...]
    claims: npt.NDArray[np.uint8]  # bit i = CLAIM_ORDER[i] claimed
    cumulative_year: npt.NDArray[np.int32]  # 0 = not given
    cumulative_pi: IntArray
    cumulative_sensitive: IntArray
    new_pi: IntArray
    new_sensitive: IntArray

    def __len__(self) -> int:
        return int(self.transfer_on.shape[0])

    def validate(self) -> None:
        """Checked once per batch: shapes, codes, tri-states and counts (negative counts name their
        column)."""
        size = len(self)
        for name in (
            "country",
            "cat_personal",
            "cat_sensitive",
            "cat_important",
            "important_designated",
            "is_ciio",
            "in_ftz",
            "ftz",
            "claims",
            "cumulative_year",
            "cumulative_pi",
            "cumulative_sensitive",
            "new_pi",
            "new_sensitive",
        ):
            column = getattr(self, name)
            if column.shape != (size,):
                raise ValueError(f"{name}: expected {size} rows, got shape {column.shape}")
        unknown = [code for code in self.country_table if code not in COUNTRY_CODES]
        if unknown:
            raise ValueError(f"country_or_region: unknown codes {unknown}")
        if size and (self.country.min() < 0 or self.country.max() >= len(self.country_table)):
            raise ValueError("country: index outside country_table")
        if size and self.ftz.max() >= len(self.ftz_table):
            raise ValueError("ftz: index outside ftz_table")
        for name in ("important_designated", "is_ciio", "in_ftz"):
            column = getattr(self, name)
            bad = np.flatnonzero((column < -1) | (column > 1))
            if bad.size:
                raise ValueError(f"{name}: row {int(bad[0])} is not -1, 0 or 1")
        for name in ("cumulative_pi", "cumulative_sensitive", "new_pi", "new_sensitive"):
            bad = np.flatnonzero(getattr(self, name) < -1)
            if bad.size:
                raise ValueError(f"{name}: row {int(bad[0])} is negative")
        years = self.transfer_on.astype("datetime64[Y]").astype(np.int64) + 1970
        bad = np.flatnonzero(self.cumulative_year > years)
        if bad.size:
            raise ValueError(f"cumulative_year: row {int(bad[0])} is after the transfer's year")

    def row_case(self, index: int) -> dict[str, Any]:
        """Row `index` as the JSON input of `TransferCase` (for the scalar engine and lazy decisions)."""

        def tri(value: int) -> bool | None:
            return None if value < 0 else bool(value)

        def count(value: int) -> int | None:
            return None if value < 0 else int(value)

        categories = [
            name
            for flag, name in (
                (self.cat_personal, "personal"),
                (self.cat_sensitive, "sensitive_personal"),
                (self.cat_important, "important"),
            )
            if flag[index]
        ]
        ftz_index = int(self.ftz[index])
        return {
            "processor": {
                "is_ciio": tri(int(self.is_ciio[index])),
                "in_ftz": tri(int(self.in_ftz[index])),
                "ftz_code": self.ftz_table[ftz_index] if ftz_index >= 0 else None,
            },
            "transfer": {
                "recipient": f"recipient-{index}",
                "country_or_region": self.country_table[int(self.country[index])],
                "data_categories": categories or ["general"],
                "important_data_designated": tri(int(self.important_designated[index])),
                "pi_people": count(int(self.new_pi[index])),
                "sensitive_pi_people": count(int(self.new_sensitive[index])),
                "transfer_on": str(self.transfer_on[index]),
            },
            "cumulative": {
                "year": int(self.cumulative_year[index]) or None,
                "pi_people": count(int(self.cumulative_pi[index])),
                "sensitive_pi_people": count(int(self.cumulative_sensitive[index])),
            },
            "exemptions_claimed": [
                claim.value for bit, claim in enumerate(CLAIM_ORDER) if int(self.claims[index]) >> bit & 1
            ],
        }


@dataclass(slots=True)
class BatchResult:
    batch: TransferBatch
    outcome: npt.NDArray[np.uint8]  # index into logic.OUTCOMES
    exemption: npt.NDArray[np.int8]  # index into EXEMPTION_NAMES, -1 = none
    missing: dict[int, tuple[str, ...]] = field(default_factory=dict)  # incomplete rows → input fields

    def outcome_name(self, index: int) -> str:
        return OUTCOMES[int(self.outcome[index])]

    def exemption_name(self, index: int) -> str | None:
        code = int(self.exemption[index])
        return None if code < 0 else EXEMPTION_NAMES[code]

    def tally(self) -> dict[str, int]:
        counts = np.bincount(self.outcome, minlength=len(OUTCOMES))
        return {name: int(counts[index]) for index, name in enumerate(OUTCOMES)}

    def decision(
        self, index: int, registry: ParameterRegistry, calendar: WorkingDayCalendar | None = None
    ) -> Decision:
        """The full decision for one row, with reasons and deadlines (built on demand)."""
        return assess_transfer(registry, TransferCase.model_validate(self.batch.row_case(index)), calendar)


def _parameters_for(
    registry: ParameterRegistry, days: Sequence[dt.date], keys: Sequence[str]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in keys:
        first = registry.version(key, days[0])
        if registry.version(key, days[-1]) is not first:
            raise ValueError(f"the batch spans two versions of {key}: split it at {first.effective_to}")
        values[key] = first.value
    return values


def classify_batch(
    batch: TransferBatch, registry: ParameterRegistry, *, validate: bool = True
) -> BatchResult:
    if validate:
        batch.validate()
    size = len(batch)
    if size == 0:
        return BatchResult(batch, np.zeros(0, np.uint8), np.zeros(0, np.int8))
    first = dt.date.fromisoformat(str(batch.transfer_on.min()))
    last = dt.date.fromisoformat(str(batch.transfer_on.max()))
    params = _parameters_for(
        registry,
        (first, last),
        (PERIOD_START_KEY, KEY_PI_CONTRACT, KEY_PI_ASSESSMENT, KEY_SENSITIVE_ASSESSMENT, KEY_FTZ_LISTS),
    )
    month, day = parse_month_day(params[PERIOD_START_KEY])
    thresholds = Thresholds(
        int(params[KEY_PI_CONTRACT]), int(params[KEY_PI_ASSESSMENT]), int(params[KEY_SENSITIVE_ASSESSMENT])
    )
    listed = {str(code).lower() for code in params[KEY_FTZ_LISTS]}
    ftz_listed_table = np.array([code.strip().lower() in listed for code in batch.ftz_table] + [False], bool)

    # Counting period: the year whose period start (e.g. 1 January) is on or before the transfer.
    years = batch.transfer_on.astype("datetime64[Y]").astype(np.int64) + 1970
    if (month, day) == (1, 1):
        period_year = years
    else:
        starts = np.array(
            [f"{y:04d}-{month:02d}-{day:02d}" for y in range(int(years.min()), int(years.max()) + 1)],
            dtype="datetime64[D]",
        )
        period_year = years - (batch.transfer_on < starts[years - years.min()]).astype(np.int64)
    reset = (batch.cumulative_year > 0) & (batch.cumulative_year < period_year)

    cn_index = batch.country_table.index("CN") if "CN" in batch.country_table else -1
    cross = batch.country != cn_index
    has_pi = batch.cat_personal | (batch.new_pi > 0)
    has_sensitive = batch.cat_sensitive | (batch.new_sensitive > 0)
    any_pi = has_pi | has_sensitive
    designated = batch.important_designated
    important = np.where(designated >= 0, designated, np.where(batch.cat_important, -1, 0)).astype(np.int8)
    ftz_claimed = (batch.claims & claim_bit(Exemption.FTZ_NEGATIVE_LIST)) > 0
    in_ftz = np.where(ftz_claimed, batch.in_ftz, 0)
    ftz_listed = np.where(ftz_claimed, np.where(batch.ftz >= 0, ftz_listed_table[batch.ftz], -1), 0)

    cumulative_pi = np.where(reset, 0, batch.cumulative_pi)
    cumulative_sensitive = np.where(reset, 0, batch.cumulative_sensitive)
    pi_known = (cumulative_pi >= 0) & (batch.new_pi >= 0)
    sensitive_known = (cumulative_sensitive >= 0) & (batch.new_sensitive >= 0)
    pi_total = np.where(has_pi, cumulative_pi + batch.new_pi, 0)
    sensitive_total = np.where(has_sensitive, cumulative_sensitive + batch.new_sensitive, 0)

    complete = (
        (important >= 0)
        & (~any_pi | (batch.is_ciio >= 0))
        & (~ftz_claimed | ((in_ftz >= 0) & (ftz_listed >= 0)))
        & (~has_pi | pi_known)
        & (~has_sensitive | sensitive_known)
    )
    complete |= ~cross

    imp = important == 1
    exemption = np.full(size, -1, np.int8)
    valid = {
        Exemption.TRADE_ACADEMIC_NO_PI: ~any_pi & ~imp,
        Exemption.ABROAD_COLLECTED_RETURNED: ~imp,
        Exemption.CONTRACT_WITH_INDIVIDUAL: any_pi & ~imp,
        Exemption.CROSS_BORDER_HR: any_pi & ~imp,
        Exemption.EMERGENCY: any_pi & ~imp,
        Exemption.FTZ_NEGATIVE_LIST: (in_ftz == 1) & (ftz_listed == 1),
    }
    for position in range(len(CLAIM_ORDER) - 1, -1, -1):  # backwards, so the first article that holds wins
        claim = CLAIM_ORDER[position]
        exemption[((batch.claims >> position) & 1).astype(bool) & valid[claim]] = position
    outside = ~cross | (~any_pi & ~imp)
    trade_claimed = ((batch.claims >> _TRADE) & 1).astype(bool)
    exemption[outside] = np.where(cross[outside] & trade_claimed[outside], _TRADE, -1)

    assessment = (
        imp
        | ((batch.is_ciio == 1) & any_pi)
        | (has_pi & (pi_total >= thresholds.pi_assessment))
        | (has_sensitive & (sensitive_total >= thresholds.sensitive_assessment))
    )
    contract = (has_pi & (pi_total >= thresholds.pi_contract)) | has_sensitive
    claimed = ~outside & (exemption >= 0)
    outcome = np.select(
        [outside, claimed, assessment, contract],
        [
            OUTCOME_CODES[OUTSIDE_RULES],
            OUTCOME_CODES[EXEMPT],
            OUTCOME_CODES[SECURITY_ASSESSMENT],
            OUTCOME_CODES[STANDARD_CONTRACT],
        ],
        default=OUTCOME_CODES[EXEMPT],
    ).astype(np.uint8)
    below = ~outside & ~claimed & ~assessment & ~contract
    exemption[below] = _BELOW

    result = BatchResult(batch, outcome, exemption)
    cache: dict[Facts, Determination] = {}
    for index in np.flatnonzero(~complete):
        _fallback(
            result,
            int(index),
            thresholds,
            has_pi,
            has_sensitive,
            important,
            in_ftz,
            ftz_listed,
            cumulative_pi,
            cumulative_sensitive,
            cache,
        )
    return result


def _fallback(
    result: BatchResult,
    i: int,
    thresholds: Thresholds,
    has_pi: BoolArray,
    has_sensitive: BoolArray,
    important: npt.NDArray[np.int8],
    in_ftz: npt.NDArray[Any],
    ftz_listed: npt.NDArray[Any],
    cumulative_pi: IntArray,
    cumulative_sensitive: IntArray,
    cache: dict[Facts, Determination],
) -> None:
    """A row with unknown facts: settle it with the scalar search, or record what is missing."""
    batch = result.batch

    def tri(value: int) -> bool | None:
        return None if value < 0 else bool(value)

    def total(cumulative: int, new: int, present: bool) -> tuple[int | None, int]:
        if not present:
            return 0, 0
        if cumulative >= 0 and new >= 0:
            return cumulative + new, cumulative + new
        return None, max(cumulative, 0) + (new if new >= 0 else 1)

    pi_total, pi_low = total(int(cumulative_pi[i]), int(batch.new_pi[i]), bool(has_pi[i]))
    sensitive_total, sensitive_low = total(
        int(cumulative_sensitive[i]), int(batch.new_sensitive[i]), bool(has_sensitive[i])
    )
    facts = Facts(
        cross_border=True,
        has_pi=bool(has_pi[i]),
        has_sensitive=bool(has_sensitive[i]),
        important=tri(int(important[i])),
        is_ciio=tri(int(batch.is_ciio[i])),
        in_ftz=tri(int(in_ftz[i])),
        ftz_listed=tri(int(ftz_listed[i])),
        pi_total=pi_total,
        sensitive_total=sensitive_total,
        pi_low=pi_low,
        sensitive_low=sensitive_low,
        claims=tuple(claim for bit, claim in enumerate(CLAIM_ORDER) if int(batch.claims[i]) >> bit & 1),
    )
    key = _canonical(facts, thresholds)
    found = cache.get(key)
    if found is None:
        found = cache[key] = determine(key, thresholds)
    if found.verdict is None:
        result.outcome[i] = OUTCOME_CODES[INCOMPLETE]
        result.exemption[i] = -1
        unknown = {
            "transfer.important_data_designated": batch.important_designated[i] < 0,
            "processor.is_ciio": batch.is_ciio[i] < 0,
            "processor.in_ftz": batch.in_ftz[i] < 0,
            "processor.ftz_code": batch.ftz[i] < 0,
            "cumulative.pi_people": cumulative_pi[i] < 0,  # after the 1 January reset, never unknown
            "transfer.pi_people": batch.new_pi[i] < 0,
            "cumulative.sensitive_pi_people": cumulative_sensitive[i] < 0,
            "transfer.sensitive_pi_people": batch.new_sensitive[i] < 0,
        }
        fields: list[str] = []
        for dimension in found.missing_dimensions:
            for path in _DIMENSION_FIELDS[dimension]:
                if unknown[path] and path not in fields:
                    fields.append(path)
        result.missing[i] = tuple(fields)
        return
    outcome, exemption = found.verdict
    result.outcome[i] = OUTCOME_CODES[outcome]
    result.exemption[i] = -1 if exemption is None else EXEMPTION_NAMES.index(exemption)


def _canonical(facts: Facts, thresholds: Thresholds) -> Facts:
    """The facts with each number replaced by the lowest number of its threshold band.

    The pathway and the missing facts depend on the bands only, so rows in the same bands share one memoised
    `determine` per batch."""

    def pi_band(value: int) -> int:
        if value >= thresholds.pi_assessment:
            return thresholds.pi_assessment
        return thresholds.pi_contract if value >= thresholds.pi_contract else 0

    def sensitive_band(value: int) -> int:
        return thresholds.sensitive_assessment if value >= thresholds.sensitive_assessment else 0

    return replace(
        facts,
        pi_total=None if facts.pi_total is None else pi_band(facts.pi_total),
        pi_low=pi_band(facts.pi_low),
        sensitive_total=None if facts.sensitive_total is None else sensitive_band(facts.sensitive_total),
        sensitive_low=sensitive_band(facts.sensitive_low),
    )
