"""Every write of the question banks: designating evaluators, creating banks, importing a public set through a
declared mapping, reviewing items (nobody approves their own), publishing a version (then immutable) and starting
the next. Each is one transaction with one audit event; the import is checked whole before anything is written
(`aiplus.core.imports`), then written in short batches, each its own transaction and audit event."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import access, audit, domains, imports, permissions
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import Organisation, User
from aiplus.evaluation import mappings, standard
from aiplus.evaluation.harness import mapping as bank_mapping
from aiplus.evaluation.models import (
    Bank,
    BankKind,
    BankVersion,
    Evaluator,
    ImportRecord,
    Item,
    ItemStatus,
    VersionStatus,
)

MAX_UNMAPPED_LISTED = 2000  # rows of the unmapped list kept in an import's report (the count is always exact)


def is_evaluator(user: Any, organisation_id: int | None) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation_id is None:
        return False
    return Evaluator.objects.filter(organisation_id=organisation_id, user_id=user.pk).exists()


# ---------------------------------------------------------------------------------------------------- evaluators

@transaction.atomic
def designate_evaluator(*, acting_user: User, organisation_id: int, user_id: int) -> Evaluator:
    """Designate a user as an evaluator of an organisation's banks (by the organisation's members, or an official of
    its jurisdiction). An evaluator sees and reviews the items of the organisation's banks."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ServiceError("not_found", _("组织不存在。"), "organisation_id", status=404)
    if not permissions.can_create_in(acting_user, jurisdiction_id=organisation.jurisdiction_id,
                                     organisation_id=organisation.pk):
        raise PermissionDeniedError()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise ServiceError("not_found", _("用户不存在。"), "user_id", status=404)
    if Evaluator.objects.filter(organisation=organisation, user=user).exists():
        raise ServiceError("duplicate", _("该用户已是本组织的评估人员。"), "user_id", status=409)
    evaluator = Evaluator.objects.create(organisation=organisation, user=user, designated_by=acting_user)
    audit.record(actor=acting_user, action="evaluation.evaluator.designated", instance=evaluator)
    return evaluator


# --------------------------------------------------------------------------------------------------------- banks

@transaction.atomic
def create_bank(*, acting_user: User, organisation_id: int, name: str, kind: str, description: str = "") -> Bank:
    """A new bank of an organisation, with its first (draft) version; only the organisation's evaluators."""
    if not Organisation.objects.filter(pk=organisation_id).exists():
        raise ServiceError("not_found", _("组织不存在。"), "organisation_id", status=404)
    if not (is_evaluator(acting_user, organisation_id) or acting_user.is_superuser):
        raise ServiceError("not_evaluator", _("只有本组织的评估人员可以创建题库。"), "organisation_id", status=403)
    name = str(name or "").strip()
    if not name:
        raise ServiceError("required", _("请填写题库名称。"), "name")
    if kind not in BankKind.values:
        raise ServiceError("invalid_choice", _("题库类型无效。"), "kind")
    bank = Bank(name=name, kind=kind, organisation_id=organisation_id, description=str(description or "").strip(),
                owner=acting_user)
    domains.full_clean(bank)
    bank.save()
    BankVersion.objects.create(bank=bank, number=1)
    audit.record(actor=acting_user, action="evaluation.bank.created", instance=bank)
    return bank


def _draft(user: Any, bank_id: int) -> tuple[Bank, BankVersion]:
    bank = access.get_for(user, "change", Bank, pk=bank_id)
    version = bank.versions.order_by("-number").first()
    if version is None or version.status != VersionStatus.DRAFT:
        raise ServiceError("published", _("最新版本已发布，不可更改；请先创建新版本。"), "version", status=409)
    return bank, version


def _writable_version(user: Any, version_id: int) -> BankVersion:
    version = access.get_for(user, "change", BankVersion.objects.select_related("bank"), pk=version_id)
    if not permissions.can(user, "change", version):
        raise PermissionDeniedError()
    if version.status != VersionStatus.DRAFT:
        raise ServiceError("published", _("已发布的版本不可更改。"), "version", status=409)
    return version


# ------------------------------------------------------------------------------------------------------- imports

def mapping_choices() -> list[tuple[str, str]]:
    found = []
    for stem, text in mappings.builtin().items():
        try:
            found.append((stem, bank_mapping.parse(text).name))
        except bank_mapping.MappingError:
            continue
    return found


def load_mapping(*, name: str = "", text: str | bytes | None = None) -> bank_mapping.BankMapping:
    """A shipped mapping by name, or an uploaded mapping file; a bad one is a 400 naming `mapping`."""
    if text:
        raw = imports.decode(text if isinstance(text, bytes) else text.encode("utf-8"), "mapping_file")
        field = "mapping_file"
    else:
        shipped = mappings.builtin().get(name or "")
        field = "mapping"
        if shipped is None:
            raise ServiceError("unknown_mapping", _("请选择映射或上传映射文件。"), "mapping")
        raw = shipped
    try:
        return bank_mapping.parse(raw, risk_codes=standard.risk_codes())
    except bank_mapping.MappingError as error:
        raise ServiceError("invalid_mapping", _("映射文件无效：%(e)s") % {"e": error}, field) from None


def _rows(data: bytes, mapping: bank_mapping.BankMapping, report: imports.ImportReport) -> Any:
    try:
        text = bank_mapping.decode(data, mapping.encoding)
    except UnicodeDecodeError as error:
        raise ServiceError("encoding", _("文件编码与映射不符（第 %(at)s 字节无效）。") % {"at": error.start},
                           "file") from None
    if "\x00" in text:
        raise ServiceError("invalid_text", _("文本含有无效字符（NUL）。"), "file")
    if mapping.format == "csv":
        yield from imports.csv_rows(text, required=mapping.columns.required(), report=report)
        return
    if mapping.format == "jsonl":
        count = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            count += 1
            if count > imports.limit("MAX_ROWS"):
                raise imports.too_many_rows()
            try:
                value = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                raise ServiceError("invalid_json", _("第 %(n)s 行不是有效的 JSON。") % {"n": number}, "file") from None
            imports.check_value(value, status=400)
            yield number, value if isinstance(value, dict) else {}
        return
    value = imports.parse_json(text)
    if not isinstance(value, list):
        raise ServiceError("invalid_json", _("文件须为 JSON 数组。"), "file")
    if len(value) > imports.limit("MAX_ROWS"):
        raise imports.too_many_rows()
    for number, entry in enumerate(value, start=1):
        yield number, entry if isinstance(entry, dict) else {}


def _answers(data: bytes | None, mapping: bank_mapping.BankMapping) -> dict[str, Any] | None:
    if not data:
        return None
    if mapping.answers is None:
        raise ServiceError("no_answers", _("该映射不读取答案文件。"), "answers_file")
    value = imports.parse_json(bank_mapping.decode(data, "auto"), "answers_file")
    if not isinstance(value, dict):
        raise ServiceError("invalid_json", _("答案文件须为 JSON 对象（编号 → 答案）。"), "answers_file")
    return {str(k): v for k, v in value.items()}


def import_bank_file(*, acting_user: User, bank_id: int, data: bytes, mapping: str = "",
                     mapping_file: bytes | None = None, answers_file: bytes | None = None,
                     file_name: str = "") -> imports.ImportReport:
    """Import a public set into the bank's draft version through a mapping (shipped or uploaded). Every row is
    checked first: a row without text, with an unreadable option list or answer refuses the whole file, nothing
    written. A row whose category the mapping does not map is imported with no risk code and listed in the report
    as unmapped (it cannot be approved until a reviewer gives it a risk). An id already in the version is unchanged.

    Not a transaction of its own: each batch is one (`import_batch`), then the report is recorded."""
    bank, version = _draft(acting_user, bank_id)
    declared = load_mapping(name=mapping, text=mapping_file)
    if declared.kind != bank.kind:
        raise ServiceError("kind_mismatch", _("映射的题库类型（%(m)s）与本题库（%(b)s）不符。") % {
            "m": BankKind(declared.kind).label, "b": bank.get_kind_display()}, "mapping")
    answers = _answers(answers_file, declared)
    report = imports.ImportReport("evaluation.items")
    unmapped: list[dict[str, Any]] = []
    seen: set[str] = set()

    def check(number: Any, row: dict[str, Any]) -> bank_mapping.MappedItem | None:
        try:
            item = bank_mapping.map_row(declared, row, number, answers)
        except bank_mapping.RowError as error:
            raise ServiceError("invalid_row", _("无法读取：%(e)s") % {"e": error}, error.field) from None
        if item.external_id in seen:
            return None
        seen.add(item.external_id)
        if not item.risk_code:
            report.count("unmapped")
            if len(unmapped) < MAX_UNMAPPED_LISTED:
                unmapped.append({"row": number, "id": item.external_id, "category": item.category})
        return item

    imports.run(report, _rows(data, declared, report), check=check,
                write=lambda batch: import_batch(acting_user=acting_user, version_id=version.pk, rows=batch,
                                                 source=declared.source, licence=declared.licence))
    record_import(acting_user=acting_user, version_id=version.pk, mapping_name=declared.name,
                  file_name=file_name, report={**report.as_dict(), "unmapped": unmapped})
    return report


@transaction.atomic
def import_batch(*, acting_user: User, version_id: int, rows: list[tuple[Any, bank_mapping.MappedItem]],
                 source: str, licence: str) -> imports.BatchResult:
    """Store one batch of checked items in a draft version; an id already there is left as it is."""
    version = _writable_version(acting_user, version_id)
    result = imports.BatchResult()
    stored = set(Item.objects.filter(version=version, external_id__in=[i.external_id for _n, i in rows])
                 .values_list("external_id", flat=True))
    new = []
    for _number, item in rows:
        if item.external_id in stored:
            result.unchanged += 1
            continue
        new.append(Item(version=version, external_id=item.external_id, text=item.text, kind=version.bank.kind,
                        risk_code=item.risk_code, source_category=item.category[:200], options=item.options,
                        answer=item.answer, source=source[:300], licence=licence[:100], author=acting_user))
    Item.objects.bulk_create(new)
    result.created = len(new)
    if new:
        audit.record(actor=acting_user, action="evaluation.bank.imported", instance=version, after={
            "created": result.created, "unchanged": result.unchanged, "source": source},
            organisation_id=version.bank.organisation_id)
    return result


@transaction.atomic
def record_import(*, acting_user: User, version_id: int, mapping_name: str, file_name: str,
                  report: dict[str, Any]) -> ImportRecord:
    version = _writable_version(acting_user, version_id)
    record = ImportRecord.objects.create(version=version, mapping_name=mapping_name[:200],
                                         file_name=str(file_name or "")[:255], report=report,
                                         imported_by=acting_user)
    audit.record(actor=acting_user, action="evaluation.import.recorded", instance=record, after={
        "mapping": record.mapping_name, "file": record.file_name, "read": report.get("read"),
        "created": report.get("created"), "unmapped": report.get("counts", {}).get("unmapped", 0)},
        organisation_id=version.bank.organisation_id)
    return record


# -------------------------------------------------------------------------------------------------------- review

@transaction.atomic
def review_items(*, acting_user: User, version_id: int, item_ids: list[int], decision: str,
                 risk_code: str = "") -> BankVersion:
    """Approve or reject candidate items of a draft version. Nobody reviews an item they imported or wrote; an item
    without a risk code is approved only with one (`risk_code`, given to those of the reviewed items that have none;
    a mapped item keeps its risk)."""
    version = _writable_version(acting_user, version_id)
    if decision not in (ItemStatus.APPROVED, ItemStatus.REJECTED):
        raise ServiceError("invalid_choice", _("审核结论无效。"), "decision")
    ids = sorted({int(i) for i in item_ids or []})
    if not ids:
        raise ServiceError("required", _("请选择要审核的题目。"), "item_ids")
    if len(ids) > 5000:
        raise ServiceError("too_many", _("一次最多审核 %(n)s 题。") % {"n": 5000}, "item_ids")
    items = list(Item.objects.filter(version=version, pk__in=ids))
    if len(items) != len(ids):
        raise ServiceError("not_found", _("所选题目不在本版本中。"), "item_ids", status=404)
    if any(item.author_id == acting_user.pk for item in items):
        raise ServiceError("own_items", _("不能审核自己录入的题目，须由其他评估人员审核。"), "item_ids", status=403)
    risk_code = str(risk_code or "").strip()
    if risk_code and risk_code not in standard.risk_codes():
        raise ServiceError("invalid_choice", _("风险类别不在附录A的31种风险之中。"), "risk_code")
    if decision == ItemStatus.APPROVED and not risk_code and any(not item.risk_code for item in items):
        raise ServiceError("unmapped", _("有题目尚无风险类别，请指定风险类别后再通过。"), "risk_code")
    now = timezone.now()
    Item.objects.filter(pk__in=ids).update(status=decision, reviewed_by=acting_user, reviewed_at=now)
    if risk_code:  # given to the items that had none; a mapped item keeps its risk
        Item.objects.filter(pk__in=ids, risk_code="").update(risk_code=risk_code)
    audit.record(actor=acting_user, action="evaluation.item.reviewed", instance=version, after={
        "decision": decision, "items": len(ids), "first": ids[0], "last": ids[-1], "risk_code": risk_code},
        organisation_id=version.bank.organisation_id)
    return version


# ------------------------------------------------------------------------------------------------------ versions

def digest(version: BankVersion) -> str:
    """SHA-256 of the approved items as they are published (id, risk, text, options, answer), in id order."""
    hasher = hashlib.sha256()
    rows = Item.objects.filter(version=version, status=ItemStatus.APPROVED).order_by("external_id").values_list(
        "external_id", "risk_code", "text", "options", "answer")
    for row in rows.iterator(chunk_size=2000):
        hasher.update(json.dumps(list(row), ensure_ascii=False, sort_keys=True).encode("utf-8"))
        hasher.update(b"\n")
    return hasher.hexdigest()


@transaction.atomic
def publish_version(*, acting_user: User, version_id: int) -> BankVersion:
    """Publish a draft version: every item reviewed, at least one approved; from then on it never changes."""
    version = _writable_version(acting_user, version_id)
    if Item.objects.filter(version=version, status=ItemStatus.CANDIDATE).exists():
        raise ServiceError("unreviewed", _("仍有候选题目未审核，不能发布。"), "version", status=409)
    if not Item.objects.filter(version=version, status=ItemStatus.APPROVED).exists():
        raise ServiceError("empty", _("没有已通过的题目，不能发布。"), "version", status=409)
    before = audit.snapshot(version)
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = acting_user
    version.digest = digest(version)
    version.save(update_fields=["status", "published_at", "published_by", "digest", "updated_at"])
    audit.record(actor=acting_user, action="evaluation.version.published", instance=version, before=before,
                 organisation_id=version.bank.organisation_id)
    return version


@transaction.atomic
def start_version(*, acting_user: User, bank_id: int) -> BankVersion:
    """The next draft of a bank whose latest version is published: its approved and candidate items copied (with
    their authors and reviews), rejected ones left behind."""
    bank = access.get_for(acting_user, "change", Bank, pk=bank_id)
    latest = bank.versions.order_by("-number").first()
    if latest is not None and latest.status != VersionStatus.PUBLISHED:
        raise ServiceError("draft_exists", _("已有未发布的草稿版本。"), "version", status=409)
    number = (bank.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = BankVersion.objects.create(bank=bank, number=number)
    if latest is not None:
        fields = ("external_id", "text", "kind", "risk_code", "source_category", "options", "answer", "source",
                  "licence", "status", "author_id", "reviewed_by_id", "reviewed_at")
        copies = [Item(version=version, **{f: getattr(item, f) for f in fields})
                  for item in Item.objects.filter(version=latest).exclude(status=ItemStatus.REJECTED).iterator()]
        Item.objects.bulk_create(copies, batch_size=1000)
    audit.record(actor=acting_user, action="evaluation.version.created", instance=version,
                 organisation_id=bank.organisation_id)
    return version
