"""Support programme benchmark: every programme of the packs decided for 100,000 organisations by the batch engine
(aiplus.support.engine.batch), against the engine's single path, the per-row path through the Django ORM, and
OpenFisca-core computing the same formulas — decisions/s for each, and whether the amounts are identical.

    python bench/programmes.py [--quick] [--json PATH]

Data: bench/_programmes_gen.py, seeded (where registered, kind, answers, log-normal declared amounts, awards held).
- batch: all N organisations × every programme, in memory (the path the policy simulation uses).
- single: `evaluate` per decision (Decision with reasons and citations), on a sample; amounts compared (Decimal).
- per-row ORM: organisations, applications and awards created in a temporary SQLite database (`migrate`), then
  each decision reads its facts and history through the ORM as the finder does (`programmes.decide`,
  `services.history`); a smaller N (stated) — compared with the simulation's bulk path on the same database.
- OpenFisca-core (AGPL): installed at run time into a throwaway virtualenv under /tmp (never a dependency of the
  project); `bench/_programmes_openfisca.py` runs there. If it cannot be installed the baseline is "not run".
--quick: 20,000 organisations in memory, 300 in the database (600 in a full run).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT / "src", ROOT):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import numpy as np  # noqa: E402

from aiplus.regulation.loader import load_packs  # noqa: E402
from aiplus.support.engine import Award, evaluate, load_catalogue  # noqa: E402
from aiplus.support.engine.batch import Applicant, evaluate_batch  # noqa: E402
from bench import _programmes_gen as gen  # noqa: E402
from bench._common import Report, parse_args  # noqa: E402

FULL, QUICK = 100_000, 20_000
ORM_FULL, ORM_QUICK = 600, 300
SINGLE_SAMPLE = 5_000
ON = dt.date(2026, 6, 1)
VENV = Path(tempfile.gettempdir()) / "aiplus-bench-openfisca"
KIND_CODES = [k for k, _s in gen.KINDS]
LEVEL_CODES = ["international", "national", "industry", "group"]


def payable(outcome: str, amount: Decimal | None) -> Decimal:
    return amount if outcome == "eligible" and amount is not None else Decimal("0.00")


def applicants_for(orgs: list[gen.Org], programme: Any) -> list[Applicant]:
    return [Applicant(o.key, gen.facts(o, programme.amount.base, programme.code),
                      [Award(c, y, a) for c, y, a in o.awards]) for o in orgs]


# -- OpenFisca --------------------------------------------------------------------------------------------------

def _fen(value: Decimal) -> int:
    return int(value * 100)


def _fraction(value: Decimal) -> tuple[int, int]:
    f = Fraction(value)
    return f.numerator, f.denominator


def openfisca_spec(catalogue: Any, registry: Any, orgs: list[gen.Org]) -> tuple[dict[str, Any], dict[str, Any]]:
    n = len(orgs)
    number = lambda key: registry.version(key, ON).decimal  # noqa: E731
    inputs: dict[str, Any] = {
        "kind_code": np.array([KIND_CODES.index(o.kind) for o in orgs], dtype=np.int32),
        "affiliated": np.array([-1 if o.affiliated is None else int(o.affiliated) for o in orgs], dtype=np.int32),
        "level_code": np.array([LEVEL_CODES.index(o.standard_level) if o.standard_level else -1 for o in orgs],
                               dtype=np.int32),
        "open_source": np.array([o.open_source for o in orgs], dtype=bool),
    }
    for place in ("suzhou", "shenzhen"):
        inputs[f"in_{place}"] = np.array([place in o.jurisdictions for o in orgs], dtype=bool)
    programmes = []
    for p in catalogue:
        var = p.code.replace(".", "__")
        declared = [o.declared.get(p.code) for o in orgs]
        inputs[f"{var}_base_yuan"] = np.array([int(d) if d is not None else 0 for d in declared], dtype=np.int32)
        inputs[f"{var}_base_cents"] = np.array([_fen(d) % 100 if d is not None else 0 for d in declared],
                                               dtype=np.int32)
        inputs[f"{var}_has_base"] = np.array([d is not None for d in declared], dtype=bool)
        for period, same_year in (("year", True), ("ever", False)):
            inputs[f"{var}_used_{period}_yuan"] = np.array(
                [int(sum(a for c, y, a in o.awards if c == p.code and (y == ON.year or not same_year))) for o in orgs],
                dtype=np.int32)
        inputs[f"{var}_exclusive"] = np.array(
            [any(c in p.stacking.exclusive_with and y == ON.year and a > 0 for c, y, a in o.awards) for o in orgs],
            dtype=bool)
        conditions = []
        for c in p.eligibility:
            wanted = c.value if isinstance(c.value, list) else [c.value]
            if c.fact == "jurisdictions":
                conditions.append({"kind": "place", "input": f"in_{wanted[0]}"})
            elif c.fact == "org_kind":
                conditions.append({"kind": "code", "input": "kind_code", "op": c.op,
                                   "codes": [KIND_CODES.index(w) for w in wanted if w in KIND_CODES]})
            elif c.fact == "standard_level":
                conditions.append({"kind": "code", "input": "level_code", "op": c.op,
                                   "codes": [LEVEL_CODES.index(w) for w in wanted]})
            elif c.fact in ("seller_affiliated", "provider_affiliated"):
                conditions.append({"kind": "flag", "input": "affiliated", "op": c.op})
            elif c.fact == "maintains_open_source_project":
                conditions.append({"kind": "bool", "input": "open_source", "op": c.op})
            elif c.op in ("gte", "lte") and c.fact == p.amount.base:
                conditions.append({"kind": "bound", "input": f"{var}_base", "has": f"{var}_has_base", "op": c.op,
                                   "bound_fen": _fen(number(c.parameter))})
            else:
                raise ValueError(f"{p.code}: no OpenFisca form for the condition on {c.fact}")
        amount = p.amount
        if amount.kind == "fixed":
            formula: dict[str, Any] = {"kind": "fixed", "fen": _fen(Decimal(number(amount.amount)).quantize(
                Decimal("0.01")))}
        elif amount.kind == "rate":
            num, den = _fraction(number(amount.rate))
            formula = {"kind": "rate", "num": num, "den": den}
        else:
            tiers = []
            for t in sorted(amount.tiers, key=lambda t: number(t.minimum) if t.minimum else Decimal(0)):
                num, den = _fraction(number(t.rate)) if t.rate else (0, 1)
                tiers.append({"floor_fen": _fen(number(t.minimum)) if t.minimum else 0,
                              "fen": _fen(number(t.amount)) if t.amount else None, "num": num, "den": den})
            formula = {"kind": "tiers", "tiers": tiers}
        caps = [{"period": period, "fen": _fen(number(key))} for period, key in
                (("award", p.caps.per_award), ("year", p.caps.per_year), ("ever", p.caps.per_applicant)) if key]
        programmes.append({"var": var, "code": p.code, "kind": amount.kind, "conditions": conditions,
                           "formula": formula, "caps": caps, "base_input": f"{var}_base" if amount.base else None,
                           "has_base": f"{var}_has_base", "exclusive_input": f"{var}_exclusive"})
    return {"n": n, "year": ON.year, "programmes": programmes}, inputs


def openfisca_python() -> tuple[str | None, str]:
    """The throwaway virtualenv's interpreter with openfisca-core, installed now if needed; or why not."""
    python = VENV / "bin" / "python"
    probe = [str(python), "-c", "import openfisca_core, importlib.metadata as m; print(m.version('openfisca-core'))"]
    if python.exists():
        done = subprocess.run(probe, capture_output=True, text=True)
        if done.returncode == 0:
            return str(python), done.stdout.strip()
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True, capture_output=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "openfisca-core"], check=True,
                       capture_output=True, text=True, timeout=600)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as problem:
        detail = getattr(problem, "stderr", "") or str(problem)
        return None, f"openfisca-core could not be installed ({str(detail).strip().splitlines()[-1][:200]})"
    done = subprocess.run(probe, capture_output=True, text=True)
    return (str(python), done.stdout.strip()) if done.returncode == 0 else (None, done.stderr.strip()[-200:])


def run_openfisca(catalogue: Any, registry: Any, orgs: list[gen.Org]) -> tuple[dict[str, Any] | None, str]:
    python, version = openfisca_python()
    if python is None:
        return None, version
    spec, inputs = openfisca_spec(catalogue, registry, orgs)
    with tempfile.TemporaryDirectory(prefix="aiplus-bench-of-") as directory:
        spec_path, in_path, out_path = (Path(directory) / name for name in ("spec.json", "in.npz", "out.npz"))
        spec_path.write_text(json.dumps(spec), encoding="utf-8")
        np.savez(in_path, **inputs)
        done = subprocess.run([python, str(ROOT / "bench" / "_programmes_openfisca.py"), str(spec_path),
                               str(in_path), str(out_path)], capture_output=True, text=True)
        if done.returncode != 0:
            return None, f"the OpenFisca script failed: {done.stderr.strip().splitlines()[-1][:200]}"
        seconds = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
        amounts = dict(np.load(out_path))
    return {"seconds": seconds, "amounts": amounts}, version


# -- per-row ORM ------------------------------------------------------------------------------------------------

def run_orm(orgs: list[gen.Org]) -> dict[str, Any]:
    from bench.crossborder import setup_django

    setup_django()
    from django.utils import timezone

    from aiplus.core import services as core_services
    from aiplus.core.models import Jurisdiction, Organisation
    from aiplus.support import programmes, services, simulation
    from aiplus.support.models import Application, Status

    admin = core_services.create_user(acting_user=None, username="bench-admin", password="x-password-123",
                                      is_superuser=True)
    places = {j.code: j for j in Jurisdiction.objects.filter(code__in=["suzhou", "shenzhen", "guangzhou"])}
    rows = Organisation.objects.bulk_create([
        Organisation(name=f"基准扶持{o.key}有限公司", kind=o.kind, credit_code=f"BENCHSUP{o.key:010d}",
                     jurisdiction=places[o.jurisdictions[0]]) for o in orgs])
    pk = {o.key: row.pk for o, row in zip(orgs, rows, strict=True)}
    catalogue = programmes.catalogue()
    apps, decided = [], timezone.now()
    for o in orgs:  # awards first: an organisation's latest application is the one being decided
        for code, year, amount in o.awards:
            apps.append(Application(title="已获", programme_code=code, organisation_id=pk[o.key],
                                    jurisdiction=places[catalogue.get(code).jurisdiction], status=Status.APPROVED,
                                    amount_cny=amount, decided_at=decided.replace(year=year)))
    for o in orgs:
        facts = {} if o.affiliated is None else {"counterparty_affiliated": o.affiliated}
        if o.standard_level:
            facts["standard_level"] = o.standard_level
        for p in catalogue:
            place = places[p.jurisdiction]
            if p.code in o.declared or (p.amount.kind == "fixed" and facts):
                apps.append(Application(title="基准", programme_code=p.code, organisation_id=pk[o.key],
                                        jurisdiction=place, declared_cny=o.declared.get(p.code), facts=facts))
    Application.objects.bulk_create(apps)
    today = ON
    started = time.perf_counter()
    per_row: dict[tuple[str, int], Decimal] = {}
    for org in Organisation.objects.filter(pk__in=pk.values()).order_by("pk"):
        for p in catalogue:
            app = (Application.objects.filter(organisation=org, programme_code=p.code)
                   .order_by("-created_at", "-pk").first())
            answers = services.answers_of(app) if app else {}
            own = app.pk if app else None
            history = services.history(org.pk, excluding=own)
            d = programmes.decide(p, org, answers, on=today, history=history)
            per_row[(p.code, org.pk)] = payable(d.outcome, d.amounts.get("amount_cny"))
    orm_s = time.perf_counter() - started
    started = time.perf_counter()
    bulk: dict[tuple[str, int], Decimal] = {}
    from aiplus.regulation.runtime import parameters

    for p in catalogue:
        people, _names = simulation.applicants(admin, p, today=today)
        mine = set(pk.values())
        for outcome in evaluate_batch(p, parameters(), [x for x in people if x.key in mine], on=today):
            bulk[(p.code, outcome.key)] = payable(outcome.outcome, outcome.amount_cny)
    bulk_s = time.perf_counter() - started
    mismatches = sum(1 for k, v in per_row.items() if bulk.get(k) != v)
    return {"decisions": len(per_row), "orm_s": orm_s, "bulk_s": bulk_s, "mismatches": mismatches}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv, traces=False)
    n, n_orm = (QUICK, ORM_QUICK) if args.quick else (FULL, ORM_FULL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        catalogue = load_catalogue(ROOT / "packs")
        registry = load_packs(ROOT / "packs", ["suzhou", "guangdong"]).parameters
    orgs = gen.generate(n, ON.year)
    programmes_ = list(catalogue)
    report = Report("programmes", {"organisations": n, "programmes": len(programmes_), "orm_organisations": n_orm,
                                   "single_sample": SINGLE_SAMPLE, "seed": gen.SEED, "quick": bool(args.quick)})
    case = f"{n:,} orgs × {len(programmes_)} programmes"

    # batch: the facts are built before timing (the simulation gathers them in bulk; see the ORM case for that cost)
    prepared = {p.code: applicants_for(orgs, p) for p in programmes_}
    started = time.perf_counter()
    ours = {p.code: [payable(o.outcome, o.amount_cny) for o in evaluate_batch(p, registry, prepared[p.code], on=ON)]
            for p in programmes_}
    batch_s = time.perf_counter() - started
    decisions = n * len(programmes_)
    report.add(case, "aiplus batch", "decisions/s", decisions / batch_s, "1/s")
    qualifying = {code: sum(1 for a in amounts if a > 0) for code, amounts in ours.items()}
    print("qualifying per programme:", qualifying)

    # single path on a sample
    sample = list(range(0, n, max(1, n // SINGLE_SAMPLE)))[:SINGLE_SAMPLE]
    started = time.perf_counter()
    single_mismatch = 0
    for p in programmes_:
        for i in sample:
            a = prepared[p.code][i]
            d = evaluate(p, registry, facts=a.facts, on=ON, history=a.history)
            if payable(d.outcome, d.amounts.get("amount_cny")) != ours[p.code][i]:
                single_mismatch += 1
    single_s = time.perf_counter() - started
    report.add(f"sample {len(sample):,} orgs × {len(programmes_)}", "aiplus single", "decisions/s",
               len(sample) * len(programmes_) / single_s, "1/s")

    # OpenFisca-core, same formulas, same organisations
    of, version = run_openfisca(catalogue, registry, orgs)
    of_mismatch: int | None = None
    if of is not None:
        report.add(case, f"OpenFisca-core {version}", "decisions/s", decisions / of["seconds"], "1/s")
        of_mismatch = 0
        for p in programmes_:
            theirs = of["amounts"][p.code.replace(".", "__")]
            of_mismatch += sum(1 for i, a in enumerate(ours[p.code]) if int(a * 100) != int(theirs[i]))

    # per-row through the ORM, on a smaller register
    orm = run_orm(orgs[:n_orm])
    orm_case = f"{n_orm:,} orgs × {len(programmes_)} (SQLite)"
    report.add(orm_case, "per-row ORM", "decisions/s", orm["decisions"] / orm["orm_s"], "1/s")
    report.add(orm_case, "aiplus bulk facts + batch", "decisions/s", orm["decisions"] / orm["bulk_s"], "1/s")

    print(report.table(digits=0))
    compared = len(sample) * len(programmes_)
    print(f"amounts: batch vs single path on {compared:,} decisions: {single_mismatch} mismatches")
    if of_mismatch is None:
        print(f"OpenFisca-core: not run: {version}")
    else:
        print(f"amounts: batch vs OpenFisca-core on {decisions:,} decisions: {of_mismatch} mismatches")
    print(f"amounts: per-row ORM vs bulk + batch on {orm['decisions']:,} decisions: {orm['mismatches']} mismatches")
    report.params.update(single_mismatches=single_mismatch, openfisca_mismatches=of_mismatch,
                         orm_mismatches=orm["mismatches"], qualifying=qualifying,
                         openfisca=version if of is not None else f"not run: {version}")
    if args.json:
        Path(args.json).write_text(json.dumps({"benchmark": report.benchmark, "params": report.params,
                                               "rows": report.rows}, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0 if (single_mismatch == 0 and not of_mismatch and orm["mismatches"] == 0) else 1


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aiplus.settings")
    sys.exit(main())
