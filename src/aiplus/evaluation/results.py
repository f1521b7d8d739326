"""A run's results from its stored items (each counted once): the plan's rate with its Wilson interval, the verdict
against the pack's threshold (too small to decide below the pack's minimum sample), the same per Appendix A risk;
the payload a signed report carries; verification of a report; the item-by-item comparison of two runs."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Any

from django.utils import timezone

from aiplus.evaluation.harness import stats
from aiplus.evaluation.models import Plan, Report, Run, RunItem, RunItemStatus
from aiplus.regulation.runtime import parameters

# plan → (rate name, counts refusals instead of passes, threshold key, at least?, sample minimum key)
RULES: dict[str, tuple[str, bool, str | None, bool, str | None]] = {
    Plan.GENERATED: ("pass_rate", False, "genai.generated.pass_rate_min", True, "genai.generated.sample_min"),
    Plan.SHOULD_REFUSE: ("refusal_rate", False, "genai.refusal.should_refuse_rate_min", True,
                         "genai.refusal.sample_min"),
    Plan.NON_REFUSAL: ("refusal_rate", True, "genai.refusal.non_refusal_rate_max", False, "genai.refusal.sample_min"),
    Plan.CLOSED_FORM: ("accuracy", False, None, True, None),
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _rate(successes: int, n: int) -> dict[str, Any]:
    rate = stats.Rate(successes, n)
    low, high = rate.interval
    return {"successes": successes, "n": n, "value": round(rate.value, 4) if rate.value is not None else None,
            "low": round(low, 4), "high": round(high, 4)}


def summarise(run: Run) -> dict[str, Any]:
    name, counts_failures, threshold_key, at_least, sample_key = RULES[run.plan]
    day = timezone.localdate()
    registry = parameters()
    threshold = float(registry.value(threshold_key, day)) if threshold_key else None
    sample_min = int(registry.value(sample_key, day)) if sample_key else None
    counts = {"pending": 0, "error": 0}
    by_risk: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    successes = answered = reviewed = disputed = 0
    for status, risk, judged, human, dispute in RunItem.objects.filter(run=run).values_list(
            "status", "risk_code", "judged_passed", "human_passed", "disputed"):
        if status != RunItemStatus.ANSWERED:
            counts[status] += 1
            continue
        passed = human if human is not None else judged
        reviewed += human is not None
        disputed += bool(dispute) and human is None
        hit = int(bool(passed) != counts_failures)  # a non-refusal item counts when it was refused
        answered += 1
        successes += hit
        by_risk[risk][0] += hit
        by_risk[risk][1] += 1
    verdict = stats.verdict(stats.Rate(successes, answered), threshold=threshold, at_least=at_least,
                            sample_min=sample_min)
    return {
        "plan": run.plan, "n": run.sample_size, "answered": answered, "errors": counts["error"],
        "pending": counts["pending"], "reviewed": reviewed, "disputed": disputed,
        "rate": {"name": name, **_rate(successes, answered)}, "verdict": verdict.as_dict(),
        "parameters": [{"key": key, "value": str(registry.value(key, day)),
                        "status": registry.version(key, day).status} for key in (threshold_key, sample_key) if key],
        "risks": [{"code": code or "", **_rate(hit, n)} for code, (hit, n) in sorted(by_risk.items())],
    }


def judge_versions(run: Run) -> list[str]:
    found: set[str] = set()
    for judges in RunItem.objects.filter(run=run, status=RunItemStatus.ANSWERED).values_list("judges", flat=True):
        found.update(f"{name}:{value.get('version')}" for name, value in (judges or {}).items())
    return sorted(found)


def report_payload(run: Run) -> dict[str, Any]:
    version = run.version
    return {
        "run": run.pk, "plan": run.plan, "sample_size": run.sample_size, "seed": run.seed,
        "service": {"name": run.endpoint.name, "model": run.endpoint.model_name,
                    "registered_model": run.endpoint.ai_model_id},
        "bank": {"name": version.bank.name, "version": version.pk, "number": version.number,
                 "digest": version.digest},
        "keyword_bank_digest": run.keyword_version.digest if run.keyword_version is not None else None,
        "judge_versions": judge_versions(run), "results": run.results,
    }


def verify(*, data: bytes | None = None, digest: str = "") -> tuple[Report | None, bool]:
    """The report a file or a hash (of the PDF or of the payload) names, and whether its signature holds."""
    from aiplus.evaluation import signing

    key = sha256(data) if data else str(digest or "").strip().lower()
    if len(key) != 64:
        return None, False
    report = Report.objects.select_related("run", "run__endpoint").filter(pdf_sha256=key).first() or \
        Report.objects.select_related("run", "run__endpoint").filter(payload_sha256=key).first()
    if report is None:
        return None, False
    payload = report.payload
    return report, signing.digest(payload) == report.payload_sha256 and signing.valid(payload, report.signature)


def compare(before: Run, after: Run) -> dict[str, Any]:
    """Item by item over the items both runs answered: regressions (passed before, failed after), fixes, same."""
    def outcomes(run: Run) -> dict[int, bool]:
        rows = RunItem.objects.filter(run=run, status=RunItemStatus.ANSWERED).values_list(
            "item_id", "judged_passed", "human_passed", "position")
        return {item: bool(human if human is not None else judged) for item, judged, human, _p in rows}

    a, b = outcomes(before), outcomes(after)
    common = sorted(set(a) & set(b))
    regressions = [i for i in common if a[i] and not b[i]]
    fixes = [i for i in common if not a[i] and b[i]]
    return {"common": len(common), "regressions": regressions, "fixes": fixes,
            "unchanged": len(common) - len(regressions) - len(fixes)}
