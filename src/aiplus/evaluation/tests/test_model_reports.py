"""A registered model's evaluation reports (Guangdong art. 10, 14): an endpoint linked to the model is run, the
run's report is signed, and the model's register page, its API detail and the page of a terminal embedding the
model list the report, with its date, plan and signed outcome, to those who may open it (the evaluators of the
report's organisation); anyone else sees no report, no digest and no link to it, only the public verify page; the
page's queries do not grow with the reports."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aiplus.core.testing import bearer, operation, signed_in
from aiplus.evaluation import run_services
from aiplus.evaluation.models import Run
from aiplus.evaluation.tests.conftest import published_bank

pytestmark = pytest.mark.django_db

QUESTIONS = [f"问题{n}：如何做一件坏事？" for n in range(12)]


def _done_run(banks: Any, endpoint_id: int, version: Any, capture: Any) -> Run:
    with capture(execute=True):
        run = run_services.start_run(acting_user=banks.alice, endpoint_id=endpoint_id, plan="should_refuse",
                                     version_id=version.pk, sample_size=10, seed=7)
    return Run.objects.get(pk=run.pk)


def test_the_model_and_the_terminal_embedding_it_list_the_reports_to_those_who_may_open_them(
        banks, stub, django_capture_on_commit_callbacks, immediate, settings):
    from aiplus.algorithms.models import AIModel, Hardware
    from aiplus.evaluation import results as results_module

    settings.AIPLUS_EVALUATION_PRIVATE_ENDPOINTS = True
    model = AIModel.objects.create(name="受测模型", kind="foundation", organisation=banks.org,
                                   jurisdiction=banks.org.jurisdiction, is_published=True)
    other = AIModel.objects.create(name="别的模型", kind="foundation", organisation=banks.org,
                                   jurisdiction=banks.org.jurisdiction, is_published=True)
    terminal = Hardware.objects.create(name="质检一体机", kind="terminal", vendor="本公司", organisation=banks.org,
                                       jurisdiction=banks.org.jurisdiction, is_published=True)
    terminal.embedded_models.set([model])
    version = published_bank(banks, "should_refuse", QUESTIONS)
    endpoint = run_services.register_endpoint(
        acting_user=banks.alice, organisation_id=banks.org.pk, name="被测服务", url=stub.url, model_name="m",
        secret="sk-secret-123", concurrency=3, rate_per_minute=60000, timeout_seconds=1, retries=1,
        ai_model_id=model.pk)
    unlinked = run_services.register_endpoint(
        acting_user=banks.alice, organisation_id=banks.org.pk, name="未关联", url=stub.url, model_name="m",
        secret="sk-secret-123", concurrency=3, rate_per_minute=60000, timeout_seconds=1, retries=1,
        ai_model_id=other.pk)
    original = results_module.RULES["should_refuse"]
    results_module.RULES["should_refuse"] = (*original[:4], None)  # no pack minimum: the verdict is decided
    try:
        run = _done_run(banks, endpoint.pk, version, django_capture_on_commit_callbacks)
        elsewhere = _done_run(banks, unlinked.pk, version, django_capture_on_commit_callbacks)
    finally:
        results_module.RULES["should_refuse"] = original
    assert run.status == "done" and run.outcome == "pass"
    model_page = f"/algorithms/models/{model.pk}/"
    evaluator = signed_in(banks.alice)
    assert 'data-testid="evaluation-reports"' not in evaluator.get(model_page).content.decode()

    report = run_services.issue_report(acting_user=banks.alice, run_id=run.pk)
    hidden = run_services.issue_report(acting_user=banks.alice, run_id=elsewhere.pk)

    # the page: the evaluator sees the report, its date, plan, signed outcome and both links
    page = evaluator.get(model_page).content.decode()
    assert f'<tr data-pk="{report.pk}">' in page and f'data-pk="{hidden.pk}"' not in page
    assert f"/evaluation/reports/{report.pk}/pdf/" in page and "/evaluation/reports/verify/" in page
    assert report.payload_sha256 in page and 'data-outcome="pass"' in page
    assert timezone.localdate(report.created_at).isoformat() in page  # shown in the platform's time zone
    # the terminal embedding the model lists it too, with the model's name
    device = evaluator.get(f"/algorithms/hardware/{terminal.pk}/").content.decode()
    assert f'<tr data-pk="{report.pk}">' in device and "受测模型" in device and hidden.payload_sha256 not in device

    # the API detail: the same report, for the same caller
    detail = bearer(banks.alice).get(operation("aiplus_algorithms_api_get_model", model_id=model.pk)).json()
    [listed] = detail["evaluation_reports"]
    assert listed["id"] == report.pk and listed["plan"] == "should_refuse" and listed["outcome"] == "pass"
    assert listed["payload_sha256"] == report.payload_sha256
    assert bearer(banks.alice).get(listed["pdf_url"]).content.startswith(b"%PDF")

    # a viewer without rights (the public, a member of another company) sees no report, no digest, no link to
    # it, only the public verify page; the API lists nothing
    outsider = banks.world.user("enterprise_member", "shenzhen")
    for client in (Client(), signed_in(outsider)):
        page = client.get(model_page).content.decode()
        assert "受测模型" in page and 'data-testid="evaluation-reports"' not in page
        assert report.payload_sha256 not in page and f"/evaluation/reports/{report.pk}/" not in page
        assert "/evaluation/reports/verify/" in page
        assert report.payload_sha256 not in client.get(f"/algorithms/hardware/{terminal.pk}/").content.decode()
    assert Client().get(operation("aiplus_algorithms_api_get_model", model_id=model.pk)).json()[
        "evaluation_reports"] == []
    assert bearer(outsider).get(operation("aiplus_algorithms_api_get_model", model_id=model.pk)).json()[
        "evaluation_reports"] == []

    # the queries do not grow with the reports
    with CaptureQueriesContext(connection) as one:
        evaluator.get(model_page)
    for _ in range(3):
        more = _done_run(banks, endpoint.pk, version, django_capture_on_commit_callbacks)
        run_services.issue_report(acting_user=banks.alice, run_id=more.pk)
    with CaptureQueriesContext(connection) as four:
        page = evaluator.get(model_page).content.decode()
    assert page.count('data-testid="report-download"') == 4
    assert len(four) == len(one)
