"""The matching index kept current in the background: writes enqueue one incremental update each, the worker applies
it, other processes replay it, and no request rebuilds; the rankings equal those of a full rebuild."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.test import override_settings

from aiplus.scenarios import matching_index, services
from aiplus.scenarios.models import CapabilityProfile, MatchingChange, Need, NeedStatus
from aiplus.scenarios.testing import published_need

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}

MFG = ["industry.manufacturing"]
PROFILES = [
    ("汽车零部件表面缺陷检测一体机", "冲压件外观缺陷检测，工业视觉，支持私有化部署", MFG, "200000"),
    ("工业质检云平台", "基于深度学习的质量检测，机器视觉，云端部署，按年订阅", MFG, "100000"),
    ("焊缝缺陷检测系统", "焊接质量检测，X射线成像，缺陷识别与分级", MFG, "400000"),
    ("设备预测性维护平台", "振动传感器采集，设备故障预测，工业互联网", MFG, "150000"),
    ("视觉定位引导系统", "机器人视觉定位，三维视觉，零部件装配引导", MFG, "250000"),
    ("纺织品瑕疵在线检测", "布匹瑕疵检测，机器视觉，在线检测，私有化部署", MFG, "120000"),
    ("智能客服机器人", "银行客服问答，大模型，知识库", ["industry.services"], "50000"),
    ("养老陪护机器人", "独居老人跌倒监测与陪伴，社区养老", ["livelihood"], "80000"),
]


def _save(world: Any, products: str, description: str, domains: list[str], low: str, profile_id: int | None = None,
          **extra: Any) -> CapabilityProfile:
    return services.save_profile(acting_user=world.user("provider"), organisation_id=world.orgs["suzhou:provider"].pk,
                                 profile_id=profile_id, products=products, description=description, domains=domains,
                                 regions_served=["suzhou"], price_min_cny=low, price_max_cny="900000", **extra)


def _rankings(engine: Any) -> dict[str, list[tuple[str, float]]]:
    """Every published need's suppliers and every published profile's needs, as (id, score) in rank order."""
    out: dict[str, list[tuple[str, float]]] = {}
    for need in Need.objects.filter(status=NeedStatus.PUBLISHED).select_related("jurisdiction"):
        result = engine.suppliers_for(matching_index.as_need(need), k=20)
        out[f"need {need.pk}"] = [(m.candidate_id, round(m.score, 6)) for m in (*result.matches, *result.excluded)]
    for profile in CapabilityProfile.objects.filter(is_published=True).select_related("organisation"):
        result = engine.needs_for(matching_index.as_profile(profile), k=20)
        out[f"profile {profile.pk}"] = [(m.candidate_id, round(m.score, 6)) for m in
                                        (*result.matches, *result.excluded)]
    return out


def _ids(rankings: dict[str, list[tuple[str, float]]]) -> dict[str, list[str]]:
    return {key: [candidate for candidate, _score in ranked] for key, ranked in rankings.items()}


def test_writes_update_the_index_incrementally_and_rank_as_a_full_rebuild(world, django_capture_on_commit_callbacks):
    first, second, third = (_save(world, *p) for p in PROFILES[:3])
    old_need = published_need(world)
    published_need(world, title="焊接质量检测", problem="焊缝缺陷人工检测效率低，需要X射线缺陷识别")
    started = matching_index.engine()  # a process's index at start-up
    other_process = dict(matching_index._current)
    with override_settings(TASKS=IMMEDIATE), django_capture_on_commit_callbacks(execute=True) as queued:
        for products, description, domains, low in PROFILES[3:]:
            _save(world, products, description, domains, low)
        _save(world, "汽车零部件缺陷检测与尺寸测量一体机", "冲压件缺陷检测，三维视觉，尺寸测量", MFG, "300000",
              profile_id=first.pk)  # edited: replaced in the index
        _save(world, *PROFILES[1], profile_id=second.pk, is_published=False)  # unpublished: removed
        published_need(world, title="布匹瑕疵在线检测", problem="纺织品瑕疵人工检测，需要机器视觉在线检测")
        published_need(world, title="设备故障预测", problem="产线设备振动监测与故障预测，减少停机")
        published_need(world, title="智慧养老服务", problem="独居老人跌倒监测，社区养老", domain="livelihood",
                       budget_min_cny="50000", budget_max_cny="200000")
        services.transition_need(acting_user=world.user("official"), need_id=old_need.pk, transition="close")
        _save(world, *PROFILES[2], profile_id=third.pk)  # saved again: applied in the place of its last change
    assert len(queued) == 12  # one update a write, each enqueued after its commit
    assert MatchingChange.objects.count() == 12
    worker = matching_index.engine()
    assert worker is not started  # the worker swapped in an updated copy; the start-up index was never changed
    assert started.profiles.lex.delta_size == 0 and worker.profiles.lex.delta_size > 0  # no rebuild
    full = matching_index.build()
    incremental = _rankings(worker)
    rebuilt = _rankings(full)
    assert _ids(incremental) == _ids(rebuilt)
    for key, ranked in rebuilt.items():  # the same scores: delta rows are scored with the live statistics
        assert [score for _c, score in incremental[key]] == pytest.approx([score for _c, score in ranked], abs=1e-5)
    assert str(second.pk) not in worker.profiles.rows and str(old_need.pk) not in worker.needs.rows
    assert any(m for m in incremental.values())
    # Another process that started before the writes replays the same changes on its next read.
    matching_index._current.update(other_process)
    replayed = matching_index.engine()
    assert replayed is not started and _ids(_rankings(replayed)) == _ids(rebuilt)


class _Writer:
    """Another thread of the process holding the writer's lock (building or updating the index) until released."""

    def __init__(self) -> None:
        self.holding, self.done = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._hold)

    def _hold(self) -> None:
        with matching_index._writing:
            self.holding.set()
            self.done.wait(5)

    def __enter__(self) -> _Writer:
        self.thread.start()
        self.holding.wait(5)
        return self

    def __exit__(self, *exc: object) -> None:
        self.done.set()
        self.thread.join()


def test_a_request_never_waits_for_an_update_in_progress(world):
    profile = _save(world, *PROFILES[0])
    need = published_need(world)
    before = matching_index.engine()
    MatchingChange.objects.create(kind="profile", object_id=profile.pk)  # recorded by a worker elsewhere
    with _Writer():
        # The request answers at once from the index it has.
        assert matching_index.engine() is before
        assert [m["profile"] for m in matching_index.suppliers_for(need)] == [profile]
    assert matching_index.engine() is not before  # the next read brings it current


def test_a_request_during_the_first_build_answers_from_an_empty_index(world):
    _save(world, *PROFILES[0])
    need = published_need(world)
    with _Writer():
        assert matching_index.suppliers_for(need) == []
    assert len(matching_index.suppliers_for(need)) == 1


def test_the_first_read_builds_once_and_a_rewound_log_starts_afresh(world):
    profile = _save(world, *PROFILES[0])
    published_need(world)
    MatchingChange.objects.create(kind="profile", object_id=profile.pk)
    built = matching_index.engine()
    assert matching_index.engine() is built  # nothing new: the same index, no copy
    assert matching_index._current["seq"] == MatchingChange.objects.get().pk
    MatchingChange.objects.all().delete()  # e.g. a database restored from before the change
    assert matching_index.engine() is not built


def test_a_change_that_commits_behind_a_later_one_is_still_applied(world):
    first, late = _save(world, *PROFILES[0]), _save(world, *PROFILES[1])
    published_need(world)
    MatchingChange.objects.create(id=100, kind="profile", object_id=first.pk)
    built = matching_index.engine()
    assert str(late.pk) in built.profiles.rows
    CapabilityProfile.objects.filter(pk=late.pk).update(is_published=False)
    MatchingChange.objects.create(id=90, kind="profile", object_id=late.pk)  # another worker's, committed late
    assert str(late.pk) not in matching_index.engine().profiles.rows
    assert matching_index.engine() is matching_index.engine()  # applied once: nothing left to replay
