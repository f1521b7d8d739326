"""Policy simulation (issue 16 §5): an official changes a programme's numbers or conditions and sees, before
anything is published, how many organisations qualify, the total cost against the budget, and who gains or loses.

The run is a background job (`aiplus.core.jobs`: a JobProgress row drawn as a progress bar) whose result payload
holds the figures and the changes; nothing else is written, and the published programme (pack data) is never
changed. The job evaluates the programme as it is and as changed over every organisation of the register the
official may see, with the engine's batch path (`aiplus.support.engine.batch`) on facts gathered in bulk:

- from the registers: where each organisation is registered (with the jurisdictions above), its kind, whether it
  maintains an open-source project published here (`programmes.KNOWN_FACTS`, the finder's facts);
- from the organisation's latest application to the programme, if any: the declared amount and its answers
  (an organisation that never applied has no amount to compute a share of, so a rate or tiered programme finds
  it "incomplete");
- its approved awards (all programmes, that application's own excepted) for the caps and the stacking rules.

The organisations whose outcome or amount changes are then decided once more by the single path (`evaluate`), for
the reasons in words shown beside them; the two paths must agree on the amount, or the job fails.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.algorithms.models import OpenSourceProject
from aiplus.core import jobs, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import JobProgress, Jurisdiction, Organisation, User
from aiplus.regulation.runtime import parameters
from aiplus.rules.money import money
from aiplus.rules.parameters import ParameterRegistry
from aiplus.support import programmes
from aiplus.support.engine import Award, Programme, evaluate
from aiplus.support.engine.batch import Applicant, Outcome, evaluate_batch
from aiplus.support.engine.evaluate import ZERO
from aiplus.support.engine.scenario import Change, changed
from aiplus.support.models import Application, Budget, Status

JOB_PREFIX = "support.simulation:"  # a simulation job's name: the prefix and the programme's code
MAX_CHANGES = 20_000  # changes kept in a job's result (the counts and totals cover every organisation)
CATEGORIES = ("gains", "loses", "more", "less")
CATEGORY_LABELS: dict[str, Any] = {
    "gains": _("新增符合条件"), "loses": _("不再符合条件"), "more": _("金额增加"), "less": _("金额减少"),
}
OUTCOME_LABELS: dict[str, Any] = {
    "eligible": _("符合条件"), "ineligible": _("不符合条件"), "incomplete": _("信息不全"),
    "nothing_payable": _("无可支付金额"), "over_budget": _("超出预算"),
}
_AMOUNT_CODES = ("fixed", "by_rate", "tier", "below_tiers", "cap:", "no_double_funding", "over_budget")


# -- who may simulate --------------------------------------------------------------------------------------------

def programme_jurisdiction(programme: Programme) -> Jurisdiction | None:
    return Jurisdiction.objects.filter(code=programme.jurisdiction).first()


def may_simulate(user: Any, programme: Programme) -> bool:
    """Officials of the programme's jurisdiction (or of one above it), and the platform operator; not auditors,
    not members of organisations."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    jurisdiction = programme_jurisdiction(programme)
    return jurisdiction is not None and jurisdiction.pk in permissions.user_jurisdiction_ids(user, "add")


def programme_for(user: Any, code: str) -> Programme:
    """The programme `user` may simulate: 404 if there is none, 403 if the user is not one of its officials."""
    found = programmes.programme(code)
    if found is None:
        raise NotFoundError()
    if not may_simulate(user, found):
        raise PermissionDeniedError(_("只有该扶持项目所在辖区的主管部门工作人员可以进行政策模拟。"))
    return found


# -- starting a run ----------------------------------------------------------------------------------------------

def change_as_json(change: Change) -> dict[str, Any]:
    return {"values": {k: str(v) for k, v in sorted(change.values.items())}, "dropped": sorted(change.dropped),
            "condition_values": {str(k): list(v) for k, v in sorted(change.condition_values.items())}}


def change_from_json(data: dict[str, Any]) -> Change:
    return Change(values={k: Decimal(v) for k, v in data.get("values", {}).items()},
                  dropped=frozenset(int(i) for i in data.get("dropped", [])),
                  condition_values={int(k): tuple(v) for k, v in data.get("condition_values", {}).items()})


@transaction.atomic
def start_simulation(*, acting_user: User, programme_code: str, change: Change) -> JobProgress:
    """Queue a simulation of `programme_code` as changed by `change` (one audit row: the job started)."""
    programme = programme_for(acting_user, programme_code)
    if change.empty:
        raise ServiceError("nothing_changed", _("请至少修改一个参数或条件后再模拟。"))
    try:
        changed(programme, parameters(), change)
    except ValueError as problem:
        raise ServiceError("invalid_change", _("修改的参数或条件不属于该扶持项目。")) from problem
    job = jobs.start_job(acting_user=acting_user, name=f"{JOB_PREFIX}{programme.code}", task=run_simulation,
                         user_id=acting_user.pk, programme_code=programme.code, change=change_as_json(change))
    # what was asked, readable while the job runs (the task replaces it with the figures)
    JobProgress.objects.filter(pk=job.pk).update(result={"programme": programme.code,
                                                         "change": change_as_json(change)})
    job.refresh_from_db()
    return job


def simulations(user: Any, programme_code: str | None = None) -> Any:
    """The user's own simulation runs (a job is seen by the user who started it only), newest first."""
    rows = JobProgress.objects.restrict(user, "view").filter(name__startswith=JOB_PREFIX)
    if programme_code is not None:
        rows = rows.filter(name=f"{JOB_PREFIX}{programme_code}")
    return rows.order_by("-created_at")


def simulation(user: Any, job_id: int) -> JobProgress:
    """One of the user's simulation runs (404 otherwise), while the user may still simulate its programme."""
    found = simulations(user).filter(pk=job_id).first()
    if found is None:
        raise NotFoundError()
    programme_for(user, found.name.removeprefix(JOB_PREFIX))
    return found


# -- the register, in bulk ---------------------------------------------------------------------------------------

def _chains() -> Callable[[int], list[str]]:
    """A jurisdiction's code and those of every jurisdiction above it (one query for all)."""
    rows = {r["id"]: (r["code"], r["parent_id"]) for r in Jurisdiction.objects.values("id", "code", "parent_id")}
    memo: dict[int, list[str]] = {}

    def chain(jurisdiction_id: int) -> list[str]:
        if jurisdiction_id not in memo:
            codes: list[str] = []
            seen: set[int] = set()
            current: int | None = jurisdiction_id
            while current is not None and current not in seen and current in rows:
                seen.add(current)
                code, current = rows[current]
                codes.append(code)
            memo[jurisdiction_id] = codes
        return memo[jurisdiction_id]

    return chain


def applicants(user: Any, programme: Programme, *, today: dt.date | None = None) -> tuple[list[Applicant],
                                                                                        dict[int, str]]:
    """Every organisation of the register `user` may see as an applicant to `programme`, in a handful of queries
    (not per organisation), and their names."""
    today = today or timezone.localdate()
    organisations = list(Organisation.objects.restrict(user, "view").order_by("pk")
                         .values_list("pk", "name", "kind", "jurisdiction_id"))
    chain = _chains()
    maintainers = set(OpenSourceProject.objects.filter(is_published=True).values_list("organisation_id", flat=True))
    latest: dict[int, dict[str, Any]] = {}
    row: dict[str, Any]
    for row in (Application.objects.filter(programme_code=programme.code)  # type: ignore[assignment]
                .order_by("organisation_id", "-created_at", "-pk")
                .values("pk", "organisation_id", "declared_cny", "facts", "cost_ref")):
        latest.setdefault(row["organisation_id"], row)
    awards: dict[int, list[tuple[int, Award]]] = defaultdict(list)
    for row in (Application.objects.filter(status__in=(Status.APPROVED, Status.PAID),  # type: ignore[assignment]
                                           amount_cny__isnull=False)
                .values("pk", "organisation_id", "programme_code", "decided_at", "amount_cny", "cost_ref")):
        year = timezone.localtime(row["decided_at"]).year if row["decided_at"] else today.year
        awards[row["organisation_id"]].append(
            (row["pk"], Award(row["programme_code"], year, row["amount_cny"] or ZERO, row["cost_ref"])))
    contributed = programmes.contributed_facts([pk for pk, _name, _kind, _j in organisations])
    found = []
    for pk, _name, kind, jurisdiction_id in organisations:
        application = latest.get(pk)
        facts: dict[str, Any] = {}
        if application is not None:
            answers = dict(application["facts"])
            if application["declared_cny"] is not None:
                answers["declared_cny"] = application["declared_cny"]
            facts = programmes.answers_to_facts(programme, answers)
        facts.update(contributed[pk])  # as in the finder: the registers' facts, then what the platform itself knows
        facts.update({"jurisdictions": chain(jurisdiction_id), "org_kind": kind,
                      "maintains_open_source_project": pk in maintainers})
        own = application["pk"] if application is not None else None
        history = [award for app_pk, award in awards.get(pk, []) if app_pk != own]
        found.append(Applicant(pk, facts, history, application["cost_ref"] if application is not None else ""))
    return found, {pk: name for pk, name, _kind, _j in organisations}


def budget_of(programme: Programme, registry: ParameterRegistry, year: int) -> Decimal | None:
    """The year's budget: the one opened for the programme, else its budget parameter."""
    opened = Budget.objects.filter(programme_code=programme.code, year=year).values_list("amount_cny", flat=True)
    for amount in opened:
        return money(Decimal(amount))
    if programme.budget and programme.budget in registry:
        try:
            return money(registry.version(programme.budget, dt.date(year, 12, 31)).decimal)
        except LookupError:
            return None
    return None


# -- the run -----------------------------------------------------------------------------------------------------

def _totals(outcomes: Iterable[Outcome]) -> dict[str, Any]:
    counts: dict[str, int] = defaultdict(int)
    total = ZERO
    for outcome in outcomes:
        counts[outcome.outcome] += 1
        if outcome.qualifies and outcome.amount_cny is not None:
            total += outcome.amount_cny
    return {"qualifying": counts["eligible"], "total_cny": str(total), "outcomes": dict(sorted(counts.items()))}


def _category(before: Outcome, after: Outcome) -> str | None:
    if before.qualifies != after.qualifies:
        return "gains" if after.qualifies else "loses"
    if before.qualifies and before.amount_cny != after.amount_cny:
        assert before.amount_cny is not None and after.amount_cny is not None
        return "more" if after.amount_cny > before.amount_cny else "less"
    return None


def _reasons(decision: Any) -> list[dict[str, str]]:
    """The reasons that explain the outcome: the failed conditions, what is missing, or how the amount came."""
    wanted: tuple[str, ...]
    if decision.outcome == "ineligible":
        wanted = ("failed:", "stacking:")
    elif decision.outcome == "incomplete" and decision.amounts.get("amount_cny") is None:
        wanted = ("missing:",)
    else:
        wanted = _AMOUNT_CODES
    return [{"zh": r.text_zh, "en": r.text_en} for r in decision.reasons if r.code.startswith(wanted)]


def simulate(programme: Programme, registry: ParameterRegistry, change: Change, people: list[Applicant],
             names: dict[int, str], *, on: dt.date, budget_cny: Decimal | None,
             progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """The figures of a simulation: counts and totals as-is and as-changed, the budget, and the changes."""
    new, overlay = changed(programme, registry, change)
    every = max(1, min(5000, len(people) // 20))
    total = len(people)
    before = list(evaluate_batch(programme, registry, people, on=on, every=every,
                                 progress=(lambda done: progress(done)) if progress else None))
    after = list(evaluate_batch(new, overlay, people, on=on, every=every,
                                progress=(lambda done: progress(total + done)) if progress else None))
    budget_after = budget_cny
    if programme.budget and programme.budget in change.values:
        budget_after = money(Decimal(change.values[programme.budget]))
    rows: list[dict[str, Any]] = []
    counts = dict.fromkeys(CATEGORIES, 0)
    titles = {p.code: (p.title.zh, p.title.en) for p in programmes.catalogue()}
    for person, was, now in zip(people, before, after, strict=True):
        category = _category(was, now)
        if category is None:
            continue
        counts[category] += 1
        if len(rows) >= MAX_CHANGES:
            continue
        decision = evaluate(new, overlay, facts=person.facts, on=on, history=person.history, cost_ref=person.cost_ref,
                            titles=titles)
        if decision.amounts.get("amount_cny") != now.amount_cny or decision.outcome != now.outcome:
            raise RuntimeError(f"the batch and single paths disagree for organisation {person.key}")
        rows.append({"organisation_id": person.key, "organisation": names.get(person.key, ""),
                     "category": category, "before": was.outcome, "after": now.outcome,
                     "before_cny": str(was.amount_cny) if was.amount_cny is not None else "",
                     "after_cny": str(now.amount_cny) if now.amount_cny is not None else "",
                     "delta_cny": str((now.amount_cny if now.qualifies and now.amount_cny is not None else ZERO)
                                      - (was.amount_cny if was.qualifies and was.amount_cny is not None else ZERO)),
                     "reasons": _reasons(decision)})
    order = {c: i for i, c in enumerate(CATEGORIES)}
    rows.sort(key=lambda r: (order[r["category"]], -abs(Decimal(r["delta_cny"])), r["organisation_id"]))
    as_is, as_changed = _totals(before), _totals(after)

    def against(totals: dict[str, Any], budget: Decimal | None) -> dict[str, Any]:
        spent = Decimal(totals["total_cny"])
        return {**totals, "budget_cny": str(budget) if budget is not None else "",
                "overrun": budget is not None and spent > budget,
                "overrun_cny": str(max(spent - budget, ZERO)) if budget is not None else ""}

    return {"programme": programme.code, "change": change_as_json(change), "on": on.isoformat(),
            "organisations": total, "before": against(as_is, budget_cny), "after": against(as_changed, budget_after),
            "counts": counts, "changes": rows, "kept": len(rows)}


@task()
def run_simulation(job_id: int, user_id: int, programme_code: str, change: dict[str, Any]) -> dict[str, Any]:
    """The background job of one simulation; reads only, so a rerun after a lost worker simply starts again."""
    user = User.objects.get(pk=user_id)
    programme = programmes.programme(programme_code)
    try:
        if programme is None:
            raise LookupError(f"unknown programme {programme_code}")
        registry = parameters()
        today = timezone.localdate()
        total = 2 * Organisation.objects.restrict(user, "view").count()
        jobs.begin(job_id, total=total + 1, message="gathering_register")
        people, names = applicants(user, programme, today=today)
        total = 2 * len(people)
        result = simulate(programme, registry, change_from_json(change), people, names, on=today,
                          budget_cny=budget_of(programme, registry, today.year),
                          progress=lambda done: jobs.advance(job_id, done=done, message="simulating_programme",
                                                             params={"done": done, "total": total}))
    except Exception as problem:
        jobs.finish(job_id, failed=True, message=str(problem))
        raise
    jobs.advance(job_id, done=total + 1, message="stored")
    jobs.finish(job_id, result=result, message="stored")
    return {"programme": programme_code, "organisations": result["organisations"]}
