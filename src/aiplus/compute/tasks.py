"""Background placement: run the broker for one job request and store its answer."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.tasks import task
from django.utils.translation import gettext

from aiplus.core import jobs

# Each task may run again from its start after its worker was lost (aiplus.core.workers): it first checks whether an
# earlier attempt already stored its outcome, and `jobs.when_lost` says what a given-up job leaves behind.


def _worker_lost() -> str:
    return gettext("后台工作进程多次中断，任务未能完成。")


@task()
def place_request(job_id: int, request_id: int) -> dict[str, Any]:
    from aiplus.compute import request_broker, services
    from aiplus.compute.models import JobRequest

    jobs.begin(job_id, total=3, message="loading_register")
    request = JobRequest.objects.get(pk=request_id)
    settled = jobs.settled_earlier(job_id, "request_id", request, running=JobRequest.Status.PLACING,
                                   failure=request.unplaced_message)
    if settled is not None:
        return settled
    try:
        outcome = request_broker.solve_request(request_id, progress=lambda done, step: jobs.advance(
            job_id, done=done, message=step))
        services.apply_placement(acting_user=None, request_id=request_id, result=outcome)
    except Exception as problem:  # the request must not stay "placing" forever
        services.fail_placement(acting_user=None, request_id=request_id, message=str(problem))
        jobs.finish(job_id, failed=True, message=str(problem))
        raise
    jobs.advance(job_id, done=3, message="stored")
    summary = {k: str(v) for k, v in outcome.items() if k not in {"subsidy_decision", "reason_facts", "facts"}}
    jobs.finish(job_id, result={"request_id": request_id, **summary})  # the status says it is done
    return summary


@jobs.when_lost(place_request)
def placement_lost(job_id: int, request_id: int) -> None:
    from aiplus.compute import services
    from aiplus.compute.models import JobRequest

    if JobRequest.objects.filter(pk=request_id, status=JobRequest.Status.PLACING).exists():
        services.fail_placement(acting_user=None, request_id=request_id, message=_worker_lost())


def centre_specs(centres: list[Any]) -> list[Any]:
    """Simulator centres from registered ones: cards summed over pools, prices and power card-weighted."""
    from aiplus.compute.simulator import CentreSpec

    specs = []
    for centre in centres:
        pools = [p for p in centre.pools.all() if p.cards > 0]
        cards = sum(p.cards for p in pools)
        price = sum(float(p.price_cny_per_card_hour) * p.cards for p in pools) / cards
        power = sum(float(p.power_kw_per_card) * p.cards for p in pools) / cards
        specs.append(CentreSpec(str(centre.name), cards, round(price, 4), float(centre.pue),
                                float(centre.green_power_share), float(centre.grid_carbon_kg_per_kwh), power,
                                city=centre.city_code, province=centre.province_code))
    return specs


@task()
def run_savings_study(job_id: int, study_id: int) -> dict[str, Any]:
    from aiplus.compute import services
    from aiplus.compute.models import SavingsStudy
    from aiplus.compute.simulator import StudyOptions, TraceJob, compare_dispatch, load_philly
    from aiplus.compute.simulator.workloads import generate

    study = SavingsStudy.objects.select_related("jurisdiction").get(pk=study_id)
    jobs.begin(job_id, total=6, message="loading_trace")
    settled = jobs.settled_earlier(job_id, "study_id", study, running=SavingsStudy.Status.RUNNING,
                                   failure=study.message)
    if settled is not None:
        return settled
    try:
        chosen = set(study.parameters.get("centre_ids") or [])
        specs = centre_specs([c for c in services.region_centres(study.jurisdiction) if not chosen or c.pk in chosen])
        days = float(study.parameters.get("days", 3))
        max_jobs = int(study.parameters.get("max_jobs", 1500))
        if study.trace == "philly":  # the public trace: a window from day 20, as the benchmarks take it
            trace, start_day = load_philly(services.traces_dir() / services.TRACES["philly"]), 20.0
        elif study.trace == "uploaded":  # the region's own log, from its first submission
            trace, start_day = [TraceJob(id=f"row-{k}", submit_s=float(row[0]), gpus=int(row[1]),
                                         duration_s=float(row[2]), group=str(row[3]))
                                for k, row in enumerate(study.workload)], 0.0
        else:  # generated, reproducible from the study's seed
            trace, start_day = generate(seed=int(study.parameters.get("seed", 2026)), jobs=max_jobs, days=days), 0.0
        options = StudyOptions(start_day=start_day, days=days, max_jobs=max_jobs,
                               target_load=float(study.parameters.get("target_load", 0.85)))
        if "broker_patience_s" in study.parameters:  # studies started before the weighting was recorded keep the
            options = replace(options,  # engine's default
                              broker_patience_s=float(study.parameters["broker_patience_s"]),
                              broker_carbon_cny_per_kg=float(study.parameters.get("broker_carbon_cny_per_kg", 0.0)))
        result = compare_dispatch(specs, trace, options, progress=lambda done, policy: jobs.advance(
            job_id, done=done, message="simulating", params={"policy": policy}))
        result["facts"]["source"] = study.trace
    except Exception as problem:  # the study must not stay "running" forever
        services.finish_savings_study(acting_user=None, study_id=study_id, message=str(problem))
        jobs.finish(job_id, failed=True, message=str(problem))
        raise
    services.finish_savings_study(acting_user=None, study_id=study_id, result=result)
    summary = {"study_id": study_id, "saving_pct": result["saving_pct"]}
    jobs.advance(job_id, done=6, message="stored")
    jobs.finish(job_id, result=summary)
    return summary


@jobs.when_lost(run_savings_study)
def savings_study_lost(job_id: int, study_id: int) -> None:
    from aiplus.compute import services
    from aiplus.compute.models import SavingsStudy

    if SavingsStudy.objects.filter(pk=study_id, status=SavingsStudy.Status.RUNNING).exists():
        services.finish_savings_study(acting_user=None, study_id=study_id, message=_worker_lost())


@task()
def import_usage_file(job_id: int, user_id: int, content: str) -> dict[str, Any]:
    """A usage CSV too big to import in the request (`aiplus.core.imports`): the job's result is the report."""
    from aiplus.compute import services
    from aiplus.core import imports

    return imports.run_job(job_id, user_id, lambda user, progress: services.import_usage_csv(
        acting_user=user, text=imports.unpack(content), progress=progress))
