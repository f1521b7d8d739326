"""Broker explanations in the reader's language: the pure broker returns facts (a code with parameters) beside its
English sentence, the rows store them, and compute/explain.py renders them through gettext (Chinese first) for the
request page and the API; rows stored before the facts existed keep showing their stored sentence."""

from __future__ import annotations

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import translation
from django.utils.html import escape

from aiplus.compute import explain, services
from aiplus.compute.broker import PlacementCode, RegionLevel, Residency, UnplacedCode, VoucherPool, solve
from aiplus.compute.models import JobRequest, Placement, ResourcePool
from aiplus.compute.tests.test_broker import CENTRES, job, pool
from aiplus.core.models import Jurisdiction
from aiplus.core.testing import CJK, section

pytestmark = pytest.mark.django_db

# English words of the broker's sentences that must not reach a Chinese reader.
ENGLISH = re.compile(r"\b(?:cost|CNY|card-h|carbon|latency|eligible|pool|needs|cards|budget|deadline|voucher|"
                     r"queue|lies|inside|accepted|cheapest|remaining|unknown|left)\b", re.I)


def _unplaced_cases() -> list:
    """Broker batches that leave a job unplaced for every reason the broker knows (residency in all three forms)."""
    gz = [pool("a", "gz", free=4, price="10", wait=1.0)]
    first = solve([
        job("model", accepted_models=frozenset({"ascend-910c"})),
        job("city", residency=Residency("suzhou", RegionLevel.CITY), home_country="cn"),
        job("city-abroad", residency=Residency("suzhou", RegionLevel.CITY), cross_border_allowed=True),
        job("huge", cards=32),
        job("budget", budget_cny=Decimal("1")),
        job("deadline", deadline_hours=2.5),
        job("lost", voucher_pool="17"),
        job("first"), job("second"),
    ], gz, CENTRES)
    home = solve([job("home", home_country="cn")], [pool("s", "sg")], CENTRES)
    vouchers = solve([job(f"v{i}", voucher_pool="v") for i in range(2)], [pool("a", "sz", free=16)], CENTRES,
                     [VoucherPool("v", Decimal("20"))])
    return [*first.unplaced, *home.unplaced, *vouchers.unplaced]


def _render(facts, language: str, renderer: explain.Renderer | None = None) -> str:
    with translation.override(language):
        return (renderer or explain.Renderer()).text(facts, "FALLBACK")


def test_every_unplaced_code_reads_in_chinese_and_in_english(reference):
    cases = _unplaced_cases()
    produced = {u.code for u in cases}
    for code in UnplacedCode:
        # A new code needs a case above and a message in explain.UNPLACED_MESSAGES (and its English translation).
        assert code in produced, f"no case leaves a job unplaced with {code}"
        assert code in explain.UNPLACED_MESSAGES, f"explain.py has no message for {code}"
    for unplaced in cases:
        facts = unplaced.explanation.as_dict()
        zh, en = _render(facts, "zh-hans"), _render(facts, "en")
        assert "FALLBACK" not in (zh, en) and unplaced.code.value not in zh, facts
        assert CJK.search(zh) and not ENGLISH.search(zh), (facts, zh)
        assert not CJK.search(en), (facts, en)
        assert zh != en and en != unplaced.message
    texts = {u.job_id: (_render(u.explanation.as_dict(), "zh-hans"), _render(u.explanation.as_dict(), "en"))
             for u in cases}
    assert texts["model"] == ("没有资源池提供可接受的加速卡型号（华为昇腾 910C）。",
                              "No pool offers an accepted accelerator model (Huawei Ascend 910C).")
    assert texts["city"] == ("提供可接受型号的资源池均不在中华人民共和国境内的苏州市。",
                             "No pool with an accepted model lies in Suzhou inside People's Republic of China.")
    assert texts["city-abroad"][1] == "No pool with an accepted model lies in Suzhou."
    assert texts["home"][1] == ("No pool with an accepted model lies inside People's Republic of China, "
                                "and cross-border use is not allowed.")
    assert texts["huge"][0] == "作业需要 32 张卡，而符合型号与地域要求的资源池最多只有 16 张卡。"
    assert "80.00 CNY" in texts["budget"][1] and "1.00 CNY" in texts["budget"][1]
    assert texts["deadline"][1] == ("In every remaining pool the queue wait (at least 1 h) plus the run of 2 h "
                                    "exceeds the deadline of 2.5 h.")
    assert texts["lost"] == ("算力券额度 17 不存在。", "Voucher quota 17 does not exist.")
    capacity = next(t for k, t in texts.items() if k in {"first", "second"})
    assert capacity[0] == "1 个符合条件的资源池空闲卡数均不足：作业需要 4 张卡，空闲最多的资源池只剩 0 张。"
    assert "4.00 CNY left" in texts["v1"][1] and "16.00 CNY" in texts["v1"][1]


def test_every_placement_code_reads_in_chinese_and_in_english(reference):
    suzhou, shenzhen = Jurisdiction.objects.get(code="suzhou"), Jurisdiction.objects.get(code="shenzhen")
    renderer = explain.Renderer(centres={"sz": SimpleNamespace(jurisdiction=suzhou),
                                         "gz": SimpleNamespace(jurisdiction=shenzhen)})
    pools = [pool("cheap", "sz", model="nvidia-a800", free=4, price="1"), pool("dear", "gz", free=4, price="2")]
    flex, tied = job("flex", accepted_models=frozenset({"A100", "nvidia-a800"})), \
        job("tied", accepted_models=frozenset({"nvidia-a800"}))
    placements = [*solve([flex, tied], pools, CENTRES).placements, *solve([flex], pools, CENTRES).placements]
    by_code = {p.explanation.code: p for p in placements}
    for code in PlacementCode:
        assert code in by_code, f"no case places a job with {code}"
        assert code in explain.PLACEMENT_MESSAGES, f"explain.py has no message for {code}"
        placed = by_code[code]
        facts = placed.explanation.as_dict()
        zh, en = _render(facts, "zh-hans", renderer), _render(facts, "en", renderer)
        assert CJK.search(zh) and not ENGLISH.search(zh), (facts, zh)
        assert not CJK.search(en), (facts, en)
        assert placed.explanation.params["cost_cny"] in zh and f"{placed.explanation.params['cost_cny']} CNY" in en
    best = by_code[PlacementCode.BEST_SCORE].explanation.as_dict()
    assert _render(best, "zh-hans", renderer).startswith("选定位于苏州市的NVIDIA A800 资源池：8 卡时 × 1.00 元/卡时")
    assert _render(best, "en", renderer).startswith("Chose the NVIDIA A800 pool in Suzhou: 8 card-hours × 1.00 CNY")
    assert "(cost 1, carbon 0, latency 0)" in _render(best, "en", renderer)
    assert "best weighted score of the 2 eligible pools" in _render(best, "en", renderer)
    batch = _render(by_code[PlacementCode.BEST_FOR_BATCH].explanation.as_dict(), "en", renderer)
    assert "Chose the A100 pool in Shenzhen" in batch and "went to other jobs of the batch" in batch


def test_without_facts_the_stored_sentence_is_shown(reference):
    renderer = explain.Renderer()
    assert renderer.text({}, "stored sentence") == "stored sentence"
    assert renderer.text({"code": "from_a_newer_broker", "params": {}}, "stored") == "stored"
    assert renderer.text({"code": "from_a_newer_broker"}) == "from_a_newer_broker"
    assert renderer.text({"code": "job_larger_than_any_pool", "params": {"cards": "x"}}, "stored") == "stored"


@pytest.fixture
def requests(net, immediate_tasks, django_capture_on_commit_callbacks):
    data = {"title": "大模型微调", "accepted_models": ["nvidia-a800", "ascend-910b"], "cards": 8, "hours": "10",
            "residency_level": "province", "residency_region": "jiangsu"}
    user = net.world.user("enterprise_member")
    with django_capture_on_commit_callbacks(execute=True):
        placed = services.submit_request(acting_user=user, quota_id=net.quota.pk, **data)
        unplaced = services.submit_request(acting_user=user, **{**data, "accepted_models": ["nvidia-a800"],
                                                                 "cards": 100})
    placed.refresh_from_db()
    unplaced.refresh_from_db()
    assert placed.status == "placed" and unplaced.status == "unplaced"
    return SimpleNamespace(placed=placed, unplaced=unplaced, placement=Placement.objects.get(request=placed))


def _pages(client, request_ids, language: str | None) -> list[str]:
    with translation.override(translation.get_language()):  # the test client leaves the language it activated
        if language:
            client.post("/i18n/setlang/", {"language": language, "next": "/"})
        return [client.get(f"/compute/requests/{pk}/").content.decode() for pk in request_ids]


def test_rows_store_the_facts(requests):
    facts = requests.placement.reason_facts
    assert facts["code"] == "best_weighted_score" and facts["params"]["cost_cny"] == "640.00"
    assert facts["params"]["pool_id"] == str(requests.placement.pool_id)
    assert facts["params"]["accelerator_model"] == "ascend-910b"
    assert requests.placement.reason.startswith(f"{requests.placement.pool_id} (ascend-910b at ")  # kept, English
    assert requests.unplaced.unplaced_facts == {"code": "job_larger_than_any_pool",
                                                "params": {"cards": 100, "largest_cards": 64}}
    assert requests.unplaced.unplaced_message.startswith("job needs 100 cards")


def test_request_pages_explain_in_chinese(requests, client):
    client.force_login(requests.placed.submitted_by)
    placed, unplaced = _pages(client, [requests.placed.pk, requests.unplaced.pk], None)
    reason = section(placed, "placement-reason")
    assert reason.startswith("选定位于苏州工业园区的华为昇腾 910B 资源池：80 卡时 × 8.00 元/卡时，费用 640.00 元")
    assert "综合得分最优" in reason and not ENGLISH.search(reason)
    assert escape(requests.placement.reason) not in placed
    why = section(unplaced, "unplaced-reason")
    assert why == "作业需要 100 张卡，而符合型号与地域要求的资源池最多只有 64 张卡。"
    assert escape(requests.unplaced.unplaced_message) not in unplaced
    assert "job_larger_than_any_pool" not in re.sub(r'data-code="[^"]*"', "", unplaced)  # codes are data


def test_request_pages_explain_in_english(requests, client):
    client.force_login(requests.placed.submitted_by)
    placed, unplaced = _pages(client, [requests.placed.pk, requests.unplaced.pk], "en")
    assert section(placed, "accepted-models") == "NVIDIA A800, Huawei Ascend 910B"
    reason = section(placed, "placement-reason")
    assert not CJK.search(reason), CJK.findall(reason)
    assert reason.startswith("Chose the Huawei Ascend 910B pool in Suzhou Industrial Park: 80 card-hours × 8.00 CNY")
    assert "cost 640.00 CNY" in reason
    why = section(unplaced, "unplaced-reason")
    assert not CJK.search(why)
    assert why == "The job needs 100 cards, but the largest pool with an accepted model in the allowed places has 64."


def test_rows_without_facts_show_the_stored_sentence(requests, client):
    Placement.objects.filter(pk=requests.placement.pk).update(reason_facts={})
    JobRequest.objects.filter(pk=requests.unplaced.pk).update(unplaced_facts={})
    client.force_login(requests.placed.submitted_by)
    placed, unplaced = _pages(client, [requests.placed.pk, requests.unplaced.pk], None)
    assert section(placed, "placement-reason") == escape(requests.placement.reason)
    assert section(unplaced, "unplaced-reason") == escape(requests.unplaced.unplaced_message)


def test_api_returns_facts_and_text_in_the_request_language(requests, client):
    client.force_login(requests.placed.submitted_by)
    with translation.override(translation.get_language()):
        zh = {r["id"]: r for r in client.get("/api/v1/compute/requests").json()["items"]}
        en = {r["id"]: r for r in client.get("/api/v1/compute/requests", HTTP_ACCEPT_LANGUAGE="en").json()["items"]}
        one = client.get(f"/api/v1/compute/requests/{requests.unplaced.pk}", HTTP_ACCEPT_LANGUAGE="en").json()
    placed_zh, placed_en = zh[requests.placed.pk]["placement"], en[requests.placed.pk]["placement"]
    # the language changes the words, never the facts or the stored fields
    assert placed_zh["reason_facts"] == placed_en["reason_facts"] == requests.placement.reason_facts
    assert placed_zh["reason"] == placed_en["reason"] == requests.placement.reason
    assert placed_zh["reason_text"].startswith("选定位于苏州工业园区的华为昇腾 910B 资源池")
    assert placed_en["reason_text"].startswith("Chose the Huawei Ascend 910B pool in Suzhou Industrial Park")
    assert not CJK.search(placed_en["reason_text"])
    assert zh[requests.placed.pk]["unplaced_text"] == en[requests.placed.pk]["unplaced_text"] == ""
    unplaced_zh, unplaced_en = zh[requests.unplaced.pk], en[requests.unplaced.pk]
    assert unplaced_zh["unplaced_code"] == unplaced_en["unplaced_code"] == "job_larger_than_any_pool"
    assert unplaced_zh["unplaced_message"] == unplaced_en["unplaced_message"] == requests.unplaced.unplaced_message
    assert unplaced_zh["unplaced_facts"] == unplaced_en["unplaced_facts"] == requests.unplaced.unplaced_facts
    assert unplaced_zh["unplaced_text"] == "作业需要 100 张卡，而符合型号与地域要求的资源池最多只有 64 张卡。"
    assert one["unplaced_text"] == unplaced_en["unplaced_text"] and not CJK.search(one["unplaced_text"])


def test_a_pool_emptied_during_placement_is_explained_too(net, reference):
    request = services.submit_request(
        acting_user=net.world.user("enterprise_member"), title="推理", accepted_models=["nvidia-a800"], cards=8,
        hours="2", start=False)
    ResourcePool.objects.filter(pk=net.sz_pool.pk).update(available_cards=3)
    services.apply_placement(acting_user=None, request_id=request.pk, result={"pool_id": net.sz_pool.pk})
    request.refresh_from_db()
    assert request.status == "unplaced" and request.unplaced_code == "capacity_exhausted"
    assert request.unplaced_facts["params"] == {"during_placement": True, "pool_id": str(net.sz_pool.pk),
                                                "cards": 8, "most_free_cards": 3}
    assert explain.unplaced_text(request, "zh-hans") == "调度期间资源池的空闲卡数已不足：作业需要 8 张卡，只剩 3 张。"
    assert explain.unplaced_text(request, "en") == ("The pool ran out of free cards during placement: the job needs "
                                                    "8 cards and 3 are left.")


def test_a_failed_placement_says_so_in_the_page_language_and_keeps_the_detail(requests, client):
    services.fail_placement(acting_user=None, request_id=requests.unplaced.pk,
                            message="RuntimeError: solver crashed")
    client.force_login(requests.unplaced.submitted_by)
    (zh,) = _pages(client, [requests.unplaced.pk], None)
    failed = section(zh, "failed")
    assert "分配过程中出现内部错误" in failed and "RuntimeError: solver crashed" in failed
    (en,) = _pages(client, [requests.unplaced.pk], "en")
    failed = section(en, "failed")
    assert "internal error" in failed and not CJK.search(failed)
