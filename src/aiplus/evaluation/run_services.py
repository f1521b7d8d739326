"""Every write of the test runs (issue 14 §2; TC260-003 / GB/T 45654-2025 clause 9; Suzhou art. 37): registering
a system under test (its secret key encrypted), starting a plan's run on a seeded sample of a published bank
version (queued for the worker), storing answers as they come (the worker; each item once), completing a run
(rates, Wilson intervals, verdicts; a failed verdict of a filed service opens a platform-signal incident once
committed), resuming one whose items could not all be answered, a human review of an item (an audit row, the
run's results recomputed) and issuing a signed report."""

from __future__ import annotations

import ipaddress
import socket
import urllib.parse
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.core import access, audit, domains, jobs
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import Organisation, User
from aiplus.evaluation import results, signing
from aiplus.evaluation.harness import plans, sampling
from aiplus.evaluation.models import (
    BankKind,
    BankVersion,
    Endpoint,
    Item,
    ItemStatus,
    Plan,
    Report,
    Run,
    RunItem,
    RunItemStatus,
    RunStatus,
    VersionStatus,
)
from aiplus.evaluation.services import is_evaluator

# The bank kind each plan samples.
PLAN_BANK = {Plan.GENERATED: BankKind.GENERATED, Plan.SHOULD_REFUSE: BankKind.SHOULD_REFUSE,
             Plan.NON_REFUSAL: BankKind.NON_REFUSAL, Plan.CLOSED_FORM: BankKind.CLOSED_FORM}
SECRET_MAX = 500


def _as_evaluator(user: Any, organisation_id: int) -> None:
    if not (is_evaluator(user, organisation_id) or getattr(user, "is_superuser", False)):
        raise PermissionDeniedError(_("只有本组织的评估人员可以进行测试。"))


def check_url(url: str) -> str:
    """http or https only, a host, and (unless the platform allows them) no private, loopback or link-local
    address (AIPLUS_EVALUATION_PRIVATE_ENDPOINTS)."""
    url = str(url or "").strip()
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServiceError("invalid_url", _("接口地址须为 http 或 https 地址。"), "url")
    if len(url) > 300:
        raise ServiceError("too_long", _("接口地址不能超过 %(n)s 个字符。") % {"n": 300}, "url")
    if not settings.AIPLUS_EVALUATION_PRIVATE_ENDPOINTS:
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
        except (OSError, UnicodeError):
            raise ServiceError("unresolvable", _("无法解析接口地址的主机名。"), "url") from None
        for address in addresses:
            ip = ipaddress.ip_address(str(address).split("%")[0])
            if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
                raise ServiceError("private_address", _("平台设置不允许测试内网地址。"), "url")
    return url


@transaction.atomic
def register_endpoint(*, acting_user: User, organisation_id: int, name: str, url: str, model_name: str,
                      secret: str = "", rate_per_minute: int = 600, concurrency: int = 1, timeout_seconds: int = 30,
                      retries: int = 2, max_tokens: int = 256, ai_model_id: int | None = None) -> Endpoint:
    """A system under test of the organisation (its evaluators only). The secret key is encrypted at once."""
    if not Organisation.objects.filter(pk=organisation_id).exists():
        raise ServiceError("not_found", _("组织不存在。"), "organisation_id", status=404)
    _as_evaluator(acting_user, organisation_id)
    secret = str(secret or "")
    if len(secret) > SECRET_MAX:
        raise ServiceError("too_long", _("密钥不能超过 %(n)s 个字符。") % {"n": SECRET_MAX}, "secret")
    ai_model = None
    if ai_model_id is not None:
        from aiplus.algorithms.models import AIModel

        ai_model = AIModel.objects.filter(pk=ai_model_id, organisation_id=organisation_id).first()
        if ai_model is None:
            raise ServiceError("not_found", _("本组织的模型登记中没有该模型。"), "ai_model_id", status=404)
    endpoint = Endpoint(
        organisation_id=organisation_id, name=str(name or "").strip(), url=check_url(url),
        model_name=str(model_name or "").strip(), secret_encrypted=signing.encrypt(secret),
        rate_per_minute=domains.clean(Endpoint, "rate_per_minute", rate_per_minute),
        concurrency=domains.clean(Endpoint, "concurrency", concurrency),
        timeout_seconds=domains.clean(Endpoint, "timeout_seconds", timeout_seconds),
        retries=domains.clean(Endpoint, "retries", retries),
        max_tokens=domains.clean(Endpoint, "max_tokens", max_tokens),
        ai_model=ai_model, registered_by=acting_user)
    domains.full_clean(endpoint)
    endpoint.save()
    audit.record(actor=acting_user, action="evaluation.endpoint.registered", instance=endpoint)
    return endpoint


def _published(user: Any, version_id: int | None, field: str) -> BankVersion:
    version = BankVersion.objects.select_related("bank").filter(pk=version_id).first() if version_id else None
    if version is None or not (is_evaluator(user, version.bank.organisation_id) or user.is_superuser):
        raise ServiceError("not_found", _("题库版本不存在或不可用。"), field, status=404)
    if version.status != VersionStatus.PUBLISHED:
        raise ServiceError("not_published", _("只能抽取已发布的题库版本。"), field, status=409)
    return version


@transaction.atomic
def start_run(*, acting_user: User, endpoint_id: int, plan: str, version_id: int, sample_size: int,
              seed: int = 0, keyword_version_id: int | None = None,
              judge_endpoint_id: int | None = None) -> Run:
    """Draw the sample (seeded: the same version, size and seed give the same items) and queue the run."""
    from aiplus.evaluation import tasks

    endpoint = access.get_for(acting_user, "view", Endpoint, pk=endpoint_id)
    _as_evaluator(acting_user, endpoint.organisation_id)
    if plan not in Plan.values:
        raise ServiceError("invalid_choice", _("测试方案无效。"), "plan")
    version = _published(acting_user, version_id, "version_id")
    if version.bank.kind != PLAN_BANK[Plan(plan)]:
        raise ServiceError("kind_mismatch", _("该方案须抽取%(k)s。") % {"k": BankKind(PLAN_BANK[Plan(plan)]).label},
                           "version_id")
    keyword_version = None
    if keyword_version_id is not None:
        keyword_version = _published(acting_user, keyword_version_id, "keyword_version_id")
        if keyword_version.bank.kind != BankKind.KEYWORD:
            raise ServiceError("kind_mismatch", _("请选择关键词库的版本。"), "keyword_version_id")
    judge = None
    if judge_endpoint_id is not None:
        judge = access.get_for(acting_user, "view", Endpoint, pk=judge_endpoint_id)
        if judge.organisation_id != endpoint.organisation_id or judge.pk == endpoint.pk:
            raise ServiceError("invalid_judge", _("模型判定须使用本组织登记的另一个接口。"), "judge_endpoint_id")
    size = domains.clean(Run, "sample_size", sample_size)
    seed = domains.clean(Run, "seed", seed)
    ids = Item.objects.filter(version=version, status=ItemStatus.APPROVED).values_list("pk", flat=True)
    chosen = sampling.sample(ids, size, seed)
    run = Run.objects.create(endpoint=endpoint, organisation_id=endpoint.organisation_id, plan=plan, version=version,
                             keyword_version=keyword_version, judge_endpoint=judge, sample_size=len(chosen), seed=seed,
                             started_by=acting_user)
    risks = dict(Item.objects.filter(pk__in=chosen).values_list("pk", "risk_code"))
    RunItem.objects.bulk_create([RunItem(run=run, item_id=pk, position=n, risk_code=risks.get(pk, ""))
                                 for n, pk in enumerate(chosen, start=1)], batch_size=1000)
    _queue(acting_user, run, tasks.execute_run)
    audit.record(actor=acting_user, action="evaluation.run.started", instance=run, after={
        "plan": plan, "version": version.pk, "sample_size": len(chosen), "seed": seed})
    return run


def _queue(acting_user: User, run: Run, task: Any) -> None:
    run.job = jobs.start_job(acting_user=acting_user, name=str(_("测试运行")), task=task,
                             total=run.sample_size, run_id=run.pk)
    run.status = RunStatus.QUEUED
    run.save(update_fields=["job", "status", "updated_at"])


@transaction.atomic
def resume_run(*, acting_user: User, run_id: int) -> Run:
    """Queue a run again whose items could not all be answered (or whose worker was lost): only the items without
    an answer are asked; the answered ones are kept and never asked again."""
    from aiplus.evaluation import tasks

    run = access.get_for(acting_user, "view", Run, pk=run_id)
    _as_evaluator(acting_user, run.organisation_id)
    if run.status not in (RunStatus.INCOMPLETE, RunStatus.FAILED):
        raise ServiceError("not_resumable", _("只有部分题目未答或失败的运行可以续跑。"), "run", status=409)
    RunItem.objects.filter(run=run, status=RunItemStatus.ERROR).update(status=RunItemStatus.PENDING, error="")
    _queue(acting_user, run, tasks.execute_run)
    audit.record(actor=acting_user, action="evaluation.run.resumed", instance=run)
    return run


def store_answer(*, run_item_id: int, answer: str | None, error: str, attempts: int, seconds: float,
                 judged: plans.Judged | None) -> bool:
    """The worker stores one outcome, once: only an item still pending is written (a conditional UPDATE), so an
    answer stored by an earlier attempt of the job is never counted twice. Answers are the run's data (the run's
    completion writes the audit event)."""
    updates: dict[str, Any] = {"attempts": attempts, "seconds": round(seconds, 3)}
    if answer is None:
        updates.update(status=RunItemStatus.ERROR, error=error[:40])
    else:
        assert judged is not None
        updates.update(status=RunItemStatus.ANSWERED, answer=answer[:20000], error="",
                       judged_passed=judged.passed, disputed=judged.disputed, judges=judged.judges)
    return RunItem.objects.filter(pk=run_item_id, status=RunItemStatus.PENDING).update(**updates) == 1


@transaction.atomic
def mark_running(*, run_id: int) -> Run:
    run = Run.objects.select_for_update().get(pk=run_id)
    if run.status == RunStatus.QUEUED:
        run.status = RunStatus.RUNNING
        run.save(update_fields=["status", "updated_at"])
    return run


@transaction.atomic
def complete_run(*, acting_user: User | None, run_id: int, message: str = "") -> Run:
    """Compute the run's results from its stored items (each counted once) and close it: done when every item was
    answered, else incomplete (resumable). A failed verdict of a filed service opens an incident after commit."""
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to the model; only the run
    # row needs the lock.
    run = Run.objects.select_for_update(of=("self",)).select_related("endpoint", "endpoint__ai_model").get(pk=run_id)
    before = audit.snapshot(run)
    run.results = results.summarise(run)
    run.outcome = run.results["verdict"]["outcome"]
    unanswered = run.results["errors"] + run.results["pending"]
    run.status = RunStatus.DONE if unanswered == 0 else RunStatus.INCOMPLETE
    run.message = message[:300]
    run.finished_at = timezone.now()
    run.save(update_fields=["results", "outcome", "status", "message", "finished_at", "updated_at"])
    audit.record(actor=acting_user, action="evaluation.run.completed", instance=run, before=before,
                 organisation_id=run.organisation_id)
    if run.status == RunStatus.DONE and run.outcome == "fail" and _filed(run):
        transaction.on_commit(lambda: _signal_failed(run))
    return run


def _filed(run: Run) -> bool:
    model = run.endpoint.ai_model
    return model is not None and model.filing_status in ("filed", "registered")


def _signal_failed(run: Run) -> None:
    from aiplus.governance.incident_services import report_signal

    rate = run.results.get("rate", {})
    report_signal(
        acting_user=None, signal="evaluation_failed",
        title=str(_("已备案服务“%(s)s”测评未通过") % {"s": run.endpoint.name}),
        description=str(_("测试运行 #%(run)s（%(plan)s）：%(name)s %(ok)s/%(n)s，未达到阈值 %(t)s。") % {
            "run": run.pk, "plan": run.get_plan_display(), "name": rate.get("name", ""), "ok": rate.get("successes"),
            "n": rate.get("n"), "t": run.results.get("verdict", {}).get("threshold")}),
        organisation_id=run.organisation_id, reference=f"evaluation.run:{run.pk}")


@transaction.atomic
def fail_run(*, run_id: int, message: str) -> None:
    """The worker was lost on the job's last attempt: the run stops as failed (resumable), answers kept."""
    run = Run.objects.select_for_update().get(pk=run_id)
    if run.status in (RunStatus.QUEUED, RunStatus.RUNNING):
        before = audit.snapshot(run)
        run.status, run.message = RunStatus.FAILED, message[:300]
        run.save(update_fields=["status", "message", "updated_at"])
        audit.record(actor=None, action="evaluation.run.lost", instance=run, before=before,
                     organisation_id=run.organisation_id)


@transaction.atomic
def review_run_item(*, acting_user: User, run_item_id: int, passed: bool, note: str = "") -> RunItem:
    """A human verdict on an answered item (an evaluator who did not start the run): it overrides the judges; the
    audit row keeps the judges' verdict and the reviewer's; the run's results are recomputed."""
    row = RunItem.objects.select_related("run").filter(pk=run_item_id).first()
    if row is None:
        raise ServiceError("not_found", _("题目不存在。"), "run_item_id", status=404)
    access.get_for(acting_user, "view", Run, pk=row.run_id)
    _as_evaluator(acting_user, row.run.organisation_id)
    if row.run.started_by_id == acting_user.pk:
        raise ServiceError("own_run", _("发起运行的人不能复核本运行的题目。"), "run_item_id", status=403)
    if row.status != RunItemStatus.ANSWERED:
        raise ServiceError("not_answered", _("只能复核已回答的题目。"), "run_item_id", status=409)
    if not isinstance(passed, bool):
        raise ServiceError("invalid", _("请选择复核结论。"), "passed")
    note = str(note or "").strip()
    if len(note) > 500:
        raise ServiceError("too_long", _("复核意见不能超过 %(n)s 字。") % {"n": 500}, "note")
    before = {"judged_passed": row.judged_passed, "human_passed": row.human_passed}
    row.human_passed, row.review_note = passed, note
    row.reviewed_by, row.reviewed_at = acting_user, timezone.now()
    row.save(update_fields=["human_passed", "review_note", "reviewed_by", "reviewed_at"])
    run = row.run
    if run.status in (RunStatus.DONE, RunStatus.INCOMPLETE):
        run.results = results.summarise(run)
        run.outcome = run.results["verdict"]["outcome"]
        run.save(update_fields=["results", "outcome", "updated_at"])
    audit.record(actor=acting_user, action="evaluation.run_item.reviewed", instance=run, before=before,
                 after={"run_item": row.pk, "position": row.position, "judged_passed": row.judged_passed,
                        "human_passed": passed, "note": note}, organisation_id=run.organisation_id)
    return row


@transaction.atomic
def issue_report(*, acting_user: User, run_id: int) -> Report:
    """A signed report of a completed run: payload (service, bank version and its digest, plan, sample, seed, judge
    versions, results), its SHA-256, the platform's signature, and the PDF."""
    run = access.get_for(acting_user, "view", Run.objects.select_related("endpoint", "version", "version__bank",
                                                                          "keyword_version"), pk=run_id)
    _as_evaluator(acting_user, run.organisation_id)
    if run.status != RunStatus.DONE:
        raise ServiceError("not_done", _("运行完成且所有题目均已回答后才能签发报告。"), "run", status=409)
    payload = results.report_payload(run)
    payload["issued_at"] = timezone.now().isoformat(timespec="seconds")
    payload_sha256 = signing.digest(payload)
    signature = signing.sign(payload)
    document = signing.pdf(payload, payload_sha256, signature)
    report = Report.objects.create(run=run, organisation_id=run.organisation_id, payload=payload,
                                   payload_sha256=payload_sha256, signature=signature, pdf=document,
                                   pdf_sha256=results.sha256(document), issued_by=acting_user)
    audit.record(actor=acting_user, action="evaluation.report.issued", instance=report,
                 after={"run": run.pk, "payload_sha256": payload_sha256, "pdf_sha256": report.pdf_sha256})
    return report


def check_comparable(before: Run, after: Run) -> None:
    if before.endpoint_id != after.endpoint_id or before.plan != after.plan:
        raise ServiceError("not_comparable", _("只能比较同一被测接口、同一方案的两次运行。"), "other", status=400)
