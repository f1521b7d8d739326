"""Property tests: a draw is reproducible from its recorded seed and never includes a conflicted expert."""

from __future__ import annotations

import random
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
    seed = data.draw(st.none() | st.integers(0, 2**63 - 1))
    draw = services.draw_panel(acting_user=world.user("official"), purpose="评审", subject_type="t", subject_id="1",
                               jurisdiction="suzhou", fields=["industry.manufacturing"], size=1,
                               conflicted_organisation_ids=conflicted, seed=seed)
    assert services.redraw(draw) == draw.selected
    if seed is not None:
        assert draw.seed == seed
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
