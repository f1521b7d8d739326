"""Background placement: run the broker for one job request and store its answer."""

from __future__ import annotations

from typing import Any

from django.tasks import task

from aiplus.core import jobs


@task()
def place_request(job_id: int, request_id: int) -> dict[str, Any]:
    from aiplus.compute import placement, services

    jobs.begin(job_id, total=3, message="loading the register")
    try:
        outcome = placement.solve_request(request_id, progress=lambda done, msg: jobs.advance(
            job_id, done=done, message=msg))
        services.apply_placement(acting_user=None, request_id=request_id, result=outcome)
    except Exception as problem:  # the request must not stay "placing" forever
        services.fail_placement(acting_user=None, request_id=request_id, message=str(problem))
        jobs.finish(job_id, failed=True, message=str(problem))
        raise
    jobs.advance(job_id, done=3, message="stored")
    summary = {k: str(v) for k, v in outcome.items()}
    jobs.finish(job_id, result={"request_id": request_id, **summary}, message="done")
    return summary
