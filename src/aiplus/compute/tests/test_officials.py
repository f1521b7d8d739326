"""Officials' and users' pages: the capacity map, voucher forms, the savings simulation, voucher effect with
reasons, per-row CSV errors, reference voucher parameters, and bad input through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aiplus.compute import ledger, services
from aiplus.compute.models import ComputeCentre, LedgerEntry, Redemption, SavingsStudy, UsageRecord, VoucherQuota
from aiplus.compute.simulator import CentreSpec, StudyOptions, TraceJob, compare_dispatch
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.imports import ImportRejected
from aiplus.core.models import AuditEvent, JobProgress


def tiny_trace(path, jobs=240):
    """A Philly-format table: three tenants, bursts at the busiest tenant's centre."""
    lines = ["timestamp,duration,num_gpus,gpu_time,cluster"]
    base = dt.datetime(2017, 10, 1)
    for k in range(jobs):
        when = base + dt.timedelta(minutes=7 * k)
        group = "vc-a" if k % 3 else ("vc-b" if k % 2 else "vc-c")
        gpus = (1, 2, 4, 8, 1, 1)[k % 6]
        duration = 1800 + 600 * (k % 5)
        lines.append(f"{when:%Y-%m-%d %H:%M:%S},{duration}.0,{gpus},{gpus * duration}.0,{group}")
    (path / "philly").mkdir(parents=True, exist_ok=True)
    (path / "philly" / "philly.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------------ register / map

def test_centre_coordinates_are_validated_and_drawn_on_the_map(net, client):
    provider = net.world.user("provider")
    org = net.world.orgs["suzhou:provider"].pk
    base = {"acting_user": provider, "operator_id": org, "name": "昆山算力中心", "jurisdiction": "suzhou-kunshan",
            "pue": "1.2", "green_power_share": "0.5", "grid_carbon_kg_per_kwh": "0.58"}
    before = (ComputeCentre.objects.count(), AuditEvent.objects.count())
    for changes, field in (({"latitude": "31.4"}, "longitude"), ({"latitude": "95", "longitude": "121"}, "latitude"),
                           ({"latitude": "31.4", "longitude": "-200"}, "longitude")):
        with pytest.raises(ServiceError) as error:
            services.register_centre(**base, **changes)
        assert error.value.field == field
    assert (ComputeCentre.objects.count(), AuditEvent.objects.count()) == before
    centre = services.register_centre(**base, latitude="31.38", longitude="120.98")
    services.add_pool(acting_user=provider, centre_id=centre.pk, accelerator_model="nvidia-h20", cards=16,
                      memory_gb=96, price_cny_per_card_hour="6")
    response = client.get("/compute/?region=suzhou")
    assert response.status_code == 200
    by_name = {p["name"]: p for p in response.context["chart"]["points"]}
    assert by_name["昆山算力中心"]["value"][:3] == [120.98, 31.38, 16] and by_name["昆山算力中心"]["exact"]
    # Registered without coordinates: drawn at its district's centre, marked approximate.
    assert by_name["苏州智算中心"]["exact"] is False and by_name["苏州智算中心"]["value"][:2] == [120.719, 31.317]
    assert 'data-testid="capacity-map"' in response.content.decode()


# ------------------------------------------------------------------------------------------- savings simulation

def test_compare_dispatch_reports_every_policy_and_the_saving():
    centres = [CentreSpec("a", 8, 12.0, 1.4, 0.1), CentreSpec("b", 32, 8.0, 1.15, 0.6)]
    jobs = [TraceJob(str(k), 60.0 * k, 1200.0 + 100 * (k % 7), (1, 2, 4, 16)[k % 4], "g1" if k % 4 else "g2")
            for k in range(120)]
    seen = []
    result = compare_dispatch(centres, jobs, StudyOptions(start_day=0, days=1, max_jobs=100),
                              progress=lambda step, name: seen.append((step, name)))
    assert [s for s, _ in seen] == [1, 2, 3, 4, 5]
    assert set(result["policies"]) == {"local-only", "replicate-first-fit", "cheapest", "least-loaded", "broker"}
    assert result["facts"]["jobs"] == 100 and result["facts"]["left_out_too_big"] == 0
    local, broker = result["policies"]["local-only"], result["policies"]["broker"]
    assert result["saving"]["cost_cny"] == pytest.approx(local["cost_cny"] - broker["cost_cny"])
    for policy in result["policies"].values():  # nothing beats its bound
        assert policy["avg_jct_s"] >= result["bound"]["avg_jct_s"] - 1e-6
        assert policy["cost_cny"] >= result["bound"]["cost_cny"] - 1e-6
    too_big = compare_dispatch(centres, [*jobs, TraceJob("huge", 5.0, 100.0, 64, "g1")],
                               StudyOptions(start_day=0, days=1, max_jobs=1000))
    assert too_big["facts"]["left_out_too_big"] == 1


def test_official_runs_the_savings_study_in_the_background(net, client, immediate_tasks, tmp_path, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    monkeypatch.setenv("AIPLUS_TRACES_DIR", str(tiny_trace(tmp_path)))
    official = net.world.user("official")
    client.force_login(official)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/compute/savings/", {"region": "suzhou", "days": "3", "max_jobs": "200",
                                                     "target_load": "0.9"})
    assert response.status_code == 302, response.content.decode()[:2000]
    study = SavingsStudy.objects.get()
    assert response["Location"] == f"/compute/savings/{study.pk}/"
    assert study.status == "done", study.message
    assert study.job is not None and JobProgress.objects.get(pk=study.job_id).status == "done"
    assert JobProgress.objects.get(pk=study.job_id).done == 6
    result = study.result
    # The region's two Suzhou pools (64 A800 + 128 Ascend) become one 192-card centre; Shenzhen is not in it.
    assert [c["gpus"] for c in result["centres"]] == [192]
    assert result["facts"]["jobs"] == 200
    assert result["saving"]["avg_jct_s"] == pytest.approx(
        result["policies"]["local-only"]["avg_jct_s"] - result["policies"]["broker"]["avg_jct_s"])
    page = client.get(f"/compute/savings/{study.pk}/").content.decode()
    assert 'data-testid="study-table"' in page and "平台调度" in page
    assert AuditEvent.objects.filter(action="compute.savings.started").count() == 1
    assert AuditEvent.objects.filter(action="compute.savings.finished").count() == 1


def test_savings_study_on_several_centres_is_consistent(world, immediate_tasks, tmp_path, monkeypatch,
                                                        django_capture_on_commit_callbacks):
    monkeypatch.setenv("AIPLUS_TRACES_DIR", str(tiny_trace(tmp_path, jobs=300)))
    provider, org = world.user("provider", "suzhou"), world.orgs["suzhou:provider"].pk
    for name, place, cards, price, green in (("园区", "suzhou-sip", 16, "12", "0.1"),
                                             ("吴江", "suzhou-wujiang", 64, "7", "0.6"),
                                             ("常熟", "suzhou-changshu", 16, "11", "0.2")):
        centre = services.register_centre(acting_user=provider, operator_id=org, name=name, jurisdiction=place,
                                          pue="1.3", green_power_share=green, grid_carbon_kg_per_kwh="0.58")
        services.add_pool(acting_user=provider, centre_id=centre.pk, accelerator_model="nvidia-a800", cards=cards,
                          memory_gb=80, price_cny_per_card_hour=price)
    with django_capture_on_commit_callbacks(execute=True):
        study = services.start_savings_study(acting_user=world.user("official"), region="suzhou", max_jobs=300)
    study.refresh_from_db()
    assert study.status == "done", study.message
    # Whether brokering beats local-only is measured by bench/dispatch.py; here, that the study is consistent.
    result = study.result
    assert sorted(c["gpus"] for c in result["centres"]) == [16, 16, 64]
    local, broker = result["policies"]["local-only"], result["policies"]["broker"]
    for metric in ("avg_jct_s", "cost_cny"):
        assert result["saving"][metric] == pytest.approx(local[metric] - broker[metric])
        assert broker[metric] >= result["bound"][metric] - 1e-6


def test_savings_study_bad_input_and_permissions(net, tmp_path, monkeypatch):
    monkeypatch.setenv("AIPLUS_TRACES_DIR", str(tiny_trace(tmp_path)))
    before = (SavingsStudy.objects.count(), JobProgress.objects.count(), AuditEvent.objects.count())
    official = net.world.user("official")
    for user, kwargs, field in (
        (official, {"region": "mars"}, "region"),
        (official, {"region": "suzhou", "source": "borg"}, "source"),
        (official, {"region": "suzhou", "seed": "-3"}, "seed"),
        (official, {"region": "suzhou", "centre_ids": [999999]}, "centres"),
        (official, {"region": "suzhou", "source": "uploaded"}, "file"),  # no log uploaded
        (official, {"region": "suzhou", "days": "-1"}, "days"),
        (official, {"region": "suzhou", "max_jobs": "5"}, "max_jobs"),
        (official, {"region": "suzhou-taicang"}, "region"),  # no registered centre there
    ):
        with pytest.raises(ServiceError) as error:
            services.start_savings_study(acting_user=user, **kwargs)
        assert error.value.field == field, kwargs
    for user in (net.world.user("enterprise_member"), net.world.user("official", "shenzhen")):
        with pytest.raises(PermissionDeniedError):
            services.start_savings_study(acting_user=user, region="suzhou")
    monkeypatch.setenv("AIPLUS_TRACES_DIR", str(tmp_path / "nowhere"))
    with pytest.raises(ServiceError) as error:
        services.start_savings_study(acting_user=official, region="suzhou", source="philly")
    assert error.value.code == "trace_missing" and error.value.field == "source"
    assert "nowhere" not in str(error.value.message)  # no server path: what to do instead
    assert (SavingsStudy.objects.count(), JobProgress.objects.count(), AuditEvent.objects.count()) == before


# ------------------------------------------------------------------------------------------ voucher forms (pages)

def test_official_creates_a_programme_and_issues_a_quota_through_the_forms(net, client):
    client.force_login(net.world.user("official"))
    page = client.get("/compute/vouchers/").content.decode()
    assert 'data-testid="programme-form"' in page and "vouchers.shanghai_compute" in page
    # Each pack programme is offered by its name (the rate parameter's title), its key being the value.
    assert '<option value="vouchers.shanghai_compute">上海算力券（租用智能算力）市级补贴比例</option>' in page
    bad = client.post("/compute/vouchers/programmes/", {
        "name": "园区算力券", "jurisdiction": "suzhou", "parameter_prefix": "vouchers.suzhou_compute",
        "budget_cny": "-5", "valid_from": "2026-01-01", "valid_until": "2026-12-31"})
    assert bad.status_code == 400 and 'data-field="budget_cny"' in bad.content.decode()
    ok = client.post("/compute/vouchers/programmes/", {
        "name": "园区算力券", "jurisdiction": "suzhou", "parameter_prefix": "vouchers.suzhou_compute",
        "budget_cny": "200000", "valid_from": "2026-01-01", "valid_until": "2026-12-31",
        "eligible_provider_ids": [str(net.world.orgs["suzhou:provider"].pk)], "is_published": "on"})
    assert ok.status_code == 302
    programme = net.programme.__class__.objects.get(name="园区算力券")
    assert ledger.balance(ledger.budget_account(programme)) == Decimal("200000.00")
    holder = net.world.orgs["suzhou:enterprise"].pk
    over = client.post("/compute/vouchers/quotas/", {"programme_id": programme.pk, "organisation_id": holder,
                                                     "amount_cny": "300000"})
    assert over.status_code == 400 and 'data-field="amount_cny"' in over.content.decode()
    issued = client.post("/compute/vouchers/quotas/", {"programme_id": programme.pk, "organisation_id": holder,
                                                       "amount_cny": "30000", "is_startup": "on"})
    assert issued.status_code == 302
    quota = VoucherQuota.objects.get(programme=programme)
    assert quota.is_startup and ledger.balance(ledger.quota_account(quota)) == Decimal("30000.00")
    assert ledger.unbalanced_transactions() == []


@pytest.mark.parametrize("role", ["enterprise_member", "provider", "auditor"])
def test_only_officials_may_post_the_voucher_forms(net, client, role):
    client.force_login(net.world.user(role))
    before = (LedgerEntry.objects.count(), AuditEvent.objects.count())
    response = client.post("/compute/vouchers/quotas/", {"programme_id": net.programme.pk, "amount_cny": "10",
                                                         "organisation_id": net.world.orgs["suzhou:enterprise"].pk})
    assert response.status_code == 403
    assert 'data-testid="programme-form"' not in client.get("/compute/vouchers/").content.decode()
    assert (LedgerEntry.objects.count(), AuditEvent.objects.count()) == before


def test_voucher_spend_by_programme_and_organisation(net, client):
    provider, member = net.world.user("provider"), net.world.user("enterprise_member")
    org = net.world.orgs["suzhou:enterprise"].pk
    for k, amount in enumerate(("1000", "500")):
        row, _ = services.record_usage(acting_user=provider, record_id=f"s{k}", pool_id=net.sz_pool.pk,
                                       card_hours="5", amount_cny=amount, period_end=dt.date(2026, 6, 1),
                                       organisation_id=org)
        services.redeem(acting_user=member, usage_id=row.pk, quota_id=net.quota.pk)
    client.force_login(net.world.user("official"))
    rows = client.get("/compute/vouchers/").context["by_organisation"]
    assert rows == [{"programme": "苏州算力券2026", "organisation": net.world.orgs["suzhou:enterprise"].name,
                     "spend": Decimal("1500.00"), "amount": Decimal("300.00"), "count": 2}]


# ------------------------------------------------------------------------------- voucher effect on a placement

def test_placement_shows_the_voucher_effect_with_reasons_and_citations(net, client, immediate_tasks,
                                                                       django_capture_on_commit_callbacks):
    member = net.world.user("enterprise_member")
    with django_capture_on_commit_callbacks(execute=True):
        request = services.submit_request(
            acting_user=member, title="微调", accepted_models=["ascend-910b"], cards=8, hours="10",
            residency_level="city", residency_region="suzhou", quota_id=net.quota.pk)
    request.refresh_from_db()
    decision = request.placement.subsidy_decision
    assert [r["code"] for r in decision["reasons"]][:2] == ["base_rate", "uplift_domestic_chips"]
    assert {p["key"]: p["status"] for p in decision["parameters"]}["vouchers.suzhou_compute.rate"] == "local-setting"
    client.force_login(member)
    page = client.get(f"/compute/requests/{request.pk}/").content.decode()
    assert 'data-testid="subsidy-reasons"' in page and "苏州" in page and "运营方设置" in page
    assert 'data-testid="job-link"' in page and 'data-testid="request-progress"' not in page  # placed: one status


# ------------------------------------------------------------------------------------------ CSV per-row errors

def test_csv_import_names_every_bad_row_and_imports_nothing(net, client):
    provider = net.world.user("provider")
    org = net.world.orgs["suzhou:enterprise"].pk
    text = ("record_id,pool_id,organisation_id,card_hours,amount_cny,period_end\n"
            f"ok-1,{net.sz_pool.pk},{org},2,24,2026-06-01\n"
            f"bad-1,{net.sz_pool.pk},{org},-2,24,2026-06-01\n"
            f"bad-2,{net.sz_pool.pk},{org},2,24,2026-13-01\n"
            f"bad-3,999999,{org},2,24,2026-06-01\n")
    with pytest.raises(ImportRejected) as error:
        services.import_usage_csv(acting_user=provider, text=text)
    assert [(r["row"], r["field"]) for r in error.value.rows] == [(3, "card_hours"), (4, "period_end"),
                                                                   (5, "pool_id")]
    assert UsageRecord.objects.count() == 0
    client.force_login(provider)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/compute/provider/usage/", {"file": SimpleUploadedFile("u.csv", text.encode())})
    body = response.content.decode()
    assert response.status_code == 400 and 'data-testid="import-rejected"' in body
    assert body.count("<tr data-row=") == 3 and UsageRecord.objects.count() == 0
    api = client.post("/api/v1/compute/usage/csv", {"text": text}, content_type="application/json")
    assert api.status_code == 400 and api.json()["code"] == "import_rejected" and "3" in api.json()["message"]
    assert [(r["row"], r["field"]) for r in api.json()["report"]["rejected"]] == [
        (3, "card_hours"), (4, "period_end"), (5, "pool_id")]


# ------------------------------------------------------------------------- the issue's bad inputs via the API

def test_voucher_of_another_organisation_is_refused_through_the_api(net, client):
    official = net.world.user("official")
    other = services.issue_quota(acting_user=official, programme_id=net.programme.pk,
                                 organisation_id=net.world.orgs["suzhou:provider"].pk, amount_cny="1000")
    member = net.world.user("enterprise_member")
    client.force_login(member)
    before = (AuditEvent.objects.count(), Redemption.objects.count())
    response = client.post("/api/v1/compute/requests", {
        "title": "推理", "accepted_models": ["nvidia-a800"], "cards": 1, "hours": "2", "quota_id": other.pk},
        content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "voucher_of_other_organisation" and response.json()["field"] == "quota"
    row, _ = services.record_usage(acting_user=net.world.user("provider"), record_id="o-1", pool_id=net.sz_pool.pk,
                                   card_hours="1", amount_cny="12", period_end=dt.date(2026, 6, 1),
                                   organisation_id=net.world.orgs["suzhou:enterprise"].pk)
    before = (AuditEvent.objects.count(), Redemption.objects.count())
    response = client.post("/api/v1/compute/redemptions", {"usage_id": row.pk, "quota_id": other.pk},
                           content_type="application/json")
    assert response.status_code == 400 and response.json()["field"] == "quota"
    assert (AuditEvent.objects.count(), Redemption.objects.count()) == before


def test_negative_hours_on_usage_are_refused_through_the_api(net, client):
    client.force_login(net.world.user("provider"))
    response = client.post("/api/v1/compute/usage", {
        "record_id": "neg", "pool_id": net.sz_pool.pk, "card_hours": "-4", "amount_cny": "10",
        "period_end": "2026-06-01", "organisation_id": net.world.orgs["suzhou:enterprise"].pk},
        content_type="application/json")
    assert response.status_code == 422 and response.json()["field"] == "card_hours"
    assert UsageRecord.objects.count() == 0
    response = client.post(f"/api/v1/compute/centres/{net.sz_centre.pk}/pools", {
        "accelerator_model": "nvidia-b999", "cards": 8, "memory_gb": 80, "price_cny_per_card_hour": "9"},
        content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "unknown_accelerator_model"


# ----------------------------------------------------------------------------- reference voucher parameters

def test_shanghai_parameters_are_official_and_the_early_small_rate_reaches_100_percent(net):
    from aiplus.regulation.runtime import parameters
    from aiplus.rules.library.vouchers import voucher_redemption

    registry = parameters()
    day = dt.date(2026, 3, 1)
    assert registry.version("vouchers.shanghai_compute.rate", day).status.value == "official"
    assert registry.version("vouchers.shanghai_compute.annual_cap_cny", day).status.value == "local-setting"
    assert registry.version("vouchers.shenzhen_training.rate", day).status.value == "official"
    assert registry.version("vouchers.suzhou_compute.rate", day).status.value == "local-setting"
    assert registry.version("vouchers.guangdong_compute.rate", day).status.value == "local-setting"
    common = {"programme": "shanghai_compute", "effective_on": day, "spend_cny": Decimal("1000"),
              "used_this_year_cny": Decimal("0"), "budget_remaining_cny": Decimal("1000000")}
    assert voucher_redemption(registry, **common).amounts["amount_cny"] == Decimal("300.00")
    assert voucher_redemption(registry, **common, is_startup=True).amounts["amount_cny"] == Decimal("1000.00")
