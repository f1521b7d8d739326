"""Cross-border pathway decisions per second: the numpy batch path against the one-at-a-time engine.

1,000,000 transfers are generated deterministically (seed 20240322) around the Order No. 16 thresholds:
CIIO flags, important data (designated or not), sensitive PI, the six claimable exemptions, FTZ codes with
and without a negative list, last year's counters (the 1 January reset), recipients in the mainland, HK and
abroad, and a small share of unknown facts (those rows go through the scalar search for missing facts inside
the batch path). The batch is validated once, the pack parameters are read once, the thresholds are compared
as arrays, and full `Decision` objects are built only on demand. On a sample, every batch result (pathway,
exemption, missing facts) is checked against the one-at-a-time engine, which is also the baseline
(`one-at-a-time`: pydantic validation + `assess_transfer` with reasons, per transfer).

`naive-orm`: one-at-a-time through the Django database layer in a temporary SQLite database the script creates
(DATABASE_URL at a temp file, `migrate`): per transfer, read the processor's counter row, decide, write the
counter, transfer and decision rows (800 transfers with --quick, 5,000 without). `search_p95_ms`: the catalogue
search selector (rjieba tokens matched as whole tokens through the SQLite FTS5 index, an open-attribute facet on a
third of the queries) over 100,000 datasets in the same database, first page plus count.

    python bench/crossborder.py [--quick] [--json PATH]
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
import warnings
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from aiplus.datahub.crossborder import TransferCase, assess_transfer, classify_batch  # noqa: E402
from aiplus.datahub.crossborder.batch import TransferBatch  # noqa: E402
from aiplus.datahub.crossborder.logic import CLAIM_ORDER  # noqa: E402
from aiplus.rules import Citation, ParameterRegistry, ParameterStatus, ParameterVersion  # noqa: E402
from bench._common import Report, parse_args  # noqa: E402

SEED = 20240322
FULL_TRANSFERS = 1_000_000
QUICK_TRANSFERS = 1_000_000  # the batch is fast enough; --quick shrinks the scalar sample and the repeats
FULL_SAMPLE, QUICK_SAMPLE = 5_000, 1_500
UNKNOWN_SHARE = 0.005
COUNTRIES = ("US", "DE", "SG", "JP", "GB", "HK", "MO", "CN", "FR", "AU")
FTZ = ("shanghai-lingang", "tianjin", "beijing", "guangdong-nansha", "hainan", "guangdong-qianhai")
MY_FILES = (
    ROOT / "packs" / "national" / "parameters" / "crossborder.yaml",
    ROOT / "packs" / "gba" / "parameters" / "crossborder.yaml",
)


def load_registry() -> tuple[ParameterRegistry, str]:
    """The national + gba packs through the pack loader (or the two YAML files if a pack is not ready)."""
    try:
        from aiplus.regulation.loader import PackError, default_packs_root, load_packs

        try:
            return load_packs(default_packs_root(), ["national", "gba"]).parameters, "pack loader"
        except PackError as error:
            if Path(error.file).resolve() in {path.resolve() for path in MY_FILES}:
                raise
            note = f"pack loader failed outside the cross-border files ({error})"
    except ImportError:
        note = "pack loader not importable"
    import yaml

    registry = ParameterRegistry()
    for path in MY_FILES:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        registry.register(
            [
                ParameterVersion(
                    key=p["key"],
                    value=v["value"],
                    effective_from=v["effective_from"],
                    effective_to=v.get("effective_to"),
                    citation=Citation(**v["citation"]),
                    status=ParameterStatus(v["status"]),
                    unit=p.get("unit", ""),
                    source=str(path),
                )
                for p in document["parameters"]
                for v in p["versions"]
            ]
        )
    return registry, f"YAML read directly ({note})"


def generate(n: int, seed: int = SEED) -> TransferBatch:
    """Deterministic transfers clustered around the thresholds (2025-12-01 … 2026-01-31, across the reset)."""
    rng = np.random.default_rng(seed)

    def tri(yes: float) -> np.ndarray:
        values = (rng.random(n) < yes).astype(np.int8)
        values[rng.random(n) < UNKNOWN_SHARE] = -1
        return values

    def counts(levels: list[int], spread: int, unknown: bool) -> np.ndarray:
        values = rng.choice(np.array(levels, np.int64), n) + rng.integers(-spread, spread + 1, n)
        values = np.maximum(values, 0)
        if unknown:
            values[rng.random(n) < UNKNOWN_SHARE] = -1
        return values

    days = np.datetime64("2025-12-01") + rng.integers(0, 62, n).astype("timedelta64[D]")
    years = days.astype("datetime64[Y]").astype(np.int32) + 1970
    claims = np.zeros(n, np.uint8)
    claimed = rng.random(n) < 0.12
    claims[claimed] = (1 << rng.integers(0, len(CLAIM_ORDER), int(claimed.sum()))).astype(np.uint8)
    cat_personal = rng.random(n) < 0.75
    cat_sensitive = rng.random(n) < 0.25
    return TransferBatch(
        transfer_on=days,
        country=rng.integers(0, len(COUNTRIES), n).astype(np.int16),
        country_table=COUNTRIES,
        cat_personal=cat_personal,
        cat_sensitive=cat_sensitive,
        cat_important=rng.random(n) < 0.08,
        important_designated=np.where(rng.random(n) < 0.5, tri(0.4), -1).astype(np.int8),
        is_ciio=tri(0.05),
        in_ftz=tri(0.3),
        ftz=rng.integers(-1, len(FTZ), n).astype(np.int16),
        ftz_table=FTZ,
        claims=claims,
        cumulative_year=(years - (rng.random(n) < 0.1)).astype(np.int32),
        cumulative_pi=counts([0, 20_000, 99_990, 500_000, 999_990], 10, unknown=True),
        cumulative_sensitive=counts([0, 3_000, 9_995], 5, unknown=True),
        new_pi=np.where(cat_personal, counts([1, 10, 1_000, 50_000], 0, unknown=True), 0),
        new_sensitive=np.where(cat_sensitive, counts([1, 5, 200], 0, unknown=True), 0),
    )


def bench_batch(batch: TransferBatch, registry: ParameterRegistry, repeats: int) -> tuple[float, Any]:
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = classify_batch(batch, registry)
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_scalar(
    batch: TransferBatch, registry: ParameterRegistry, rows: np.ndarray
) -> tuple[float, list[Any]]:
    payloads = [batch.row_case(int(i)) for i in rows]
    start = time.perf_counter()
    decisions = [assess_transfer(registry, TransferCase.model_validate(p)) for p in payloads]
    return time.perf_counter() - start, decisions


NAIVE_FULL, NAIVE_QUICK = 5_000, 800
SEARCH_DATASETS = 100_000
SEARCH_QUERIES_FULL, SEARCH_QUERIES_QUICK = 200, 60
PROCESSORS = 50
_django_ready: dict[str, Any] = {}


def setup_django() -> dict[str, Any]:
    """A temporary SQLite database (DATABASE_URL at a temp file), migrated, with Suzhou's reference data."""
    if _django_ready:
        return _django_ready
    import tempfile

    directory = tempfile.mkdtemp(prefix="aiplus-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{directory}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiplus.settings")
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    from aiplus.core.models import Jurisdiction, Organisation
    from aiplus.core.reference import sync_jurisdictions

    sync_jurisdictions()
    place = Jurisdiction.objects.get(code="suzhou")
    organisations = Organisation.objects.bulk_create([
        Organisation(name=f"基准测试{i}有限公司", kind="enterprise", credit_code=f"BENCH{i:013d}", jurisdiction=place)
        for i in range(PROCESSORS)])
    _django_ready.update(directory=directory, place=place, organisations=organisations,
                         migrate_s=time.perf_counter() - started)
    print(f"django: temporary SQLite database in {directory}, migrated in {_django_ready['migrate_s']:.1f} s")
    return _django_ready


def naive_orm(report: Report, batch: TransferBatch, registry: ParameterRegistry, n: int, case: str) -> None:
    """One-at-a-time through the Django database layer: per transfer, read the processor's counter row, decide,
    write the counter, the transfer row and the decision row (one transaction each)."""
    import json

    ready = setup_django()
    from django.db import transaction

    from aiplus.core.calendar import add_working_days
    from aiplus.datahub.crossborder import AnnualCounter as CounterValue
    from aiplus.datahub.crossborder import apply_transfer
    from aiplus.datahub.crossborder.counters import period_start
    from aiplus.datahub.models import AnnualCounter, PathDecision, Processor, TransferRecord

    processors = Processor.objects.bulk_create([
        Processor(organisation=o, jurisdiction=ready["place"]) for o in ready["organisations"]])
    payloads = [batch.row_case(i) for i in range(n)]
    outcomes: dict[str, int] = {}
    started = time.perf_counter()
    for index, payload in enumerate(payloads):
        processor = processors[index % len(processors)]
        with transaction.atomic():
            day = dt.date.fromisoformat(str(payload["transfer"]["transfer_on"]))
            start = period_start(day)
            row = AnnualCounter.objects.select_for_update().filter(processor=processor, period_start=start).first()
            payload["cumulative"] = {"year": day.year, "pi_people": row.pi_people if row else 0,
                                     "sensitive_pi_people": row.sensitive_pi_people if row else 0}
            transfer_case = TransferCase.model_validate(payload)
            decision = assess_transfer(registry, transfer_case, add_working_days)
            counter = apply_transfer(
                CounterValue(row.period_start, row.pi_people, row.sensitive_pi_people) if row else None, on=day,
                pi_people=transfer_case.transfer.pi_people or 0,
                sensitive_pi_people=transfer_case.transfer.sensitive_pi_people or 0)
            row = row or AnnualCounter(processor=processor, period_start=counter.period_start)
            row.pi_people, row.sensitive_pi_people = counter.pi_people, counter.sensitive_pi_people
            row.save()
            record = TransferRecord.objects.create(
                processor=processor, jurisdiction=ready["place"], organisation_id=processor.organisation_id,
                recipient=transfer_case.transfer.recipient, country_or_region=transfer_case.transfer.country_or_region,
                data_categories=[c.value for c in transfer_case.transfer.data_categories],
                pi_people=transfer_case.transfer.pi_people or 0,
                sensitive_pi_people=transfer_case.transfer.sensitive_pi_people or 0, transfer_on=day,
                case=transfer_case.model_dump(mode="json"))
            PathDecision.objects.create(transfer=record, jurisdiction=ready["place"],
                                        organisation_id=processor.organisation_id, outcome=decision.outcome,
                                        decision=json.loads(json.dumps(decision.as_dict(), default=str)))
        outcomes[decision.outcome] = outcomes.get(decision.outcome, 0) + 1
    elapsed = time.perf_counter() - started
    report.add(case, "naive-orm", "decisions_per_s", n / elapsed, "decisions/s")
    print(f"naive-orm: {n:,} transfers through the ORM (SQLite) in {elapsed:.2f} s; outcomes {outcomes}")


SECTORS = ("交通", "医疗", "教育", "金融", "制造", "农业", "环境", "文旅", "政务", "能源")
SUBJECTS = ("企业登记", "道路监测", "门诊记录", "学籍统计", "信贷风险", "设备故障", "气象观测", "景区客流",
            "不动产登记", "电力负荷", "语音识别", "图像标注", "法律文书", "专利摘要", "空气质量", "公交线路")
PLACES = ("苏州市", "深圳市", "广州市", "工业园区", "昆山市", "南山区")
KINDS = ("数据集", "训练语料", "统计数据", "接口数据", "标注数据")


def search_p95(report: Report, quick: bool) -> None:
    """p95 latency of the catalogue search (rjieba tokens, whole-token FTS5 match, facets filter) over 100,000
    datasets in SQLite: the selector's query plus the first page and the count, as the list page runs them."""
    ready = setup_django()
    import random

    from django.contrib.auth.models import AnonymousUser

    from aiplus.datahub import selectors
    from aiplus.datahub.models import Dataset, Modality, OpenAttribute
    from aiplus.datahub.search import tokens_for

    open_values, modalities = list(OpenAttribute.values), list(Modality.values)

    rng = random.Random(SEED)
    organisations = ready["organisations"]
    token_cache: dict[str, str] = {}
    started = time.perf_counter()
    # One executemany (the ORM's bulk_create is capped at 999 SQLite parameters per statement, ~33 rows).
    from django.db import connection, transaction

    # Every column but the ones each row sets comes from the model: a template row gives it the value the model's
    # default (or auto_now) gives, prepared for this database as the ORM would, so a NOT NULL column added later
    # (source_graph, source_identifier) is filled without this script having to list it.
    varying = ["identifier", "title", "description", "sector", "provider_id", "open_attribute", "modality",
               "is_published", "search_tokens"]
    fields = {f.attname: f for f in Dataset._meta.concrete_fields if not f.primary_key}
    assert set(varying) <= set(fields), set(varying) - set(fields)
    template = Dataset(jurisdiction=ready["place"], language="zh")
    constant = [f for name, f in fields.items() if name not in varying]
    fixed = tuple(f.get_db_prep_save(f.pre_save(template, add=True), connection) for f in constant)
    names = [*(f.column for f in constant), *(fields[name].column for name in varying)]
    rows = []
    for i in range(SEARCH_DATASETS):
        sector, subject = rng.choice(SECTORS), rng.choice(SUBJECTS)
        title = f"{rng.choice(PLACES)}{sector}{subject}{rng.choice(KINDS)}"
        if title not in token_cache:
            token_cache[title] = tokens_for(title, sector)
        rows.append((*fixed, f"bench-{i:06d}", title, f"{sector}领域{subject}，第{i % 97}批", sector,
                     organisations[i % len(organisations)].pk, rng.choice(open_values), rng.choice(modalities),
                     rng.random() < 0.8, token_cache[title]))
    sql = (f"INSERT INTO {Dataset._meta.db_table} ({', '.join(names)}) "
           f"VALUES ({', '.join(['%s'] * len(names))})")
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # A bulk load: the full-text index is rebuilt once instead of row by row through its trigger.
            import importlib

            index = importlib.import_module("aiplus.datahub.migrations.0002_search_index")
            cursor.execute("DROP TRIGGER datahub_dataset_fts_ai")
            cursor.executemany(sql, rows)
            cursor.execute(index.SQLITE_UP[-1])  # 'rebuild'
            cursor.execute(index.SQLITE_UP[1])  # the insert trigger again
        else:
            cursor.executemany(sql, rows)
    print(f"search: {SEARCH_DATASETS:,} datasets indexed and inserted in {time.perf_counter() - started:.1f} s")
    queries = [rng.choice(SUBJECTS) for _ in range(SEARCH_QUERIES_QUICK if quick else SEARCH_QUERIES_FULL)]
    queries[::4] = [f"{rng.choice(SECTORS)} {rng.choice(SUBJECTS)}" for _ in queries[::4]]
    user = AnonymousUser()
    timings = []
    hits = 0
    for index, query in enumerate(queries):
        facet = {"open_attribute": "conditional"} if index % 3 == 0 else {}
        start = time.perf_counter()
        result = selectors.search_datasets(user, q=query, **facet)
        page = list(result[:25])
        hits += result.count()
        timings.append((time.perf_counter() - start) * 1000)
        assert len(page) <= 25
    p95 = float(np.percentile(timings, 95))
    report.add(f"{SEARCH_DATASETS:,} datasets", "aiplus", "search_p95_ms", p95, "ms")
    print(f"search: {len(queries)} queries, median {np.median(timings):.1f} ms, p95 {p95:.1f} ms, "
          f"{hits / len(queries):,.0f} hits per query on average")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv)
    n = QUICK_TRANSFERS if args.quick else FULL_TRANSFERS
    sample_size = QUICK_SAMPLE if args.quick else FULL_SAMPLE
    repeats = 2 if args.quick else 3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        registry, source = load_registry()
    print(f"parameters: {source}")

    started = time.perf_counter()
    batch = generate(n)
    generated_s = time.perf_counter() - started
    batch_s, result = bench_batch(batch, registry, repeats)
    sample = np.random.default_rng(SEED + 1).choice(n, sample_size, replace=False)
    scalar_s, decisions = bench_scalar(batch, registry, sample)

    mismatches = 0
    for index, decision in zip(sample, decisions, strict=True):
        i = int(index)
        got = (result.outcome_name(i), result.exemption_name(i), sorted(result.missing.get(i, ())))
        want = (decision.outcome, decision.data.get("exemption"), sorted(decision.missing))
        if got != want:
            mismatches += 1
            if mismatches <= 3:
                print(f"MISMATCH row {i}: batch {got} != engine {want}")

    case = f"{n:,} transfers"
    report = Report(
        "crossborder",
        {
            "transfers": n,
            "seed": SEED,
            "scalar_sample": sample_size,
            "repeats": repeats,
            "unknown_share": UNKNOWN_SHARE,
            "incomplete_rows": len(result.missing),
            "quick": bool(args.quick),
            "parameters": source,
            "outcomes": result.tally(),
        },
    )
    report.add(case, "aiplus", "decisions_per_s", n / batch_s, "decisions/s")
    report.add(case, "one-at-a-time", "decisions_per_s", sample_size / scalar_s, "decisions/s")
    report.add(case, "aiplus", "sample_mismatches", mismatches, "rows")
    naive_orm(report, batch, registry, NAIVE_QUICK if args.quick else NAIVE_FULL, case)
    search_p95(report, bool(args.quick))

    print(
        f"generated {n:,} transfers in {generated_s:.2f} s; batch best of {repeats}: {batch_s:.3f} s; "
        f"scalar sample {sample_size:,}: {scalar_s:.2f} s"
    )
    print(f"outcomes: {result.tally()}")
    print(f"batch vs one-at-a-time on {sample_size:,} sampled rows: {mismatches} mismatches")
    print(report.table())
    report.write(args.json)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
