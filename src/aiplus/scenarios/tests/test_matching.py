"""Tests of the pure matching engine (no database: run with -p no:django)."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiplus.scenarios.matching import (
    CapabilityProfile,
    Constraint,
    MatchingEngine,
    Need,
    StrongMatchPolicy,
    default_analyzer,
    strong_matches,
)
from aiplus.scenarios.matching.structured import range_fit

MFG = "industry.manufacturing"


def _profile(pid: str, **kw: object) -> CapabilityProfile:
    base: dict[str, object] = {
        "org_name": f"{pid}科技有限公司",
        "description": "专注汽车零部件表面瑕疵检测，支持本地化部署",
        "products": "瑕疵识别一体机",
        "domains": (MFG,),
        "regions_served": ("suzhou",),
        "qualifications": ("等保三级",),
        "price_min_cny": Decimal(300_000),
        "price_max_cny": Decimal(900_000),
    }
    base.update(kw)
    return CapabilityProfile(id=pid, **base)  # type: ignore[arg-type]


NEED = Need(
    id="n1",
    title="汽车零部件缺陷检测需求",
    description="冲压件外观缺陷检测，要求私有化部署",
    domains=(MFG,),
    regions=("suzhou.sip",),
    required_qualifications=("等保三级",),
    budget_min_cny=Decimal(200_000),
    budget_max_cny=Decimal(800_000),
    kpis="检出率不低于99%",
)

FILLER = [
    _profile(
        "f1", description="智能客服问答，面向商业银行", products="客服机器人", domains=("industry.services",)
    ),
    _profile(
        "f2", description="城市大脑与网格化管理", products="城市运行平台", domains=("governance.social",)
    ),
    _profile("f3", description="作业批改与智能辅导", products="教师助手", domains=("livelihood.education",)),
]


def _engine(*profiles: CapabilityProfile, needs: tuple[Need, ...] = ()) -> MatchingEngine:
    e = MatchingEngine()
    e.load([*profiles, *FILLER], needs)
    return e


def _ids(e: MatchingEngine, need: Need = NEED) -> list[str]:
    return [m.candidate_id for m in e.suppliers_for(need).matches]


def _score(e: MatchingEngine, pid: str, need: Need = NEED) -> float:
    return next(m.score for m in e.suppliers_for(need).matches if m.candidate_id == pid)


# -- text --


@pytest.mark.parametrize(
    "word", ["工业质检", "缺陷检测", "大模型", "具身智能", "预测性维护", "私有化部署", "算力券"]
)
def test_segmentation_keeps_dictionary_words(word: str) -> None:
    a = default_analyzer()
    assert a.keeps_whole(word)
    text = f"本项目围绕{word}开展试点应用"
    assert a.display(a.terms(text)[0]) in a.synonyms_of(word) | {word}


def test_synonyms_fold_to_one_term() -> None:
    a = default_analyzer()
    assert a.terms("质检") == a.terms("质量检测")
    assert a.terms("大模型") == a.terms("大语言模型") == a.terms("LLM") == a.terms("ＬＬＭ")
    assert a.terms("缺陷检测") == a.terms("瑕疵识别")


def test_stop_words_and_noise_are_dropped() -> None:
    terms = default_analyzer().terms("我们公司提供人工智能解决方案，准确率99%")
    assert terms == ["准确率"]


def test_synonym_match_found_and_explained() -> None:
    llm = _profile(
        "llm",
        description="基于LLM的政务问答",
        products="政务咨询助手",
        domains=("governance.government_services",),
    )
    need = Need(
        id="n2",
        title="大语言模型政务问答",
        description="面向市民的政策问答",
        domains=("governance.government_services",),
    )
    e = _engine(llm)
    res = e.suppliers_for(need)
    assert res.matches[0].candidate_id == "llm"
    terms = {t.term: t for t in res.matches[0].explanation.terms}
    assert "大模型" in terms
    assert "llm" in terms["大模型"].candidate_forms and "大语言模型" in terms["大模型"].query_forms


# -- constraints and structure --


def test_missing_qualification_excludes_with_reason() -> None:
    e = _engine(_profile("ok"), _profile("noqual", qualifications=()))
    res = e.suppliers_for(NEED)
    assert [m.candidate_id for m in res.matches] == ["ok"]
    ex = {m.candidate_id: m for m in res.excluded}
    assert ex["noqual"].excluded
    (reason,) = ex["noqual"].explanation.exclusions
    assert reason.constraint is Constraint.QUALIFICATION
    assert reason.missing == ("等保三级",)
    (first, *_rest) = ex["noqual"].explanation.items()
    assert (first.code, first.params) == ("qualification_missing", {"missing": ["等保三级"]})


def test_unknown_required_qualification_excludes_everyone() -> None:
    e = _engine(_profile("a"))
    need = Need(
        id="n3", title=NEED.title, description=NEED.description, required_qualifications=("从未见过的资质",)
    )
    assert e.suppliers_for(need).matches == ()


def test_region_fit_raises_score() -> None:
    e = _engine(
        _profile("local", regions_served=("suzhou.sip",)),
        _profile("far", regions_served=("guangdong",)),
        _profile("city", regions_served=("suzhou",)),
        _profile("other", regions_served=("suzhou.gusu",)),
    )
    assert (
        _score(
            e,
            "local",
        )
        == _score(e, "city")
        > _score(e, "far")
    )
    assert _score(e, "far") == _score(e, "other")
    assert _ids(e)[:2] == ["local", "city"]


def test_region_partial_fit_for_a_city_wide_need() -> None:
    e = _engine(
        _profile("district", regions_served=("suzhou.sip",)), _profile("far", regions_served=("guangdong",))
    )
    need = Need(id="n4", title=NEED.title, description=NEED.description, regions=("suzhou",))
    reg = {m.candidate_id: m.explanation.fields[1] for m in e.suppliers_for(need).matches}
    assert {k: f.value for k, f in reg.items()} == {"district": 0.5, "far": 0.0}
    assert (reg["district"].code, reg["far"].code) == ("region_partial", "region_not_served")
    assert reg["far"].params == {"regions": ["suzhou"], "served": ["guangdong"]}


def test_region_can_be_hard() -> None:
    e = _engine(_profile("local"), _profile("far", regions_served=("guangdong",)))
    res = e.suppliers_for(NEED, region_is_hard=True)
    assert [m.candidate_id for m in res.matches] == ["local"]
    assert res.excluded[0].explanation.exclusions[0].constraint is Constraint.REGION
    assert res.excluded[0].explanation.items()[0].code == "region_excluded"


def test_domain_fit_raises_score() -> None:
    e = _engine(
        _profile("same"),
        _profile("parent", domains=("industry.emerging",)),
        _profile("none", domains=("governance.social",)),
    )
    assert _score(e, "same") > _score(e, "parent") > _score(e, "none")


def test_budget_overlap_raises_score() -> None:
    e = _engine(
        _profile("fits"), _profile("dear", price_min_cny=Decimal(3_000_000), price_max_cny=Decimal(5_000_000))
    )
    assert _score(e, "fits") > _score(e, "dear")


@settings(suppress_health_check=[HealthCheck.too_slow])  # float generation is slow on a loaded shared machine
@given(st.floats(1, 1e8), st.floats(1, 10), st.floats(1, 1e8), st.floats(1, 10))
def test_range_fit_is_symmetric_and_bounded(a: float, ar: float, b: float, br: float) -> None:
    import numpy as np

    x = range_fit(a, a * ar, np.array([b]), np.array([b * br]))[0]
    y = range_fit(b, b * br, np.array([a]), np.array([a * ar]))[0]
    assert 0.0 <= x <= 1.0
    assert x == pytest.approx(y)


# -- directions, incremental, explanations --


def test_both_directions() -> None:
    other = Need(
        id="n9", title="智能客服需求", description="商业银行客服机器人", domains=("industry.services",)
    )
    e = _engine(_profile("p"), needs=(NEED, other))
    assert _ids(e)[0] == "p"
    assert next(m.candidate_id for m in e.needs_for("p").matches) == "n1"
    assert next(m.candidate_id for m in e.needs_for("f1").matches) == "n9"


def test_supplier_lacking_qualification_sees_need_as_excluded() -> None:
    e = _engine(_profile("p", qualifications=()), needs=(NEED,))
    res = e.needs_for("p")
    assert res.matches == ()
    assert res.excluded[0].candidate_id == "n1"


def test_incremental_add_update_remove() -> None:
    e = _engine(_profile("old", regions_served=("guangdong",)))
    assert "new" not in _ids(e)
    e.upsert_profile(_profile("new", regions_served=("suzhou.sip",)))
    assert _ids(e)[0] == "new"
    assert e.stats()["profiles"].delta_docs == 1
    e.upsert_profile(
        _profile("new", description="智能客服", products="客服机器人", domains=("industry.services",))
    )
    assert "new" not in _ids(e)
    e.upsert_profile(_profile("new", regions_served=("suzhou.sip",)))
    e.remove_profile("old")
    assert _ids(e) == ["new"]
    live_score = _score(e, "new")
    e.rebuild()
    assert e.stats()["profiles"].delta_docs == 0
    assert _ids(e) == ["new"]
    # Delta rows and main rows are scored with the statistics of the live documents: a rebuild moves nothing.
    assert _score(e, "new") == pytest.approx(live_score, abs=1e-6)


PHRASES = ["冲压件表面缺陷检测", "工业视觉质检", "焊缝X射线检测", "设备故障预测", "振动传感器", "私有化部署",
           "大模型客服问答", "知识库", "纺织品瑕疵在线检测", "三维视觉定位", "深度学习", "跌倒监测", "社区养老"]


def _text(rng: random.Random) -> str:
    return "，".join(rng.sample(PHRASES, rng.randint(1, 4)))


def _results(e: MatchingEngine, needs: list[Need], profiles: list[CapabilityProfile]
             ) -> list[list[tuple[str, float]]]:
    out = [[(m.candidate_id, m.score) for m in e.suppliers_for(n, k=50).matches] for n in needs]
    out += [[(m.candidate_id, m.score) for m in e.needs_for(p, k=50).matches] for p in profiles]
    return out


@pytest.mark.parametrize("seed", range(5))
def test_incremental_updates_score_as_a_full_rebuild(seed: int) -> None:
    """Any sequence of additions, replacements and removals leaves every ranking and score as a build of the
    documents that remain (in the same row order) gives them."""
    rng = random.Random(seed)

    def profile(i: int) -> CapabilityProfile:
        return _profile(f"p{i}", description=_text(rng), products=_text(rng), price_min_cny=Decimal(rng.randint(1, 9)
                        * 100_000))

    def need(i: int) -> Need:
        return Need(id=f"n{i}", title=_text(rng), description=_text(rng), domains=(MFG,), regions=("suzhou",),
                    required_qualifications=(), budget_min_cny=Decimal(100_000), budget_max_cny=Decimal(900_000))

    e = MatchingEngine()
    e.load(profiles=[profile(i) for i in range(12)], needs=[need(i) for i in range(6)])
    for _step in range(40):
        i = rng.randint(0, 20)
        action = rng.random()
        if action < 0.4:
            e.upsert_profile(profile(i))
        elif action < 0.6:
            e.remove_profile(f"p{i}")
        elif action < 0.85:
            e.upsert_need(need(i % 10))
        else:
            e.remove_need(f"n{i % 10}")
    live_profiles = [d for d in e.profiles.docs if isinstance(d, CapabilityProfile)]
    live_needs = [d for d in e.needs.docs if isinstance(d, Need)]
    fresh = MatchingEngine()
    fresh.load(profiles=live_profiles, needs=live_needs)
    assert e.profiles.lex.changed and not fresh.profiles.lex.changed
    incremental, rebuilt = _results(e, live_needs, live_profiles), _results(fresh, live_needs, live_profiles)
    assert [[c for c, _s in r] for r in incremental] == [[c for c, _s in r] for r in rebuilt]
    for got, want in zip(incremental, rebuilt, strict=True):
        assert [s for _c, s in got] == pytest.approx([s for _c, s in want], abs=1e-6)
    assert any(incremental)


def test_remove_main_row_and_needs_rebuild_flag() -> None:
    e = _engine(_profile("a"), _profile("b"))
    e.rebuild_at_delta = 2
    assert e.remove_profile("a") and not e.remove_profile("a")
    assert _ids(e) == ["b"]
    e.upsert_profile(_profile("c"))
    assert not e.needs_rebuild
    e.upsert_profile(_profile("d"))
    assert e.needs_rebuild


def test_explanation_names_terms_and_fields() -> None:
    e = _engine(_profile("p"))
    m = e.suppliers_for(NEED).matches[0]
    items = m.explanation.items()
    # structured reasons, not sentences: the caller renders them in the reader's language
    assert [i.code for i in items] == ["terms", "domain_match", "region_served", "budget_within"]
    terms = {t["term"]: t for t in items[0].params["terms"]}
    assert "缺陷检测" in terms and any("瑕疵" in form for t in terms.values() for form in t["forms"])
    assert items[0].params["text_score"] == round(m.explanation.text_score, 3)
    assert items[1].params == {"value": 1.0, "domains": list(NEED.domains)}
    names = [f.name for f in m.explanation.fields]
    assert names == ["domain", "region", "budget"]
    assert sum(t.share for t in m.explanation.terms) == pytest.approx(1.0)
    assert m.explanation.terms[0].share >= m.explanation.terms[-1].share


def test_strong_match_policy() -> None:
    e = _engine(
        _profile("p", regions_served=("suzhou.sip",)), _profile("weak", description="汽车", products="平台")
    )
    res = e.suppliers_for(NEED)
    strong = [m.candidate_id for m in strong_matches(res)]
    assert strong == ["p"]
    assert not StrongMatchPolicy(min_score=0.99).accepts(res.matches[0])


# -- ranking correctness (quality against baselines is measured by bench/matching.py, not asserted here) --


def test_the_one_relevant_profile_is_ranked_first_among_unrelated_ones() -> None:
    e = _engine(_profile("relevant"))
    assert _ids(e) == ["relevant"]  # the fillers share no term with the need
    assert e.suppliers_for(NEED).candidates == 1


def test_ranking_is_deterministic_across_fresh_engines() -> None:
    profiles = (_profile("a"), _profile("b", regions_served=("guangdong",)), _profile("c", qualifications=()))
    first, again = _engine(*profiles).suppliers_for(NEED), _engine(*profiles).suppliers_for(NEED)
    assert first == again


def test_ties_are_ranked_in_insertion_order() -> None:
    # Identical profiles score identically; the order in which they were loaded decides, not chance.
    twins = ("t3", "t1", "t2")
    e = _engine(*(_profile(pid, org_name="同名科技有限公司") for pid in twins))
    scores = {m.candidate_id: m.score for m in e.suppliers_for(NEED).matches}
    assert len(set(scores.values())) == 1
    assert _ids(e) == list(twins)


def test_k_limits_the_matches() -> None:
    e = _engine(*(_profile(f"p{i}") for i in range(5)))
    assert len(e.suppliers_for(NEED, k=2).matches) == 2
    assert e.suppliers_for(NEED, k=0).matches == ()


def test_empty_engine_and_empty_need_match_nothing() -> None:
    empty = MatchingEngine()
    empty.load([], [])
    assert empty.suppliers_for(NEED).matches == ()
    blank = Need(id="blank", title="", description="")
    result = _engine(_profile("p")).suppliers_for(blank)
    assert result.matches == () and result.excluded == ()
