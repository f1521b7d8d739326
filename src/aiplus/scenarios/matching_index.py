"""The Django side of matching: rows -> engine value objects, a per-process engine rebuilt when the index version
(bumped by the background task) changes, and notifications of strong new matches."""

from __future__ import annotations

import threading
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from aiplus.core.models import RoleAssignment
from aiplus.core.services import notify
from aiplus.scenarios import explain as explain_mod
from aiplus.scenarios import matching as engine_mod
from aiplus.scenarios import pack_rules
from aiplus.scenarios.models import CapabilityProfile, MatchingState, Need, NeedStatus

_lock = threading.Lock()
_cache: dict[str, Any] = {"version": None, "engine": None}


def as_need(need: Need) -> engine_mod.Need:
    return engine_mod.Need(
        id=str(need.pk), title=need.title, description=f"{need.problem}\n{need.data_offered}",
        domains=(need.domain,), regions=(need.jurisdiction.code,),
        required_qualifications=tuple(need.required_qualifications or ()), budget_min_cny=need.budget_min_cny,
        budget_max_cny=need.budget_max_cny, kpis="；".join(str(k) for k in need.kpis.all()))


def as_profile(profile: CapabilityProfile) -> engine_mod.CapabilityProfile:
    return engine_mod.CapabilityProfile(
        id=str(profile.pk), org_name=profile.organisation.name, description=profile.description,
        products=profile.products, domains=tuple(profile.domains), technologies=tuple(profile.technologies),
        models_used=tuple(profile.models_used or ()),
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


def policy(jurisdiction: Any) -> engine_mod.StrongMatchPolicy:
    """The strong-match threshold of the pack that governs `jurisdiction` (local-setting parameters)."""
    return engine_mod.StrongMatchPolicy(
        min_score=float(pack_rules.param(jurisdiction, "scenarios", "strong_match_min_score")),
        min_text=float(pack_rules.param(jurisdiction, "scenarios", "strong_match_min_text_score")))


FIELD_LABELS = {"domain": _("领域"), "region": _("地区"), "budget": _("预算")}
CONSTRAINT_LABELS = {"qualification": _("缺少必备资质"), "region": _("不服务该地区")}


def explain(match: engine_mod.Match, renderer: explain_mod.Renderer | None = None) -> dict[str, Any]:
    """The engine's explanation as data a template or an API client can show, in the active language: the terms
    that matched (with their share of the text score and the surface forms on each side), the structured fits,
    the constraint that excluded a candidate, the structured `items` (code, parameters, rendered text) and the
    rendered `lines`."""
    exp = match.explanation
    r = renderer or explain_mod.renderer_for([exp])
    return {
        "text_score": round(exp.text_score, 3),
        "terms": [{"term": t.term, "share": round(t.share, 3), "need_forms": list(t.query_forms),
                   "candidate_forms": list(t.candidate_forms)} for t in exp.terms],
        "fields": [{"name": f.name, "label": str(FIELD_LABELS.get(f.name, f.name)), "value": round(f.value, 3),
                    "code": f.code, "detail": r.text(f.item())} for f in exp.fields],
        "exclusions": [{"constraint": e.constraint.value, "code": e.code,
                        "label": str(CONSTRAINT_LABELS.get(e.constraint.value, e.constraint.value)),
                        "missing": list(e.missing), "detail": r.text(e.item())} for e in exp.exclusions],
        "items": r.items(exp),
        "lines": [r.text(i) for i in exp.items()],
    }


def _rows(result: engine_mod.MatchResult, objects: dict[int, Any], key: str, pol: engine_mod.StrongMatchPolicy
          ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    r = explain_mod.renderer_for(m.explanation for m in (*result.matches, *result.excluded))
    ranked = [{key: objects[int(m.candidate_id)], "rank": i, "score": round(m.score, 3), "strong": pol.accepts(m),
               "explanation": explain(m, r)}
              for i, m in enumerate((m for m in result.matches if int(m.candidate_id) in objects), start=1)]
    excluded = [{key: objects[int(m.candidate_id)], "score": round(m.score, 3), "strong": False,
                 "explanation": explain(m, r)}
                for m in result.excluded if int(m.candidate_id) in objects]
    return ranked, excluded


def suppliers_for(need: Need, k: int = 10, *, with_excluded: bool = False) -> Any:
    """Ranked suppliers for a need; with `with_excluded`, also the near candidates a hard constraint excluded."""
    result = engine().suppliers_for(as_need(need), k=k)
    ids = [int(m.candidate_id) for m in (*result.matches, *result.excluded)]
    profiles = CapabilityProfile.objects.select_related("organisation").in_bulk(ids)
    ranked, excluded = _rows(result, profiles, "profile", policy(need.jurisdiction))
    return (ranked, excluded) if with_excluded else ranked


def needs_for(profile: CapabilityProfile, k: int = 10, *, with_excluded: bool = False) -> Any:
    """Ranked needs for a supplier's profile, with the same explanations."""
    result = engine().needs_for(as_profile(profile), k=k)
    ids = [int(m.candidate_id) for m in (*result.matches, *result.excluded)]
    needs = Need.objects.select_related("owner", "jurisdiction").in_bulk(ids)
    ranked, excluded = _rows(result, needs, "need", policy(profile.jurisdiction))
    return (ranked, excluded) if with_excluded else ranked


def _members(organisation_id: int) -> list[Any]:
    return [a.user for a in RoleAssignment.objects.select_related("user").filter(
        organisation_id=organisation_id, active=True, role__in=("enterprise_member", "provider"))]


def _language(user: Any) -> str:
    """The recipient's chosen interface language; Chinese, the platform's authoritative language, by default."""
    return getattr(user, "language", "") or "zh-hans"


def _body(match: engine_mod.Match) -> str:
    """The explanation of a strong match as sentences in the active language, one reason a line."""
    return "\n".join(explain_mod.lines(match.explanation))


@transaction.atomic
def refresh(kind: str, pk: int) -> dict[str, Any]:
    """Bump the index version (every process rebuilds on its next read) and notify strong matches of the record."""
    state, _created = MatchingState.objects.get_or_create(pk=1)
    MatchingState.objects.filter(pk=state.pk).update(version=F("version") + 1)
    eng = build()
    with _lock:
        _cache["engine"], _cache["version"] = eng, _version()
    sent = 0
    if kind == "need":
        need = Need.objects.select_related("jurisdiction", "owner").filter(pk=pk, status=NeedStatus.PUBLISHED).first()
        if need is not None:
            result = eng.suppliers_for(as_need(need), k=20)
            for match in engine_mod.strong_matches(result, policy(need.jurisdiction)):
                profile = CapabilityProfile.objects.filter(pk=int(match.candidate_id)).first()
                if profile is None:
                    continue
                for user in _members(profile.organisation_id):
                    with translation.override(_language(user)):
                        notify(recipient=user, verb="scenarios.strong_match",
                               title=str(_("新的强匹配场景需求：%(t)s") % {"t": need.title}),
                               body=_body(match), link=f"/scenarios/needs/{need.pk}/")
                    sent += 1
    elif kind == "profile":
        profile = CapabilityProfile.objects.select_related("organisation", "jurisdiction").filter(
            pk=pk, is_published=True).first()
        if profile is not None:
            result = eng.needs_for(as_profile(profile), k=20)
            for match in engine_mod.strong_matches(result, policy(profile.jurisdiction)):
                need = Need.objects.filter(pk=int(match.candidate_id)).first()
                if need is None:
                    continue
                for user in _members(need.owner_id):
                    with translation.override(_language(user)):
                        notify(recipient=user, verb="scenarios.strong_match",
                               title=str(_("新的强匹配供给方：%(o)s") % {"o": profile.organisation.name}),
                               body=_body(match), link=f"/scenarios/needs/{need.pk}/")
                    sent += 1
    return {"kind": kind, "id": pk, "notified": sent}
