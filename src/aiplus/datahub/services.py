"""Every write of the datahub: catalogue, conditional access, classification, cross-border transfers, GBA filings.

Each function: keyword-only arguments, `acting_user` first, one transaction, permission checked first, bad input
as ServiceError naming the field, exactly one audit event.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, cast

from django.db import transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticValidationError
from rdflib import Graph

from aiplus.core import audit, domains, imports, permissions
from aiplus.core.access import get_for
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import Jurisdiction, Organisation, User
from aiplus.core.services import notify
from aiplus.core.workflow import TimerSpec, Transition, Workflow, start_timer
from aiplus.datahub import assessments, dcat, dcat_rdf, tasks
from aiplus.datahub.crossborder import (
    AnnualCounter as CounterValue,
)
from aiplus.datahub.crossborder import (
    GbaContractCase,
    TransferCase,
    apply_transfer,
)
from aiplus.datahub.crossborder.counters import PERIOD_START_KEY, parse_month_day, period_start
from aiplus.datahub.models import (
    AccessRequest,
    AccessStatus,
    Agreement,
    AnnualCounter,
    DataAsset,
    DataService,
    Dataset,
    Distribution,
    FilingStatus,
    GbaFiling,
    Grade,
    HarvestSource,
    Incident,
    OpenAttribute,
    PathDecision,
    Processor,
    SecurityProfile,
    TransferRecord,
)
from aiplus.datahub.search import tokens_for
from aiplus.regulation.runtime import parameters

DATASET_FIELDS = ("title", "description", "keywords", "sector", "theme", "update_frequency", "open_attribute",
                  "record_count", "spatial_coverage", "temporal_start", "temporal_end", "licence", "issued",
                  "modified", "high_quality", "annotation_method", "annotation_quality", "modality", "language",
                  "size_bytes", "lineage", "grade", "is_published")
DISTRIBUTION_FIELDS = ("identifier", "title", "format", "media_type", "access_url", "download_url", "byte_size",
                       "licence")
PROVIDER_ROLES = frozenset({permissions.PROVIDER, permissions.OFFICIAL})

EXPIRY_NOTICE_KEY = "datahub.access.expiry_notice_days"
GBA_FILING_KEY = "crossborder.gba.filing_working_days"
GBA_DOCUMENTS_KEY = "crossborder.gba.required_documents"


def _full_clean(instance: Any, exclude: list[str] | None = None) -> None:
    domains.full_clean(instance, exclude)


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _unknown(fields: dict[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise ServiceError("unknown_field", _("未知字段：%(f)s") % {"f": ", ".join(unknown)}, unknown[0])


def _pydantic_error(error: PydanticValidationError, prefix: str = "") -> ServiceError:
    first = error.errors()[0]
    field = ".".join(str(p) for p in first["loc"]) or "(payload)"
    field = f"{prefix}{field}"
    return ServiceError("invalid", _("字段“%(f)s”无效：%(m)s") % {"f": field, "m": first["msg"]}, field)


def _organisation(user: Any, organisation_id: int, action: str = "change") -> Organisation:
    organisation = Organisation.objects.restrict(user, action).filter(pk=organisation_id).first()
    if organisation is None:
        if Organisation.objects.restrict(user, "view").filter(pk=organisation_id).exists():
            raise PermissionDeniedError()
        raise ServiceError("unknown_organisation", _("组织不存在或您无权为其登记。"), "organisation")
    return organisation


def _for_change[M: Model](model: type[M], user: Any, pk: int) -> M:
    """The row locked for the change: 404 if the user cannot see it, 403 if they may not change it."""
    return get_for(user, "change", model.objects.restrict(user, "view").select_for_update(),  # type: ignore[attr-defined]
                   pk=pk)


def _today(on: dt.date | None) -> dt.date:
    return on or timezone.localdate()


# --- catalogue -------------------------------------------------------------------------------------------------


def _index(dataset: Dataset) -> None:
    dataset.search_tokens = tokens_for(dataset.title, dataset.description, " ".join(dataset.keywords or []),
                                       dataset.sector, dataset.theme, dataset.provider.name)


def _set_distributions(dataset: Dataset, distributions: list[dict[str, Any]]) -> None:
    dataset.distributions.all().delete()
    for index, values in enumerate(distributions):
        _unknown(values, DISTRIBUTION_FIELDS)
        values = {k: v for k, v in values.items() if v is not None or k == "byte_size"}
        if not values.get("identifier"):  # the API's default is "" (none given)
            values["identifier"] = f"{dataset.identifier}-{index + 1}"
        distribution = Distribution(dataset=dataset, **values)
        try:
            domains.full_clean(distribution, exclude=["dataset"])
        except ServiceError as problem:
            problem.field = f"distributions[{index}].{problem.field}" if problem.field else f"distributions[{index}]"
            raise
        distribution.save()


@transaction.atomic
def create_dataset(*, acting_user: User, provider_id: int, identifier: str,
                   distributions: list[dict[str, Any]] | None = None, jurisdiction: str | None = None,
                   **fields: Any) -> Dataset:
    """Register a dataset of a provider the user acts for. It counts to `jurisdiction` (a code: where the data is,
    so its access requests reach that place's officials), by default the provider's own (`_place`)."""
    _unknown(fields, DATASET_FIELDS)
    provider = _organisation(acting_user, provider_id, "add")
    if not permissions.can_create_in(acting_user, jurisdiction_id=provider.jurisdiction_id,
                                     organisation_id=provider.pk):
        raise PermissionDeniedError(_("您不能为该组织登记数据集。"))
    place = _place(acting_user, provider, jurisdiction, "jurisdiction")
    dataset = Dataset(identifier=identifier, provider=provider, jurisdiction_id=place, **fields)
    _full_clean(dataset, exclude=["search_tokens"])
    _index(dataset)
    dataset.save()
    _set_distributions(dataset, distributions or [])
    audit.record(actor=acting_user, action="datahub.dataset.created", instance=dataset)
    return dataset


@transaction.atomic
def update_dataset(*, acting_user: User, dataset_id: int, distributions: list[dict[str, Any]] | None = None,
                   **changes: Any) -> Dataset:
    _unknown(changes, DATASET_FIELDS)
    dataset = _for_change(Dataset, acting_user, dataset_id)
    if dataset.harvest_source_id:
        raise PermissionDeniedError(_("采集的记录为只读副本，由其采集源维护。"))
    before = audit.snapshot(dataset)
    for name, value in changes.items():
        setattr(dataset, name, value)
    _full_clean(dataset, exclude=["search_tokens"])
    _index(dataset)
    dataset.save()
    if distributions is not None:
        _set_distributions(dataset, distributions)
    audit.record(actor=acting_user, action="datahub.dataset.updated", instance=dataset, before=before)
    return dataset


def _existing[T](model: type[T], user: Any, identifier: str, where: str) -> T | None:
    """The row an imported entry would update: only one the user may change (an import never takes over
    another provider's dataset or service)."""
    found = model.objects.filter(identifier=identifier).first()  # type: ignore[attr-defined]
    if found is not None and not model.objects.restrict(user, "change").filter(  # type: ignore[attr-defined]
            pk=found.pk).exists():
        error = PermissionDeniedError(_("标识符 %(i)s 已被其他提供方使用，不能导入覆盖。") % {"i": identifier})
        error.field = f"{where}.dct:identifier"
        raise error
    return found  # type: ignore[no-any-return]


def _place(acting_user: Any, provider: Organisation, code: str | None, field: str) -> int:
    """The jurisdiction a provider's catalogue entry counts to: the one named (a dataset of Suzhou counts to Suzhou,
    whoever provides it), else the provider's own. It must be a place the actor may put the provider's records:
    the provider's jurisdiction or one above or below it, else only as an official of that place (403 naming
    the field otherwise)."""
    if not code:
        return provider.jurisdiction_id
    place = Jurisdiction.objects.filter(code=code).values_list("pk", flat=True).first()
    if place is None:
        raise ServiceError("unknown_jurisdiction", _("辖区不存在：%(v)s") % {"v": code}, field)
    if not permissions.may_place(acting_user, organisation_jurisdiction_id=provider.jurisdiction_id,
                                 jurisdiction_id=int(place)):
        error = PermissionDeniedError(_(
            "数据提供方的目录条目只能登记在其所在辖区或上下级辖区；其他辖区须由该辖区主管部门登记。"))
        error.field = field
        raise error
    return int(place)


def _distribution_values(identifier: str, distributions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A dataset's distributions as they will be stored (a blank identifier becomes `<dataset>-<n>`)."""
    rows = []
    for index, values in enumerate(distributions):
        values = {k: v for k, v in values.items() if v is not None or k == "byte_size"}
        if not values.get("identifier"):
            values["identifier"] = f"{identifier}-{index + 1}"
        rows.append(values)
    return rows


class _Catalogue:
    """What one catalogue import looks up once: publishers by credit code, places, rights. A record whose publisher
    is no organisation of the platform (another portal's agency) is attributed to `provider_id` when one is given:
    the organisation the importing user registers it for (its original publisher stays in the source graph)."""

    def __init__(self, acting_user: Any, provider_id: int | None = None, source: HarvestSource | None = None
                 ) -> None:
        self.user = acting_user
        self.organisations: dict[str, Organisation] = {}
        self.places: dict[tuple[int, str], int] = {}
        self.provider_id = provider_id
        self.source = source

    def organisation(self, code: str, where: str) -> Organisation:
        if code not in self.organisations:
            organisation = Organisation.objects.filter(credit_code=code).first() if code else None
            if organisation is None and self.provider_id is not None:
                organisation = _organisation(self.user, self.provider_id, "add")
            if organisation is None:
                raise ServiceError("unknown_publisher", _("发布者不存在（统一社会信用代码 %(c)s）。") % {"c": code},
                                   f"{where}.dct:publisher")
            if not permissions.can_create_in(self.user, jurisdiction_id=organisation.jurisdiction_id,
                                             organisation_id=organisation.pk):
                error = PermissionDeniedError(_("您不能为该组织导入数据集。"))
                error.field = f"{where}.dct:publisher"
                raise error
            self.organisations[code] = organisation
        return self.organisations[code]

    def place(self, provider: Organisation, code: str, where: str) -> int:
        if self.source is not None and not code:  # a harvested record counts to the source's jurisdiction
            return self.source.jurisdiction_id
        key = (provider.pk, code)
        if key not in self.places:
            self.places[key] = _place(self.user, provider, code, f"{where}.aiplus:jurisdiction")
        return self.places[key]


@dataclass
class _Entry:
    """A catalogue entry checked against the database: the row with its new values set (not saved), its links (a
    dataset's distributions, the identifiers of the datasets a service serves) and whether anything changes."""

    kind: str                      # "datasets" | "services"
    row: Dataset | DataService
    links: list[Any]
    new: bool
    changed: bool


def _catalogue_entry(catalogue: _Catalogue, kind: str, node: Any, where: str, *, lock: bool = False) -> _Entry:
    model: type[Dataset] | type[DataService] = Dataset if kind == "datasets" else DataService
    parse = dcat.parse_dataset if kind == "datasets" else dcat.parse_service
    try:
        if not isinstance(node, dict):
            raise dcat.DcatError("", "each catalogue entry must be a JSON object")
        values = parse(node)
    except (dcat.DcatError, ValueError, TypeError, AttributeError) as error:
        field = error.field if isinstance(error, dcat.DcatError) else ""
        raise ServiceError("invalid_dcat", str(error), f"{where}.{field}".rstrip(".")) from error
    provider = catalogue.organisation(values.pop("publisher"), where)
    jurisdiction_id = catalogue.place(provider, values.pop("jurisdiction"), where)
    links = values.pop("distributions" if kind == "datasets" else "serves")
    identifier = values.pop("identifier")
    existing = _existing(model, catalogue.user, identifier, where)
    if existing is not None and lock:
        existing = model.objects.select_for_update().get(pk=existing.pk)  # type: ignore[attr-defined]
    for name in [n for n, v in values.items() if v == ""]:
        model_field = cast(Field, model._meta.get_field(name))
        if model_field.choices and model_field.has_default():  # another catalogue says nothing: the default
            values[name] = getattr(existing, name) if existing is not None else model_field.get_default()
    source = catalogue.source
    if source is not None and kind == "datasets":
        if existing is not None and existing.harvest_source_id != source.pk:  # type: ignore[union-attr]
            raise ServiceError("not_from_source", _("标识符 %(i)s 已属于本平台的其他记录，不能由采集源覆盖。") % {
                "i": identifier}, f"{where}.dct:identifier")
        # a harvested copy is public as its source publishes it, and owned by the source
        values.update(is_published=True, harvest_source_id=source.pk, withdrawn_at=None,
                      source_identifier=str(node.get("@id", identifier))[:500])
    elif source is not None:
        values["is_published"] = True
    elif existing is not None and getattr(existing, "harvest_source_id", None):
        refused = PermissionDeniedError(_("采集的记录为只读副本，由其采集源维护。"))
        refused.field = f"{where}.dct:identifier"
        raise refused
    row = existing or model(identifier=identifier)
    names = [*values, "provider_id", "jurisdiction_id"]
    before = {name: getattr(row, name) for name in names}
    for name, value in values.items():
        setattr(row, name, value)
    row.provider, row.jurisdiction_id = provider, jurisdiction_id
    changed = existing is None or before != {name: getattr(row, name) for name in names}
    if source is not None and kind == "datasets" and changed:
        row.harvested_at = timezone.now()  # type: ignore[union-attr]
    if kind == "datasets":
        links = _distribution_values(identifier, links)
        for index, values in enumerate(links):  # checked here, so a bad one refuses the file before any write
            try:
                _unknown(values, DISTRIBUTION_FIELDS)
                domains.full_clean(Distribution(**values), exclude=["dataset"])
            except ServiceError as problem:
                problem.field = f"{where}.dcat:distribution[{index}].{problem.field or ''}".rstrip(".")
                raise
        if existing is not None and not changed:
            stored = [{f: getattr(d, f) for f in DISTRIBUTION_FIELDS}
                      for d in Distribution.objects.filter(dataset_id=existing.pk).order_by("identifier")]
            changed = stored != sorted(({f: d.get(f, "") for f in DISTRIBUTION_FIELDS} for d in links),
                                       key=lambda d: d["identifier"])
        _full_clean(row, exclude=["search_tokens"])
        _index(row)  # type: ignore[arg-type]
    else:
        if existing is not None and not changed:
            served = DataService.serves.through.objects.filter(dataservice_id=existing.pk)
            changed = set(served.values_list("dataset__identifier", flat=True)) != set(links)
        _full_clean(row)
    return _Entry(kind, row, links, existing is None, changed)


def _catalogue_entries(document: Any) -> list[tuple[str, tuple[str, Any]]]:
    """The entries of a DCAT-AP catalogue (or of one dataset's document) as (path, (kind, node))."""
    if isinstance(document, dict) and document.get("@type") == "dcat:Dataset":
        document = {"@type": "dcat:Catalog", "dcat:dataset": [{k: v for k, v in document.items() if k != "@context"}]}
    if not isinstance(document, dict) or document.get("@type") != "dcat:Catalog":
        raise ServiceError("invalid_dcat", _("文档必须是 dcat:Catalog 或 dcat:Dataset。"), "@type")
    entries: list[tuple[str, tuple[str, Any]]] = []
    for key, kind in (("dcat:dataset", "datasets"), ("dcat:service", "services")):
        nodes = document.get(key, [])
        if not isinstance(nodes, list):
            raise ServiceError("invalid_dcat", _("%(k)s 须为列表。") % {"k": key}, key)
        entries.extend((f"{key}[{index}]", (kind, node)) for index, node in enumerate(nodes))
    if len(entries) > imports.limit("MAX_ROWS"):
        raise imports.too_many_rows("dcat:dataset")
    return entries


def _own_shape(document: Any) -> bool:
    """Whether a JSON document is in the shape this platform exports (a catalogue or a dataset node whose compact
    keys mean the DCAT terms): it is read as it is, naming each entry's path. Any other JSON-LD is read as RDF."""
    if not isinstance(document, dict) or "@graph" in document:
        return False
    if document.get("@type") not in ("dcat:Catalog", "dcat:Dataset"):
        return False
    context = document.get("@context")
    return context is None or (isinstance(context, dict) and context.get("dcat") == dcat.CONTEXT["dcat"]
                               and context.get("dct") == dcat.CONTEXT["dct"])


def _rdf_entries(document: Any, report: imports.ImportReport) -> list[tuple[str, tuple[str, Any]]]:
    """The records of any DCAT-AP document read as RDF (a graph, or a JSON-LD value), the notes in the report."""
    graph = document if isinstance(document, Graph) else dcat_rdf.graph_from_json(document)
    framed = dcat_rdf.frame(graph)
    if not framed.entries:
        raise ServiceError("invalid_dcat", _("文档中没有 dcat:Dataset 或 dcat:DataService 记录。"), "@type")
    if len(framed.entries) > imports.limit("MAX_ROWS"):
        raise imports.too_many_rows("dcat:dataset")
    report.notes.extend(framed.notes)
    return framed.entries


def import_catalogue(*, acting_user: User, document: Any, progress: imports.Progress | None = None,
                     provider_id: int | None = None, source: HarvestSource | None = None,
                     listed: set[tuple[str, str]] | None = None) -> imports.ImportReport:
    """Create or update datasets, distributions and data services from a DCAT-AP JSON-LD catalogue (or from one
    dataset's document, as /data/datasets/<id>/dcat.jsonld writes it), by identifier (`aiplus.core.imports`).

    Every entry is checked first: a bad one refuses the whole file, naming each bad entry's path and field; an entry
    for a publisher or a place the actor may not act for refuses it at once (403 naming the field). Then datasets,
    then services, are written in short batches; an entry equal to what is stored is counted unchanged and not
    written, so the same file imported twice changes nothing. Not a transaction of its own: each batch is one.

    `document` is either this platform's own JSON-LD shape, any other JSON-LD value, or an rdflib graph (Turtle,
    RDF/XML: `import_catalogue_file`); the others are read as RDF (`dcat_rdf.frame`): a catalogue, a @graph of
    datasets, services and distributions alike; what the platform does not model is kept in each record's source
    graph and listed in the report's notes."""
    report = imports.ImportReport("datahub.catalogue", counts={"datasets": 0, "services": 0})
    entries = _catalogue_entries(document) if _own_shape(document) else _rdf_entries(document, report)
    catalogue = _Catalogue(acting_user, provider_id, source)
    seen: set[tuple[str, str]] = listed if listed is not None else set()  # (kind, identifier) of every entry

    def check(where: str, entry: tuple[str, Any]) -> tuple[str, Any] | None:
        kind, node = entry
        checked = _catalogue_entry(catalogue, kind, node, where)
        if (kind, checked.row.identifier) in seen:
            raise ServiceError("duplicate_identifier", _("标识符 %(i)s 在文件中出现多次。") % {
                "i": checked.row.identifier}, f"{where}.dct:identifier")
        seen.add((kind, checked.row.identifier))
        return entry if checked.changed else None

    return imports.run(report, entries, check=check, progress=progress,
                       write=lambda batch: import_catalogue_batch(acting_user=acting_user, entries=batch,
                                                                  provider_id=provider_id, source=source))


@transaction.atomic
def import_catalogue_batch(*, acting_user: User, entries: list[tuple[str, tuple[str, Any]]],
                           provider_id: int | None = None, source: HarvestSource | None = None
                           ) -> imports.BatchResult:
    """Write one batch of checked catalogue entries (one short transaction, one audit event). Each entry is checked
    again under a row lock; one that no longer passes (changed by someone else meanwhile) is reported, not written."""
    result = imports.BatchResult()
    catalogue = _Catalogue(acting_user, provider_id, source)
    for where, (kind, node) in entries:
        try:
            with transaction.atomic():
                entry = _catalogue_entry(catalogue, kind, node, where, lock=True)
                if not entry.changed:
                    result.unchanged += 1
                    continue
                entry.row.save()
                if kind == "datasets":
                    _set_distributions(entry.row, entry.links)  # type: ignore[arg-type]
                else:
                    entry.row.serves.set(  # type: ignore[union-attr]
                        Dataset.objects.restrict(acting_user, "view").filter(identifier__in=entry.links))
        except ServiceError as problem:
            result.rejected.append(imports.Rejection(where, problem.field or "", problem.code, str(problem.message)))
            continue
        if entry.new:
            result.created += 1
        else:
            result.updated += 1
        result.count(kind)
    if result.created or result.updated:
        datasets, services = result.counts.get("datasets", 0), result.counts.get("services", 0)
        audit.record(actor=acting_user, action="datahub.catalogue.imported", object_type="datahub.catalogue",
                     object_id="dcat", object_repr="DCAT-AP",
                     after={"created": result.created, "updated": result.updated, "datasets": datasets,
                            "services": services, "entries": [entries[0][0], entries[-1][0]]},
                     message=f"{datasets} datasets, {services} services")
    return result


def read_catalogue_file(data: bytes, fmt: str = "", name: str = "") -> Any:
    """A DCAT-AP file as what `import_catalogue` reads: a JSON value (JSON-LD), or the graph of a Turtle or RDF/XML
    document; within the import limits (size, depth), every refusal a 4xx naming the problem."""
    fmt = fmt or dcat_rdf.guess(name, data)
    if fmt in ("jsonld", "json-ld", "json"):
        return imports.parse_json(data)
    return dcat_rdf.parse(data, fmt)


def validate_catalogue_file(data: bytes, fmt: str = "", name: str = "") -> Any:
    """The SEMIC shapes' report on a DCAT-AP file (`shacl.Report`), nothing written: what a provider sees before
    importing. A missing shapes folder is a 503 naming it."""
    from aiplus.datahub import shacl

    document = read_catalogue_file(data, fmt, name)
    graph = document if isinstance(document, Graph) else dcat_rdf.graph_from_json(document)
    try:
        return shacl.validate(graph)
    except FileNotFoundError as error:
        raise ServiceError("shapes_unavailable", str(error), "file", status=503) from None


def import_catalogue_file(*, acting_user: User, data: bytes, fmt: str = "", name: str = "",
                          provider_id: int | None = None) -> Any:
    """A DCAT-AP file (an upload, or an API body; JSON-LD, Turtle or RDF/XML, `fmt` or guessed from `name` and the
    content): imported now (the report) or, when big, by the worker (the job)."""
    from aiplus.datahub.tasks import import_catalogue_file as task

    if len(data) > imports.limit("MAX_BYTES"):
        raise imports.too_large()
    fmt = fmt or dcat_rdf.guess(name, data)
    if provider_id is not None:
        _organisation(acting_user, provider_id, "add")  # refused before anything is read or queued
    return imports.accept(acting_user=acting_user, data=data, name="DCAT-AP catalogue import", task=task,
                          fmt=fmt, provider_id=provider_id,
                          inline=lambda: import_catalogue(acting_user=acting_user, provider_id=provider_id,
                                                          document=read_catalogue_file(data, fmt)))


# --- harvest: remote catalogues kept as read-only copies ---------------------------------------------------------


@transaction.atomic
def register_harvest_source(*, acting_user: User, name: str, url: str, jurisdiction_id: int, provider_id: int,
                            format: str = "", schedule: str = "manual") -> HarvestSource:
    """An official registers a remote DCAT-AP catalogue of their jurisdiction, whose records become read-only copies
    owned by the source, counted to the provider organisation (the publisher there), fetched on `schedule`."""
    if permissions.OFFICIAL not in permissions.user_roles(acting_user) \
            or jurisdiction_id not in permissions.user_jurisdiction_ids(acting_user, "change"):
        raise PermissionDeniedError(_("只有该辖区的主管部门可以登记采集源。"))
    provider = Organisation.objects.filter(pk=provider_id).first()
    if provider is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), "provider")
    source = HarvestSource(name=name, url=url, format=format, schedule=schedule, jurisdiction_id=jurisdiction_id,
                           provider=provider, registered_by=acting_user)
    _full_clean(source)
    source.save()
    audit.record(actor=acting_user, action="datahub.harvest_source.registered", instance=source)
    if source.schedule != "manual":
        transaction.on_commit(lambda: tasks.harvest_source_task.enqueue(source.pk))
    return source


@transaction.atomic
def queue_harvest(*, acting_user: User, source_id: int) -> HarvestSource:
    """Harvest a source now, in the background (the official's "harvest now")."""
    source = _for_change(HarvestSource, acting_user, source_id)
    audit.record(actor=acting_user, action="datahub.harvest.queued", instance=source)
    transaction.on_commit(lambda: tasks.harvest_source_task.enqueue(source.pk))
    return source


def _fetch(url: str) -> bytes:
    """The remote catalogue's bytes, at most the import size limit (413 above it); any failure a 4xx naming the
    URL."""
    import urllib.error
    import urllib.request
    from urllib.parse import urlparse

    if urlparse(url).scheme not in ("http", "https"):  # urlopen would also read file:// and ftp:// addresses
        raise ServiceError("fetch_failed", _("采集源地址须为 http 或 https。"), "url")
    request = urllib.request.Request(url, headers={
        "Accept": "text/turtle, application/ld+json;q=0.9, application/rdf+xml;q=0.8"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            data = response.read(imports.limit("MAX_BYTES") + 1)
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise ServiceError("fetch_failed", _("无法获取采集源 %(u)s：%(e)s") % {"u": url, "e": error}, "url") from None
    if len(data) > imports.limit("MAX_BYTES"):
        raise imports.too_large("url")
    return bytes(data)


def harvest(*, acting_user: User, source_id: int) -> dict[str, Any]:
    """Fetch a source and bring its copies in line: records it lists are created or updated (idempotently: an
    unchanged one is not written), records it no longer lists are withdrawn (unpublished, with the time). The
    report (with each rejected record and field, and what was kept unmodelled) is stored on the source. Not a
    transaction of its own: the import writes in batches, then `finish_harvest` records the outcome."""
    source = get_for(acting_user, "change", HarvestSource.objects.restrict(acting_user, "view"), pk=source_id)
    listed: set[tuple[str, str]] = set()
    try:
        data = _fetch(source.url)
        report = import_catalogue(acting_user=acting_user, provider_id=source.provider_id, source=source,
                                  listed=listed, document=read_catalogue_file(data, source.format, source.url))
    except ServiceError as problem:
        outcome = problem.as_dict()
        outcome["message"] = str(problem.message)
        return finish_harvest(acting_user=acting_user, source_id=source.pk, listed=None, outcome=outcome)
    return finish_harvest(acting_user=acting_user, source_id=source.pk, outcome=report.as_dict(),
                          listed=sorted(identifier for kind, identifier in listed if kind == "datasets"))


@transaction.atomic
def finish_harvest(*, acting_user: User, source_id: int, listed: list[str] | None,
                   outcome: dict[str, Any]) -> dict[str, Any]:
    """Withdraw the source's copies it no longer lists (none when the harvest failed: `listed` None) and store the
    harvest report on the source."""
    source = _for_change(HarvestSource, acting_user, source_id)
    before = audit.snapshot(source)
    now = timezone.now()
    withdrawn = 0
    if listed is not None:
        withdrawn = (Dataset.objects.filter(harvest_source=source, withdrawn_at__isnull=True)
                     .exclude(identifier__in=listed).update(is_published=False, withdrawn_at=now))
    source.last_harvested_at = now
    source.last_report = _json({**outcome, "withdrawn": withdrawn, "failed": listed is None})
    source.save(update_fields=["last_harvested_at", "last_report", "updated_at"])
    audit.record(actor=acting_user, action="datahub.harvest.completed", instance=source, before=before,
                 message=f"{outcome.get('created', 0)} created, {outcome.get('updated', 0)} updated, "
                         f"{withdrawn} withdrawn")
    return dict(source.last_report)


SERVICE_FIELDS = ("title", "description", "endpoint_url", "endpoint_description", "is_published")


def _served(user: Any, serves: list[int]) -> list[Dataset]:
    """The datasets a service serves: each one the user may see, else the field is named."""
    found = {d.pk: d for d in Dataset.objects.restrict(user, "view").filter(pk__in=serves)}
    for index, pk in enumerate(serves):
        if pk not in found:
            raise ServiceError("unknown_dataset", _("数据集不存在或您无权查看：%(i)s") % {"i": pk},
                               f"serves[{index}]")
    return [found[pk] for pk in serves]


@transaction.atomic
def create_data_service(*, acting_user: User, provider_id: int, identifier: str, serves: list[int] | None = None,
                        **fields: Any) -> DataService:
    """Register a data service (dcat:DataService, e.g. an API) of the provider's organisation."""
    _unknown(fields, SERVICE_FIELDS)
    provider = _organisation(acting_user, provider_id, "add")
    if not permissions.can_create_in(acting_user, jurisdiction_id=provider.jurisdiction_id,
                                     organisation_id=provider.pk):
        raise PermissionDeniedError(_("您不能为该组织登记数据服务。"))
    service = DataService(identifier=identifier, provider=provider, jurisdiction_id=provider.jurisdiction_id,
                          **fields)
    _full_clean(service)
    datasets = _served(acting_user, serves or [])
    service.save()
    service.serves.set(datasets)
    audit.record(actor=acting_user, action="datahub.service.created", instance=service)
    return service


@transaction.atomic
def update_data_service(*, acting_user: User, service_id: int, serves: list[int] | None = None,
                        **changes: Any) -> DataService:
    _unknown(changes, SERVICE_FIELDS)
    service = _for_change(DataService, acting_user, service_id)
    before = audit.snapshot(service)
    for name, value in changes.items():
        setattr(service, name, value)
    _full_clean(service)
    datasets = _served(acting_user, serves) if serves is not None else None
    service.save()
    if datasets is not None:
        service.serves.set(datasets)
    audit.record(actor=acting_user, action="datahub.service.updated", instance=service, before=before)
    return service

# --- conditional access ----------------------------------------------------------------------------------------

ACCESS_WORKFLOW = Workflow(
    name="datahub.access",
    states={s.value: s.label for s in AccessStatus},
    transitions=[
        # the dataset's provider (or an official over its jurisdiction) decides; never the requester
        Transition("approve", sources=("submitted",), target="approved", label=_("批准"), roles=PROVIDER_ROLES,
                   not_by="requester"),
        Transition("reject", sources=("submitted",), target="rejected", label=_("驳回"), roles=PROVIDER_ROLES,
                   not_by="requester"),
        Transition("revoke", sources=("approved",), target="revoked", label=_("撤销"), roles=PROVIDER_ROLES,
                   not_by="requester"),
    ],
)


@transaction.atomic
def request_access(*, acting_user: User, dataset_id: int, purpose: str, usage_scope: str, security_measures: str,
                   duration_days: int) -> AccessRequest:
    if not getattr(acting_user, "is_authenticated", False):
        raise PermissionDeniedError(_("请先登录。"))
    dataset = get_for(acting_user, "view", Dataset, pk=dataset_id)
    if dataset.open_attribute != OpenAttribute.CONDITIONAL:
        raise ServiceError("not_conditional", _("只有“有条件开放”的数据集需要申请。"), "dataset")
    for name, value in (("purpose", purpose), ("usage_scope", usage_scope),
                        ("security_measures", security_measures)):
        if not str(value or "").strip():
            raise ServiceError("required", _("请填写此项。"), name)
    duration_days = domains.clean(AccessRequest, "duration_days", duration_days)
    organisations = permissions.user_organisation_ids(acting_user, "add")
    request = AccessRequest.objects.create(
        dataset=dataset, jurisdiction_id=dataset.jurisdiction_id, provider_id=dataset.provider_id,
        requester=acting_user, requester_organisation_id=min(organisations) if organisations else None,
        purpose=purpose.strip(), usage_scope=usage_scope.strip(), security_measures=security_measures.strip(),
        duration_days=duration_days)
    audit.record(actor=acting_user, action="datahub.access.requested", instance=request)
    return request


@transaction.atomic
def decide_access(*, acting_user: User, request_id: int, decision: str, comment: str = "",
                  on: dt.date | None = None) -> AccessRequest:
    """The provider approves (an agreement with an expiry date follows) or rejects a request."""
    if decision not in ("approve", "reject"):
        raise ServiceError("invalid_decision", _("决定须为 approve 或 reject。"), "decision")
    request = get_for(acting_user, "view", AccessRequest, pk=request_id)
    if decision == "reject" and not comment.strip():
        raise ServiceError("required", _("驳回须说明理由。"), "comment")
    today = _today(on)
    ACCESS_WORKFLOW.apply(request, decision, acting_user=acting_user, comment=comment, on=today)
    request.refresh_from_db()
    if decision == "approve":
        Agreement.objects.create(
            access_request=request, jurisdiction_id=request.jurisdiction_id, provider_id=request.provider_id,
            grantee=request.requester, starts_on=today, expires_on=today + dt.timedelta(days=request.duration_days))
        # The daily expiry reminders run in a worker; make sure the chain of daily runs is going.
        transaction.on_commit(tasks.ensure_daily_schedule)
    notify(recipient=request.requester, verb=f"datahub.access.{decision}",
           title=_("数据使用申请已批准") if decision == "approve" else _("数据使用申请被驳回"),
           body=comment, link=f"/data/access/{request.pk}/", target=request)
    return request


@transaction.atomic
def revoke_access(*, acting_user: User, request_id: int, comment: str, on: dt.date | None = None) -> AccessRequest:
    request = get_for(acting_user, "view", AccessRequest, pk=request_id)
    if not comment.strip():
        raise ServiceError("required", _("撤销须说明理由。"), "comment")
    today = _today(on)
    ACCESS_WORKFLOW.apply(request, "revoke", acting_user=acting_user, comment=comment, on=today)
    Agreement.objects.filter(access_request=request).update(revoked_on=today)
    request.refresh_from_db()
    notify(recipient=request.requester, verb="datahub.access.revoke", title=_("数据使用协议已撤销"), body=comment,
           link=f"/data/access/{request.pk}/", target=request)
    return request


@transaction.atomic
def notify_expiring_agreements(*, acting_user: User | None = None, today: dt.date | None = None) -> int:
    """Remind grantees whose agreements expire within N days (N = pack parameter); each agreement once."""
    today = _today(today)
    days = int(parameters().value(EXPIRY_NOTICE_KEY, today))
    due = list(Agreement.objects.select_for_update().select_related("access_request__dataset").filter(
        revoked_on__isnull=True, expiry_notified_on__isnull=True, expires_on__gte=today,
        expires_on__lte=today + dt.timedelta(days=days), access_request__status=AccessStatus.APPROVED))
    if not due:
        return 0
    for agreement in due:
        notify(recipient=agreement.grantee, verb="datahub.access.expiring",
               title=_("数据使用协议即将到期：%(t)s"), body=_("到期日期：%(d)s"),
               params={"t": agreement.access_request.dataset.title, "d": agreement.expires_on},
               link=f"/data/access/{agreement.access_request_id}/", target=agreement)
    Agreement.objects.filter(pk__in=[a.pk for a in due]).update(expiry_notified_on=today)
    audit.record(actor=acting_user, action="datahub.expiry_notices.sent", object_type="datahub.agreement",
                 object_id="", object_repr="expiry notices", after={"count": len(due), "days": days},
                 message=f"{len(due)} grantees reminded ({days} days)")
    return len(due)


# --- classification and grading --------------------------------------------------------------------------------


@transaction.atomic
def register_asset(*, acting_user: User, organisation_id: int, name: str, category: str, grade: str,
                   level: str = "table", internal_level: int | None = None, legal_basis: str = "",
                   pi_people: int = 0, dataset_id: int | None = None) -> DataAsset:
    organisation = _organisation(acting_user, organisation_id, "add")
    internal_level = domains.clean(DataAsset, "internal_level", internal_level)
    pi_people = domains.clean(DataAsset, "pi_people", pi_people)
    asset = DataAsset(organisation=organisation, jurisdiction_id=organisation.jurisdiction_id, name=name,
                      category=category, grade=grade, level=level, internal_level=internal_level,
                      legal_basis=legal_basis, pi_people=pi_people, dataset_id=dataset_id)
    _full_clean(asset)
    asset.save()
    audit.record(actor=acting_user, action="datahub.asset.registered", instance=asset)
    return asset


@transaction.atomic
def declare_important_data(*, acting_user: User, asset_id: int, on: dt.date | None = None) -> DataAsset:
    """Identify and declare (识别申报) an important or core asset: it enters the important-data catalogue."""
    asset = _for_change(DataAsset, acting_user, asset_id)
    if asset.grade == Grade.GENERAL:
        raise ServiceError("not_important", _("一般数据不列入重要数据目录。"), "grade")
    before = audit.snapshot(asset)
    asset.in_important_catalogue, asset.declared_on = True, _today(on)
    asset.save()
    audit.record(actor=acting_user, action="datahub.important_data.declared", instance=asset, before=before)
    return asset


@transaction.atomic
def update_security_profile(*, acting_user: User, organisation_id: int, security_officer: str = "",
                            last_risk_assessment_on: dt.date | None = None) -> SecurityProfile:
    organisation = _organisation(acting_user, organisation_id, "change")
    profile, _created = SecurityProfile.objects.select_for_update().get_or_create(
        organisation=organisation, defaults={"jurisdiction_id": organisation.jurisdiction_id})
    before = audit.snapshot(profile)
    if last_risk_assessment_on and last_risk_assessment_on > timezone.localdate():
        raise ServiceError("future_date", _("日期不能晚于今天。"), "last_risk_assessment_on")
    profile.security_officer = security_officer.strip()
    profile.last_risk_assessment_on = last_risk_assessment_on
    _full_clean(profile)
    profile.save()
    audit.record(actor=acting_user, action="datahub.security_profile.updated", instance=profile, before=before)
    return profile


@transaction.atomic
def report_incident(*, acting_user: User, organisation_id: int, title: str, discovered_at: dt.datetime,
                    serious: bool = True) -> Incident:
    organisation = _organisation(acting_user, organisation_id, "add")
    if not title.strip():
        raise ServiceError("required", _("请填写此项。"), "title")
    version = parameters().version("datasec.incident_report_hours", discovered_at.date())
    incident = Incident.objects.create(
        organisation=organisation, jurisdiction_id=organisation.jurisdiction_id, title=title.strip(),
        serious=serious, discovered_at=discovered_at,
        report_due_at=discovered_at + dt.timedelta(hours=int(version.value)), citation=version.citation.as_dict())
    audit.record(actor=acting_user, action="datahub.incident.recorded", instance=incident)
    return incident


@transaction.atomic
def mark_incident_reported(*, acting_user: User, incident_id: int, reported_at: dt.datetime | None = None) -> Incident:
    """Record that the incident was reported to the authority: its 24-hour clock stops (met or late)."""
    incident = _for_change(Incident, acting_user, incident_id)
    if incident.reported_at is not None:
        raise ServiceError("already_reported", _("该事件已报告。"), "reported_at")
    when = reported_at or timezone.now()
    if when < incident.discovered_at:
        raise ServiceError("before_discovery", _("报告时间不能早于发现时间。"), "reported_at")
    before = audit.snapshot(incident)
    incident.reported_at = when
    incident.save(update_fields=["reported_at", "updated_at"])
    audit.record(actor=acting_user, action="datahub.incident.reported", instance=incident, before=before,
                 message="late" if when > incident.report_due_at else "in time")
    return incident


# --- cross-border transfers ------------------------------------------------------------------------------------


@transaction.atomic
def register_processor(*, acting_user: User, organisation_id: int, is_ciio: bool = False, in_ftz: bool = False,
                       ftz_code: str = "") -> Processor:
    organisation = _organisation(acting_user, organisation_id, "add")
    processor = Processor.objects.filter(organisation=organisation).first()
    before = audit.snapshot(processor)
    processor = processor or Processor(organisation=organisation, jurisdiction_id=organisation.jurisdiction_id)
    processor.is_ciio, processor.in_ftz, processor.ftz_code = is_ciio, in_ftz, ftz_code
    _full_clean(processor)
    processor.save()
    audit.record(actor=acting_user, action="datahub.processor.registered", instance=processor, before=before)
    return processor


def counter_of(processor: Processor, on: dt.date, *, lock: bool = False) -> AnnualCounter | None:
    start = period_start(on, parse_month_day(parameters().value(PERIOD_START_KEY, on)))
    rows = AnnualCounter.objects.filter(processor=processor, period_start=start)
    return (rows.select_for_update() if lock else rows).first()


@transaction.atomic
def record_transfer(*, acting_user: User, processor_id: int, transfer: dict[str, Any],
                    exemptions_claimed: list[str] | None = None,
                    milestones: dict[str, Any] | None = None) -> TransferRecord:
    """Decide a transfer on the processor's stored counter, then record it and add it to the counter."""
    processor = _for_change(Processor, acting_user, processor_id)
    if not isinstance(transfer, dict):
        raise ServiceError("invalid", _("transfer 必须是对象。"), "transfer")
    on_text = transfer.get("transfer_on")
    try:
        on = on_text if isinstance(on_text, dt.date) else dt.date.fromisoformat(str(on_text))
    except ValueError:
        raise ServiceError("invalid", _("字段“%(f)s”无效。") % {"f": "transfer.transfer_on"},
                           "transfer.transfer_on") from None
    stored = counter_of(processor, on, lock=True)
    payload = {
        "processor": {"name": processor.organisation.name, "is_ciio": processor.is_ciio,
                      "in_ftz": processor.in_ftz, "ftz_code": processor.ftz_code or None,
                      "jurisdiction": processor.jurisdiction.code},
        "transfer": transfer,
        "cumulative": {"year": on.year, "pi_people": stored.pi_people if stored else 0,
                       "sensitive_pi_people": stored.sensitive_pi_people if stored else 0},
        "exemptions_claimed": exemptions_claimed or [],
        "milestones": milestones or {},
    }
    try:
        case = TransferCase.model_validate(payload)
    except PydanticValidationError as error:
        raise _pydantic_error(error) from error
    for name in ("pi_people", "sensitive_pi_people"):
        domains.clean(TransferRecord, name, getattr(case.transfer, name) or 0, field=f"transfer.{name}")
    registry = parameters()
    decision = assessments.transfer_decision(case, registry)
    month_day = parse_month_day(registry.value(PERIOD_START_KEY, on))
    current = CounterValue(stored.period_start, stored.pi_people, stored.sensitive_pi_people) if stored else None
    updated = apply_transfer(current, on=on, pi_people=case.transfer.pi_people or 0,
                             sensitive_pi_people=case.transfer.sensitive_pi_people or 0, month_day=month_day)
    row = stored or AnnualCounter(processor=processor, period_start=updated.period_start)
    row.pi_people, row.sensitive_pi_people = updated.pi_people, updated.sensitive_pi_people
    domains.check(row, "pi_people", "sensitive_pi_people", prefix="cumulative.")
    row.save()
    record = TransferRecord.objects.create(
        processor=processor, jurisdiction_id=processor.jurisdiction_id, organisation_id=processor.organisation_id,
        recipient=case.transfer.recipient, country_or_region=case.transfer.country_or_region,
        purpose=case.transfer.purpose[:300], data_categories=[c.value for c in case.transfer.data_categories],
        pi_people=case.transfer.pi_people or 0, sensitive_pi_people=case.transfer.sensitive_pi_people or 0,
        transfer_on=on, case=case.model_dump(mode="json"))
    body = _json(decision.as_dict())
    dues = sorted(d["due_on"] for d in body.get("data", {}).get("deadlines", []) if d.get("due_on"))
    PathDecision.objects.create(transfer=record, jurisdiction_id=record.jurisdiction_id,
                                organisation_id=record.organisation_id, outcome=decision.outcome, decision=body,
                                next_due_on=dt.date.fromisoformat(dues[0]) if dues else None)
    audit.record(actor=acting_user, action="datahub.transfer.recorded", instance=record,
                 message=f"{decision.outcome}")
    return record


# --- GBA standard-contract filings -----------------------------------------------------------------------------

GBA_WORKFLOW = Workflow(
    name="datahub.gba_filing",
    states={s.value: s.label for s in FilingStatus},
    transitions=[
        Transition("file", sources=("awaiting",), target="filed", label=_("提交备案")),
        Transition("withdraw", sources=("awaiting",), target="withdrawn", label=_("撤回")),
    ],
)
GBA_TIMER = TimerSpec("filing", parameter=GBA_FILING_KEY)


@transaction.atomic
def create_gba_filing(*, acting_user: User, organisation_id: int, case: dict[str, Any]) -> GbaFiling:
    organisation = _organisation(acting_user, organisation_id, "add")
    try:
        contract = GbaContractCase.model_validate(case)
    except PydanticValidationError as error:
        raise _pydantic_error(error) from error
    if contract.contract_effective_on is None:
        raise ServiceError("required", _("请填写合同生效日期。"), "contract_effective_on")
    decision = assessments.gba_decision(contract)
    if decision.outcome == "incomplete":
        raise ServiceError("gba_incomplete", _("尚缺以下事实：%(m)s") % {"m": "、".join(decision.missing)},
                           decision.missing[0])
    if decision.outcome != "eligible":
        reason = decision.reasons[0]
        field = "data_categories"
        for role in ("processor", "recipient"):
            if reason.code.startswith(role):
                field = f"{role}.location"
        raise ServiceError("gba_ineligible", reason.text_zh, field)
    body = _json(decision.as_dict())
    dues = [d["due_on"] for d in body.get("data", {}).get("deadlines", []) if d.get("due_on")]
    filing = GbaFiling.objects.create(
        organisation=organisation, jurisdiction_id=organisation.jurisdiction_id,
        case=contract.model_dump(mode="json"), processor_name=contract.processor.name,
        recipient_name=contract.recipient.name, contract_effective_on=contract.contract_effective_on,
        documents_provided=list(contract.documents_provided), decision=body,
        filing_due_on=dt.date.fromisoformat(dues[0]) if dues else None)
    timer = start_timer(filing, workflow=GBA_WORKFLOW.name, spec=GBA_TIMER, state=FilingStatus.AWAITING,
                        on=contract.contract_effective_on)
    if filing.filing_due_on is None:
        filing.filing_due_on = timer.due_on
        filing.save(update_fields=["filing_due_on"])
    audit.record(actor=acting_user, action="datahub.gba_filing.created", instance=filing)
    return filing


@transaction.atomic
def file_gba_filing(*, acting_user: User, filing_id: int, documents_provided: list[str] | None = None,
                    on: dt.date | None = None) -> GbaFiling:
    """File the contract: every required document present; a receipt number is issued."""
    filing = _for_change(GbaFiling, acting_user, filing_id)
    today = _today(on)
    documents = list(documents_provided if documents_provided is not None else filing.documents_provided)
    required = list(parameters().value(GBA_DOCUMENTS_KEY, today))
    lacking = [d for d in required if d not in documents]
    if lacking:
        raise ServiceError("documents_missing", _("缺少备案材料：%(d)s") % {"d": "、".join(lacking)},
                           "documents_provided")
    refusal = GBA_WORKFLOW.refusal(filing, GBA_WORKFLOW.transition("file"), acting_user)
    if refusal is not None:
        raise ServiceError("transition_refused", refusal, "status")
    GbaFiling.objects.filter(pk=filing.pk).update(
        documents_provided=documents, filed_on=today,
        receipt_number=f"GBA-{today:%Y%m%d}-{filing.pk:06d}")
    return GBA_WORKFLOW.apply(filing, "file", acting_user=acting_user, on=today)  # type: ignore[return-value]
