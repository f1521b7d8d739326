"""Every write of the support programmes: one transaction and one audit event each; amounts are the engine's
(`aiplus.support.engine` with the packs' parameters) and money moves only through the compute ledger
(`aiplus.compute.ledger`, the support accounts it documents).

Who may do what (checked here, before anything is written):
- an official of the programme's jurisdiction opens a programme's budget for a year (funded into the ledger);
- the applying organisation's members create an application, add its documents and submit it;
- an official of the programme's jurisdiction checks it formally (accepts it, or gives once the list of everything
  missing), decides it and pays its tranches; nobody decides or pays a request they submitted or one of their own
  organisation's. A decision that would overrun the year's budget is refused with the reason; the same official
  may claw an award back (its payments reversed, its commitment returned to the budget).
Concurrency: the budget row is locked (select_for_update) before its balance is read and committed, the
application and the tranche before a payment, as the voucher services lock their programme and quota.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from aiplus.compute import ledger
from aiplus.compute.ledger import Kind, Leg
from aiplus.core import audit, domains, permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError
from aiplus.core.models import Jurisdiction, Organisation, User
from aiplus.core.services import notify
from aiplus.departments import work
from aiplus.regulation.runtime import parameters
from aiplus.support import programmes, selectors
from aiplus.support.engine import Award, Programme, split_tranches
from aiplus.support.models import Application, Budget, Document, Objection, Score, Status, Tranche

ZERO = Decimal("0.00")


# -- ledger accounts ---------------------------------------------------------------------------------------------

def funding_account(budget: Budget) -> str:
    return f"funding:support:{budget.pk}"


def budget_account(budget: Budget) -> str:
    return f"budget:support:{budget.pk}"


def commitment_account(application: Application) -> str:
    return f"quota:support:{application.pk}"


def paid_account(budget: Budget, organisation_id: int) -> str:
    return f"payable:support:{budget.pk}:{organisation_id}"


# -- helpers -----------------------------------------------------------------------------------------------------

def _programme(code: str, field: str = "programme_code") -> Programme:
    found = programmes.programme(str(code or ""))
    if found is None:
        raise ServiceError("unknown_programme", _("没有这个扶持项目。"), field, status=404)
    if found.channel != "application":
        raise ServiceError("claimed_elsewhere",
                           _("该项目为算力券，由主管部门在算力券页面发放额度、按用量兑付，不在此申报。"), field,
                           status=409)
    return found


def _jurisdiction(programme: Programme) -> Jurisdiction:
    place = Jurisdiction.objects.filter(code=programme.jurisdiction).first()
    if place is None:
        raise ServiceError("unknown_jurisdiction", _("扶持项目所属辖区未登记。"), "programme_code")
    return place


def _official_of(user: User, jurisdiction_id: int) -> bool:
    return bool(getattr(user, "is_superuser", False)) or jurisdiction_id in permissions.user_jurisdiction_ids(
        user, "add")


_text = domains.clean_text  # the one rule for a service's free text


def _state(application: Application, *allowed: str) -> None:
    if application.status not in allowed:
        raise ServiceError("wrong_state", _("申请当前状态为“%(s)s”，不能办理此事项。")
                           % {"s": application.get_status_display()}, "status", status=409)


def _application(acting_user: User, application_id: int) -> Application:
    if not selectors.applications(acting_user).filter(pk=application_id).exists():
        raise NotFoundError()
    return Application.objects.select_for_update(of=("self",)).select_related("organisation").get(
        pk=application_id)


def _as_applicant(acting_user: User, application: Application) -> None:
    if not (acting_user.is_superuser
            or application.organisation_id in permissions.user_organisation_ids(acting_user, "add")):
        raise PermissionDeniedError(_("只有申请单位的成员可以办理。"))


def _as_official(acting_user: User, application: Application) -> None:
    """An official of the programme's jurisdiction who is neither the submitter nor a member of the applicant."""
    if not _official_of(acting_user, application.jurisdiction_id):
        raise PermissionDeniedError(_("只有扶持项目所属辖区的主管部门工作人员可以办理。"))
    if application.submitted_by_id == acting_user.pk or \
            application.organisation_id in permissions.user_organisation_ids(acting_user, "view"):
        raise PermissionDeniedError(_("不能办理本人或本单位提出的申请。"))


def _answers(programme: Programme, *, declared_cny: Any, counterparty_affiliated: Any,
             standard_level: Any) -> tuple[Decimal | None, dict[str, Any]]:
    declared = domains.clean(Application, "declared_cny", declared_cny)
    if counterparty_affiliated not in (None, "", True, False):
        raise ServiceError("invalid_choice", _("请选择是或否。"), "counterparty_affiliated")
    levels = {code for code, _label in programmes.STANDARD_LEVELS}
    if standard_level not in (None, "") and standard_level not in levels:
        raise ServiceError("invalid_choice", _("无效的选项：%(v)s") % {"v": str(standard_level)[:40]},
                           "standard_level")
    facts: dict[str, Any] = {}
    if isinstance(counterparty_affiliated, bool):
        facts["counterparty_affiliated"] = counterparty_affiliated
    if standard_level:
        facts["standard_level"] = standard_level
    return declared, facts


def answers_of(application: Application) -> dict[str, Any]:
    answers = dict(application.facts)
    if application.declared_cny is not None:
        answers["declared_cny"] = application.declared_cny
    return answers


def history(organisation_id: int, *, excluding: int | None = None) -> list[Award]:
    """The organisation's approved awards (all programmes), for the caps and the stacking rules."""
    rows = Application.objects.filter(organisation_id=organisation_id, status__in=(Status.APPROVED, Status.PAID),
                                      amount_cny__isnull=False)
    if excluding is not None:
        rows = rows.exclude(pk=excluding)
    return [Award(row.programme_code, row.decided_at.year if row.decided_at else timezone.localdate().year,
                  row.amount_cny or ZERO, row.cost_ref) for row in rows]


def missing_documents(programme: Programme, application: Application) -> list[str]:
    """The programme's documents not given, or given as a file that failed its check (wrong type, empty)."""
    given = {code for code, problem in application.documents.values_list("code", "problem") if not problem}
    return [d.code for d in programme.documents if d.code not in given]


def _both(label: Any) -> dict[str, str]:
    with translation.override("zh-hans"):
        zh = str(label)
    with translation.override("en"):
        en = str(label)
    return {"zh": zh, "en": en}


def _notify_applicant(application: Application, title: Any, params: dict[str, Any] | None = None) -> None:
    if application.submitted_by is not None:
        notify(recipient=application.submitted_by, verb="support.application", title=title,
               params={"t": application.title, **(params or {})},
               link=f"/support/applications/{application.pk}/", target=application)


# -- budgets -----------------------------------------------------------------------------------------------------

@transaction.atomic
def open_budget(*, acting_user: User, programme_code: str, year: int, amount_cny: Any = None) -> Budget:
    """Open a programme's budget for a year and fund it into the ledger (the pack's budget parameter when no amount
    is given)."""
    programme = _programme(programme_code)
    place = _jurisdiction(programme)
    if not _official_of(acting_user, place.pk):
        raise PermissionDeniedError(_("只有扶持项目所属辖区的主管部门工作人员可以开立预算。"))
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ServiceError("invalid_year", _("年度须在2000至2100之间。"), "year")
    if amount_cny in (None, ""):
        if not programme.budget:
            raise ServiceError("required", _("请填写预算金额。"), "amount_cny")
        try:
            amount_cny = parameters().version(programme.budget, dt.date(year, 12, 31)).decimal
        except LookupError:
            raise ServiceError("no_parameter", _("该年度没有有效的预算参数，请填写预算金额。"),
                               "amount_cny") from None
    amount = domains.clean(Budget, "amount_cny", amount_cny)
    if Budget.objects.filter(programme_code=programme.code, year=year).exists():
        raise ServiceError("duplicate", _("该项目本年度预算已开立。"), "year", status=409)
    budget = Budget.objects.create(programme_code=programme.code, jurisdiction=place, year=year, amount_cny=amount,
                                   opened_by=acting_user)
    ledger.post(None, "fund", [Leg(Kind.BUDGET, budget_account(budget), amount),
                               Leg(Kind.FUNDING, funding_account(budget), -amount)],
                memo=f"support budget {programme.code} {year}")
    audit.record(actor=acting_user, action="support.budget.opened", instance=budget)
    return budget


def budget_figures(budget: Budget) -> dict[str, Decimal]:
    """What the ledger says of a budget: funded, committed to decided applications, paid out, left to commit."""
    left = ledger.balance(budget_account(budget))
    paid = ledger.cents(sum((ledger.balance(paid_account(budget, org)) for org in
                             budget.applications.values_list("organisation_id", flat=True).distinct()), ZERO))
    return {"amount_cny": budget.amount_cny, "left_cny": left, "committed_cny": budget.amount_cny - left,
            "paid_cny": paid, "outstanding_cny": budget.amount_cny - left - paid}


# -- applications ------------------------------------------------------------------------------------------------

@transaction.atomic
def create_application(*, acting_user: User, organisation_id: int, programme_code: str, title: str,
                       declared_cny: Any = None, counterparty_affiliated: Any = None, standard_level: Any = None,
                       cost_ref: str = "") -> Application:
    """An organisation's member starts an application to a programme; the engine's estimate is kept with it."""
    programme = _programme(programme_code)
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise ServiceError("unknown_organisation", _("组织不存在。"), "organisation_id", status=404)
    if not (acting_user.is_superuser or organisation.pk in permissions.user_organisation_ids(acting_user, "add")):
        raise PermissionDeniedError(_("只有本单位成员可以申报。"))
    title = _text(title, "title", 200, label=_("项目名称"))
    cost_ref = _text(cost_ref, "cost_ref", 100, label=_("费用凭证编号"), required=False)
    declared, facts = _answers(programme, declared_cny=declared_cny,
                               counterparty_affiliated=counterparty_affiliated, standard_level=standard_level)
    today = timezone.localdate()
    if not programmes.in_force(programme, today):
        raise ServiceError("not_in_force", _("该扶持项目今天不在有效期内。"), "programme_code", status=409)
    application = Application(title=title, programme_code=programme.code, organisation=organisation,
                              jurisdiction=_jurisdiction(programme), declared_cny=declared, facts=facts,
                              cost_ref=cost_ref, submitted_by=acting_user)
    estimate = programmes.decide(programme, organisation, answers_of(application), on=today,
                                 history=history(organisation.pk), cost_ref=cost_ref)
    application.estimate = estimate.as_dict()
    application.save()
    audit.record(actor=acting_user, action="support.application.created", instance=application)
    return application


@transaction.atomic
def add_document(*, acting_user: User, application_id: int, code: str, reference: str) -> Document:
    """The applicant gives one of the programme's documents (its file name or number)."""
    application = _application(acting_user, application_id)
    _as_applicant(acting_user, application)
    _state(application, Status.DRAFT, Status.INCOMPLETE)
    programme = _programme(application.programme_code)
    if code not in {d.code for d in programme.documents}:
        raise ServiceError("invalid_choice", _("该项目不要求这项材料。"), "code")
    reference = _text(reference, "reference", 200, label=_("文件名称或编号"))
    document, _created = Document.objects.update_or_create(application=application, code=code, defaults={
        "reference": reference, "content_type": "", "size_bytes": None, "sha256": "", "data": b"", "problem": {}})
    audit.record(actor=acting_user, action="support.document.added", instance=document,
                 jurisdiction_id=application.jurisdiction_id, organisation_id=application.organisation_id)
    return document


FILE_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}


def check_file(data: bytes, types: list[str]) -> tuple[str, dict[str, str]]:
    """What the bytes are, and why they do not do for a document that takes `types` (empty: they do). Read by
    their content (pypdf for a PDF, Pillow for an image: participation's `file_type`), never by the file's name."""
    from aiplus.participation.services import file_type

    if not data:
        return "", _both(_("文件为空"))
    try:
        content_type = file_type(data)
    except ServiceError:
        return "", _both(_("不是可读取的 PDF、PNG 或 JPEG 文件（按文件内容判断）"))
    if content_type not in {FILE_TYPES[t] for t in types}:
        allowed = "/".join(t.upper() for t in types)
        with translation.override("zh-hans"):
            zh = str(_("文件类型不符，只接受 %(t)s") % {"t": allowed})
        with translation.override("en"):
            en = str(_("文件类型不符，只接受 %(t)s") % {"t": allowed})
        return content_type, {"zh": zh, "en": en}
    return content_type, {}


@transaction.atomic
def upload_document(*, acting_user: User, application_id: int, code: str, file: Any) -> Document:
    """The applicant uploads one of the programme's documents. The file is read within the upload limit (over it:
    413, nothing kept) and checked by its bytes; a file that is empty or not of a type the document takes is
    recorded with the reason and no content, and counts as missing at the formal check."""
    from aiplus.core import imports
    from aiplus.participation.services import CONTROL, safe_file_name

    application = _application(acting_user, application_id)
    _as_applicant(acting_user, application)
    _state(application, Status.DRAFT, Status.INCOMPLETE)
    programme = _programme(application.programme_code)
    wanted = {d.code: d for d in programme.documents}
    if code not in wanted:
        raise ServiceError("invalid_choice", _("该项目不要求这项材料。"), "code")
    data = imports.read_upload(file)
    content_type, problem = check_file(data, list(wanted[code].types))
    name = str(getattr(file, "name", "") or "")
    name = safe_file_name(name, content_type) if content_type else \
        (CONTROL.sub("", PurePath(name.replace("\\", "/")).name).strip()[:150] or "file")
    document, _created = Document.objects.update_or_create(application=application, code=code, defaults={
        "reference": name[:200], "content_type": content_type if not problem else "", "size_bytes": len(data),
        "sha256": hashlib.sha256(data).hexdigest(), "data": b"" if problem else data, "problem": problem})
    audit.record(actor=acting_user, action="support.document.uploaded", instance=document,
                 jurisdiction_id=application.jurisdiction_id, organisation_id=application.organisation_id)
    return document


@transaction.atomic
def submit_application(*, acting_user: User, application_id: int) -> Application:
    """The applicant submits (again, after a notice) for the formal check."""
    application = _application(acting_user, application_id)
    _as_applicant(acting_user, application)
    _state(application, Status.DRAFT, Status.INCOMPLETE)
    before = audit.snapshot(application)
    application.status = Status.SUBMITTED
    application.submitted_at = timezone.now()
    application.save(update_fields=["status", "submitted_at", "updated_at"])
    work.open_work(code=work.SUPPORT_APPLICATIONS, subject=application, jurisdiction=application.jurisdiction,
                   title=application.title, link=f"/support/applications/{application.pk}/")
    audit.record(actor=acting_user, action="support.application.submitted", instance=application, before=before)
    return application


@transaction.atomic
def examine_application(*, acting_user: User, application_id: int) -> Application:
    """The formal check: complete → accepted for review; otherwise the one notice listing everything missing
    (documents and answers). The notice is given once: a resubmission still missing something from it returns to
    "to be completed" with the same list, never a new one."""
    application = _application(acting_user, application_id)
    _as_official(acting_user, application)
    _state(application, Status.SUBMITTED)
    programme = _programme(application.programme_code)
    before = audit.snapshot(application)
    labels = {d.code: d.title for d in programme.documents}
    problems = dict(application.documents.exclude(problem={}).values_list("code", "problem"))
    missing = []
    for code in missing_documents(programme, application):
        entry = {"kind": "document", "code": code, "zh": labels[code].zh, "en": labels[code].en}
        if problems.get(code):
            entry["zh"] += f"（{problems[code]['zh']}）"
            entry["en"] += f" ({problems[code]['en']})"
        missing.append(entry)
    estimate = programmes.decide(programme, application.organisation, answers_of(application),
                                 on=timezone.localdate(), history=history(application.organisation_id,
                                                                          excluding=application.pk),
                                 cost_ref=application.cost_ref)
    application.estimate = estimate.as_dict()
    for name in estimate.missing:
        entry = {"kind": "fact", "code": name, **_both(programmes.FACT_LABELS.get(name, name))}
        if all(m["zh"] != entry["zh"] for m in missing):
            missing.append(entry)
    if missing:
        if application.notice_given_at is None:
            application.missing_notice = missing
            application.notice_given_at = timezone.now()
        application.status = Status.INCOMPLETE
        action = "support.application.notice_given"
        work.close_work(subject=application, code=work.SUPPORT_APPLICATIONS)  # back with the applicant
        _notify_applicant(application, _("扶持申请“%(t)s”需补正材料"))
    else:
        application.status = Status.ACCEPTED
        action = "support.application.accepted"
        _notify_applicant(application, _("扶持申请“%(t)s”已受理"))
    application.save()
    audit.record(actor=acting_user, action=action, instance=application, before=before)
    return application


@transaction.atomic
def decide_application(*, acting_user: User, application_id: int, approve: bool, note: str = "") -> Application:
    """The official's decision. Approval re-runs the engine today (caps and stacking over the applicant's awards,
    the year's budget left from the ledger): an ineligible application or one that would overrun the budget is
    refused with the engine's reasons; an approved amount is committed from the budget and split into the
    programme's tranches."""
    application = _application(acting_user, application_id)
    _as_official(acting_user, application)
    _state(application, Status.ACCEPTED)
    if not isinstance(approve, bool):
        raise ServiceError("invalid_choice", _("请选择批准或不予支持。"), "approve")
    note = _text(note, "note", 500, label=_("决定说明"), required=not approve)
    programme = _programme(application.programme_code)
    before = audit.snapshot(application)
    today = timezone.localdate()
    work.close_work(subject=application, code=work.SUPPORT_APPLICATIONS)  # undone if the approval is refused
    application.decided_by = acting_user
    application.decided_at = timezone.now()
    application.decision_note = note
    if not approve:
        application.status = Status.REJECTED
        application.save()
        _notify_applicant(application, _("扶持申请“%(t)s”不予支持"))
        audit.record(actor=acting_user, action="support.application.rejected", instance=application, before=before)
        return application
    review = panel_result(programme, application) if programme.procedure.panel_size else None
    if review is not None and review["pending"]:
        raise ServiceError("review_pending", _("专家评审尚未完成（%(n)s名专家未评分），不能批准。")
                           % {"n": review["pending"]}, "approve", status=409)
    if review is not None and review["mean"] < review["pass_score"]:
        raise ServiceError("below_pass_score", _("专家评审加权平均分 %(m)s 低于通过分数 %(p)s，不能批准。")
                           % {"m": review["mean"], "p": review["pass_score"]}, "approve", status=409)
    budget = Budget.objects.select_for_update().filter(programme_code=programme.code, year=today.year).first()
    if budget is None:
        raise ServiceError("no_budget", _("该项目本年度预算尚未开立，不能批准。"), "approve", status=409)
    left = ledger.balance(budget_account(budget))
    decision = programmes.decide(programme, application.organisation, answers_of(application), on=today,
                                 history=history(application.organisation_id, excluding=application.pk),
                                 budget_left_cny=left, cost_ref=application.cost_ref)
    if decision.outcome != "eligible":
        reasons = "；".join(r.text_zh if not programmes.english() else r.text_en for r in decision.reasons
                           if r.code.startswith(("failed", "missing", "stacking", "over_budget", "cap")))
        message = {
            "over_budget": _("批准将超出本年度预算，不予决定：%(r)s"),
            "ineligible": _("不符合条件，不能批准：%(r)s"),
            "incomplete": _("信息不全，不能批准：%(r)s"),
        }.get(decision.outcome, _("没有可支持的金额：%(r)s"))
        raise ServiceError(decision.outcome, message % {"r": reasons}, "approve", status=409)
    amount = decision.amounts["amount_cny"]
    notice_days = _notice_days(programme, today)
    application.status = Status.NOTICE if notice_days else Status.APPROVED
    application.notice_until = today + dt.timedelta(days=notice_days) if notice_days else None
    application.amount_cny = amount
    application.budget = budget
    application.decision = {**decision.as_dict(), **({"review": {k: str(v) for k, v in review.items()}}
                                                     if review is not None else {})}
    application.save()
    ledger.post(None, "issue", [Leg(Kind.QUOTA, commitment_account(application), amount, None,
                                    application.organisation_id),
                                Leg(Kind.BUDGET, budget_account(budget), -amount)],
                memo=f"support commitment {application.pk}")
    parts = split_tranches(amount, [t.share for t in programme.tranches])
    Tranche.objects.bulk_create([
        Tranche(application=application, number=i, milestone_zh=t.title.zh, milestone_en=t.title.en,
                amount_cny=part)
        for i, (t, part) in enumerate(zip(programme.tranches, parts, strict=True), start=1)])
    if notice_days:
        _notify_applicant(application, _("扶持申请“%(t)s”拟予支持 %(a)s 元，公示至 %(d)s"),
                          {"a": str(amount), "d": str(application.notice_until)})
    else:
        _notify_applicant(application, _("扶持申请“%(t)s”已批准，金额 %(a)s 元"), {"a": str(amount)})
    audit.record(actor=acting_user, action="support.application.approved", instance=application, before=before)
    return application


@transaction.atomic
def pay_tranche(*, acting_user: User, tranche_id: int) -> Tranche:
    """Pay the next tranche of an approved application out of its commitment, through the ledger."""
    found = selectors.tranches(acting_user).filter(pk=tranche_id).values_list("application_id", flat=True).first()
    if found is None:
        raise NotFoundError()
    application = _application(acting_user, found)
    _as_official(acting_user, application)
    _state(application, Status.APPROVED)
    tranche = Tranche.objects.select_for_update().get(pk=tranche_id)
    if tranche.state != Tranche.State.PLANNED:
        raise ServiceError("already_paid", _("该批次已拨付。"), "tranche_id", status=409)
    earlier = application.tranches.filter(number__lt=tranche.number, state=Tranche.State.PLANNED).exists()
    if earlier:
        raise ServiceError("out_of_order", _("请先拨付前一期。"), "tranche_id", status=409)
    if tranche.number > 1 and tranche.accepted_at is None:
        raise ServiceError("milestone_not_accepted", _("该期对应的节点尚未验收，不能拨付。"), "tranche_id",
                           status=409)
    assert application.budget is not None
    committed = ledger.balance(commitment_account(application))
    if tranche.amount_cny > committed:
        raise ServiceError("exceeds_commitment", _("拨付金额超过尚未拨付的承诺金额（%(a)s 元）。")
                           % {"a": committed}, "tranche_id", status=409)
    before = audit.snapshot(tranche)
    if tranche.amount_cny > 0:
        tranche.transaction = ledger.post(None, "redeem", [
            Leg(Kind.QUOTA, commitment_account(application), -tranche.amount_cny, None, application.organisation_id),
            Leg(Kind.PAYABLE, paid_account(application.budget, application.organisation_id), tranche.amount_cny,
                None, application.organisation_id)], memo=f"support tranche {application.pk}#{tranche.number}")
    tranche.state = Tranche.State.PAID
    tranche.paid_at = timezone.now()
    tranche.paid_by = acting_user
    tranche.save()
    if not application.tranches.filter(state=Tranche.State.PLANNED).exists():
        application.status = Status.PAID
        application.save(update_fields=["status", "updated_at"])
    _notify_applicant(application, _("扶持申请“%(t)s”第%(n)s期已拨付 %(a)s 元"),
                      {"n": tranche.number, "a": str(tranche.amount_cny)})
    audit.record(actor=acting_user, action="support.tranche.paid", instance=tranche, before=before,
                 jurisdiction_id=application.jurisdiction_id, organisation_id=application.organisation_id)
    return tranche


@transaction.atomic
def claw_back(*, acting_user: User, application_id: int, reason: str) -> Application:
    """Claw an award back: every paid tranche is reversed in the ledger (the payment's legs negated, nothing
    rewritten) and what is still committed returns to the year's budget; planned tranches are cancelled."""
    application = _application(acting_user, application_id)
    _as_official(acting_user, application)
    _state(application, Status.APPROVED, Status.PAID)
    reason = _text(reason, "reason", 500, label=_("追回理由"))
    assert application.budget is not None
    Budget.objects.select_for_update().get(pk=application.budget.pk)
    before = audit.snapshot(application)
    tranches = application.tranches.select_for_update(of=("self",)).select_related("transaction")
    for tranche in tranches.order_by("number"):
        if tranche.state == Tranche.State.PAID:
            if tranche.transaction is not None:
                ledger.reverse(tranche.transaction, "clawback", memo=reason)
            tranche.state = Tranche.State.CLAWED_BACK
        elif tranche.state == Tranche.State.PLANNED:
            tranche.state = Tranche.State.CANCELLED
        tranche.save(update_fields=["state", "updated_at"])
    committed = ledger.balance(commitment_account(application))
    if committed:
        ledger.post(None, "clawback", [Leg(Kind.BUDGET, budget_account(application.budget), committed),
                                       Leg(Kind.QUOTA, commitment_account(application), -committed, None,
                                           application.organisation_id)],
                    memo=f"support clawback {application.pk}")
    application.status = Status.CLAWED_BACK
    application.clawback_reason = reason
    application.save(update_fields=["status", "clawback_reason", "updated_at"])
    _notify_applicant(application, _("扶持申请“%(t)s”的资金已追回"))
    audit.record(actor=acting_user, action="support.application.clawed_back", instance=application, before=before)
    return application


# -- review, public notice, milestones ---------------------------------------------------------------------------

def _parameter(key: str, on: dt.date) -> Decimal:
    return parameters().version(key, on).decimal


def _notice_days(programme: Programme, on: dt.date) -> int:
    return int(_parameter(programme.procedure.notice_days, on)) if programme.procedure.notice_days else 0


def panel_result(programme: Programme, application: Application) -> dict[str, Any]:
    """The panel's weighted mean score (the mean of each expert's weighted total), how many experts have not
    scored yet, and the pass score in force today."""
    panel = [int(i) for i in (application.panel.selected if application.panel_id else [])]  # type: ignore[union-attr]
    totals = [row.total for row in application.scores.all()]
    mean = ledger.cents(sum(totals, ZERO) / len(totals)) if totals else ZERO
    pass_score = _parameter(programme.procedure.pass_score, timezone.localdate()) \
        if programme.procedure.pass_score else ZERO
    pending = (len(panel) - len(totals)) if panel else int(_parameter(programme.procedure.panel_size or "",
                                                                     timezone.localdate()))
    return {"mean": mean, "pass_score": pass_score, "pending": max(pending, 0), "scored": len(totals)}


@transaction.atomic
def draw_review_panel(*, acting_user: User, application_id: int) -> Application:
    """The official draws the programme's expert panel with the experts app's reproducible, conflict-free draw:
    the programme's fields and size, no expert of the applicant's organisation (nor of the official's)."""
    from aiplus.experts import services as expert_services

    application = _application(acting_user, application_id)
    _as_official(acting_user, application)
    _state(application, Status.ACCEPTED)
    programme = _programme(application.programme_code)
    procedure = programme.procedure
    if not procedure.panel_size:
        raise ServiceError("no_expert_review", _("该项目不需要专家评审。"), "application_id", status=409)
    if application.panel_id is not None:
        raise ServiceError("already_drawn", _("该申请的评审专家组已抽取。"), "application_id", status=409)
    size = int(_parameter(procedure.panel_size, timezone.localdate()))
    before = audit.snapshot(application)
    draw = expert_services.draw_panel(
        acting_user=acting_user, purpose=str(_("扶持项目专家评审：%(t)s") % {"t": application.title})[:300],
        subject_type="support.application", subject_id=str(application.pk),
        jurisdiction=application.jurisdiction.code, fields=list(procedure.expert_fields), size=size,
        conflicted_organisation_ids=[application.organisation_id])
    application.panel = draw
    application.save(update_fields=["panel", "updated_at"])
    audit.record(actor=acting_user, action="support.review.drawn", instance=application, before=before)
    return application


def _scores(programme: Programme, scores: Any) -> tuple[dict[str, int], Decimal]:
    if not isinstance(scores, dict):
        raise ServiceError("invalid", _("请为每项评审标准打分。"), "scores")
    wanted = {c.code: c for c in programme.procedure.criteria}
    clean: dict[str, int] = {}
    for code, criterion in wanted.items():
        value = scores.get(code)
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            raise ServiceError("invalid_score", _("“%(c)s”的评分须为0至100的整数。")
                               % {"c": programmes.title(criterion.title)}, f"scores.{code}")
        clean[code] = value
    unknown = set(scores) - set(wanted)
    if unknown:
        raise ServiceError("unknown_criterion", _("没有这项评审标准。"), f"scores.{sorted(unknown)[0]}"[:60])
    total = ledger.cents(sum((Decimal(clean[c]) * w.weight for c, w in wanted.items()), ZERO))
    return clean, total


@transaction.atomic
def score_application(*, acting_user: User, application_id: int, scores: Any, comment: str = "") -> Score:
    """A panel expert scores the application against the programme's criteria, once. Only the drawn experts score;
    the draw already left out the applicant's experts, and an expert who belongs to the applicant is refused."""
    from aiplus.experts.models import ExpertProfile

    found = Application.objects.filter(pk=application_id).values_list("panel_id", flat=True).first()
    expert = ExpertProfile.objects.filter(user=acting_user).first() if getattr(acting_user, "pk", None) else None
    if found is None or expert is None:
        raise NotFoundError()
    application = Application.objects.select_for_update(of=("self",)).select_related("panel").get(
        pk=application_id)
    if application.panel is None or expert.pk not in [int(i) for i in application.panel.selected]:
        raise PermissionDeniedError(_("只有抽取的评审专家可以评分。"))
    if application.organisation_id in permissions.user_organisation_ids(acting_user, "view") or \
            application.submitted_by_id == acting_user.pk:
        raise PermissionDeniedError(_("不能评审本人或本单位提出的申请。"))
    _state(application, Status.ACCEPTED)
    programme = _programme(application.programme_code)
    clean, total = _scores(programme, scores)
    comment = _text(comment, "comment", 1000, label=_("评审意见"), required=False)
    if Score.objects.filter(application=application, expert=expert).exists():
        raise ServiceError("already_scored", _("您已评过分。"), "scores", status=409)
    score = Score.objects.create(application=application, expert=expert, scores=clean, total=total,
                                 comment=comment)
    audit.record(actor=acting_user, action="support.review.scored", instance=score,
                 jurisdiction_id=application.jurisdiction_id, organisation_id=application.organisation_id)
    return score


OBJECTIONS_PER_HOUR = 5  # one source (an address or a signed-in user) on one platform, per hour


@transaction.atomic
def object_to_award(*, acting_user: Any, application_id: int, text: str, website: str = "",
                    client_address: str | None = None) -> Objection:
    """Anyone objects to an award under public notice. Abuse protection as participation's comments: the trap field
    `website` must stay empty; a source (the address, kept only as a keyed hash) sends at most a few an hour."""
    from aiplus.participation.services import source_key

    if str(website or "").strip():
        raise ServiceError("rejected", _("提交被拒绝。"), "website")
    application = Application.objects.select_for_update().filter(pk=application_id, status=Status.NOTICE).first()
    if application is None:
        raise NotFoundError()
    if application.notice_until is None or timezone.localdate() > application.notice_until:
        raise ServiceError("notice_closed", _("公示期已结束。"), "text", status=409)
    text = _text(text, "text", 2000, label=_("异议内容"))
    if "\x00" in text:
        raise ServiceError("control_characters", _("不能包含控制字符。"), "text")
    key = source_key(client_address) if client_address else ""
    if getattr(acting_user, "is_authenticated", False):
        key = source_key(f"user:{acting_user.pk}")
    since = timezone.now() - dt.timedelta(hours=1)
    if key and Objection.objects.filter(source_key=key, created_at__gt=since).count() >= OBJECTIONS_PER_HOUR:
        raise ServiceError("too_many", _("提交过于频繁，请一小时后再试。"), "text", status=429)
    objection = Objection.objects.create(application=application, text=text, source_key=key)
    audit.record(actor=acting_user if getattr(acting_user, "is_authenticated", False) else None,
                 action="support.objection.raised", instance=objection,
                 jurisdiction_id=application.jurisdiction_id, organisation_id=application.organisation_id)
    return objection


@transaction.atomic
def answer_objection(*, acting_user: User, objection_id: int, answer: str) -> Objection:
    """An official of the programme's jurisdiction (not of the applicant) answers an objection."""
    found = selectors.objections(acting_user).filter(pk=objection_id).values_list("application_id", flat=True).first()
    if found is None:
        raise NotFoundError()
    application = _application(acting_user, found)
    _as_official(acting_user, application)
    objection = Objection.objects.select_for_update().get(pk=objection_id)
    if objection.answered_at is not None:
        raise ServiceError("already_answered", _("该异议已答复。"), "answer", status=409)
    before = audit.snapshot(objection)
    objection.answer = _text(answer, "answer", 2000, label=_("答复"))
    objection.answered_by = acting_user
    objection.answered_at = timezone.now()
    objection.save()
    audit.record(actor=acting_user, action="support.objection.answered", instance=objection, before=before,
                 jurisdiction_id=application.jurisdiction_id, organisation_id=application.organisation_id)
    return objection


@transaction.atomic
def finalise_award(*, acting_user: User, application_id: int) -> Application:
    """After the public notice, with every objection answered, the official makes the award final: its tranches may
    then be paid."""
    application = _application(acting_user, application_id)
    _as_official(acting_user, application)
    _state(application, Status.NOTICE)
    if application.notice_until is not None and timezone.localdate() <= application.notice_until:
        raise ServiceError("notice_running", _("公示期至 %(d)s 结束，结束后方可确定。")
                           % {"d": application.notice_until}, "application_id", status=409)
    if application.objections.filter(answered_at__isnull=True).exists():
        raise ServiceError("objections_unanswered", _("尚有未答复的异议。"), "application_id", status=409)
    before = audit.snapshot(application)
    application.status = Status.APPROVED
    application.save(update_fields=["status", "updated_at"])
    _notify_applicant(application, _("扶持申请“%(t)s”公示期满，已确定支持"))
    audit.record(actor=acting_user, action="support.application.finalised", instance=application, before=before)
    return application


@transaction.atomic
def accept_milestone(*, acting_user: User, tranche_id: int, note: str) -> Tranche:
    """An official accepts the milestone a later tranche is tied to (the earlier tranches paid), so it may be paid."""
    found = selectors.tranches(acting_user).filter(pk=tranche_id).values_list("application_id", flat=True).first()
    if found is None:
        raise NotFoundError()
    application = _application(acting_user, found)
    _as_official(acting_user, application)
    _state(application, Status.APPROVED)
    tranche = Tranche.objects.select_for_update().get(pk=tranche_id)
    if tranche.number == 1:
        raise ServiceError("first_tranche", _("第一期在批准后拨付，无需节点验收。"), "tranche_id", status=409)
    if tranche.state != Tranche.State.PLANNED or tranche.accepted_at is not None:
        raise ServiceError("already_accepted", _("该节点已验收。"), "tranche_id", status=409)
    if application.tranches.filter(number__lt=tranche.number).exclude(state=Tranche.State.PAID).exists():
        raise ServiceError("out_of_order", _("请先拨付前一期。"), "tranche_id", status=409)
    before = audit.snapshot(tranche)
    tranche.acceptance_note = _text(note, "note", 500, label=_("验收意见"))
    tranche.accepted_at = timezone.now()
    tranche.accepted_by = acting_user
    tranche.save()
    audit.record(actor=acting_user, action="support.tranche.accepted", instance=tranche, before=before,
                 jurisdiction_id=application.jurisdiction_id, organisation_id=application.organisation_id)
    return tranche
