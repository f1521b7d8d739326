"""Every write of the registers: create, update and publish a model, an algorithm, hardware or an open-source project.

Each function: keyword-only arguments, `acting_user` first, one transaction, permission checked first, bad input as
ServiceError naming the field, exactly one audit event. Only the owner organisation's members write a row (an
official of its jurisdiction reads it, and may not change what a company declares about itself)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.algorithms import aigc, search, selectors
from aiplus.algorithms.models import (
    EMBEDDING_KINDS,
    AIModel,
    Algorithm,
    AlgorithmFiling,
    AlgorithmFilingStatus,
    ClauseFinding,
    ClockKind,
    FilingKind,
    FilingStatus,
    GenAIFunction,
    Hardware,
    OpenSourceProject,
    ReviewOutcome,
    UnlabelledExport,
    UploadCheck,
    Verdict,
)
from aiplus.core import audit, domains, permissions
from aiplus.core.access import get_for
from aiplus.core.calendar import add_working_days
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import Organisation, User
from aiplus.core.services import notify
from aiplus.core.vocabularies import Modality
from aiplus.departments import work
from aiplus.governance.incident_services import report_signal
from aiplus.regulation.runtime import cite, parameters
from aiplus.rules import ParameterError

MODEL_FIELDS = ("name", "kind", "base_model_id", "modalities", "parameters_billion", "licence", "open_weights",
                "summary", "endpoint_url", "filing_status", "filing_number", "is_published")
ALGORITHM_FIELDS = ("name", "algorithm_type", "application_field", "service_name", "mechanism_summary", "model_id",
                    "is_published")
HARDWARE_FIELDS = ("name", "kind", "vendor", "domestic", "fp16_tflops", "memory_gb", "summary", "pool_ids",
                   "model_ids", "is_published")
PROJECT_FIELDS = ("name", "repository_url", "licence", "summary", "support_received", "support_amount_cny",
                  "is_published")


def _unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ServiceError("unknown_field", _("未知字段：%(f)s") % {"f": ", ".join(unknown)}, unknown[0])


def _owner(user: Any, organisation_id: int) -> Organisation:
    """The organisation a new row is registered for: one the user is a member of."""
    if organisation_id not in selectors.member_organisation_ids(user):
        if Organisation.objects.restrict(user, "view").filter(pk=organisation_id).exists():
            raise PermissionDeniedError(_("只有该组织的成员可以为其登记。"))
        raise ServiceError("unknown_organisation", _("组织不存在或您无权为其登记。"), "organisation")
    return Organisation.objects.get(pk=organisation_id)


def _for_owner[M: Model](model: type[M], user: Any, pk: int) -> M:
    """The row locked for a change by its owner's member: 404 if the user cannot see it, 403 if they are not a
    member of its organisation (an official of its place included)."""
    row = get_for(user, "view", model.objects.restrict(user, "view").select_for_update(), pk=pk)  # type: ignore[attr-defined]
    if row.organisation_id not in selectors.member_organisation_ids(user):  # type: ignore[attr-defined]
        raise PermissionDeniedError(_("只有所属组织的成员可以修改。"))
    return row


def _apply(row: Model, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(row, name, "" if value is None and name in _TEXTS else value)
    # Links are checked against what the user may see (selectors), never against every row, so a refusal reveals
    # nothing about others' restricted rows.
    domains.full_clean(row, exclude=["search_tokens", "base_model", "model"])


# Text fields the API may send as null ("not given" in a PATCH is absence; null clears the text).
_TEXTS = frozenset({"licence", "summary", "endpoint_url", "filing_number", "application_field", "service_name",
                    "mechanism_summary", "vendor", "support_received"})


Check = Callable[[Any, Any], Callable[[], None] | None]  # validates a row (and indexes it); returns what to do
# once it is saved (its many-to-many links), if anything


def _create[M: Model](model: type[M], code: str, check: Check, user: Any, organisation_id: int,
                      fields: dict[str, Any], allowed: tuple[str, ...]) -> M:
    """A new row of the user's organisation: fields checked, saved, one audit event."""
    _unknown(fields, allowed)
    owner = _owner(user, organisation_id)
    row = model(organisation=owner, jurisdiction_id=owner.jurisdiction_id)
    _apply(row, fields)
    _save(row, check(user, row))
    audit.record(actor=user, action=code, instance=row)
    return row


def _update[M: Model](model: type[M], code: str, check: Check, user: Any, pk: int, changes: dict[str, Any],
                      allowed: tuple[str, ...]) -> M:
    """A change by the owner's member: fields checked, saved, one audit event with the row as it was."""
    _unknown(changes, allowed)
    row = _for_owner(model, user, pk)
    before = audit.snapshot(row)
    _apply(row, changes)
    _save(row, check(user, row))
    audit.record(actor=user, action=code, instance=row, before=before)
    return row


def _save(row: Model, then: Callable[[], None] | None) -> None:
    row.save()
    if then is not None:
        then()


def _publish[M: Model](model: type[M], code: str, user: Any, pk: int, is_published: bool) -> M:
    row = _for_owner(model, user, pk)
    before = audit.snapshot(row)
    row.is_published = bool(is_published)  # type: ignore[attr-defined]
    row.save(update_fields=["is_published", "updated_at"])
    audit.record(actor=user, action=code, instance=row, before=before)
    return row


# --- models -----------------------------------------------------------------------------------------------------

def _check_model(user: Any, row: AIModel) -> None:
    """Modalities known, the base model visible and no ancestor of itself, a number once filed."""
    given = row.modalities if isinstance(row.modalities, list) else [row.modalities]
    unknown = [m for m in given if m not in Modality.values]
    if unknown:
        raise ServiceError("invalid_modality", _("未知的模态：%(m)s") % {"m": ", ".join(map(str, unknown))},
                           "modalities")
    row.modalities = sorted({str(m) for m in given}, key=Modality.values.index)
    if row.base_model_id is not None:
        base = selectors.models(user).filter(pk=row.base_model_id).first()
        if base is None:
            raise ServiceError("unknown_model", _("基座模型不存在或不可见。"), "base_model")
        seen = {row.pk}
        while base is not None:  # a model is never its own ancestor
            if base.pk in seen:
                raise ServiceError("cycle", _("基座模型不能是本模型或其派生模型。"), "base_model")
            seen.add(base.pk)
            base = base.base_model
    if row.filing_status == FilingStatus.NOT_FILED:
        row.filing_number = ""
    elif not row.filing_number.strip():
        raise ServiceError("required", _("已备案或已登记的模型须填写编号。"), "filing_number")
    row.search_tokens = search.MODELS.tokens_for(row.name, row.summary, row.licence, row.organisation.name)


@transaction.atomic
def create_model(*, acting_user: User, organisation_id: int, **fields: Any) -> AIModel:
    """Register a model of the user's organisation (restricted until published)."""
    return _create(AIModel, "algorithms.model.created", _check_model, acting_user, organisation_id, fields,
                   MODEL_FIELDS)


@transaction.atomic
def update_model(*, acting_user: User, model_id: int, **changes: Any) -> AIModel:
    return _update(AIModel, "algorithms.model.updated", _check_model, acting_user, model_id, changes, MODEL_FIELDS)


@transaction.atomic
def publish_model(*, acting_user: User, model_id: int, is_published: bool) -> AIModel:
    """Make the model public, or restricted again."""
    return _publish(AIModel, "algorithms.model.published", acting_user, model_id, is_published)


# --- algorithms -------------------------------------------------------------------------------------------------

def _check_algorithm(user: Any, row: Algorithm) -> None:
    if row.algorithm_type not in dict(selectors.algorithm_types()):
        raise ServiceError("invalid_choice", _("未知的算法类型：%(t)s") % {"t": row.algorithm_type}, "algorithm_type")
    if row.model_id is not None and not selectors.models(user).filter(pk=row.model_id).exists():
        raise ServiceError("unknown_model", _("模型不存在或不可见。"), "model")
    row.search_tokens = search.ALGORITHMS.tokens_for(row.name, row.application_field, row.service_name,
                                                     row.mechanism_summary, row.organisation.name)


@transaction.atomic
def create_algorithm(*, acting_user: User, organisation_id: int, **fields: Any) -> Algorithm:
    """Register an algorithm (one of the CAC types of the packs' taxonomy) of the user's organisation."""
    return _create(Algorithm, "algorithms.algorithm.created", _check_algorithm, acting_user, organisation_id,
                   fields, ALGORITHM_FIELDS)


@transaction.atomic
def update_algorithm(*, acting_user: User, algorithm_id: int, **changes: Any) -> Algorithm:
    return _update(Algorithm, "algorithms.algorithm.updated", _check_algorithm, acting_user, algorithm_id, changes,
                   ALGORITHM_FIELDS)


@transaction.atomic
def publish_algorithm(*, acting_user: User, algorithm_id: int, is_published: bool) -> Algorithm:
    return _publish(Algorithm, "algorithms.algorithm.published", acting_user, algorithm_id, is_published)


# --- hardware ---------------------------------------------------------------------------------------------------

def _hardware_check(pool_ids: Iterable[int] | None, model_ids: Iterable[int] | None) -> Check:
    """Checks the pools and embedded models before anything is written; sets them once the row is saved."""

    def check(user: Any, row: Hardware) -> Callable[[], None]:
        pools = models = None
        if pool_ids is not None:
            wanted = set(pool_ids)
            pools = list(selectors.pool_choices().filter(pk__in=wanted))
            if len(pools) != len(wanted):
                raise ServiceError("unknown_pool", _("算力资源池不存在。"), "pools")
        if model_ids is not None:
            wanted = set(model_ids)
            if wanted and row.kind not in EMBEDDING_KINDS:
                raise ServiceError("not_embedding", _("只有智能终端和智能产品可以内置模型。"), "models")
            models = list(selectors.models(user).filter(pk__in=wanted))
            if len(models) != len(wanted):
                raise ServiceError("unknown_model", _("模型不存在或不可见。"), "models")
        elif row.pk and row.kind not in EMBEDDING_KINDS and row.embedded_models.exists():
            raise ServiceError("not_embedding", _("只有智能终端和智能产品可以内置模型。"), "models")
        row.search_tokens = search.HARDWARE.tokens_for(row.name, row.vendor, row.summary, row.organisation.name)

        def link() -> None:
            if pools is not None:
                row.pools.set(pools)
            if models is not None:
                row.embedded_models.set(models)

        return link

    return check


@transaction.atomic
def create_hardware(*, acting_user: User, organisation_id: int, pool_ids: list[int] | None = None,
                    model_ids: list[int] | None = None, **fields: Any) -> Hardware:
    """Register an accelerator, a server, an intelligent terminal or a product (with the pools it runs in and, for
    terminals and products, the models it embeds)."""
    return _create(Hardware, "algorithms.hardware.created", _hardware_check(pool_ids or [], model_ids or []),
                   acting_user, organisation_id, fields, HARDWARE_FIELDS)


@transaction.atomic
def update_hardware(*, acting_user: User, hardware_id: int, pool_ids: list[int] | None = None,
                    model_ids: list[int] | None = None, **changes: Any) -> Hardware:
    return _update(Hardware, "algorithms.hardware.updated", _hardware_check(pool_ids, model_ids), acting_user,
                   hardware_id, changes, HARDWARE_FIELDS)


@transaction.atomic
def publish_hardware(*, acting_user: User, hardware_id: int, is_published: bool) -> Hardware:
    return _publish(Hardware, "algorithms.hardware.published", acting_user, hardware_id, is_published)


# --- open-source projects ---------------------------------------------------------------------------------------

def _check_project(user: Any, row: OpenSourceProject) -> None:
    row.search_tokens = search.PROJECTS.tokens_for(row.name, row.summary, row.support_received,
                                                   row.organisation.name)


@transaction.atomic
def create_project(*, acting_user: User, organisation_id: int, **fields: Any) -> OpenSourceProject:
    """Register an open-source project maintained by the user's organisation, with the support it received."""
    return _create(OpenSourceProject, "algorithms.project.created", _check_project, acting_user, organisation_id,
                   fields, PROJECT_FIELDS)


@transaction.atomic
def update_project(*, acting_user: User, project_id: int, **changes: Any) -> OpenSourceProject:
    return _update(OpenSourceProject, "algorithms.project.updated", _check_project, acting_user, project_id,
                   changes, PROJECT_FIELDS)


@transaction.atomic
def publish_project(*, acting_user: User, project_id: int, is_published: bool) -> OpenSourceProject:
    return _publish(OpenSourceProject, "algorithms.project.published", acting_user, project_id, is_published)


# --- algorithm filing dossiers (算法备案) -------------------------------------------------------------------------
# The provider's members keep the dossier and report launch, changes and the end of service; an official of the
# filing's place records the number the CAC issued (never a member of the filing organisation: separation of duties).
# Each reported event opens a clock counted in working days on the official calendar from a pack parameter, stored
# with the parameter's citation as the decision was taken.

# What a member writes in each kind of dossier (the provider part is common), and what each kind requires before
# submission, in the order the page lists it: Art. 24 and the filing system's three parts for an algorithm
# (mechanisms.md §4), the launch-filing form and its attachments for a generative-AI service (§5 [S]).
_COMMON_FIELDS = ("legal_representative", "security_officer", "service_form", "access_path", "launched_on")
_GENAI_FIELDS = ("service_name", "main_functions", "application_domain", "security_assessment",
                 "security_assessment_summary", "inference_resources", "hosting")
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    FilingKind.ALGORITHM: (*_COMMON_FIELDS, "pledge_provided", "responsibility_report_provided", "self_assessment",
                           "public_notice"),
    FilingKind.GENAI_FILING: (*_COMMON_FIELDS, *_GENAI_FIELDS, "corpus_summary", "annotation_rules_provided",
                              "keyword_library_provided", "test_banks_provided"),
    FilingKind.GENAI_REGISTRATION: (*_COMMON_FIELDS, *_GENAI_FIELDS, "called_model_filing_number"),
}
FILING_FIELDS = tuple(dict.fromkeys(name for fields in FIELDS_BY_KIND.values() for name in fields))
CLOCK_PARAMETERS = {ClockKind.INITIAL: "algorithms.filing.initial_working_days",
                    ClockKind.CHANGE: "algorithms.filing.change_working_days",
                    ClockKind.DEREGISTRATION: "algorithms.filing.deregistration_working_days"}
# How long the CAC's review is expected to take, for planning (consultancy estimates: platform settings).
EXPECTED_MONTHS: dict[str, str] = {FilingKind.GENAI_FILING: "genai.filing.expected_months",
                   FilingKind.GENAI_REGISTRATION: "genai.registration.expected_months"}
_FILING_TEXTS = frozenset({"legal_representative", "security_officer", "self_assessment", "public_notice",
                           "service_form", "access_path", "service_name", "application_domain", "corpus_summary",
                           "security_assessment", "security_assessment_summary", "inference_resources", "hosting",
                           "called_model_filing_number"})
_PROVIDER: tuple[tuple[str, Any], ...] = (
    ("legal_representative", _("请填写法定代表人。")),
    ("security_officer", _("请填写安全责任人。")),
)
_PRODUCT: tuple[tuple[str, Any], ...] = (
    ("service_form", _("请选择服务形式。")),
    ("access_path", _("请填写产品的访问路径。")),
)
_SERVICE: tuple[tuple[str, Any], ...] = (
    ("service_name", _("请填写服务名称。")),
    ("main_functions", _("请选择服务的主要功能。")),
    ("application_domain", _("请填写服务领域（通用或具体行业）。")),
)
_ASSESSMENT: tuple[tuple[str, Any], ...] = (
    ("security_assessment", _("请选择安全评估方式（自行或第三方）。")),
    ("security_assessment_summary", _("请填写安全评估报告摘要。")),
    ("inference_resources", _("请填写推理算力与并发。")),
    ("hosting", _("请选择部署方式。")),
)
_REQUIRED: dict[str, tuple[tuple[str, Any], ...]] = {
    FilingKind.ALGORITHM: (
        *_PROVIDER,
        ("pledge_provided", _("请提供《算法备案承诺书》。")),
        ("responsibility_report_provided", _("请提供《落实算法安全主体责任基本情况》。")),
        ("self_assessment", _("请填写算法自评估报告摘要。")),
        ("public_notice", _("请填写拟公示内容。")),
        *_PRODUCT),
    FilingKind.GENAI_FILING: (
        *_PROVIDER, *_SERVICE,
        ("corpus_summary", _("请填写训练与标注语料的来源和规模。")),
        ("annotation_rules_provided", _("请提供标注规则。")),
        ("keyword_library_provided", _("请提供关键词库。")),
        ("test_banks_provided", _("请提供测试题库（生成内容测试题库、拒答测试题库）。")),
        *_ASSESSMENT, *_PRODUCT),
    FilingKind.GENAI_REGISTRATION: (
        *_PROVIDER, *_SERVICE,
        ("called_model_filing_number", _("请填写所调用的已备案模型的备案编号。")),
        *_ASSESSMENT, *_PRODUCT),
}


def _open_clock(filing: AlgorithmFiling, kind: ClockKind, start: dt.date) -> None:
    """Set the filing's next deadline: `start` plus the parameter's working days, with its citation."""
    version = parameters().version(CLOCK_PARAMETERS[kind], start)
    filing.due_on = add_working_days(start, int(version.value))
    filing.clock = kind
    filing.clock_basis = {"parameter": version.key, "value": version.value, "citation": version.citation.as_dict(),
                          "citation_label": cite(version.citation)}


def expected_review(filing: AlgorithmFiling) -> Any:
    """The parameter version saying how many months the CAC's review of a generative-AI dossier is expected to take
    (a planning hint, not a deadline), or None for an algorithm filing."""
    key = EXPECTED_MONTHS.get(filing.kind)
    if key is None:
        return None
    try:
        return parameters().version(key, timezone.localdate())
    except ParameterError:  # not in the active packs, or not in force: no hint
        return None


def missing_items(filing: AlgorithmFiling) -> list[tuple[str, Any]]:
    """Every item the dossier still lacks, as (field, message): the page's checklist; submission needs none. A
    launch filing also needs a finding on every clause, none of them 不符合, each with its evidence."""
    missing: list[tuple[str, Any]] = []
    for name, message in _REQUIRED[filing.kind]:
        value = getattr(filing, name)
        if value is False or value == [] or (isinstance(value, str) and not value.strip()):
            missing.append((name, message))
    if filing.kind == FilingKind.GENAI_FILING:
        missing += _conformity_missing(filing)
    return missing


def _conformity_missing(filing: AlgorithmFiling) -> list[tuple[str, Any]]:
    found = {finding.clause: finding for finding in filing.findings.all()}
    missing: list[tuple[str, Any]] = []
    for code, name in selectors.safety_clauses():
        finding = found.get(code)
        clause = {"c": code, "n": name}
        if finding is None:
            missing.append(("findings", _("条款 %(c)s %(n)s：尚未给出符合性结论。") % clause))
        elif finding.verdict == Verdict.DOES_NOT_CONFORM:
            missing.append(("findings", _("条款 %(c)s %(n)s：结论为不符合，整改后再提交。") % clause))
        elif not finding.evidence.strip():
            missing.append(("findings", _("条款 %(c)s %(n)s：请写明依据与证明材料。") % clause))
    return missing


def _filing_for_member(user: Any, pk: int) -> AlgorithmFiling:
    return _for_owner(AlgorithmFiling, user, pk)


def _filing_date(value: Any, field: str) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise ServiceError("required", _("请填写日期。"), field)
    return value


def _apply_filing(filing: AlgorithmFiling, changes: dict[str, Any]) -> None:
    _unknown(changes, FIELDS_BY_KIND[filing.kind])
    for name, value in changes.items():
        setattr(filing, name, "" if value is None and name in _FILING_TEXTS else value)
    filing.launched_on = _filing_date(filing.launched_on, "launched_on")
    if "main_functions" in changes:
        filing.main_functions = _functions(changes["main_functions"])
    domains.full_clean(filing, exclude=["algorithm", "model", "clock_basis"])


def _functions(value: Any) -> list[str]:
    """The service's main functions: codes of the launch-filing form's list, each once, in the list's order."""
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(code, str) for code in value):
        raise ServiceError("invalid", _("主要功能应为功能代码的列表。"), "main_functions")
    unknown = sorted(set(value) - set(GenAIFunction.values))
    if unknown:
        raise ServiceError("invalid", _("未知的主要功能：%(f)s") % {"f": ", ".join(unknown[:5])}, "main_functions")
    return [code for code in GenAIFunction.values if code in value]


def _new_dossier(user: Any, kind: Any, algorithm_id: int | None, model_id: int | None,
                 organisation_id: int | None) -> AlgorithmFiling:
    """The dossier's subject and provider. An algorithm or a model filed for launch is one of the user's
    organisations' own; a registered service calls a model the user may see, and is provided by one of the user's
    organisations (named when they act for several)."""
    if kind not in FilingKind.values:
        raise ServiceError("invalid", _("未知的备案类型。"), "kind")
    if kind == FilingKind.ALGORITHM:
        algorithm = selectors.algorithms(user).filter(pk=algorithm_id).first() if algorithm_id else None
        if algorithm is None:
            raise ServiceError("unknown_algorithm", _("算法不存在或不可见。"), "algorithm")
        if algorithm.organisation_id not in selectors.member_organisation_ids(user):
            raise PermissionDeniedError(_("只有所属组织的成员可以备案。"))
        return AlgorithmFiling(kind=kind, algorithm=algorithm, organisation_id=algorithm.organisation_id,
                               jurisdiction_id=algorithm.jurisdiction_id)
    model = selectors.models(user).filter(pk=model_id).first() if model_id else None
    if model is None:
        raise ServiceError("unknown_model", _("模型不存在或不可见。"), "model")
    if kind == FilingKind.GENAI_FILING:
        if model.organisation_id not in selectors.member_organisation_ids(user):
            raise PermissionDeniedError(_("只有模型所属组织的成员可以为其上线备案。"))
        return AlgorithmFiling(kind=kind, model=model, organisation_id=model.organisation_id,
                               jurisdiction_id=model.jurisdiction_id)
    provider = _acting_organisation(user, organisation_id)
    return AlgorithmFiling(kind=kind, model=model, organisation=provider, jurisdiction_id=provider.jurisdiction_id,
                           called_model_filing_number=model.filing_number)


@transaction.atomic
def create_filing(*, acting_user: User, kind: str = FilingKind.ALGORITHM, algorithm_id: int | None = None,
                  model_id: int | None = None, organisation_id: int | None = None,
                  **fields: Any) -> AlgorithmFiling:
    """Start a dossier: an algorithm filing of one of the user's organisations' algorithms, a generative-AI launch
    filing of one of their models, or the registration of a service calling a filed model. The initial clock runs
    from launch."""
    filing = _new_dossier(acting_user, kind, algorithm_id, model_id, organisation_id)
    _apply_filing(filing, fields)
    _open_clock(filing, ClockKind.INITIAL, filing.launched_on)
    filing.save()
    audit.record(actor=acting_user, action="algorithms.filing.created", instance=filing)
    return filing


@transaction.atomic
def record_findings(*, acting_user: User, filing_id: int, findings: Iterable[dict[str, Any]]) -> AlgorithmFiling:
    """A member records the launch filing's findings on clauses of GB/T 45654-2025 chapters 5–8 (符合 / 不符合 /
    不适用 with evidence); a clause given again replaces its finding. Refused whole on any bad row."""
    filing = _filing_for_member(acting_user, filing_id)
    if filing.kind != FilingKind.GENAI_FILING:
        raise ServiceError("not_genai_filing", _("只有生成式人工智能上线备案需要条款符合性对照表。"), "kind")
    if filing.status != AlgorithmFilingStatus.DRAFT:
        raise ServiceError("not_draft", _("只有草稿可以修改。"), "status")
    clauses = dict(selectors.safety_clauses())
    rows: dict[str, tuple[str, str]] = {}
    for row in findings:
        clause, verdict, evidence = row.get("clause"), row.get("verdict"), row.get("evidence") or ""
        if clause not in clauses:
            raise ServiceError("unknown_clause", _("未知的条款：%(c)s") % {"c": str(clause)[:20]}, "clause")
        if verdict not in Verdict.values:
            raise ServiceError("invalid", _("条款 %(c)s 的结论应为符合、不符合或不适用。") % {"c": clause}, "verdict")
        longest = ClauseFinding._meta.get_field("evidence").max_length or 0  # the field's own bound
        if not isinstance(evidence, str) or len(evidence) > longest:
            raise ServiceError("invalid", _("依据应为不超过 %(n)s 字的文字。") % {"n": longest}, "evidence")
        rows[clause] = (verdict, evidence.strip())
    if not rows:
        raise ServiceError("required", _("请至少给出一个条款的结论。"), "findings")
    before = {"findings": {f.clause: [f.verdict, f.evidence] for f in filing.findings.all()}}
    for clause, (verdict, evidence) in rows.items():
        ClauseFinding.objects.update_or_create(filing=filing, clause=clause,
                                               defaults={"verdict": verdict, "evidence": evidence})
    filing.save(update_fields=["updated_at"])
    after = {"findings": {f.clause: [f.verdict, f.evidence] for f in filing.findings.all()}}
    audit.record(actor=acting_user, action="algorithms.filing.findings_recorded", instance=filing, before=before,
                 after=after)
    return filing


@transaction.atomic
def update_filing(*, acting_user: User, filing_id: int, **changes: Any) -> AlgorithmFiling:
    """Complete or correct a draft (a submitted dossier is changed by reporting a change)."""
    filing = _filing_for_member(acting_user, filing_id)
    if filing.status != AlgorithmFilingStatus.DRAFT:
        raise ServiceError("not_draft", _("只有草稿可以修改。"), "status")
    before, launched_on = audit.snapshot(filing), filing.launched_on
    _apply_filing(filing, changes)
    if filing.launched_on != launched_on and filing.clock == ClockKind.INITIAL:
        _open_clock(filing, ClockKind.INITIAL, filing.launched_on)
    filing.save()
    audit.record(actor=acting_user, action="algorithms.filing.updated", instance=filing, before=before)
    return filing


@transaction.atomic
def submit_filing(*, acting_user: User, filing_id: int) -> AlgorithmFiling:
    """Record that the dossier went to the CAC filing system (external: recorded, not sent). Refused while any
    item is missing, naming the first."""
    filing = _filing_for_member(acting_user, filing_id)
    if filing.status != AlgorithmFilingStatus.DRAFT:
        raise ServiceError("not_draft", _("只有草稿可以提交。"), "status")
    missing = missing_items(filing)
    if missing:
        raise ServiceError("incomplete", missing[0][1], missing[0][0])
    before = audit.snapshot(filing)
    filing.status = AlgorithmFilingStatus.SUBMITTED
    filing.submitted_at, filing.submitted_by = timezone.now(), acting_user
    filing.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    # Recording the number the CAC issues is the work of the department holding the filing-guidance duty.
    work.open_work(code=work.FILINGS_GUIDANCE, subject=filing, jurisdiction=filing.jurisdiction,
                   title=str(filing.subject), link=f"/algorithms/filings/{filing.pk}/")
    audit.record(actor=acting_user, action="algorithms.filing.submitted", instance=filing, before=before)
    return filing


@transaction.atomic
def record_filing_number(*, acting_user: User, filing_id: int, filing_number: str,
                         filed_on: dt.date | None = None) -> AlgorithmFiling:
    """An official of the filing's place records the number the CAC issued; the initial clock closes."""
    filing = get_for(acting_user, "view",
                     AlgorithmFiling.objects.restrict(acting_user, "view").select_for_update(), pk=filing_id)
    if (permissions.OFFICIAL not in permissions.user_roles_for(acting_user, filing)
            or filing.organisation_id in selectors.member_organisation_ids(acting_user)):
        raise PermissionDeniedError(_("只有辖区主管部门工作人员（非备案单位成员）可以登记备案编号。"))
    if filing.status != AlgorithmFilingStatus.SUBMITTED:
        raise ServiceError("not_submitted", _("只有已提交的备案可以登记编号。"), "status")
    number = (filing_number or "").strip() if isinstance(filing_number, str) else ""
    if not number:
        raise ServiceError("required", _("请填写备案编号。"), "filing_number")
    longest = AlgorithmFiling._meta.get_field("filing_number").max_length or 0  # the field's own bound
    if len(number) > longest:
        raise ServiceError("too_long", _("备案编号不能超过 %(n)s 个字符。") % {"n": longest}, "filing_number")
    before = audit.snapshot(filing)
    filing.filing_number = number
    filing.filed_on = _filing_date(filed_on, "filed_on") if filed_on is not None else timezone.localdate()
    filing.status = AlgorithmFilingStatus.FILED
    filing.due_on, filing.clock, filing.clock_basis = None, "", {}
    filing.save()
    work.close_work(subject=filing, code=work.FILINGS_GUIDANCE)
    if filing.kind == FilingKind.GENAI_FILING and filing.model_id is not None:  # the model shows the number
        AIModel.objects.filter(pk=filing.model_id).update(filing_status=FilingStatus.FILED, filing_number=number,
                                                          updated_at=timezone.now())
    if filing.submitted_by is not None:
        notify(recipient=filing.submitted_by, verb="algorithms.filing.number_recorded",
               title=_("备案编号已登记：%(algorithm)s"), params={"algorithm": filing.subject},
               link=f"/algorithms/filings/{filing.pk}/", target=filing)
    audit.record(actor=acting_user, action="algorithms.filing.number_recorded", instance=filing, before=before)
    return filing


def _report_event(user: Any, filing_id: int, field: str, day: Any, status: AlgorithmFilingStatus,
                  clock: ClockKind, code: str) -> AlgorithmFiling:
    """A member reports an event of a filed algorithm (`field` = its date): the status moves on and the event's
    clock opens from that date."""
    filing = _filing_for_member(user, filing_id)
    if filing.status not in (AlgorithmFilingStatus.FILED, AlgorithmFilingStatus.CHANGED):
        raise ServiceError("not_filed", _("只有已备案的可以报告变更或注销。"), "status")
    before = audit.snapshot(filing)
    setattr(filing, field, _filing_date(day, field))
    filing.status = status
    _open_clock(filing, clock, getattr(filing, field))
    filing.save()
    audit.record(actor=user, action=code, instance=filing, before=before)
    return filing


@transaction.atomic
def report_change(*, acting_user: User, filing_id: int, change_on: dt.date) -> AlgorithmFiling:
    """A member reports a change of the filed algorithm: the change must be filed within the change period."""
    return _report_event(acting_user, filing_id, "change_on", change_on, AlgorithmFilingStatus.CHANGED,
                         ClockKind.CHANGE, "algorithms.filing.change_reported")


@transaction.atomic
def deregister_filing(*, acting_user: User, filing_id: int, ended_on: dt.date) -> AlgorithmFiling:
    """A member reports the end of service: the filing must be deregistered within the deregistration period."""
    return _report_event(acting_user, filing_id, "ended_on", ended_on, AlgorithmFilingStatus.DEREGISTERED,
                         ClockKind.DEREGISTRATION, "algorithms.filing.deregistered")


# --- AIGC labels at a distribution platform -----------------------------------------------------------------------
# A member of the distribution platform's organisation checks an upload (the platform names itself as
# ContentPropagator); another member reviews what the check could not decide: nobody reviews their own check.

def _acting_organisation(user: Any, organisation_id: int | None) -> Organisation:
    mine = selectors.member_organisation_ids(user)
    if organisation_id is None and len(mine) == 1:
        organisation_id = next(iter(mine))
    if organisation_id is None:
        raise ServiceError("required", _("请选择组织。"), "organisation")
    return _owner(user, organisation_id)


def propagator_code(platform: Organisation) -> str:
    """How the platform names itself as ContentPropagator: Annex E takes a name or a code in printable ASCII, so
    the organisation's unified social credit code, or the platform's own id for an organisation without one."""
    return platform.credit_code or f"aiplus-org-{platform.pk}"


@transaction.atomic
def check_upload(*, acting_user: User, upload: Any, organisation_id: int | None = None,
                 declared_generated: bool = False, detected: bool = False,
                 propagate_id: str = "") -> tuple[UploadCheck, bytes | None]:
    """Check an upload for the platform run by the user's organisation (Measures Art. 6; GB 45438-2025 6.1): the
    record of what was found and done, and the file with the label to carry (None when nothing is written)."""
    platform = _acting_organisation(acting_user, organisation_id)
    longest = UploadCheck._meta.get_field("propagate_id").max_length or 0  # the field's own bound
    content_id = propagate_id.strip() if isinstance(propagate_id, str) else None
    if content_id is None or len(content_id) > longest:
        raise ServiceError("invalid", _("平台内容编号不能超过 %(n)s 个字符。") % {"n": longest}, "propagate_id")
    outcome = aigc.upload_check(upload, declared_generated=bool(declared_generated), detected=bool(detected),
                                propagator=propagator_code(platform), propagate_id=content_id or "-")
    check = UploadCheck(organisation=platform, jurisdiction_id=platform.jurisdiction_id, checked_by=acting_user,
                        file_name=outcome["file"], file_format=outcome["format"], file_sha256=outcome["sha256"],
                        propagate_id=content_id, declared_generated=bool(declared_generated),
                        detected=bool(detected), found_status=outcome["found_status"], action=outcome["action"],
                        label=outcome["label"], reasons=outcome["reasons"],
                        review=ReviewOutcome.PENDING if outcome["review"] else "")
    check.save()
    audit.record(actor=acting_user, action="algorithms.upload.checked", instance=check)
    if check.found_status == "tampered":
        # A label altered after it was written is a platform signal for the incident desk (governance): opened
        # once the check is committed, as its own action with its own audit row.
        transaction.on_commit(lambda: _signal_tampered_label(check))
    return check, outcome["data"]


def _signal_tampered_label(check: UploadCheck) -> None:
    report_signal(
        acting_user=None, signal="label_tamper", title=str(_("上传文件的生成合成内容标识被篡改")),
        description=str(_("平台上传检查发现文件“%(file)s”（SHA-256 %(sha)s）的隐式标识与文件内容或字段不符。")
                        % {"file": check.file_name, "sha": check.file_sha256}),
        jurisdiction_id=check.jurisdiction_id, reference=f"algorithms.upload_check:{check.pk}")


@transaction.atomic
def review_upload(*, acting_user: User, check_id: int, outcome: str, note: str = "") -> UploadCheck:
    """A member of the platform's organisation, other than the one who checked it, decides a pending upload."""
    check = _for_owner(UploadCheck, acting_user, check_id)
    if check.review != ReviewOutcome.PENDING:
        raise ServiceError("not_pending", _("该上传内容不在待复核状态。"), "review")
    if check.checked_by_id == acting_user.pk:
        raise PermissionDeniedError(_("提交核验的人不能复核自己提交的内容。"))
    if outcome not in (ReviewOutcome.GENERATED, ReviewOutcome.NOT_GENERATED):
        raise ServiceError("invalid", _("请选择复核结论。"), "outcome")
    longest = UploadCheck._meta.get_field("review_note").max_length or 0
    if not isinstance(note, str) or len(note) > longest:
        raise ServiceError("too_long", _("复核意见不能超过 %(n)s 字。") % {"n": longest}, "note")
    before = audit.snapshot(check)
    check.review, check.review_note = outcome, note.strip()
    check.reviewed_by, check.reviewed_at = acting_user, timezone.now()
    check.save(update_fields=["review", "review_note", "reviewed_by", "reviewed_at", "updated_at"])
    audit.record(actor=acting_user, action="algorithms.upload.reviewed", instance=check, before=before)
    return check


def _months_after(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter)."""
    import calendar

    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@transaction.atomic
def log_unlabelled_export(*, acting_user: User, organisation_id: int | None = None, recipient: str,
                          recipient_account: str, content_ref: str, content_sha256: str = "",
                          agreement_sets_duty: bool = False) -> UnlabelledExport:
    """Record that the provider handed out generated content without its explicit label at a user's request
    (Measures Art. 9): refused, naming the reason, unless the user agreement sets the user's labelling duty; the
    log names the recipient and is kept at least the pack's retention period."""
    provider = _acting_organisation(acting_user, organisation_id)
    today = timezone.localdate()
    row = UnlabelledExport(organisation=provider, jurisdiction_id=provider.jurisdiction_id, recorded_by=acting_user,
                           agreement_sets_duty=agreement_sets_duty is True)
    given = {"recipient": recipient, "recipient_account": recipient_account, "content_ref": content_ref,
             "content_sha256": content_sha256}
    for name, value in given.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    answer = aigc.export_check(agreement_sets_duty=row.agreement_sets_duty, logs_recipient=bool(row.recipient),
                               on=today)
    if not answer.allowed:
        first = answer.reasons[0]
        field = {"agreement_missing_duty": "agreement_sets_duty", "log_missing_recipient": "recipient"}.get(
            first.code, "agreement_sets_duty")
        raise ServiceError(first.code, aigc.reason_text(first.code, dict(first.params)), field)
    rule = aigc.export_rule(today)
    row.retain_until = _months_after(today, int(rule.value))
    row.retention_basis = {"parameter": rule.key, "value": rule.value, "citation": rule.citation.as_dict(),
                           "citation_label": cite(rule.citation)}
    domains.full_clean(row)
    row.save()
    audit.record(actor=acting_user, action="algorithms.export.logged", instance=row)
    return row
