"""Every read of the datahub, restricted to what the user may see."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import permissions
from aiplus.core.errors import NotFoundError
from aiplus.core.lists import facet_counts
from aiplus.core.models import TimerStatus, WorkflowTimer
from aiplus.datahub import dcat
from aiplus.datahub.crossborder.counters import registry_period_start
from aiplus.datahub.crossborder.deadlines import add_months
from aiplus.datahub.models import (
    AccessRequest,
    AccessStatus,
    Agreement,
    AnnualCounter,
    DataAsset,
    DataService,
    Dataset,
    Distribution,
    GbaFiling,
    Grade,
    HarvestSource,
    Incident,
    Modality,
    OpenAttribute,
    PathDecision,
    Processor,
    SecurityProfile,
)
from aiplus.regulation.runtime import cite, parameter_title, parameters
from aiplus.regulation.units import unit_label

DATASET_FACETS = ("sector", "theme", "open_attribute", "modality", "high_quality")
FACETS = (*DATASET_FACETS, "format")


def datasets(user: Any) -> QuerySet[Dataset]:
    return Dataset.objects.restrict(user, "view").select_related("provider", "jurisdiction")


def catalogue(user: Any) -> QuerySet[Dataset]:
    """The catalogue's rows (the list page and the API list), in a stable order."""
    return datasets(user).order_by("title", "id")


def search_datasets(user: Any, *, q: str = "", sector: str = "", open_attribute: str = "", modality: str = "",
                    format: str = "", high_quality: bool | None = None, theme: str = "") -> QuerySet[Dataset]:
    """The catalogue searched and narrowed with the catalogue list's own filters (`listings.CATALOGUE`)."""
    from aiplus.datahub.listings import CATALOGUE

    return CATALOGUE.rows(user, {"q": q, "sector": sector, "open_attribute": open_attribute, "modality": modality,
                                 "format": format, "theme": theme,
                                 "high_quality": None if high_quality is None else ("1" if high_quality else "0")})


def facets(rows: QuerySet[Dataset]) -> dict[str, list[dict[str, Any]]]:
    """Counts per facet value over the (already filtered) rows. The dataset's own facets come from one grouped
    query (`core.lists.facet_counts`), the distribution format from a second (a dataset has several)."""
    labels: dict[str, dict[Any, Any]] = {"open_attribute": dict(OpenAttribute.choices),
                                         "modality": dict(Modality.choices),
                                         "high_quality": {"1": _("是"), "0": _("否")}}
    base = rows.order_by()
    counts = facet_counts(base, DATASET_FACETS)
    counts["high_quality"] = Counter({"1" if value else "0": n for value, n in counts["high_quality"].items()})
    result: dict[str, list[dict[str, Any]]] = {}
    for name in DATASET_FACETS:
        ordered = sorted(((v, n) for v, n in counts[name].items() if v), key=lambda item: (-item[1], item[0]))
        result[name] = [{"value": v, "label": str(labels.get(name, {}).get(v, v)), "count": n} for v, n in ordered]
    formats = (base.filter(distributions__isnull=False).values("distributions__format")
               .annotate(n=Count("pk", distinct=True)).order_by("-n", "distributions__format"))
    result["format"] = [{"value": r["distributions__format"], "label": r["distributions__format"], "count": r["n"]}
                        for r in formats]
    return result


def data_services(user: Any) -> QuerySet[DataService]:
    return (DataService.objects.restrict(user, "view").select_related("provider")
            .prefetch_related("serves").order_by("id"))


def service_list(user: Any) -> QuerySet[DataService]:
    """The data services the user may see, each with the served datasets the user may see (`visible_serves`)."""
    return (DataService.objects.restrict(user, "view").select_related("provider")
            .prefetch_related(Prefetch("serves", queryset=Dataset.objects.restrict(user, "view").order_by("title")
                                       .only("pk", "title"), to_attr="visible_serves"))
            .order_by("title", "id"))


def dataset(user: Any, dataset_id: int) -> Dataset:
    found = datasets(user).prefetch_related("distributions").filter(pk=dataset_id).first()
    if found is None:
        raise NotFoundError()
    return found


def catalogue_document(user: Any) -> dict[str, Any]:
    rows = list(datasets(user).prefetch_related("distributions"))
    services = list(DataService.objects.restrict(user, "view").select_related("provider", "jurisdiction")
                    .prefetch_related("serves"))
    return dcat.catalogue_document(rows, services)


def access_requests(user: Any) -> QuerySet[AccessRequest]:
    return (AccessRequest.objects.restrict(user, "view")
            .select_related("dataset", "requester", "provider", "jurisdiction", "agreement").order_by("-id"))


def access_request(user: Any, request_id: int) -> AccessRequest:
    found = access_requests(user).filter(pk=request_id).first()
    if found is None:
        raise NotFoundError()
    return found


def assets(user: Any) -> QuerySet[DataAsset]:
    return DataAsset.objects.restrict(user, "view").select_related("organisation", "jurisdiction")


def asset_list(user: Any) -> QuerySet[DataAsset]:
    return assets(user).order_by("name", "id")


def important_catalogue(user: Any) -> QuerySet[DataAsset]:
    return assets(user).filter(in_important_catalogue=True)


@dataclass(frozen=True)
class Duty:
    code: str
    applies: bool
    due_on: Any
    overdue: bool
    detail: str
    citation: dict[str, Any]
    parameter: str = ""
    value: Any = None
    status: str = ""
    citation_label: str = ""
    object_id: int | None = None
    parameter_title: str = ""
    unit: str = ""


def _duty(code: str, version: Any, *, applies: bool, due_on: Any, overdue: bool, detail: str,
          object_id: int | None = None) -> Duty:
    return Duty(code, applies, due_on, overdue, detail, version.citation.as_dict(), parameter=version.key,
                value=version.value, status=str(getattr(version.status, "value", version.status)),
                citation_label=cite(version.citation), object_id=object_id,
                parameter_title=parameter_title(version.key),
                unit=unit_label(getattr(version, "unit", "") or ""))


def duty_organisations(user: Any) -> list[Any]:
    """Organisations whose duties the user may look at: their own, and (officials) those with visible assets."""
    from aiplus.core.models import Organisation
    from aiplus.core.permissions import user_organisation_ids

    ids = set(user_organisation_ids(user)) | set(assets(user).values_list("organisation_id", flat=True))
    return list(Organisation.objects.restrict(user, "view").filter(pk__in=ids).order_by("name"))


def duties(user: Any, organisation_id: int, today: dt.date | None = None) -> list[Duty]:
    """The processor's data-security duties and their clocks, from pack parameters (网络数据安全管理条例):
    the named data-security officer (art. 30), the annual risk assessment (art. 33, due 12 months after the last
    one, or now when there has been none) and the 24-hour report of each serious incident (art. 10). They apply
    to processors of important or core data, and the officer duty also above the art. 28 people threshold."""
    today = today or timezone.localdate()
    registry = parameters()
    own = assets(user).filter(organisation_id=organisation_id)
    important = own.filter(grade__in=[Grade.IMPORTANT, Grade.CORE]).exists()
    pi_people = own.aggregate(total=Sum("pi_people"))["total"] or 0
    threshold = registry.version("datasec.pi_important_data_duties_threshold_persons", today)
    officer = registry.version("datasec.important_data.security_officer_required", today)
    interval = registry.version("datasec.important_data.risk_assessment_interval_months", today)
    incident_hours = registry.version("datasec.incident_report_hours", today)
    profile = SecurityProfile.objects.restrict(user, "view").filter(organisation_id=organisation_id).first()
    applies = important or pi_people > int(threshold.value)
    named = profile.security_officer if profile and profile.security_officer else ""
    result = [_duty("security_officer", officer, applies=applies and bool(officer.value), due_on=None,
                    overdue=applies and not named, detail=named)]
    last = profile.last_risk_assessment_on if profile else None
    due = add_months(last, int(interval.value)) if last else (today if important else None)
    result.append(_duty("annual_risk_assessment", interval, applies=important, due_on=due,
                        overdue=bool(important and due and due <= today),
                        detail=last.isoformat() if last else ""))
    now = timezone.now()
    for incident in Incident.objects.restrict(user, "view").filter(organisation_id=organisation_id,
                                                                   reported_at__isnull=True, serious=True):
        result.append(_duty("incident_report", incident_hours, applies=True, due_on=incident.report_due_at,
                            overdue=incident.report_due_at < now, detail=incident.title, object_id=incident.pk))
    return result


def processors(user: Any) -> QuerySet[Processor]:
    return Processor.objects.restrict(user, "view").select_related("organisation", "jurisdiction").order_by("id")


@dataclass(frozen=True)
class CounterRow:
    processor: Any
    period_start: dt.date
    pi_people: int
    sensitive_pi_people: int


def current_counters(user: Any, today: dt.date | None = None) -> list[CounterRow]:
    """Each visible processor's people sent abroad in the counting period that contains `today` (zero after the
    1 January reset until the first transfer of the new period is recorded)."""
    today = today or timezone.localdate()
    start = registry_period_start(parameters(), today)
    rows = list(processors(user))
    stored = {c.processor_id: c for c in AnnualCounter.objects.filter(processor__in=rows, period_start=start)}
    return [CounterRow(p, start, stored[p.pk].pi_people if p.pk in stored else 0,
                       stored[p.pk].sensitive_pi_people if p.pk in stored else 0) for p in rows]


def transfers(user: Any) -> QuerySet[PathDecision]:
    return (PathDecision.objects.restrict(user, "view")
            .select_related("transfer", "transfer__processor", "organisation", "jurisdiction").order_by("-id"))


def filings(user: Any) -> QuerySet[GbaFiling]:
    return GbaFiling.objects.restrict(user, "view").select_related("organisation", "jurisdiction")


def filing_list(user: Any) -> QuerySet[GbaFiling]:
    return filings(user).order_by("-id")


def filing(user: Any, filing_id: int) -> GbaFiling:
    found = filings(user).filter(pk=filing_id).first()
    if found is None:
        raise NotFoundError()
    return found


def filing_timers(filing_ids: list[int]) -> dict[int, WorkflowTimer]:
    timers = WorkflowTimer.objects.filter(object_type="datahub.gbafiling", object_id__in=[str(i) for i in filing_ids])
    return {int(t.object_id): t for t in timers}


def open_deadlines(user: Any) -> list[dict[str, Any]]:
    """Open filing clocks and pending transfer deadlines the user may see, soonest first."""
    rows: list[dict[str, Any]] = []
    visible = list(filings(user).values_list("pk", flat=True))
    for timer in WorkflowTimer.objects.filter(object_type="datahub.gbafiling", status=TimerStatus.OPEN,
                                              object_id__in=[str(i) for i in visible]):
        rows.append({"kind": "gba_filing", "object_id": int(timer.object_id), "due_on": timer.due_on,
                     "parameter": timer.parameter})
    for decision in transfers(user).filter(next_due_on__isnull=False):
        rows.append({"kind": decision.outcome, "object_id": decision.transfer_id, "due_on": decision.next_due_on,
                     "parameter": ""})
    return sorted(rows, key=lambda r: r["due_on"])


def organisations_acting_for(user: Any, action: str = "add") -> QuerySet[Any]:
    """The organisations the user acts for (registers or changes rows of), by name."""
    from aiplus.core.models import Organisation

    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, action)).order_by("name")


def own_processors(user: Any) -> list[Processor]:
    """The processors the user may record transfers for."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(Processor.objects.restrict(user, "change").select_related("organisation").order_by("id"))


def service_dataset_choices(user: Any, service: DataService | None = None) -> QuerySet[Dataset]:
    """The datasets a data service of the user's may be set to serve, each one the user may see: those of the
    user's own providing organisations, and those the service serves now (a published dataset of another provider,
    say, so that saving keeps it)."""
    offered = Q(provider_id__in=permissions.user_organisation_ids(user, "change"))
    if service is not None:
        offered |= Q(pk__in=service.serves.values("pk"))
    return Dataset.objects.restrict(user, "view").filter(offered).order_by("title", "id").only("pk", "title")


def harvest_sources(user: Any) -> QuerySet[HarvestSource]:
    """The remote catalogues registered for the jurisdictions (and providers) the user may see."""
    return (HarvestSource.objects.restrict(user, "view").select_related("jurisdiction", "provider")
            .order_by("name", "pk"))


@dataclass(frozen=True)
class Delivery:
    """How the grantee of an access request reaches the data while its agreement is in force: the dataset's
    distributions (access and download addresses) and the data services (endpoints) that serve it."""

    in_force: bool
    distributions: list[Any]
    services: list[Any]


def delivery(user: Any, item: AccessRequest) -> Delivery | None:
    """The delivery shown on the request's page to its requester and to the provider's members (None to anyone
    else, or before approval). Addresses are listed only while the agreement is in force (approved, not revoked,
    not expired)."""
    if item.status not in (AccessStatus.APPROVED, AccessStatus.REVOKED):
        return None
    if not (getattr(user, "pk", None) == item.requester_id or getattr(user, "is_superuser", False)
            or item.provider_id in permissions.user_organisation_ids(user, "view")):
        return None
    agreement = Agreement.objects.filter(access_request=item).first()
    today = timezone.localdate()
    in_force = (agreement is not None and item.status == AccessStatus.APPROVED and agreement.revoked_on is None
                and agreement.starts_on <= today <= agreement.expires_on)
    if not in_force:
        return Delivery(False, [], [])
    return Delivery(True, list(Distribution.objects.filter(dataset_id=item.dataset_id).order_by("id")),
                    list(DataService.objects.filter(serves=item.dataset_id).order_by("id")))
