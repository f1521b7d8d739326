"""Property tests: a draw's seed is derived from its recorded inputs (same inputs, same seed and panel; any change,
another seed), the draw is reproducible, and it never includes a conflicted expert."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiplus.experts import draws

PARENTS: dict[str, str | None] = {
    "industry": None, "industry.manufacturing": "industry", "industry.agriculture": "industry",
    "livelihood": None, "livelihood.health": "livelihood",
}
CODES = sorted(PARENTS)
ORGS = list(range(1, 7))
PLACES = [1, 2, 3]


@st.composite
def pools(draw: Any) -> list[draws.Pooled]:
    ids = draw(st.lists(st.integers(1, 10_000), min_size=0, max_size=40, unique=True))
    experts = []
    for expert_id in ids:
        declared_orgs = draw(st.lists(st.sampled_from(ORGS), max_size=2, unique=True))
        experts.append(draws.Pooled(
            expert_id=expert_id,
            fields=tuple(draw(st.lists(st.sampled_from(CODES), min_size=1, max_size=3, unique=True))),
            jurisdiction_id=draw(st.sampled_from(PLACES)),
            organisation_id=draw(st.none() | st.sampled_from(ORGS)),
            available=draw(st.booleans()),
            declared={org: (draw(st.sampled_from(["employment", "family", "other"])),) for org in declared_orgs},
            staff_of=frozenset(draw(st.lists(st.sampled_from(ORGS), max_size=2))),
        ))
    return experts


def _conflicted_with(expert: draws.Pooled, conflicted: set[int]) -> bool:
    return (expert.organisation_id in conflicted or bool(set(expert.declared) & conflicted)
            or bool(expert.staff_of & conflicted))


@given(pool=pools(), conflicted=st.sets(st.sampled_from(ORGS)), fields=st.lists(st.sampled_from(CODES), min_size=1),
       places=st.sets(st.sampled_from(PLACES), min_size=1), seed=st.integers(0, 2**63 - 1), data=st.data())
def test_draw_is_reproducible_and_never_includes_a_conflicted_expert(pool, conflicted, fields, places, seed, data):
    result = draws.eligibility(pool, fields=fields, jurisdiction_ids=places, parents=PARENTS, conflicted=conflicted)
    by_id = {e.expert_id: e for e in pool}
    assert list(result.candidate_ids) == sorted(result.candidate_ids)
    for expert_id in result.candidate_ids:
        expert = by_id[expert_id]
        assert not _conflicted_with(expert, conflicted)
        assert expert.available and expert.jurisdiction_id in places
        assert draws.fields_match(fields, expert.fields, PARENTS)
    for expert_id, reasons in result.excluded:
        assert reasons and expert_id not in result.candidate_ids
    # Every matching expert is either a candidate or excluded with a reason; none is silently dropped.
    matching = {e.expert_id for e in pool
                if e.jurisdiction_id in places and draws.fields_match(fields, e.fields, PARENTS)}
    assert matching == set(result.candidate_ids) | {i for i, _r in result.excluded}

    size = data.draw(st.integers(0, len(result.candidate_ids)))
    selected = draws.sample(result.candidate_ids, size, seed)
    assert selected == draws.sample(list(reversed(result.candidate_ids)), size, seed)  # order of input is irrelevant
    assert selected == random.Random(seed).sample(sorted(result.candidate_ids), size)
    assert len(set(selected)) == size and set(selected) <= set(result.candidate_ids)
    assert not any(_conflicted_with(by_id[i], conflicted) for i in selected)


texts = st.text(max_size=30)
ids = st.lists(st.integers(1, 10**9), max_size=20, unique=True)


@st.composite
def recorded_inputs(draw: Any) -> dict[str, object]:
    candidates = draw(st.lists(st.integers(1, 10**6), min_size=1, max_size=30, unique=True))
    return draws.seed_inputs(
        purpose=draw(texts), subject_type=draw(texts), subject_id=draw(texts),
        jurisdiction=draw(st.sampled_from(["suzhou", "shenzhen", "cn", "广东"])),
        fields=draw(st.lists(st.sampled_from(CODES), max_size=4, unique=True)),
        size=draw(st.integers(0, len(candidates))),
        candidate_ids=draw(st.permutations(candidates)), excluded_ids=draw(ids), conflicted_organisation_ids=draw(ids),
        drawn_at=draw(st.datetimes(timezones=st.just(dt.UTC))),
        nonce=draw(st.binary(min_size=16, max_size=16)).hex(),
    )


def _changed(value: object, data: Any) -> object:
    """Another value of the same kind as `value` (a recorded input after someone changed it)."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + data.draw(st.integers(1, 1000))
    if isinstance(value, str):
        return data.draw(st.text(max_size=40).filter(lambda v: v != value))
    assert isinstance(value, list)
    if value and data.draw(st.booleans()):
        index = data.draw(st.integers(0, len(value) - 1))
        return value[:index] + value[index + 1:]  # one left out
    extra = data.draw(st.integers(1, 10**9) if not value or isinstance(value[0], int) else st.sampled_from(CODES))
    return [*value, extra] if extra not in value else [*value, extra, extra]  # one added


@given(inputs=recorded_inputs(), data=st.data())
def test_same_inputs_give_the_same_seed_and_panel_and_any_change_another_seed(inputs, data):
    seed = draws.derive_seed(inputs)
    assert 0 <= seed < 2**draws.SEED_BITS
    same = json.loads(json.dumps(inputs))  # the row's JSON, read back: the same inputs
    assert draws.derive_seed(dict(reversed(list(same.items())))) == seed  # key order does not matter
    candidates, size = inputs["candidate_ids"], inputs["size"]
    panel = draws.sample(candidates, size, seed)
    assert draws.sample(list(reversed(candidates)), size, draws.derive_seed(same)) == panel
    checked = draws.verify(same, seed=seed, selected=panel)
    assert checked.seed_matches and checked.selection_matches
    # The builder sorts the id lists: the order in which ids come in is not an input.
    rebuilt = draws.seed_inputs(**{**inputs, "candidate_ids": reversed(candidates),
                                   "excluded_ids": reversed(inputs["excluded_ids"])})
    assert draws.derive_seed(rebuilt) == seed

    key = data.draw(st.sampled_from(draws.INPUT_KEYS))
    tampered = {**inputs, key: _changed(inputs[key], data)}
    assert draws.derive_seed(tampered) != seed
    assert not draws.verify(tampered, seed=seed, selected=panel).seed_matches


def test_the_seed_is_the_first_63_bits_of_sha256_of_the_canonical_json():
    inputs = draws.seed_inputs(purpose="评审", subject_type="t", subject_id="1", jurisdiction="suzhou",
                               fields=["industry"], size=2, candidate_ids=[3, 1, 2], excluded_ids=[9],
                               conflicted_organisation_ids=[5, 4, 5], drawn_at="2026-11-23T10:00:00+00:00",
                               nonce="00" * 16)
    text = draws.canonical_json(inputs)
    assert text == ('{"candidate_ids":[1,2,3],"conflicted_organisation_ids":[4,5],"drawn_at":"2026-11-23T10:00:00'
                    '+00:00","excluded_ids":[9],"fields":["industry"],"jurisdiction":"suzhou","nonce":"'
                    + "0" * 32 + '","purpose":"评审","size":2,"subject_id":"1","subject_type":"t"}')
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    assert draws.derive_seed(inputs) == int.from_bytes(digest, "big") >> (256 - 63)
    assert re.fullmatch(r"[0-9a-f]{32}", draws.new_nonce()) and draws.new_nonce() != draws.new_nonce()


def test_verify_never_raises_on_malformed_inputs():
    for inputs in (None, {}, {"nonce": "x"}, {k: None for k in draws.INPUT_KEYS},
                   {**{k: "" for k in draws.INPUT_KEYS}, "candidate_ids": ["a"], "size": 1}):
        checked = draws.verify(inputs, seed=1, selected=[1])
        assert not checked.selection_matches


def test_fields_match_parent_and_child_but_not_siblings():
    assert draws.fields_match(["industry.manufacturing"], ["industry"], PARENTS)
    assert draws.fields_match(["industry"], ["industry.agriculture"], PARENTS)
    assert not draws.fields_match(["industry.manufacturing"], ["industry.agriculture"], PARENTS)
    assert not draws.fields_match(["livelihood"], ["industry"], PARENTS)


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_recorded_draws_replay_and_exclude_conflicts(world, make_expert, data):
    """The same property through the service and the database: random pools, random conflicts."""
    from aiplus.core import services as core_services
    from aiplus.experts import services
    from aiplus.experts.models import ExpertProfile

    orgs = [world.orgs["suzhou:enterprise"], world.orgs["suzhou:provider"], world.orgs["shenzhen:enterprise"]]
    if ExpertProfile.objects.count() < 8:
        for index in range(8):
            organisation = orgs[index % 3] if index % 2 else None
            expert = make_expert(fields=("industry.manufacturing",) if index % 4 else ("industry",),
                                 organisation=organisation)
            if index % 3 == 0:
                services.declare_conflict(acting_user=expert.user, expert_id=expert.pk,
                                          organisation_id=orgs[(index + 1) % 3].pk, relationship="family")
            if index == 5:
                core_services.assign_role(acting_user=world.admin, user=expert.user, role="enterprise_member",
                                          organisation_id=orgs[2].pk)
    conflicted = data.draw(st.lists(st.sampled_from([o.pk for o in orgs]), unique=True))
    draw = services.draw_panel(acting_user=world.user("official"), purpose="评审", subject_type="t", subject_id="1",
                               jurisdiction="suzhou", fields=["industry.manufacturing"], size=1,
                               conflicted_organisation_ids=conflicted)
    assert services.redraw(draw) == draw.selected
    assert draw.seed == draws.derive_seed(draw.seed_inputs)
    assert draw.seed_inputs["candidate_ids"] == draw.candidate_ids()
    assert draw.seed_inputs["conflicted_organisation_ids"] == sorted(conflicted)
    assert services.verify_draw(draw)["matches"] is True
    for expert in ExpertProfile.objects.filter(pk__in=draw.selected).prefetch_related("conflicts"):
        assert expert.organisation_id not in conflicted
        assert not {c.organisation_id for c in expert.conflicts.all()} & set(conflicted)
        assert not expert.user.role_assignments.filter(organisation_id__in=conflicted).exists()


def test_the_draw_engine_imports_nothing_from_django():
    import ast
    from pathlib import Path

    tree = ast.parse(Path(draws.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {name for name in imported if name.split(".")[0] in {"django", "ninja", "aiplus"}}
