"""The run of a test plan in the worker (`manage.py aiplus_worker`): asks the endpoint the run's pending items with
at most its concurrency in flight, within its rate limit, each with its timeout and retries; stores and judges
each answer as it arrives (once: a conditional update of a pending row), moving the job's progress bar. A job run
again after its worker was lost (aiplus.core.workers) finds the answered items stored and asks only the rest."""

from __future__ import annotations

from typing import Any

from django.tasks import task
from django.utils.translation import gettext

from aiplus.core import jobs


def _endpoint(row: Any) -> Any:
    from aiplus.evaluation import signing
    from aiplus.evaluation.harness.client import Endpoint

    return Endpoint(url=row.url, model=row.model_name, key=signing.decrypt(row.secret_encrypted),
                    timeout=float(row.timeout_seconds), retries=row.retries, concurrency=row.concurrency,
                    rate_per_minute=row.rate_per_minute, max_tokens=row.max_tokens)


@task()
def execute_run(job_id: int, run_id: int) -> dict[str, Any]:
    from aiplus.evaluation import run_services, selectors
    from aiplus.evaluation.harness import client, plans
    from aiplus.evaluation.models import Run, RunItem, RunItemStatus, RunStatus

    run = Run.objects.select_related("endpoint", "judge_endpoint", "keyword_version").get(pk=run_id)
    jobs.begin(job_id, total=run.sample_size)
    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):  # an earlier attempt closed it
        jobs.finish(job_id, result={"run_id": run.pk, "status": run.status})
        return {"run_id": run.pk, "status": run.status}
    run_services.mark_running(run_id=run.pk)
    keyword_judge = selectors.keyword_judge(run.keyword_version) if run.keyword_version is not None else None
    judge_endpoint = _endpoint(run.judge_endpoint) if run.judge_endpoint_id else None
    target = _endpoint(run.endpoint)
    rows = list(RunItem.objects.filter(run=run, status=RunItemStatus.PENDING).select_related("item")
                .order_by("position"))
    done = RunItem.objects.filter(run=run).exclude(status=RunItemStatus.PENDING).count()
    jobs.advance(job_id, done=done)
    by_id = {row.pk: row for row in rows}

    def model_judge_for(question: str) -> Any:
        if judge_endpoint is None:
            return None

        def judge(answer: str) -> bool | None:
            try:
                return plans.read_model_judge(client.chat(judge_endpoint, plans.model_judge_messages(question,
                                                                                                        answer)))
            except client.EndpointError:
                return None
        return judge

    def store(key: int, outcome: client.Outcome) -> None:
        nonlocal done
        row = by_id[key]
        judged = None
        if outcome.answer is not None:
            judged = plans.judge(run.plan, outcome.answer, keyword_judge=keyword_judge, options=row.item.options,
                                 correct=row.item.answer, model_judge=model_judge_for(row.item.text))
        if run_services.store_answer(run_item_id=key, answer=outcome.answer, error=outcome.error,
                                     attempts=outcome.attempts, seconds=outcome.seconds, judged=judged):
            done += 1
            jobs.advance(job_id, done=done)

    work = ((row.pk, plans.messages(run.plan, row.item.text, row.item.options)) for row in rows)
    try:
        client.ask_all(target, work, store)
    except Exception as problem:
        run_services.complete_run(acting_user=None, run_id=run.pk, message=str(problem))
        jobs.finish(job_id, failed=True, message=str(problem))
        raise
    finished = run_services.complete_run(acting_user=None, run_id=run.pk)
    summary = {"run_id": run.pk, "status": finished.status, "outcome": finished.outcome}
    jobs.finish(job_id, result=summary)
    return summary


@jobs.when_lost(execute_run)
def run_lost(job_id: int, run_id: int) -> None:
    from aiplus.evaluation import run_services

    run_services.fail_run(run_id=run_id, message=gettext("后台工作进程多次中断，运行已停止；可续跑未答题目。"))
