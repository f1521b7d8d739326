"""The Django side of matching: rows -> engine value objects, a per-process engine rebuilt when the index version
(bumped by the background task) changes, and notifications of strong new matches."""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models import F

from aiplus.core.models import RoleAssignment
from aiplus.core.services import notify
from aiplus.scenarios import matching as engine_mod
from aiplus.scenarios.models import CapabilityProfile, MatchingState, Need, NeedStatus

_lock = threading.Lock()
_cache: dict[str, Any] = {"version": None, "engine": None}


def as_need(need: Need) -> engine_mod.Need:
    return engine_mod.Need(
        id=str(need.pk), title=need.title, description=f"{need.problem}\n{need.data_offered}",
        domains=(need.domain,), regions=(need.jurisdiction.code,), budget_min_cny=need.budget_min_cny,
        budget_max_cny=need.budget_max_cny, kpis="；".join(str(k) for k in need.kpis.all()))


def as_profile(profile: CapabilityProfile) -> engine_mod.CapabilityProfile:
    return engine_mod.CapabilityProfile(
        id=str(profile.pk), org_name=profile.organisation.name, description=profile.description,
        products=profile.products, domains=tuple(profile.domains), technologies=tuple(profile.technologies),
        qualifications=tuple(profile.qualifications), regions_served=tuple(profile.regions_served),
        price_min_cny=profile.price_min_cny, price_max_cny=profile.price_max_cny)


def _version() -> int:
    state = MatchingState.objects.first()
    return state.version if state else 0


def build() -> engine_mod.MatchingEngine:
    engine = engine_mod.MatchingEngine()
    needs = Need.objects.filter(status=NeedStatus.PUBLISHED).select_related("jurisdiction").prefetch_related("kpis")
    profiles = CapabilityProfile.objects.filter(is_published=True).select_related("organisation")
    engine.load(profiles=[as_profile(p) for p in profiles], needs=[as_need(n) for n in needs])
    return engine


def engine() -> engine_mod.MatchingEngine:
    """This process's engine, rebuilt when another process bumped the index version."""
    version = _version()
    with _lock:
        if _cache["engine"] is None or _cache["version"] != version:
            _cache["engine"], _cache["version"] = build(), version
        return _cache["engine"]


def suppliers_for(need: Need, k: int = 10) -> list[dict[str, Any]]:
    eng = engine()
    result = eng.suppliers_for(as_need(need), k=k)
    profiles = CapabilityProfile.objects.select_related("organisation").in_bulk(
        [int(m.candidate_id) for m in result.matches])
    return [{"profile": profiles[int(m.candidate_id)], "score": round(m.score, 3),
             "explanation": m.explanation.lines(), "strong": engine_mod.StrongMatchPolicy().accepts(m)}
            for m in result.matches if int(m.candidate_id) in profiles]


def needs_for(profile: CapabilityProfile, k: int = 10) -> list[dict[str, Any]]:
    eng = engine()
    result = eng.needs_for(as_profile(profile), k=k)
    needs = Need.objects.select_related("owner", "jurisdiction").in_bulk([int(m.candidate_id) for m in result.matches])
    return [{"need": needs[int(m.candidate_id)], "score": round(m.score, 3),
             "explanation": m.explanation.lines(), "strong": engine_mod.StrongMatchPolicy().accepts(m)}
            for m in result.matches if int(m.candidate_id) in needs]


def _members(organisation_id: int) -> list[Any]:
    return [a.user for a in RoleAssignment.objects.select_related("user").filter(
        organisation_id=organisation_id, active=True, role__in=("enterprise_member", "provider"))]


@transaction.atomic
def refresh(kind: str, pk: int) -> dict[str, Any]:
    """Bump the index version (every process rebuilds on its next read) and notify strong matches of the record."""
    state, _ = MatchingState.objects.get_or_create(pk=1)
    MatchingState.objects.filter(pk=state.pk).update(version=F("version") + 1)
    eng = build()
    with _lock:
        _cache["engine"], _cache["version"] = eng, _version()
    sent = 0
    if kind == "need":
        need = Need.objects.select_related("jurisdiction", "owner").filter(pk=pk, status=NeedStatus.PUBLISHED).first()
        if need is not None:
            result = eng.suppliers_for(as_need(need), k=20)
            for match in engine_mod.strong_matches(result):
                profile = CapabilityProfile.objects.filter(pk=int(match.candidate_id)).first()
                if profile is None:
                    continue
                for user in _members(profile.organisation_id):
                    notify(recipient=user, verb="scenarios.strong_match", title=f"新的强匹配场景需求：{need.title}",
                           body="; ".join(match.explanation.lines()), link=f"/scenarios/needs/{need.pk}/")
                    sent += 1
    elif kind == "profile":
        profile = CapabilityProfile.objects.select_related("organisation").filter(pk=pk, is_published=True).first()
        if profile is not None:
            result = eng.needs_for(as_profile(profile), k=20)
            for match in engine_mod.strong_matches(result):
                need = Need.objects.filter(pk=int(match.candidate_id)).first()
                if need is None:
                    continue
                for user in _members(need.owner_id):
                    notify(recipient=user, verb="scenarios.strong_match",
                           title=f"新的强匹配供给方：{profile.organisation.name}",
                           body="; ".join(match.explanation.lines()), link=f"/scenarios/needs/{need.pk}/")
                    sent += 1
    return {"kind": kind, "id": pk, "notified": sent}
