"""The policy simulation API under /api/v1/support/: start a simulation of a programme with changed numbers or
conditions (202 with the job), poll the job, read the figures and the changes (paginated). The same form as the
page validates the changes (a bad value is a 400 naming the field); officials of the programme's jurisdiction only."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from aiplus.api.auth import AUTHENTICATED
from aiplus.core.context import acting_user
from aiplus.core.errors import ServiceError
from aiplus.support import programmes, simulation
from aiplus.support.simulation_forms import SimulationForm

router = Router(tags=["support"])
PAGE_SIZE_MAX = 200


class SimulationIn(Schema):
    """The changes, by the names of the page's fields: `values` maps a number's field (`rate`, `cap_per_award`,
    `tier1_minimum`, `budget`, …; `GET /programmes/{code}/simulation-fields` lists them with today's values) to its
    new value; `drop` lists the positions of the conditions no longer required; `condition_values` gives a
    condition (by position) the values it accepts."""

    model_config = ConfigDict(extra="forbid")
    values: dict[str, Decimal] = Field(default_factory=dict, max_length=40)
    drop: list[int] = Field(default_factory=list, max_length=40)
    condition_values: dict[int, list[str]] = Field(default_factory=dict, max_length=40)


class FieldOut(Schema):
    name: str
    label: str
    value: str


class FieldsOut(Schema):
    programme: str
    numbers: list[FieldOut]
    conditions: list[str]


class TotalsOut(Schema):
    qualifying: int
    total_cny: str
    budget_cny: str
    overrun: bool
    overrun_cny: str
    outcomes: dict[str, int]


class SimulationOut(Schema):
    job_id: int
    programme: str
    status: str
    percent: int
    message: str
    change: dict[str, Any] = {}
    organisations: int | None = None
    before: TotalsOut | None = None
    after: TotalsOut | None = None
    counts: dict[str, int] = {}


class ChangeOut(Schema):
    organisation_id: int
    organisation: str
    category: str
    before: str
    after: str
    before_cny: str
    after_cny: str
    delta_cny: str
    reasons: list[str]


class ChangesOut(Schema):
    count: int
    page: int
    pages: int
    results: list[ChangeOut]


def _out(job: Any) -> dict[str, Any]:
    result = job.result or {}
    done = job.status == job.Status.DONE and "changes" in result
    return {"job_id": job.pk, "programme": job.name.removeprefix(simulation.JOB_PREFIX), "status": job.status,
            "percent": job.percent, "message": job.message_text, "change": result.get("change", {}),
            **({"organisations": result["organisations"], "before": result["before"], "after": result["after"],
                "counts": result["counts"]} if done else {})}


def _form_data(form: SimulationForm, payload: SimulationIn) -> dict[str, Any]:
    """The payload as the page's form would post it: today's value for every number not given."""
    unknown = [name for name in payload.values if name not in form.keys]
    if unknown:
        raise ServiceError("unknown_field", _unknown(), f"values.{unknown[0]}")
    data: dict[str, Any] = {name: str(value) for name, value in form.current.items()}
    data.update({name: str(value) for name, value in payload.values.items()})
    conditions = len(form.programme.eligibility)
    for index in payload.drop:
        if not 0 <= index < conditions:
            raise ServiceError("unknown_condition", _unknown(), "drop")
        data[f"drop_{index}"] = "on"
    for index, condition in enumerate(form.programme.eligibility):
        name = f"condition{index}_values"
        if name in form.fields:
            current = condition.value if isinstance(condition.value, list) else [condition.value]
            data[name] = payload.condition_values.get(index, current)
    for index in payload.condition_values:
        if f"condition{index}_values" not in form.fields:
            raise ServiceError("unknown_condition", _unknown(), f"condition_values.{index}")
    return data


def _unknown() -> Any:
    return _("该扶持项目没有此项参数或条件。")


@router.get("/programmes/{code}/simulation-fields", response=FieldsOut, auth=AUTHENTICATED)
def simulation_fields(request: HttpRequest, code: str) -> Any:
    """The numbers a simulation of the programme may change (field name, label, today's value) and its conditions
    by position."""
    programme = simulation.programme_for(request.auth, code)  # type: ignore[attr-defined]
    form = SimulationForm(programme=programme, on=timezone.localdate())
    return {"programme": programme.code,
            "numbers": [{"name": n, "label": str(form.fields[n].label), "value": str(v)}
                        for n, v in form.current.items()],
            "conditions": [programmes.title(c.text) for c in programme.eligibility]}


@router.post("/programmes/{code}/simulations", response={202: SimulationOut}, auth=AUTHENTICATED)
def start_simulation(request: HttpRequest, code: str, payload: SimulationIn) -> Any:
    """Start a simulation of the programme as changed; 202 with the job to poll."""
    user = acting_user(request)
    programme = simulation.programme_for(user, code)
    form = SimulationForm(_form_data(SimulationForm(programme=programme, on=timezone.localdate()), payload),
                          programme=programme, on=timezone.localdate())
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        field = {f"drop_{i}": "drop" for i in range(len(programme.eligibility))}.get(name, name)
        if name in form.keys:
            field = f"values.{name}"
        elif name.startswith("condition") and name.endswith("_values"):
            field = f"condition_values.{name.removeprefix('condition').removesuffix('_values')}"
        raise ServiceError("invalid", errors[0], None if name == "__all__" else field)
    job = simulation.start_simulation(acting_user=user, programme_code=programme.code,  # type: ignore[arg-type]
                                      change=form.change())
    return Status(202, _out(job))


@router.get("/simulations/{job_id}", response=SimulationOut, auth=AUTHENTICATED)
def get_simulation(request: HttpRequest, job_id: int) -> Any:
    """A simulation's job: its progress, then the figures as-is and as-changed against the budget."""
    return _out(simulation.simulation(request.auth, job_id))  # type: ignore[attr-defined]


class ChangesQuery(Schema):
    category: str = Field("all", pattern=r"^(all|gains|loses|more|less)$")
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(50, ge=1, le=PAGE_SIZE_MAX)


@router.get("/simulations/{job_id}/changes", response=ChangesOut, auth=AUTHENTICATED)
def list_simulation_changes(request: HttpRequest, job_id: int, query: Query[ChangesQuery]) -> Any:
    """Who gains or loses: the organisations whose outcome or amount changes, with the engine's reasons."""
    job = simulation.simulation(request.auth, job_id)  # type: ignore[attr-defined]
    rows = [r for r in (job.result or {}).get("changes", [])
            if query.category == "all" or r["category"] == query.category]
    english = programmes.english()
    start = (query.page - 1) * query.page_size
    pages = max(1, -(-len(rows) // query.page_size))
    return {"count": len(rows), "page": query.page, "pages": pages,
            "results": [{**r, "reasons": [x["en" if english else "zh"] for x in r["reasons"]]}
                        for r in rows[start:start + query.page_size]]}
