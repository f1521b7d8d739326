"""Reads of the question banks, always through the rows' Scope: banks and versions are public (their counts); items
and import reports only for the evaluators of the bank's organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from aiplus.core.errors import NotFoundError
from aiplus.evaluation import standard
from aiplus.evaluation.harness.coverage import Coverage, coverage
from aiplus.evaluation.models import Bank, BankVersion, Evaluator, ImportRecord, Item, ItemStatus
from aiplus.evaluation.services import is_evaluator


def _visible[M: Any](model: type[M], user: Any) -> QuerySet[M]:
    allowed = model.objects.restrict(user, "view").values("pk")  # type: ignore[attr-defined]
    return model.objects.filter(pk__in=allowed)  # type: ignore[attr-defined, no-any-return]


def banks(user: Any) -> QuerySet[Bank]:
    return Bank.objects.restrict(user, "view").select_related("organisation").annotate(
        version_count=Count("versions", distinct=True))


def bank(user: Any, bank_id: int) -> Bank:
    found = banks(user).filter(pk=bank_id).first()
    if found is None:
        raise NotFoundError()
    return found


def versions(bank: Bank) -> list[BankVersion]:
    """The bank's versions, newest first, each with its item counts by status (counts are public)."""
    return list(bank.versions.select_related("published_by").annotate(
        total=Count("items"),
        approved=Count("items", filter=Q(items__status=ItemStatus.APPROVED)),
        candidates=Count("items", filter=Q(items__status=ItemStatus.CANDIDATE)),
        rejected=Count("items", filter=Q(items__status=ItemStatus.REJECTED)),
        unmapped=Count("items", filter=Q(items__risk_code=""))).order_by("-number"))


def version(user: Any, version_id: int) -> BankVersion:
    found = BankVersion.objects.restrict(user, "view").select_related("bank", "bank__organisation").filter(
        pk=version_id).first()
    if found is None:
        raise NotFoundError()
    return found


def may_read_items(user: Any, bank: Bank) -> bool:
    return bool(getattr(user, "is_superuser", False)) or is_evaluator(user, bank.organisation_id)


def items(user: Any) -> QuerySet[Item]:
    """The items the user may read: those of the banks of organisations they evaluate for."""
    return _visible(Item, user).select_related("version", "version__bank", "author", "reviewed_by")


def review_queue(user: Any) -> QuerySet[Item]:
    """Candidate items of draft versions the user may review: not their own."""
    return items(user).filter(status=ItemStatus.CANDIDATE, version__status="draft").exclude(author_id=user.pk)


def imports_of(user: Any, version: BankVersion) -> list[ImportRecord]:
    if not may_read_items(user, version.bank):
        return []
    return list(version.imports.select_related("imported_by")[:20])


def counts_by_risk(version: BankVersion) -> dict[str, int]:
    """Approved items per risk code ("" for the unmapped): the counts coverage is measured on."""
    rows = Item.objects.filter(version=version, status=ItemStatus.APPROVED).values("risk_code").annotate(
        n=Count("id"))
    return {row["risk_code"]: row["n"] for row in rows}


def coverage_of(version: BankVersion) -> Coverage:
    return coverage(counts_by_risk(version), standard.risk_codes(), standard.minimums(version.bank.kind))


def evaluators(user: Any) -> QuerySet[Evaluator]:
    return _visible(Evaluator, user).select_related("organisation", "user")


def evaluator_organisations(user: Any) -> QuerySet[Any]:
    """The organisations the user may create banks for (those they evaluate for)."""
    from aiplus.core.models import Organisation

    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    if not getattr(user, "pk", None):
        return Organisation.objects.none()
    return Organisation.objects.filter(evaluators__user_id=user.pk).distinct()


def designating_organisations(user: Any) -> QuerySet[Any]:
    """The organisations whose evaluators the user may designate (their members', or in their jurisdictions)."""
    from aiplus.core import permissions
    from aiplus.core.models import Organisation

    if getattr(user, "is_superuser", False):
        return Organisation.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.filter(Q(pk__in=permissions.user_organisation_ids(user, "add"))
                                       | Q(jurisdiction_id__in=permissions.user_jurisdiction_ids(user, "add")))


def keyword_judge(version: BankVersion) -> Any:
    """The keyword judge of a keyword library version: its approved keywords with their risks."""
    from aiplus.evaluation.harness.judges import KeywordJudge

    rows = Item.objects.filter(version=version, status=ItemStatus.APPROVED, kind="keyword").values_list(
        "text", "risk_code")
    return KeywordJudge(rows.iterator(chunk_size=2000))


# ------------------------------------------------------------------------------------------------------------ runs

def endpoints(user: Any) -> QuerySet[Any]:
    from aiplus.evaluation.models import Endpoint

    return _visible(Endpoint, user).select_related("organisation", "ai_model")


def endpoint(user: Any, endpoint_id: int) -> Any:
    found = endpoints(user).filter(pk=endpoint_id).first()
    if found is None:
        raise NotFoundError()
    return found


def runs(user: Any) -> QuerySet[Any]:
    from aiplus.evaluation.models import Run

    return _visible(Run, user).select_related("endpoint", "version", "version__bank", "organisation")


def run(user: Any, run_id: int) -> Any:
    found = runs(user).select_related("job", "started_by", "judge_endpoint", "keyword_version").filter(
        pk=run_id).first()
    if found is None:
        raise NotFoundError()
    return found


def run_items(run: Any, *, disputed_only: bool = False, limit: int = 500) -> list[Any]:
    rows = run.items.select_related("item", "reviewed_by").order_by("position")
    if disputed_only:
        rows = rows.filter(disputed=True)
    return list(rows[:limit])


def reports_of(run: Any) -> list[Any]:
    return list(run.reports.defer("pdf").select_related("issued_by"))


def report(user: Any, report_id: int) -> Any:
    from aiplus.evaluation.models import Report

    found = _visible(Report, user).filter(pk=report_id).first()
    if found is None:
        raise NotFoundError()
    return found


def comparable_runs(run: Any) -> list[Any]:
    """Other completed runs of the same endpoint and plan (the candidates of a re-test comparison)."""
    return list(run.endpoint.runs.filter(plan=run.plan).exclude(pk=run.pk).order_by("-id")[:50])


def published_versions(user: Any, kind: str | None = None) -> QuerySet[BankVersion]:
    rows = BankVersion.objects.filter(status="published").select_related("bank")
    if not getattr(user, "is_superuser", False):
        rows = rows.filter(bank__organisation__evaluators__user_id=getattr(user, "pk", None) or 0)
    if kind:
        rows = rows.filter(bank__kind=kind)
    return rows.order_by("bank__name", "-number")


def runs_of_model(user: Any, ai_model_id: int) -> list[Any]:
    """The evaluation runs of endpoints linked to a registered model (shown on the model's register page)."""
    return list(runs(user).filter(endpoint__ai_model_id=ai_model_id).order_by("-id")[:20])


def reports_of_models(user: Any, ai_model_ids: list[int], limit: int = 20) -> list[Any]:
    """The signed reports of runs on endpoints linked to registered models (shown on the model's and the
    hardware's register pages), newest first, each with its signed `outcome`. Only the reports the user may open
    are listed: a report's digest opens its whole payload on the public verify page, so listing it is opening it."""
    from django.db.models.fields.json import KT

    from aiplus.evaluation.models import Report

    if not ai_model_ids:
        return []
    rows = _visible(Report, user).filter(run__endpoint__ai_model_id__in=ai_model_ids).defer("pdf", "payload")
    return list(rows.select_related("run", "run__endpoint__ai_model")
                .annotate(outcome=KT("payload__results__verdict__outcome")).order_by("-id")[:limit])
