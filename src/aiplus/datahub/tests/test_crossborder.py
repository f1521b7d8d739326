"""The cross-border engine against the table of cases derived from the rule text, plus bad input and the
batch path.

Run alone (no Django needed): .venv/bin/python -m pytest src/aiplus/datahub/tests -q -p no:django
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from pydantic import ValidationError

from aiplus.datahub.crossborder import (
    AnnualCounter,
    GbaContractCase,
    TransferCase,
    apply_transfer,
    assess_gba_contract,
    assess_payload,
    assess_transfer,
    classify_batch,
    crossborder_pathway,
)
from aiplus.datahub.crossborder.batch import TransferBatch, claim_bit
from aiplus.datahub.crossborder.logic import CLAIM_ORDER
from aiplus.datahub.crossborder.schema import Exemption
from aiplus.rules import (
    Citation,
    ParameterRegistry,
    ParameterStatus,
    ParameterVersion,
    get_rule,
)

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[3]
CASES_FILE = HERE / "crossborder_cases.yaml"
MY_PARAMETER_FILES = {
    REPO / "packs" / "national" / "parameters" / "crossborder.yaml",
    REPO / "packs" / "gba" / "parameters" / "crossborder.yaml",
}


# --- parameters
# ---------------------------------------------------------------------------------------------------


def _registry_from_yaml() -> ParameterRegistry:
    """The same parameters read straight from the two YAML files (used only while the pack loader cannot
    run)."""
    registry = ParameterRegistry()
    for path in sorted(MY_PARAMETER_FILES):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        versions = []
        for parameter in document["parameters"]:
            for version in parameter["versions"]:
                versions.append(
                    ParameterVersion(
                        key=parameter["key"],
                        value=version["value"],
                        effective_from=version["effective_from"],
                        effective_to=version.get("effective_to"),
                        citation=Citation(**version["citation"]),
                        status=ParameterStatus(version["status"]),
                        unit=parameter.get("unit", ""),
                        pack=path.parents[1].name,
                        source=str(path),
                    )
                )
        registry.register(versions)
    return registry


@cache
def _packs_registry() -> ParameterRegistry:
    """The national + gba packs through the pack loader; the direct YAML read only if another pack is not
    ready."""
    try:
        from aiplus.regulation.loader import PackError, default_packs_root, load_packs
    except ImportError:  # pragma: no cover - the loader is written by another helper
        warnings.warn(
            "aiplus.regulation.loader is not available: reading the parameter YAML directly", stacklevel=1
        )
        return _registry_from_yaml()
    try:
        return load_packs(default_packs_root(), ["national", "gba"]).parameters
    except PackError as error:
        if Path(error.file).resolve() in MY_PARAMETER_FILES:
            raise  # an error in this engine's own parameter files is a failure, never a fallback
        warnings.warn(
            f"pack loader failed outside the cross-border files ({error}); reading the YAML directly",
            stacklevel=1,
        )
        return _registry_from_yaml()


@pytest.fixture()
def registry() -> ParameterRegistry:
    packs = _packs_registry()
    copy_ = ParameterRegistry()
    copy_.register(list(packs))
    return copy_


# The tests see the official calendar as published through this year and no further, whatever the installed
# chinesecalendar knows: a later release then cannot change what they check (the year after stays unpublished).
PUBLISHED_THROUGH = 2026  # the last year of the suite's pinned official calendar (conftest.py)


def calendar(start: dt.date, days: int) -> dt.date:
    """The official holiday calendar, as the Django side passes it in (aiplus.core.calendar, pure Python), pinned
    to the years through PUBLISHED_THROUGH."""
    from aiplus.core.calendar import CalendarUnavailable, add_working_days

    # Counting only moves forward, so an end date within the published years never looked past them.
    end = add_working_days(start, days)
    if end.year > PUBLISHED_THROUGH:
        raise CalendarUnavailable(f"no official holiday calendar for {end.year} (pinned in the tests)")
    return end


# --- the table
# ----------------------------------------------------------------------------------------------------


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def _load_table() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    document = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
    return document["defaults"], document["cases"]


DEFAULTS, CASES = _load_table()


def _json_dates(value: Any) -> Any:
    """YAML dates → ISO strings, so the inputs go through the same JSON path as a payload file."""
    if isinstance(value, dict):
        return {k: _json_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_dates(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check(decision_json: dict[str, Any], expect: dict[str, Any]) -> None:
    assert decision_json["ok"], decision_json
    assert decision_json["outcome"] == expect["outcome"], decision_json["reasons"]
    if "exemption" in expect:
        assert decision_json["data"].get("exemption") == expect["exemption"]
    if "missing" in expect:
        assert sorted(decision_json["missing"]) == sorted(expect["missing"])
    codes = [reason["code"] for reason in decision_json["reasons"]]
    for code in expect.get("reasons_include", []):
        assert code in codes, codes
    for code in expect.get("reasons_exclude", []):
        assert code not in codes, codes
    _check_subset(decision_json["data"], expect.get("data", {}))
    if "deadlines" in expect:
        got = decision_json["deadlines"]
        assert [d["kind"] for d in got] == [d["kind"] for d in expect["deadlines"]]
        for wanted, actual in zip(expect["deadlines"], got, strict=True):
            _check_subset(actual, wanted)
    # Every reason carries a citation; every decision records parameters with a status.
    assert decision_json["reasons"]
    for reason in decision_json["reasons"]:
        assert reason["citation"].get("instrument") or reason["citation"].get("pack")
        assert reason["text_zh"] and reason["text_en"]


def _check_subset(actual: dict[str, Any], wanted: dict[str, Any]) -> None:
    for key, value in wanted.items():
        if isinstance(value, dict):
            _check_subset(actual[key], value)
        else:
            assert actual.get(key) == value, (key, actual.get(key), value)


SINGLE = [case for case in CASES if case.get("kind", "transfer") in ("transfer", "gba")]
SEQUENCES = [case for case in CASES if case.get("kind") == "sequence"]


def test_the_table_is_large_enough():
    transfers = [c for c in CASES if c.get("kind", "transfer") == "transfer"]
    steps = sum(len(c["steps"]) for c in SEQUENCES)
    assert len(transfers) + steps >= 40
    assert len([c for c in CASES if c.get("kind") == "gba"]) >= 10


@pytest.mark.parametrize("case", SINGLE, ids=[c["name"] for c in SINGLE])
def test_table_case(case, registry):
    kind = case.get("kind", "transfer")
    body = _json_dates(_merge(DEFAULTS[kind], case.get("input", {})))
    if kind == "gba":
        body["kind"] = "gba_standard_contract"
    result = assess_payload(body, registry, calendar if case.get("calendar") else None)
    assert isinstance(result, dict)
    json.dumps(result, ensure_ascii=False)  # JSON-ready
    _check(result, case["expect"])


@pytest.mark.parametrize("case", SEQUENCES, ids=[c["name"] for c in SEQUENCES])
def test_counter_sequence(case, registry):
    counter: AnnualCounter | None = None
    for step in case["steps"]:
        on = step["date"]
        pi, sensitive = step.get("pi_people", 0), step.get("sensitive_pi_people", 0)
        seen = counter.as_of(on) if counter else AnnualCounter(period_start=dt.date(on.year, 1, 1))
        categories = (["personal"] if pi else []) + (["sensitive_personal"] if sensitive else [])
        body = _merge(
            DEFAULTS["transfer"],
            {
                "transfer": {
                    "transfer_on": on,
                    "data_categories": categories,
                    "pi_people": pi,
                    "sensitive_pi_people": sensitive,
                },
                "cumulative": {
                    "year": seen.year,
                    "pi_people": seen.pi_people,
                    "sensitive_pi_people": seen.sensitive_pi_people,
                },
            },
        )
        decision = assess_transfer(registry, TransferCase.model_validate(body))
        assert decision.outcome == step["expect"], (step, decision.data["counts"])
        counter = apply_transfer(counter, on=on, pi_people=pi, sensitive_pi_people=sensitive)
        assert counter.year == on.year


# --- the annual counter
# -------------------------------------------------------------------------------------------


def test_counter_resets_on_1_january():
    counter = apply_transfer(None, on=dt.date(2025, 12, 31), pi_people=99_999, sensitive_pi_people=9)
    assert (counter.year, counter.pi_people, counter.sensitive_pi_people) == (2025, 99_999, 9)
    counter = apply_transfer(counter, on=dt.date(2026, 1, 1), pi_people=1, sensitive_pi_people=0)
    assert (counter.year, counter.pi_people, counter.sensitive_pi_people) == (2026, 1, 0)
    assert counter.as_of(dt.date(2027, 3, 1)) == AnnualCounter(period_start=dt.date(2027, 1, 1))
    with pytest.raises(ValueError, match="falls before"):
        apply_transfer(counter, on=dt.date(2025, 12, 30), pi_people=1, sensitive_pi_people=0)
    with pytest.raises(ValueError, match="pi_people must not be negative"):
        apply_transfer(counter, on=dt.date(2026, 2, 1), pi_people=-1, sensitive_pi_people=0)
    with pytest.raises(ValueError, match="sensitive_pi_people"):
        AnnualCounter(period_start=dt.date(2026, 1, 1), sensitive_pi_people=-5)


# --- bad input
# ----------------------------------------------------------------------------------------------------


def _base(**transfer: Any) -> dict[str, Any]:
    return _json_dates(_merge(DEFAULTS["transfer"], {"transfer": transfer}))


@pytest.mark.parametrize(
    "path",
    [
        ("transfer", "pi_people"),
        ("transfer", "sensitive_pi_people"),
        ("cumulative", "pi_people"),
        ("cumulative", "sensitive_pi_people"),
    ],
)
def test_negative_counts_name_the_field(path, registry):
    body = _base(pi_people=5)
    body[path[0]][path[1]] = -1
    with pytest.raises(ValidationError) as info:
        TransferCase.model_validate(body)
    assert info.value.errors()[0]["loc"] == path
    result = assess_payload(body, registry)
    assert isinstance(result, dict) and result["ok"] is False
    assert result["errors"][0]["field"] == ".".join(path)
    assert "greater than or equal to 0" in result["errors"][0]["message"]


@pytest.mark.parametrize("code", ["XX", "UK", "EU", "CHN", ""])
def test_unknown_country_code_is_a_clear_error(code, registry):
    result = assess_payload(_base(country_or_region=code, pi_people=1), registry)
    assert isinstance(result, dict) and result["ok"] is False
    assert result["errors"][0]["field"] == "transfer.country_or_region"
    assert "unknown country or region" in result["errors"][0]["message"]


def test_country_codes_are_normalised(registry):
    decision = assess_transfer(
        registry, TransferCase.model_validate(_base(country_or_region=" hk ", pi_people=1))
    )
    assert decision.data["country_or_region"] == "HK"


def test_unknown_keys_and_kinds_are_errors(registry):
    body = _base(pi_people=1)
    body["transfer"]["pi_persons"] = 3
    result = assess_payload(body, registry)
    assert isinstance(result, dict) and result["errors"][0]["field"] == "transfer.pi_persons"
    result = assess_payload({"kind": "nonsense"}, registry)
    assert isinstance(result, dict) and result["errors"][0]["field"] == "kind"
    body = _base(pi_people=1)
    body["exemptions_claimed"] = ["because"]
    result = assess_payload(body, registry)
    assert isinstance(result, dict) and result["errors"][0]["field"] == "exemptions_claimed.0"


def test_cumulative_year_after_the_transfer_is_an_error():
    body = _base(pi_people=1)
    body["cumulative"]["year"] = 2026
    with pytest.raises(ValidationError, match="after the transfer's year") as info:
        TransferCase.model_validate(body)
    assert info.value.errors()[0]["loc"] == ("cumulative",)


def test_gba_party_name_required():
    with pytest.raises(ValidationError) as info:
        GbaContractCase.model_validate(
            {**_json_dates(DEFAULTS["gba"]), "recipient": {"name": "", "location": "HK"}}
        )
    assert info.value.errors()[0]["loc"] == ("recipient", "name")


def test_transfer_before_order_16_has_no_parameters(registry):
    body = _base(pi_people=1, transfer_on="2024-03-21")
    body["cumulative"]["year"] = 2024
    result = assess_payload(body, registry)
    assert isinstance(result, dict) and result["ok"] is False
    assert "no value in force on 2024-03-21" in result["errors"][0]["message"]


# --- parameters, citations, payloads
# --------------------------------------------------------------------------------


def test_thresholds_come_from_the_packs(registry):
    body = TransferCase.model_validate(_base(pi_people=150_000))
    assert assess_transfer(registry, body).outcome == "standard_contract_or_certification"
    registry.register(
        [
            ParameterVersion(
                key="crossborder.pi_threshold_contract",
                value=200_000,
                effective_from=dt.date(2024, 3, 22),
                effective_to=None,
                citation=Citation(pack="test", article="1"),
                status=ParameterStatus.LOCAL_SETTING,
            )
        ],
        override=True,
    )
    decision = assess_transfer(registry, body)
    assert decision.outcome == "exempt"
    used = {p.key: p for p in decision.parameters}
    assert used["crossborder.pi_threshold_contract"].value == 200_000
    assert decision.relies_on_local_settings


def test_parameters_used_are_recorded_with_status(registry):
    decision = assess_transfer(registry, TransferCase.model_validate(_base(pi_people=150_000)))
    used = {p.key: p for p in decision.parameters}
    assert used["crossborder.pi_threshold_contract"].status is ParameterStatus.OFFICIAL
    assert used["crossborder.pi_threshold_contract"].citation.instrument == "促进和规范数据跨境流动规定"
    assert used["crossborder.standard_contract_filing_working_days"].value == 10
    assert not decision.relies_on_local_settings
    assessment = assess_transfer(registry, TransferCase.model_validate(_base(pi_people=1_500_000)))
    renewal = {p.key: p for p in assessment.parameters}["crossborder.assessment_renewal_lead_working_days"]
    assert renewal.status is ParameterStatus.LOCAL_SETTING
    # The Art. 8 citation reaches the reason.
    reason = next(r for r in decision.reasons if r.code == "pi_volume_contract")
    assert (reason.citation.instrument, reason.citation.article) == ("促进和规范数据跨境流动规定", "8")


def test_parameter_files_follow_the_confidence_tags(registry):
    official = {v.key for v in registry if v.status is ParameterStatus.OFFICIAL}
    local = {v.key for v in registry if v.status is ParameterStatus.LOCAL_SETTING}
    assert {
        "crossborder.pi_threshold_contract",
        "crossborder.pi_threshold_assessment",
        "crossborder.sensitive_pi_threshold_assessment",
        "crossborder.standard_contract_filing_working_days",
        "crossborder.assessment_decision_working_days",
        "crossborder.assessment_validity_months",
        "crossborder.gba.filing_working_days",
        "crossborder.gba.mainland_cities",
    } <= official
    assert {
        "crossborder.assessment_renewal_lead_working_days",
        "crossborder.ftz_negative_lists",
        "crossborder.gba.pia_expected",
        "crossborder.gba.volume_thresholds_apply",
    } <= local


def test_rules_are_registered():
    assert get_rule("crossborder.pathway").function is crossborder_pathway
    spec = get_rule("crossborder.gba_standard_contract")
    packs = {(c.pack, c.article) for c in get_rule("crossborder.pathway").citations if c.pack}
    assert {("suzhou", "32"), ("guangdong", "8"), ("guangdong", "23")} <= packs
    assert ("guangdong", "23") in {(c.pack, c.article) for c in spec.citations}


def test_keyword_form_matches_the_model_form(registry):
    decision = crossborder_pathway(
        registry,
        transfer=_base(pi_people=150_000)["transfer"],
        processor={"is_ciio": False},
        cumulative={"year": 2025, "pi_people": 0},
        exemptions_claimed=["cross_border_hr"],
    )
    assert (decision.outcome, decision.data["exemption"]) == ("exempt", "cross_border_hr")


def test_payload_list_keeps_order_ids_and_errors(registry):
    results = assess_payload(
        [
            {"id": "a", **_base(pi_people=10)},
            {"id": "b", **_base(pi_people=-3)},
            {"id": "c", "kind": "gba_standard_contract", **_json_dates(DEFAULTS["gba"])},
            "not an object",
        ],
        registry,
        calendar,
    )
    assert isinstance(results, list)
    assert [r.get("id") for r in results] == ["a", "b", "c", None]
    assert [r["ok"] for r in results] == [True, False, True, False]
    assert results[0]["pathway"] == "exempt" and results[2]["eligibility"] == "eligible"
    text = json.dumps(results, ensure_ascii=False)
    assert "促进和规范数据跨境流动规定" in text


def test_deadline_dates_only_with_a_calendar(registry):
    body = _merge(
        _base(pi_people=10),
        {
            "processor": {"is_ciio": True},
            "milestones": {"assessment_accepted_on": "2025-09-26", "assessment_issued_on": "2023-03-31"},
        },
    )
    case = TransferCase.model_validate(body)
    plain = {d["kind"]: d for d in assess_transfer(registry, case).data["deadlines"]}
    assert plain["security_assessment_decision"]["due_on"] is None
    assert plain["security_assessment_validity"]["due_on"] == "2026-03-31"  # a month clock needs no calendar
    assert plain["security_assessment_renewal_reminder"]["due_on"] is None
    dated = {d["kind"]: d for d in assess_transfer(registry, case, calendar).data["deadlines"]}
    assert dated["security_assessment_decision"]["due_on"] == calendar(dt.date(2025, 9, 26), 45).isoformat()
    reminder = dt.date.fromisoformat(dated["security_assessment_renewal_reminder"]["due_on"])
    expiry = dt.date(2026, 3, 31)
    # The renewal window opens 60 working days before expiry: the earliest day from which 60 working days
    # reach it.
    assert calendar(reminder, 60) >= expiry
    assert calendar(reminder - dt.timedelta(days=1), 60) < expiry
    assert dt.date(2025, 12, 1) < reminder < dt.date(2026, 1, 15)


def test_calendar_not_published_gives_no_date(registry):
    body = _merge(
        _base(pi_people=10),
        {"processor": {"is_ciio": True}, "milestones": {"assessment_issued_on": "2025-08-29"}},
    )
    dated = {
        d["kind"]: d
        for d in assess_transfer(registry, TransferCase.model_validate(body), calendar).data["deadlines"]
    }
    assert dated["security_assessment_validity"]["due_on"] == "2028-08-29"
    # The calendar for 2028 is not published (PUBLISHED_THROUGH): no date is guessed from weekdays.
    assert dated["security_assessment_renewal_reminder"]["due_on"] is None


def test_gba_eligibility_via_model(registry):
    case = GbaContractCase.model_validate(
        {**_json_dates(DEFAULTS["gba"]), "processor": {"name": "佛山厂", "location": "foshan-shunde"}}
    )
    decision = assess_gba_contract(registry, case)
    assert decision.outcome == "eligible"
    assert decision.data["instrument"].startswith("粤港澳大湾区（内地、香港）")
    assert decision.relies_on_local_settings  # the PIA and no-threshold settings are local


# --- the batch path equals the one-at-a-time engine
# ----------------------------------------------------------------


def _random_batch(size: int, seed: int) -> TransferBatch:
    rng = np.random.default_rng(seed)

    def tri(unknown: float, yes: float) -> np.ndarray:
        draw = rng.random(size)
        return np.where(draw < unknown, -1, (draw < unknown + yes).astype(np.int8)).astype(np.int8)

    def counts(scale: list[int], unknown: float) -> np.ndarray:
        values = rng.choice(np.array(scale, dtype=np.int64), size) + rng.integers(-2, 3, size)
        values = np.maximum(values, 0)
        return np.where(rng.random(size) < unknown, -1, values).astype(np.int64)

    days = np.datetime64("2024-12-20") + rng.integers(0, 30, size).astype("timedelta64[D]")
    return TransferBatch(
        transfer_on=days,
        country=rng.integers(0, 4, size).astype(np.int16),
        country_table=("US", "HK", "CN", "DE"),
        cat_personal=rng.random(size) < 0.7,
        cat_sensitive=rng.random(size) < 0.3,
        cat_important=rng.random(size) < 0.15,
        important_designated=tri(0.2, 0.3),
        is_ciio=tri(0.1, 0.1),
        in_ftz=tri(0.1, 0.5),
        ftz=rng.integers(-1, 3, size).astype(np.int16),
        ftz_table=("shanghai-lingang", "guangdong-nansha", "tianjin"),
        claims=np.where(rng.random(size) < 0.3, 1 << rng.integers(0, len(CLAIM_ORDER), size), 0).astype(
            np.uint8
        ),
        cumulative_year=np.where(
            rng.random(size) < 0.2,
            0,
            days.astype("datetime64[Y]").astype(np.int32) + 1970 - rng.integers(0, 2, size),
        ).astype(np.int32),
        cumulative_pi=counts([0, 50_000, 99_999, 100_000, 999_999, 1_000_000], 0.1),
        cumulative_sensitive=counts([0, 5_000, 9_999, 10_000], 0.1),
        new_pi=counts([0, 1, 1_000], 0.05),
        new_sensitive=counts([0, 1, 10], 0.05),
    )


def test_batch_matches_scalar(registry):
    batch = _random_batch(1500, seed=7)
    result = classify_batch(batch, registry)
    mismatches = []
    for i in range(len(batch)):
        decision = result.decision(i, registry)
        got = (result.outcome_name(i), result.exemption_name(i), sorted(result.missing.get(i, ())))
        want = (decision.outcome, decision.data.get("exemption"), sorted(decision.missing))
        if got != want:
            mismatches.append((i, got, want))
    assert not mismatches, mismatches[:5]
    tally = result.tally()
    assert all(
        tally[name] > 0
        for name in (
            "outside_rules",
            "exempt",
            "standard_contract_or_certification",
            "security_assessment",
            "incomplete",
        )
    ), tally


def test_batch_validation_names_the_column(registry):
    batch = _random_batch(10, seed=1)
    batch.new_pi[3] = -5
    with pytest.raises(ValueError, match="new_pi: row 3 is negative"):
        classify_batch(batch, registry)
    batch = _random_batch(10, seed=1)
    batch.country_table = ("US", "HK", "ZZ", "DE")
    with pytest.raises(ValueError, match="country_or_region: unknown codes"):
        classify_batch(batch, registry)


def test_claim_bits_follow_the_article_order():
    assert claim_bit(Exemption.TRADE_ACADEMIC_NO_PI) == 1
    assert claim_bit(Exemption.FTZ_NEGATIVE_LIST) == 1 << 5
