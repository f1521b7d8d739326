"""File imports, bounded and batched: the one helper the usage CSV, the DCAT catalogue and the needs workbook share.

An import reads a file the platform did not write, so every limit is checked before the work it protects:

- **Size.** A file (or an upload's declared `Content-Length`) over `AIPLUS_IMPORT_MAX_BYTES` is refused with 413
  before it is read; a JSON body is already bounded by Django's `DATA_UPLOAD_MAX_MEMORY_SIZE` (413 as well).
- **Rows.** More than `AIPLUS_IMPORT_MAX_ROWS` rows (entries of a catalogue) is a 400 naming the file.
- **CSV.** No CSV error escapes as a 500: the file is bounded, so the csv module's own field limit is raised to the
  file limit and each field is checked here against `AIPLUS_IMPORT_MAX_FIELD_CHARS`; a longer one, a NUL, or a
  line the csv module cannot read, is a rejected row naming its line and column.
- **xlsx.** Before openpyxl opens the zip, its central directory is read: more than `AIPLUS_IMPORT_XLSX_MAX_MEMBERS`
  members, a total uncompressed size over `AIPLUS_IMPORT_XLSX_MAX_UNCOMPRESSED` or a member expanding more than
  `AIPLUS_IMPORT_XLSX_MAX_RATIO` times is refused (zip bombs). Python's zipfile never inflates a member beyond its
  declared size, so the declared sizes bound the work. openpyxl then reads in read-only mode, only the columns the
  import knows, and stops at the row limit (a sheet that jumps to row 1,048,576 costs nothing).
- **JSON.** Nesting deeper than `MAX_DEPTH`, an integer beyond 64 bits, a lone surrogate or a NUL (PostgreSQL
  stores neither) is refused naming the field (`check_value`, also the API body parser's check); a document nested
  beyond the decoder's own limit is a 4xx as well, never a RecursionError.

Then the import runs in two passes (`run`). The **check** pass reads every row and validates it without writing;
if any row is rejected, nothing is written and `ImportRejected` (400) carries the report with every rejected row
(number, field, reason). A refusal of the actor (403) stops at once. The **write** pass stores the valid rows in
batches of `AIPLUS_IMPORT_BATCH_ROWS`, each batch one short transaction (a service function with its own audit
event), so no import holds the database's write lock for longer than one batch: other writers get in between.
Rows are matched on natural keys (a usage record's id, a dataset's identifier, a need's owner, place and title), so
the same file imported twice creates nothing the second time. A file above `AIPLUS_IMPORT_BACKGROUND_BYTES` is
imported by the background worker (`start` → a `JobProgress` whose result is the report); a smaller one inline.

Must be called outside any transaction: batches nested in an outer transaction would hold the lock all along.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext_lazy as _

from aiplus.core.errors import ServiceError

INT64 = 2**63 - 1
MAX_DEPTH = 32  # the deepest JSON the platform accepts (a DCAT catalogue needs about eight levels)

DEFAULTS: dict[str, int] = {
    "MAX_BYTES": 10 * 2**20,
    "MAX_ROWS": 50_000,
    "BATCH_ROWS": 500,
    "BACKGROUND_BYTES": 512 * 2**10,
    "MAX_FIELD_CHARS": 32 * 2**10,
    "XLSX_MAX_UNCOMPRESSED": 40 * 2**20,
    "XLSX_MAX_RATIO": 100,
    "XLSX_MAX_MEMBERS": 1_000,
}


def limit(name: str) -> int:
    """A limit of the imports: `settings.AIPLUS_IMPORT_<name>` (the environment sets them), else the default."""
    return int(getattr(settings, f"AIPLUS_IMPORT_{name}", DEFAULTS[name]))


# --------------------------------------------------------------------------------------------------- the report

@dataclass
class Rejection:
    row: int | str          # the line of a CSV, the row of a sheet, the entry of a catalogue (its path)
    field: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "code": self.code, "message": self.message}


@dataclass
class ImportReport:
    """What an import did: rows read, created, updated, unchanged (already there: the same file again), and the
    rejected rows with their number, field and reason; `counts` splits the created and updated by kind."""

    kind: str
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    batches: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    # What the file says that the platform keeps without modelling it (a DCAT class or property): (row, text).
    notes: list[tuple[str, str]] = field(default_factory=list)

    def reject(self, row: int | str, problem: ServiceError, field_name: str | None = None) -> None:
        self.rejected.append(Rejection(row, field_name if field_name is not None else (problem.field or ""),
                                       problem.code, str(problem.message)))

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def add(self, other: BatchResult) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.rejected.extend(other.rejected)
        for key, n in other.counts.items():
            self.count(key, n)
        self.batches += 1

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "read": self.read, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged, "rejected": [r.as_dict() for r in self.rejected],
                "batches": self.batches, "counts": dict(self.counts),
                **({"notes": [{"row": row, "message": text} for row, text in self.notes]} if self.notes else {})}

    def summary(self) -> str:
        """One sentence for the page's message, in the active language."""
        text = _("读取 %(read)s 行：新建 %(created)s，更新 %(updated)s，未变 %(unchanged)s，拒绝 %(rejected)s。")
        return str(text % {
            "read": self.read, "created": self.created, "updated": self.updated, "unchanged": self.unchanged,
            "rejected": len(self.rejected)})


@dataclass
class BatchResult:
    """What one batch wrote (a batch service function returns it)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


class ImportRejected(ServiceError):
    """Rows of a file that were refused, each with its row, field and reason; nothing was imported."""

    def __init__(self, report: ImportReport) -> None:
        rows = report.rejected
        text = "; ".join(str(_("第 %(row)s 行（%(field)s）：%(message)s") % {
            "row": r.row, "field": r.field or "-", "message": r.message}) for r in rows[:20])
        message = _("%(n)s 行有误，未导入任何记录：%(rows)s") % {"n": len(rows), "rows": text}
        super().__init__("import_rejected", message, (rows[0].field or "file") if rows else "file")
        self.report = report

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [r.as_dict() for r in self.report.rejected]

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "report": self.report.as_dict()}


# ----------------------------------------------------------------------------------------------------- size

def too_large(field_name: str = "file") -> ServiceError:
    return ServiceError("too_large", _("文件过大：最大 %(mb)s MB。") % {"mb": round(limit("MAX_BYTES") / 2**20, 1)},
                        field_name, status=413)


TOO_LARGE_FLAG = "_aiplus_upload_too_large"


class BoundedUploadHandler(FileUploadHandler):
    """The first upload handler (settings.FILE_UPLOAD_HANDLERS): a file part growing over the import limit is
    skipped as it arrives, never spooled to disk, and the request is marked so the view answers 413."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > limit("MAX_BYTES"):
            if self.request is not None:
                setattr(self.request, TOO_LARGE_FLAG, True)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def check_request_size(request: Any, field_name: str = "file") -> None:
    """Refuse an upload whose declared length is over the limit, or whose file the upload handler skipped."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit("MAX_BYTES") + 64 * 2**10:  # the multipart envelope and the form's other fields
        raise too_large(field_name)
    if getattr(request, TOO_LARGE_FLAG, False):
        raise too_large(field_name)


def read_upload(upload: Any, field_name: str = "file") -> bytes:
    """The bytes of an uploaded file (or of a file-like object, or bytes), at most the size limit: more is a 413."""
    if upload is None:
        raise ServiceError("required", _("请选择文件。"), field_name)
    if isinstance(upload, bytes | bytearray):
        data = bytes(upload)
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit("MAX_BYTES"):
            raise too_large(field_name)
        data = upload.read(limit("MAX_BYTES") + 1)
        if isinstance(data, str):
            data = data.encode("utf-8")
    if len(data) > limit("MAX_BYTES"):
        raise too_large(field_name)
    return data


def decode(data: bytes | str, field_name: str = "file") -> str:
    """UTF-8 text (a byte-order mark is dropped); anything else is a 400 naming the field."""
    if isinstance(data, str):
        if len(data.encode("utf-8", "surrogatepass")) > limit("MAX_BYTES"):
            raise too_large(field_name)
        return data.removeprefix("\ufeff")
    if len(data) > limit("MAX_BYTES"):
        raise too_large(field_name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ServiceError("encoding", _("文件须为 UTF-8 编码（第 %(at)s 字节无效）。") % {"at": error.start},
                           field_name) from None


def too_many_rows(field_name: str = "file") -> ServiceError:
    return ServiceError("too_many_rows", _("文件行数过多：最多 %(n)s 行。") % {"n": limit("MAX_ROWS")}, field_name)


# ------------------------------------------------------------------------------------------------------- CSV

def csv_rows(text: str, *, required: Iterable[str], field_name: str = "file",
             report: ImportReport | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a CSV text as (line number, {column: value}), the header's required columns checked first.

    A field longer than the limit is a rejection of its row (naming the line and column) recorded in `report`, and
    the row is not yielded; a line the csv module cannot read ends the file with a rejection of that line."""
    report = report if report is not None else ImportReport("csv")
    if csv.field_size_limit() < limit("MAX_BYTES") + 1:
        csv.field_size_limit(limit("MAX_BYTES") + 1)  # the file is bounded: fields are checked below, by name
    reader = csv.reader(io.StringIO(text, newline=""))  # CR, LF and CRLF line ends; quoted newlines kept
    try:
        header = [h.strip() for h in next(reader, [])]
    except csv.Error as error:
        raise ServiceError("invalid_csv", _("CSV 表头无法读取：%(e)s") % {"e": error}, field_name) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise ServiceError("csv_columns", _("CSV 缺少列：%(cols)s。") % {"cols": ", ".join(missing)}, field_name)
    widest = limit("MAX_FIELD_CHARS")
    rows = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            report.read += 1
            report.reject(reader.line_num, ServiceError("invalid_csv", _("CSV 格式错误：%(e)s") % {"e": error}),
                          field_name)
            return
        if not any(v.strip() for v in values):
            continue
        rows += 1
        if rows > limit("MAX_ROWS"):
            raise too_many_rows(field_name)
        line = reader.line_num
        bad = next(((i, v) for i, v in enumerate(values) if len(v) > widest or "\x00" in v), None)
        if bad is not None:
            column = header[bad[0]] if bad[0] < len(header) else f"column {bad[0] + 1}"
            report.read += 1
            report.reject(line, ServiceError("field_too_long", _("字段过长：最多 %(n)s 个字符。") % {"n": widest})
                          if len(bad[1]) > widest else ServiceError("invalid_text", _("文本含有无效字符（NUL）。")),
                          column)
            continue
        yield line, dict(zip(header, values, strict=False))


# ------------------------------------------------------------------------------------------------------ xlsx

def check_zip(data: bytes, field_name: str = "file") -> None:
    """Refuse a zip (an xlsx) that is not one, or that would expand too far, from its central directory alone."""
    bad = ServiceError("invalid_file", _("无法读取Excel文件（.xlsx）。"), field_name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise bad from None
    members = archive.infolist()
    if len(members) > limit("XLSX_MAX_MEMBERS"):
        raise bad
    total = 0
    bomb = ServiceError("zip_bomb", _("Excel文件解压后过大，已拒绝。"), field_name, status=413)
    for member in members:
        total += member.file_size
        if total > limit("XLSX_MAX_UNCOMPRESSED"):
            raise bomb
        if member.file_size > 2**20 and (member.compress_size == 0
                                        or member.file_size / member.compress_size > limit("XLSX_MAX_RATIO")):
            raise bomb


def xlsx_rows(data: bytes, *, columns: int, first_row: int = 2, field_name: str = "file",
              report: ImportReport | None = None) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """The rows of the first sheet of an xlsx, from `first_row`, as (row number, the first `columns` cells); the
    zip is checked first and every row counts towards the row limit (empty ones too). A cell longer than the
    field limit is a rejection of its row, recorded in `report`, and the row is not yielded."""
    from openpyxl import load_workbook

    check_zip(data, field_name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # any unreadable workbook is the same user error
        raise ServiceError("invalid_file", _("无法读取Excel文件（.xlsx）。"), field_name) from None
    try:
        widest = limit("MAX_FIELD_CHARS")
        for number, row in enumerate(sheet.iter_rows(min_row=first_row, max_col=columns, values_only=True),
                                     start=first_row):
            if number - first_row >= limit("MAX_ROWS"):
                raise too_many_rows(field_name)
            long = next((i for i, cell in enumerate(row) if isinstance(cell, str) and len(cell) > widest), None)
            if long is not None:
                if report is not None:
                    report.read += 1
                    report.reject(number, ServiceError("field_too_long", _("字段过长：最多 %(n)s 个字符。") % {
                        "n": widest}), f"column {long + 1}")
                continue
            yield number, tuple(row) + (None,) * (columns - len(row))
    except ServiceError:
        raise
    except Exception:  # a sheet whose XML breaks part-way (a truncated member, a CRC error)
        raise ServiceError("invalid_file", _("无法读取Excel文件（.xlsx）。"), field_name) from None
    finally:
        workbook.close()


# ------------------------------------------------------------------------------------------------------ JSON

def _path(parts: list[str]) -> str | None:
    return parts[-1] if parts else None


def check_value(value: Any, parts: list[str] | None = None, *, status: int = 422) -> None:
    """Raise a ServiceError naming the field of the first value no field can hold: nesting deeper than MAX_DEPTH,
    an integer beyond 64 bits, a lone surrogate (no database encodes it), a NUL (PostgreSQL stores none)."""
    parts = parts or []
    if len(parts) > MAX_DEPTH:
        raise ServiceError("too_deep", _("请求体嵌套过深。"), _path(parts), status=status)
    if isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > INT64:
            raise ServiceError("out_of_range", _("数值超出允许范围。"), _path(parts), status=status)
    elif isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ServiceError("invalid_text", _("文本含有无效字符（孤立的代理码位）。"), _path(parts),
                               status=status) from None
        if "\x00" in value:  # PostgreSQL stores no NUL in text
            raise ServiceError("invalid_text", _("文本含有无效字符（NUL）。"), _path(parts), status=status)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(key, parts, status=status)
            check_value(item, [*parts, str(key)], status=status)
    elif isinstance(value, list):
        for item in value:
            check_value(item, [*parts, parts[-1] if parts else ""], status=status)


def parse_json(data: bytes | str, field_name: str = "file") -> Any:
    """The JSON value of a file: bounded in size and depth, every refusal a 4xx naming the field. A fraction is read
    as the Decimal it is written as (as the API's parser reads a body), so a too-precise count is refused, not
    rounded into range."""
    text = decode(data, field_name)
    try:
        value = json.loads(text, parse_float=Decimal)
    except RecursionError:
        raise ServiceError("too_deep", _("请求体嵌套过深。"), field_name) from None
    except json.JSONDecodeError as error:
        raise ServiceError("invalid_json", _("文件不是有效的 JSON：%(e)s") % {"e": error}, field_name) from None
    check_value(value, status=400)
    return value


# ------------------------------------------------------------------------------------------------- batching

def batched[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


Progress = Callable[[int, int], None]


def run[P](report: ImportReport, rows: Iterable[tuple[Any, Any]], *, check: Callable[[Any, Any], P | None],
           write: Callable[[list[tuple[Any, P]]], BatchResult], progress: Progress | None = None) -> ImportReport:
    """Check every row (`check(number, raw)` → what `write` needs, None to skip the row as unchanged, or a
    ServiceError), then write the checked rows in batches (`write(batch)`, one transaction each).

    A rejected row stops the import before anything is written (`ImportRejected`, with every rejection); a 403 (the
    actor may not do this at all) at once. Rows `write` rejects (changed by someone else in between) are reported."""
    checked: list[tuple[Any, P]] = []
    for number, raw in rows:
        report.read += 1
        try:
            prepared = check(number, raw)
        except ServiceError as problem:
            if problem.status in (401, 403):
                raise
            report.reject(number, problem)
            continue
        if prepared is None:
            report.unchanged += 1
        else:
            checked.append((number, prepared))
    if report.rejected:
        raise ImportRejected(report)
    done = 0
    for batch in batched(checked, max(1, limit("BATCH_ROWS"))):
        report.add(write(batch))
        done += len(batch)
        if progress is not None:
            progress(done, len(checked))
    return report


# ------------------------------------------------------------------------------------------ the background

def in_background(size: int) -> bool:
    """Whether a file of `size` bytes is imported by the background worker rather than in the request."""
    return size > limit("BACKGROUND_BYTES")


def pack(data: bytes) -> str:
    """A file's bytes as the text a task's arguments can carry."""
    return base64.b64encode(data).decode("ascii")


def unpack(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"))


def start(*, acting_user: Any, name: str, task: Any, data: bytes, **arguments: Any) -> Any:
    """Queue the import of `data` (its bytes travel with the task) and return its JobProgress."""
    from aiplus.core.jobs import start_job

    return start_job(acting_user=acting_user, name=name, task=task, total=0, user_id=acting_user.pk,
                     content=pack(data), **arguments)


def accept(*, acting_user: Any, data: bytes, name: str, task: Any, inline: Callable[[], ImportReport],
           **arguments: Any) -> Any:
    """Import `data` now (`inline()`, the report) or, when it is big, in the worker (the started JobProgress)."""
    if in_background(len(data)):
        return start(acting_user=acting_user, name=name, task=task, data=data, **arguments)
    return inline()


def done(request: Any, result: Any, page: str, *args: Any) -> Any:
    """A page's answer once an upload is accepted: the report as a message and back to `page` (a URL name), or,
    for a file imported in the background, the job's page (its progress, then the report)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    if isinstance(result, ImportReport):
        messages.success(request, result.summary())
        return redirect(page, *args)
    messages.info(request, _("文件较大，正在后台导入；本页显示进度，完成后显示导入报告。"))
    return redirect("core:job", job_id=result.pk)


def run_job(job_id: int, user_id: int, work: Callable[[Any, Progress], ImportReport]) -> dict[str, Any]:
    """Run an import in the worker as the user who started it; the job's result is the report (or the refusal
    with its report). `work(user, progress)` runs the import."""
    from aiplus.core import jobs
    from aiplus.core.models import User

    user = User.objects.get(pk=user_id)
    jobs.begin(job_id, message="importing", params={"done": 0, "total": 0})

    def progress(done: int, total: int) -> None:
        from aiplus.core.models import JobProgress

        JobProgress.objects.filter(pk=job_id).update(total=total)
        jobs.advance(job_id, done=done, message="importing", params={"done": done, "total": total})

    try:
        report = work(user, progress)
    except ServiceError as problem:
        result = problem.as_dict()
        result["message"] = str(problem.message)
        jobs.finish(job_id, failed=True, result=result, message=str(problem.message))
        return result
    answer = report.as_dict()
    jobs.finish(job_id, result=answer, message="imported", params={
        "read": report.read, "created": report.created, "updated": report.updated, "unchanged": report.unchanged,
        "rejected": len(report.rejected)})
    return answer
