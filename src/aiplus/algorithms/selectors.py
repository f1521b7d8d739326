"""Who sees what in the registers, and nothing else decides it.

A row is seen by everyone once its owner publishes it, and otherwise by the owner organisation's members and the
officials and auditors of its jurisdiction (the models' `Scope`). A model's serving endpoint is a secret of its
owner: only the owner's members ever get it (`shown_endpoint`, empty for everyone else, the superuser included);
lists and exports never carry it at all."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, OuterRef, Prefetch, QuerySet, Subquery, Value, When

from aiplus.algorithms.models import (
    AIModel,
    Algorithm,
    AlgorithmFiling,
    Hardware,
    OpenSourceProject,
    UnlabelledExport,
    UploadCheck,
)
from aiplus.core import permissions
from aiplus.core.access import get_for
from aiplus.core.models import Organisation
from aiplus.regulation.runtime import active_packs

ALGORITHM_TYPES = "algorithm_types"


def member_organisation_ids(user: Any) -> set[int]:
    """The organisations whose registers the user writes: those they are a member (or provider) of."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return set()
    return set(permissions.user_organisation_ids(user, "change"))


def organisations_acting_for(user: Any) -> QuerySet[Organisation]:
    """The organisations the user registers rows for, by name."""
    return Organisation.objects.filter(pk__in=member_organisation_ids(user)).order_by("name")


def _visible[M: Any](queryset: QuerySet[M], user: Any) -> QuerySet[M]:
    return queryset.restrict(user, "view").select_related("organisation", "jurisdiction")  # type: ignore[attr-defined]


def _visible_model_name(user: Any, link: str) -> Subquery:
    """The name of the linked model when the user may see it (null otherwise: a restricted model's name is not
    shown through a row that links to it)."""
    return Subquery(AIModel.objects.restrict(user, "view").filter(pk=OuterRef(link)).values("name")[:1])


def models(user: Any) -> QuerySet[AIModel]:
    """The models the user may see, each with `shown_endpoint` (the endpoint for the owner's members, else empty)
    and `base_model_name` (the base model's name where the user may see it)."""
    own = member_organisation_ids(user)
    return _visible(AIModel.objects.all(), user).annotate(
        shown_endpoint=Case(When(organisation_id__in=own, then=F("endpoint_url")), default=Value(""),
                            output_field=CharField()),
        base_model_name=_visible_model_name(user, "base_model_id"))


def model(user: Any, model_id: int) -> AIModel:
    return get_for(user, "view", models(user), pk=model_id)


def algorithms(user: Any) -> QuerySet[Algorithm]:
    """The algorithms the user may see, each with `model_name` (its model's, where the user may see it)."""
    return _visible(Algorithm.objects.all(), user).annotate(model_name=_visible_model_name(user, "model_id"))


def algorithm(user: Any, algorithm_id: int) -> Algorithm:
    return get_for(user, "view", algorithms(user), pk=algorithm_id)


def hardware_list(user: Any) -> QuerySet[Hardware]:
    """The hardware the user may see, with `visible_models`: the embedded models the user may see."""
    return _visible(Hardware.objects.all(), user).prefetch_related(
        Prefetch("embedded_models", queryset=_visible(AIModel.objects.all(), user).order_by("name"),
                 to_attr="visible_models"))


def hardware(user: Any, hardware_id: int) -> Hardware:
    return get_for(user, "view", hardware_list(user), pk=hardware_id)


def projects(user: Any) -> QuerySet[OpenSourceProject]:
    return _visible(OpenSourceProject.objects.all(), user)


def project(user: Any, project_id: int) -> OpenSourceProject:
    return get_for(user, "view", projects(user), pk=project_id)


def pools_of(item: Hardware) -> QuerySet[Any]:
    return item.pools.select_related("centre").order_by("centre__name")  # pools are public reference data


def derived_models(user: Any, item: AIModel) -> QuerySet[AIModel]:
    return models(user).filter(base_model=item).order_by("name")


def algorithms_on(user: Any, item: AIModel) -> QuerySet[Algorithm]:
    return algorithms(user).filter(model=item).order_by("name")


def algorithm_types() -> list[tuple[str, str]]:
    """The CAC algorithm types of the active packs' `algorithm_types` taxonomy, as (code, name in the page's
    language)."""
    from django.utils.translation import get_language

    zh = (get_language() or "zh-hans").startswith("zh")
    try:
        taxonomy = active_packs().taxonomy(ALGORITHM_TYPES)
    except KeyError:
        return []
    return [(item.code, item.name_zh if zh else item.name_en) for item in taxonomy.flatten()]


def algorithm_type_item(code: str) -> Any:
    """The taxonomy item of a type code (for its provenance), or None."""
    try:
        return active_packs().taxonomy(ALGORITHM_TYPES).item(code)
    except KeyError:
        return None


def pool_choices() -> QuerySet[Any]:
    """The compute pools hardware may be linked to (public reference data of the compute register)."""
    from aiplus.compute.models import ResourcePool

    return ResourcePool.objects.select_related("centre").order_by("centre__name", "accelerator_model")


# --- algorithm filing dossiers ------------------------------------------------------------------------------------

def filings(user: Any) -> QuerySet[AlgorithmFiling]:
    """The filing dossiers the user may see (the filing organisation's members, the place's officials and
    auditors; never public), each with `overdue` (an open clock past its date, on today's date)."""
    from django.db.models import BooleanField
    from django.db.models.functions import Coalesce, NullIf
    from django.utils import timezone

    return (AlgorithmFiling.objects.restrict(user, "view")  # type: ignore[attr-defined]
            .select_related("algorithm", "model", "organisation", "jurisdiction")
            .annotate(overdue=Case(When(due_on__lt=timezone.localdate(), then=Value(True)), default=Value(False),
                                   output_field=BooleanField()),
                      # what is filed: the algorithm, or the generative-AI service (its model when it has no name)
                      subject_name=Coalesce(NullIf("service_name", Value("")), "algorithm__name", "model__name")))


def filing(user: Any, filing_id: int) -> AlgorithmFiling:
    return get_for(user, "view", filings(user), pk=filing_id)


def filings_due(user: Any) -> QuerySet[AlgorithmFiling]:
    """The open clocks the user may see, the nearest first (the officials' deadline view)."""
    return filings(user).filter(due_on__isnull=False).order_by("due_on", "pk")


def filing_of(user: Any, algorithm: Algorithm) -> AlgorithmFiling | None:
    """The algorithm's latest filing with a number, where the user may see it (its detail page shows the number)."""
    return filings(user).filter(algorithm=algorithm).exclude(filing_number="").order_by("-pk").first()


def filable_algorithms(user: Any) -> QuerySet[Algorithm]:
    """The algorithms the user may start a filing dossier for: their organisations'."""
    return algorithms(user).filter(organisation_id__in=member_organisation_ids(user)).order_by("name")


# --- generative-AI filings ----------------------------------------------------------------------------------------

SAFETY_CLAUSES = "genai_safety_clauses"


def safety_clauses() -> list[tuple[str, str]]:
    """The clauses a launch filing answers (the leaves of the packs' `genai_safety_clauses`: GB/T 45654-2025
    chapters 5–8), as (code, name in the page's language), in the standard's order."""
    from django.utils.translation import get_language

    zh = (get_language() or "zh-hans").startswith("zh")
    try:
        taxonomy = active_packs().taxonomy(SAFETY_CLAUSES)
    except KeyError:
        return []
    return [(item.code, item.name_zh if zh else item.name_en) for item in taxonomy.flatten() if not item.children]


def filable_models(user: Any) -> QuerySet[AIModel]:
    """The models the user may start a launch filing for: their organisations'."""
    return models(user).filter(organisation_id__in=member_organisation_ids(user)).order_by("name")


def callable_models(user: Any) -> QuerySet[AIModel]:
    """The models a registered service may call: those the user sees that have a filing number."""
    return models(user).exclude(filing_number="").order_by("name")


def model_filings(user: Any, model: AIModel) -> QuerySet[AlgorithmFiling]:
    """The generative-AI dossiers naming the model that the user may see (its launch filing, the services that
    call it), the newest first."""
    return filings(user).filter(model=model).order_by("-pk")


# The filings a national generative-AI filing target counts (苏州: 生成式人工智能和深度合成算法国家备案数): launch
# filings and algorithm filings of the generation-and-synthesis type holding a number and not deregistered; a
# registration (登记) is provincial and is not counted.
GENERATION_TYPE = "generation_synthesis"


def national_genai_filings(jurisdiction_id: int) -> QuerySet[AlgorithmFiling]:
    """The records behind the count: every such filing of the place and the places below it (all, unrestricted:
    the figure is an aggregate officials read; the rows are opened through `filings`, restricted)."""
    from django.db.models import Q

    return (AlgorithmFiling.objects.filter(jurisdiction_id__in=permissions.jurisdiction_ids_in_scope(jurisdiction_id))
            .exclude(filing_number="").exclude(status="deregistered")
            .filter(Q(kind="genai_filing") | Q(kind="algorithm", algorithm__algorithm_type=GENERATION_TYPE)))


def genai_filing_targets(user: Any) -> list[dict[str, Any]]:
    """Each national generative-AI filing target of a place the user officiates or audits (pack parameters
    `targets.<place>.national_genai_filings_<year>`), with today's count against it."""
    import datetime as dt

    from aiplus.core.models import Jurisdiction
    from aiplus.regulation.runtime import parameters

    registry, today = parameters(), dt.date.today()
    if getattr(user, "is_superuser", False):
        allowed = set(Jurisdiction.objects.values_list("pk", flat=True))
    elif getattr(user, "is_authenticated", False):
        allowed = permissions.user_jurisdiction_ids(user, "view")
    else:
        allowed = set()
    rows = []
    for key in registry.keys():  # noqa: SIM118 (the registry iterates over versions, not keys)
        parts = key.split(".")
        if len(parts) != 3 or parts[0] != "targets" or not parts[2].startswith("national_genai_filings_"):
            continue
        place = Jurisdiction.objects.filter(code=parts[1]).first()
        if place is None or place.pk not in allowed:
            continue
        history = registry.history(key)
        version = next((v for v in reversed(history) if v.in_force_on(today)), history[-1])
        count = national_genai_filings(place.pk).count()
        target = int(version.value)
        rows.append({"parameter": version, "jurisdiction": place, "year": int(parts[2].rsplit("_", 1)[1]),
                     "target": target, "count": count, "gap": max(target - count, 0)})
    return rows


# --- AIGC labels at a distribution platform -----------------------------------------------------------------------

def upload_checks(user: Any) -> QuerySet[UploadCheck]:
    """The upload checks the user may see: the platform organisation's members, the place's officials."""
    return (UploadCheck.objects.restrict(user, "view")  # type: ignore[attr-defined]
            .select_related("organisation", "jurisdiction", "checked_by", "reviewed_by"))


def reviewable_uploads(user: Any) -> QuerySet[UploadCheck]:
    """The pending checks of the user's organisations that someone else submitted: what the user may review."""
    return (upload_checks(user).filter(review="pending", organisation_id__in=member_organisation_ids(user))
            .exclude(checked_by=user).order_by("created_at", "pk"))


def unlabelled_exports(user: Any) -> QuerySet[UnlabelledExport]:
    """The provider's log of content handed out without its explicit label: its members, the place's officials."""
    return (UnlabelledExport.objects.restrict(user, "view")  # type: ignore[attr-defined]
            .select_related("organisation", "jurisdiction", "recorded_by"))
