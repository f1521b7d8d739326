"""Reads of incidents, always through the rows' Scope: officials and auditors of the incident's jurisdiction and the
members of the organisation it concerns see the incident; who reported it only the officials who handle it
(`change` on the jurisdiction) and the reporter; the public record (published, redacted) everybody."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from aiplus.core.errors import NotFoundError
from aiplus.governance.models import Incident, IncidentAction, IncidentClock, IncidentReporter, OperatorKind

# The fields of the public record: nothing else of an incident is ever read for the public.
PUBLIC_FIELDS = ("id", "public_title", "public_summary", "harms", "severity", "jurisdiction", "occurred_at",
                 "published_at", "is_published", "status", "red_lines")


def incidents(user: Any) -> QuerySet[Incident]:
    return Incident.objects.restrict(user, "view").select_related(  # type: ignore[attr-defined, no-any-return]
        "jurisdiction", "organisation", "department", "handler")


def incident(user: Any, incident_id: int) -> Incident:
    found = incidents(user).filter(pk=incident_id).first()
    if found is None:
        raise NotFoundError()
    return found


def reporter(user: Any, incident: Incident) -> IncidentReporter | None:
    """Who reported the incident, for the officials who handle it and the reporter; None for anybody else."""
    return IncidentReporter.objects.restrict(user, "change").filter(  # type: ignore[attr-defined, no-any-return]
        incident=incident).select_related("user").first()


def reported_by_me(user: Any) -> QuerySet[Incident]:
    """The incidents the signed-in user reported (their own reports, whatever their state)."""
    if not getattr(user, "is_authenticated", False):
        return Incident.objects.none()
    return Incident.objects.filter(reporter__user=user).select_related("jurisdiction")


def clocks_of(incident: Incident) -> list[IncidentClock]:
    return list(IncidentClock.objects.filter(incident=incident).order_by("started_at", "id"))


def escalation_chain(incident: Incident) -> list[Any]:
    """The departments a major incident is reported up through, as the departments data has them: those holding the
    incident-handling duty (`incidents.handle`) in the jurisdictions that cover its place, the most local first,
    then the national cyberspace administration (packs/national/departments.yaml, `cac`). At a critical information
    infrastructure operator the public security organs come in too (《国家网络安全事件报告管理办法》 Art. 4: the
    operator reports to the public security organ as well, and the report goes on to 国务院公安部门): the local ones
    holding `incidents.cii_police` after the local handlers, the Ministry of Public Security after the CAC."""
    from aiplus.departments.catalogue import CII_POLICE, INCIDENTS

    chain = [*_holders(incident, INCIDENTS)]
    cii = incident.operator_kind == OperatorKind.CII
    if cii:
        chain += _holders(incident, CII_POLICE, national=False)
    chain += _national("cac")
    if cii:
        chain += _national("mps")
    unique: list[Any] = []
    for department in chain:
        if department not in unique:
            unique.append(department)
    return unique


def _holders(incident: Incident, work: str, *, national: bool = True) -> list[Any]:
    """The departments holding `work` in the jurisdictions that cover the incident's place, the most local first."""
    from aiplus.core import permissions
    from aiplus.departments.models import Duty

    duties = list(Duty.objects.filter(code=work).select_related("department"))
    if not national:
        duties = [d for d in duties if d.department.pack != "national"]
    held = _covering(incident.jurisdiction_id, [(d, d.jurisdiction_id) for d in duties])
    breadth = {d.jurisdiction_id: len(permissions.jurisdiction_ids_in_scope(d.jurisdiction_id)) for d in held}
    return [d.department for d in sorted(held, key=lambda d: (breadth[d.jurisdiction_id], d.department.code))]


def _national(code: str) -> list[Any]:
    from aiplus.core.models import Department

    return list(Department.objects.filter(pack="national", code=code)[:1])


def actions_of(incident: Incident) -> list[IncidentAction]:
    return list(IncidentAction.objects.filter(incident=incident).select_related("recorded_by"))


def public_records(user: Any = None) -> QuerySet[Incident]:
    """The public record: published incidents, only their public fields."""
    return Incident.objects.filter(is_published=True).select_related("jurisdiction").only(*PUBLIC_FIELDS)


def public_record(user: Any, incident_id: int) -> Incident:
    found = public_records().filter(pk=incident_id).first()
    if found is None:
        raise NotFoundError()
    return found


def _covering(jurisdiction_id: int, anchors: list[tuple[Any, int | None]]) -> list[Any]:
    from aiplus.core import permissions

    scopes: dict[int, set[int]] = {}
    found = []
    for row, anchor in anchors:
        if anchor is None:
            continue
        if anchor not in scopes:
            scopes[anchor] = permissions.jurisdiction_ids_in_scope(anchor)
        if jurisdiction_id in scopes[anchor]:
            found.append(row)
    return found


def departments_for(incident: Incident) -> QuerySet[Any]:
    """The departments of the jurisdictions that cover the incident's place (where it may be assigned)."""
    from aiplus.core.models import Department

    rows = list(Department.objects.all())
    ids = [d.pk for d in _covering(incident.jurisdiction_id, [(d, d.jurisdiction_id) for d in rows])]
    return Department.objects.filter(pk__in=ids).order_by("pack", "code")


def handlers_for(incident: Incident) -> QuerySet[Any]:
    """The officials of the jurisdictions that cover the incident's place (who may handle it)."""
    from aiplus.core import permissions
    from aiplus.core.models import RoleAssignment, User

    assignments = list(RoleAssignment.objects.filter(role=permissions.OFFICIAL, active=True,
                                                     jurisdiction__isnull=False, user__is_active=True))
    ids = {a.user_id for a in _covering(incident.jurisdiction_id, [(a, a.jurisdiction_id) for a in assignments])}
    return User.objects.filter(pk__in=ids).order_by("username")


def description_for(user: Any, incident: Incident) -> str:
    """The description as this user may read it: as written for those who may see who reported it; for anybody
    else (the organisation concerned, auditors) with the reporter's name and contact and other personal data
    masked, so that a reporter who signed their text is not named to the company they report."""
    from aiplus.governance import incident_rules

    if reporter(user, incident) is not None:
        return incident.description
    stored = IncidentReporter.objects.filter(incident=incident).values_list("name", "contact").first()
    return incident_rules.redact(incident.description, list(stored or ()))


def violations(user: Any) -> QuerySet[Any]:
    from aiplus.governance.models import Violation

    return Violation.objects.restrict(user, "view").select_related(  # type: ignore[attr-defined, no-any-return]
        "jurisdiction", "organisation", "incident", "ai_application", "ethics_application")


def violation(user: Any, violation_id: int) -> Any:
    found = violations(user).filter(pk=violation_id).first()
    if found is None:
        raise NotFoundError()
    return found


def case_source(user: Any, case: Any) -> dict[str, Any] | None:
    """The AI application or ethics review application a case was opened from, as the viewer may follow it: its
    page when they may read it (an ethics application's own page only for the committee and the applicant; an
    official of the place reaches its red-line flag page instead, never the materials), its name alone otherwise."""
    from aiplus.governance import risk_selectors
    from aiplus.governance import selectors as ethics_selectors

    if case.ai_application_id:
        item = case.ai_application
        seen = risk_selectors.applications(user).filter(pk=item.pk).exists()
        return {"kind": "ai_application", "name": item.name,
                "url": f"/governance/ai-applications/{item.pk}/" if seen else ""}
    if case.ethics_application_id:
        item = case.ethics_application
        if ethics_selectors.applications(user).filter(pk=item.pk).exists():
            url = f"/governance/ethics/applications/{item.pk}/"
        elif ethics_selectors.flagged_in_place(user).filter(pk=item.pk).exists():
            url = f"/governance/red-lines/ethics/{item.pk}/"
        else:
            url = ""
        return {"kind": "ethics_application", "name": item.title, "url": url}
    return None


def organisations_for_cases(user: Any) -> QuerySet[Any]:
    """The organisations of the places where the official may open a case."""
    from aiplus.core import permissions
    from aiplus.core.models import Organisation

    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    return Organisation.objects.filter(jurisdiction_id__in=permissions.user_jurisdiction_ids(user, "change"))
