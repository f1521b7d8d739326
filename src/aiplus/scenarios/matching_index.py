"""The Django side of matching: rows -> engine value objects, one engine per process kept current one document at
a time, and notifications of strong new matches.

A write never touches an index: its service enqueues `refresh_matching` after the commit. The worker records the
change (`MatchingChange`), applies it to its own index (add, replace or remove one document) and notifies strong
matches. Every other process replays the changes it has not seen yet on its next read, on a copy of its index that
it swaps in when done (copy-on-write): readers keep answering from the index they hold, no reader waits for a
writer, and no request rebuilds. A process builds its index once, at start-up (`warm`, called by the WSGI module) or
on its first read; the delta the incremental updates leave is folded into the main index once the engine says it
is worth it (`needs_rebuild`)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from django.db import DatabaseError, transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from aiplus.core.models import Notification, RoleAssignment
from aiplus.core.services import in_each_language, notify
from aiplus.scenarios import explain as explain_mod
from aiplus.scenarios import matching as engine_mod
from aiplus.scenarios import pack_rules
from aiplus.scenarios.models import CapabilityProfile, MatchingChange, Need, NeedStatus

logger = logging.getLogger(__name__)

# Held by the one thread of a process that builds or updates its index; readers never take it.
_writing = threading.Lock()
# The process's index and the last change it has applied; replaced together, never changed in place.
_current: dict[str, Any] = {"engine": None, "seq": 0, "applied": set()}
# What a request answers from while its process builds its first index.
_EMPTY = engine_mod.MatchingEngine()
# Changes may commit out of id order (two workers); the recent ones are read again and the applied ones skipped.
REPLAY_WINDOW = 50


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


def _needs() -> Any:
    return Need.objects.filter(status=NeedStatus.PUBLISHED).select_related("jurisdiction").prefetch_related("kpis")


def _profiles() -> Any:
    return CapabilityProfile.objects.filter(is_published=True).select_related("organisation")


def build() -> engine_mod.MatchingEngine:
    """A full build from the database. Rows go in the order they last changed, the order in which incremental
    updates append them, so ties between equal scores fall the same way after a rebuild as before it."""
    engine = engine_mod.MatchingEngine()
    engine.load(profiles=[as_profile(p) for p in _profiles().order_by("updated_at", "id")],
                needs=[as_need(n) for n in _needs().order_by("updated_at", "id")])
    return engine


def _latest() -> int:
    return MatchingChange.objects.order_by("-id").values_list("id", flat=True).first() or 0


def _log_state(seq: int) -> tuple[int, int]:
    """The last change's id, and how many changes the replay window after `seq - REPLAY_WINDOW` holds (one query):
    more than this process applied there means a change committed late, behind a later one."""
    found = MatchingChange.objects.aggregate(latest=Max("id"),
                                             recent=Count("id", filter=Q(id__gt=seq - REPLAY_WINDOW)))
    return found["latest"] or 0, found["recent"]


def _apply(engine: engine_mod.MatchingEngine, changes: Iterable[tuple[str, int]]) -> None:
    """Bring one document per change up to date: replaced if its row is matchable now, removed otherwise."""
    latest: dict[tuple[str, int], None] = {}
    for change in changes:  # a row changed twice is applied once, in the place of its last change
        latest.pop(change, None)
        latest[change] = None
    need_ids = [pk for kind, pk in latest if kind == "need"]
    profile_ids = [pk for kind, pk in latest if kind == "profile"]
    needs = _needs().in_bulk(need_ids) if need_ids else {}
    profiles = _profiles().in_bulk(profile_ids) if profile_ids else {}
    for kind, pk in latest:
        if kind == "need":
            if pk in needs:
                engine.upsert_need(as_need(needs[pk]))
            else:
                engine.remove_need(str(pk))
        elif pk in profiles:
            engine.upsert_profile(as_profile(profiles[pk]))
        else:
            engine.remove_profile(str(pk))


def _load() -> None:
    """Build this process's index (called with `_writing` held). The last change is read before the rows, so a
    change that commits during the build is replayed afterwards rather than lost."""
    seq = _latest()
    recent = set(MatchingChange.objects.filter(id__gt=seq - REPLAY_WINDOW, id__lte=seq).values_list("id", flat=True))
    _current.update(engine=build(), seq=seq, applied=recent)


def _catch_up(latest: int) -> None:
    """Apply the changes this process has not seen, on a copy, and swap the copy in (`_writing` held)."""
    seq, applied = _current["seq"], _current["applied"]
    if latest < seq:  # the change log went back (a restored database, a test rolled back): start afresh
        _load()
        return
    changes = list(MatchingChange.objects.filter(id__gt=seq - REPLAY_WINDOW).exclude(id__in=applied)
                   .values_list("id", "kind", "object_id"))
    if not changes:
        return
    engine = _current["engine"].copy()
    _apply(engine, [(kind, pk) for _id, kind, pk in changes])
    if engine.needs_rebuild:
        engine.rebuild()
    top = max(seq, *(i for i, _kind, _pk in changes))
    applied = {i for i in applied | {i for i, _kind, _pk in changes} if i > top - REPLAY_WINDOW}
    _current.update(engine=engine, seq=top, applied=applied)


def engine(*, wait: bool = False) -> engine_mod.MatchingEngine:
    """This process's index, with the changes other processes recorded applied.

    A request never waits for another thread (`wait=False`): it answers from the index as it is, and the thread
    already updating brings it current. A process's first read builds the index if `warm` has not (once); a request
    that arrives while that build runs answers from an empty index rather than wait. The worker waits (`wait=True`):
    it must apply its own change before it looks for strong matches."""
    if _current["engine"] is None:
        if not _writing.acquire(blocking=wait):
            return _EMPTY
        try:
            if _current["engine"] is None:
                _load()
        finally:
            _writing.release()
    else:
        latest, recent = _log_state(_current["seq"])
        behind = latest != _current["seq"] or recent != len(_current["applied"])
        if behind and _writing.acquire(blocking=wait):
            try:
                _catch_up(latest)
            finally:
                _writing.release()
    current: engine_mod.MatchingEngine = _current["engine"]
    return current


def warm() -> None:
    """Build the index at process start-up, so that no request has to. A database that is not ready yet (before
    the first `migrate`) leaves it to the first read."""
    try:
        engine()
    except DatabaseError:
        logger.warning("matching index not built at start-up: the database is not ready", exc_info=True)


def forget() -> None:
    """Drop this process's index (tests: each test starts from its own database)."""
    with _writing:
        _current.update(engine=None, seq=0, applied=set())


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


def needs_for(profile: CapabilityProfile, viewer: Any, k: int = 10, *, with_excluded: bool = False) -> Any:
    """Ranked needs for a supplier's profile, with the same explanations: only the needs `viewer` may see (the
    index holds every published need; a registered-only one is not shown to an anonymous visitor)."""
    from aiplus.scenarios import selectors

    result = engine().needs_for(as_profile(profile), k=k)
    ids = [int(m.candidate_id) for m in (*result.matches, *result.excluded)]
    needs = selectors.needs(viewer).in_bulk(ids)
    ranked, excluded = _rows(result, needs, "need", policy(profile.jurisdiction))
    return (ranked, excluded) if with_excluded else ranked


def _members(organisation_id: int) -> list[Any]:
    return [a.user for a in RoleAssignment.objects.select_related("user").filter(
        organisation_id=organisation_id, active=True, role__in=("enterprise_member", "provider"))]


# The explanation of a strong match, one reason a line, rendered in each language when the match is found.
REASONS = _("%(reasons)s")
STRONG_MATCH = "scenarios.strong_match"


def _reasons(match: engine_mod.Match) -> dict[str, str]:
    return in_each_language(lambda: "\n".join(explain_mod.lines(match.explanation)))


def _notify_strong_matches(result: Any, place: Any, candidates: Any, owner_of: Callable[[Any], int],
                           need_of: Callable[[Any], Need], *, title: Any, params: dict[str, Any],
                           target: Any) -> int:
    """Tell the members of each strong match's organisation (`owner_of` the candidate row, one of `candidates`)
    about `target`, the record that changed; each notice links to the need of the pair. A recipient already told of
    the same pair (same need, same record), read or not, is not told again: saving a profile or a need twice sends
    nothing new. The number sent."""
    sent = 0
    told = set(Notification.objects.filter(
        verb=STRONG_MATCH, object_type=target._meta.label_lower, object_id=str(target.pk)).values_list(
        "recipient_id", "link"))
    for match in engine_mod.strong_matches(result, policy(place)):
        candidate = candidates.filter(pk=int(match.candidate_id)).first()
        if candidate is None:
            continue
        reasons = _reasons(match)
        link = f"/scenarios/needs/{need_of(candidate).pk}/"
        for user in _members(owner_of(candidate)):
            if (user.pk, link) in told:
                continue
            told.add((user.pk, link))
            notify(recipient=user, verb=STRONG_MATCH, title=title, body=REASONS,
                   params={**params, "reasons": reasons}, link=link, target=target)
            sent += 1
    return sent


@transaction.atomic
def refresh(kind: str, pk: int) -> dict[str, Any]:
    """Record that a need or profile changed, apply it to this process's index (the others replay it on their next
    read) and notify strong matches of the record."""
    MatchingChange.objects.create(kind=kind, object_id=pk)
    eng = engine(wait=True)
    sent = 0
    if kind == "need":
        need = Need.objects.select_related("jurisdiction", "owner").filter(pk=pk, status=NeedStatus.PUBLISHED).first()
        if need is not None:
            sent = _notify_strong_matches(
                eng.suppliers_for(as_need(need), k=20), need.jurisdiction, CapabilityProfile.objects,
                lambda profile: profile.organisation_id, lambda _profile: need,
                title=_("新的强匹配场景需求：%(t)s"), params={"t": need.title}, target=need)
    elif kind == "profile":
        profile = CapabilityProfile.objects.select_related("organisation", "jurisdiction").filter(
            pk=pk, is_published=True).first()
        if profile is not None:
            sent = _notify_strong_matches(
                eng.needs_for(as_profile(profile), k=20), profile.jurisdiction, Need.objects,
                lambda need: need.owner_id, lambda need: need,
                title=_("新的强匹配供给方：%(o)s"), params={"o": profile.organisation.name}, target=profile)
    return {"kind": kind, "id": pk, "notified": sent}
