"""Job requests and placement by the broker, metering (idempotent), and the bad inputs each service refuses."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from aiplus.compute import services
from aiplus.compute.models import ComputeCentre, JobRequest, Placement, ResourcePool, UsageRecord
from aiplus.core.errors import PermissionDeniedError, ServiceError
from aiplus.core.models import AuditEvent, JobProgress


def submit(net, **changes):
    data = {"title": "大模型微调", "accepted_models": ["nvidia-a800", "ascend-910b"], "cards": 8, "hours": "10",
            "residency_level": "province", "residency_region": "jiangsu", "quota_id": net.quota.pk}
    data.update(changes)
    return services.submit_request(acting_user=net.world.user("enterprise_member"), **data)


def counts():
    return (JobRequest.objects.count(), JobProgress.objects.count(), AuditEvent.objects.count(),
            UsageRecord.objects.count())


def test_request_is_placed_in_the_background_within_the_residency(net, immediate_tasks,
                                                                   django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(net)
    request.refresh_from_db()
    assert request.status == "placed", request.unplaced_message
    placement = Placement.objects.get(request=request)
    # Domestic Ascend at 8 CNY is the cheapest pool in Jiangsu: 8 cards x 10 h x 8 = 640.
    assert placement.pool_id == net.sz_domestic.pk
    assert placement.cost_cny == Decimal("640.00")
    assert placement.subsidy_cny == Decimal("160.00")  # 20 % + 5 % domestic uplift
    assert placement.paid_cny == Decimal("480.00")
    assert ResourcePool.objects.get(pk=net.sz_domestic.pk).available_cards == 120
    assert JobProgress.objects.get(pk=request.job_id).status == "done"
    assert AuditEvent.objects.filter(action="compute.request.submitted", object_id=str(request.pk)).count() == 1
    assert AuditEvent.objects.filter(action="compute.request.placed", object_id=str(request.pk)).count() == 1


def test_unplaceable_request_stores_the_reason(net, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(net, accepted_models=["nvidia-a800"], cards=100, quota_id=None)
    request.refresh_from_db()
    assert request.status == "unplaced"
    assert request.unplaced_code == "job_larger_than_any_pool"
    assert request.unplaced_message


@pytest.mark.parametrize(("changes", "field", "code"), [
    ({"hours": "-3"}, "hours", "out_of_range"),
    ({"hours": "0"}, "hours", "out_of_range"),
    ({"cards": 0}, "cards", "out_of_range"),
    ({"accepted_models": ["nvidia-b200x"]}, "accepted_models", "unknown_accelerator_model"),
    ({"accepted_models": []}, "accepted_models", "required"),
    ({"residency_level": "city", "residency_region": "hangzhou"}, "residency_region", "unknown_jurisdiction"),
    ({"residency_level": "city", "residency_region": "shenzhen", "accepted_models": ["ascend-910b"]},
     "residency_region", "residency_unsatisfiable"),
    ({"residency_level": "city", "residency_region": "jiangsu"}, "residency_region", "residency_level_mismatch"),
    # issue 18: a chip no centre has is named as such, not blamed on residency
    ({"residency_level": "city", "residency_region": "suzhou", "accepted_models": ["nvidia-h100"]},
     "accepted_models", "no_pool_with_model"),
    ({"cross_border_allowed": True}, "cross_border_reference", "cross_border_reference_required"),
    ({"budget_cny": "-1"}, "budget_cny", "out_of_range"),
    ({"deadline_hours": "5"}, "deadline_hours", "deadline_too_short"),
])
def test_bad_request_input_names_the_field_and_changes_nothing(net, changes, field, code):
    before = counts()
    with pytest.raises(ServiceError) as error:
        submit(net, **changes)
    assert (error.value.field, error.value.code) == (field, code)
    assert str(error.value.message)
    assert counts() == before


def test_voucher_of_another_organisation_on_a_request_is_refused(net):
    other = services.issue_quota(acting_user=net.world.user("official"), programme_id=net.programme.pk,
                                 organisation_id=net.world.orgs["suzhou:provider"].pk, amount_cny="10")
    before = counts()
    with pytest.raises(ServiceError) as error:
        submit(net, quota_id=other.pk)
    assert (error.value.field, error.value.code) == ("quota", "voucher_of_other_organisation")
    assert counts() == before


def test_shenzhen_user_cannot_see_or_use_suzhou_requests_and_quotas(net):
    from aiplus.compute import selectors

    request = submit(net, quota_id=None, start=False)
    sz_member = net.world.user("enterprise_member", "shenzhen")
    gd_official = net.world.user("official", "shenzhen")
    for user in (sz_member, gd_official):
        assert selectors.request(user, request.pk) is None
        assert not selectors.quotas_for(user).filter(pk=net.quota.pk).exists()
    with pytest.raises(ServiceError) as error:
        services.submit_request(acting_user=sz_member, title="x", accepted_models=["nvidia-a800"], cards=1,
                                hours=1, quota_id=net.quota.pk)
    assert error.value.field == "quota"
    assert selectors.request(net.world.user("official"), request.pk) is not None


def test_provider_of_another_centre_cannot_change_a_pool(net):
    with pytest.raises(PermissionDeniedError):
        services.report_availability(acting_user=net.world.user("provider", "shenzhen"), pool_id=net.sz_pool.pk,
                                     available_cards=1)


@pytest.mark.parametrize(("changes", "field"), [
    ({"accelerator_model": "tpu-v9"}, "accelerator_model"),
    ({"cards": -1}, "cards"),
    ({"price_cny_per_card_hour": "0"}, "price_cny_per_card_hour"),
    ({"available_cards": 99}, "available_cards"),
])
def test_bad_pool_input_names_the_field(net, changes, field):
    data = {"centre_id": net.sz_centre.pk, "accelerator_model": "nvidia-h20", "cards": 8, "memory_gb": 96,
            "price_cny_per_card_hour": "6"}
    data.update(changes)
    before = (ResourcePool.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ServiceError) as error:
        services.add_pool(acting_user=net.world.user("provider"), **data)
    assert error.value.field == field
    assert (ResourcePool.objects.count(), AuditEvent.objects.count()) == before


def test_availability_push_records_history_and_one_audit_event(net):
    pool = services.report_availability(acting_user=net.world.user("provider"), pool_id=net.sz_pool.pk,
                                        available_cards=10)
    assert pool.available_cards == 10 and pool.reports.count() == 1
    assert AuditEvent.objects.filter(action="compute.pool.availability_reported").count() == 1


def test_duplicate_usage_record_changes_nothing(net):
    provider = net.world.user("provider")
    args = {"record_id": "meter-42", "pool_id": net.sz_pool.pk, "card_hours": "4", "amount_cny": "48",
            "period_end": dt.date(2026, 6, 1), "organisation_id": net.world.orgs["suzhou:enterprise"].pk}
    first, created = services.record_usage(acting_user=provider, **args)
    assert created
    before = counts()
    again, created = services.record_usage(acting_user=provider, **{**args, "amount_cny": "999"})
    assert not created and again.pk == first.pk and again.amount_cny == Decimal("48.00")
    assert counts() == before


def test_usage_is_reconciled_against_the_placement(net, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(net)
    provider = net.world.user("provider")
    ok, _ = services.record_usage(acting_user=provider, record_id="m1", pool_id=net.sz_domestic.pk,
                                  card_hours="60", amount_cny="480", period_end="2026-06-01",
                                  request_id=request.pk)
    assert ok.reconciliation == "matched" and ok.organisation_id == request.organisation_id
    over, _ = services.record_usage(acting_user=provider, record_id="m2", pool_id=net.sz_domestic.pk,
                                    card_hours="30", amount_cny="240", period_end="2026-06-01",
                                    request_id=request.pk)
    assert over.reconciliation == "mismatch" and "exceed" in over.reconciliation_note
    loose, _ = services.record_usage(acting_user=provider, record_id="m3", pool_id=net.sz_pool.pk,
                                     card_hours="1", amount_cny="12", period_end="2026-06-01",
                                     organisation_id=net.world.orgs["suzhou:enterprise"].pk)
    assert loose.reconciliation == "unplaced"


def test_csv_import_is_idempotent_and_all_or_nothing(net):
    provider = net.world.user("provider")
    org = net.world.orgs["suzhou:enterprise"].pk
    text = ("record_id,pool_id,organisation_id,card_hours,amount_cny,period_end,invoice_number\n"
            f"c1,{net.sz_pool.pk},{org},2,24,2026-06-01,INV-9\n"
            f"c2,{net.sz_pool.pk},{org},3,36,2026-06-02,\n")
    first = services.import_usage_csv(acting_user=provider, text=text)
    assert (first.read, first.created, first.unchanged, first.rejected) == (2, 2, 0, [])
    events = AuditEvent.objects.filter(action="compute.usage.imported").count()
    again = services.import_usage_csv(acting_user=provider, text=text)
    assert (again.read, again.created, again.unchanged) == (2, 0, 2)
    assert AuditEvent.objects.filter(action="compute.usage.imported").count() == events == 1
    bad = text + f"c3,{net.sz_pool.pk},{org},-2,24,2026-06-01,\nc4,{net.sz_pool.pk},{org},2,24,2026-06-01,\n"
    before = counts()
    with pytest.raises(ServiceError) as error:
        services.import_usage_csv(acting_user=provider, text=bad.replace("c1,", "c0,"))
    assert error.value.field == "card_hours" and "4" in str(error.value.message)
    assert counts() == before


def test_every_service_write_leaves_one_compute_audit_event(net):
    provider = net.world.user("provider")
    before = AuditEvent.objects.filter(action__startswith="compute.").count()
    services.set_latency(acting_user=provider, centre_id=net.sz_centre.pk, region="jiangsu",
                         latency_ms="5")
    services.report_availability(acting_user=provider, pool_id=net.sz_pool.pk, available_cards=3)
    submit(net, start=False)
    assert AuditEvent.objects.filter(action__startswith="compute.").count() == before + 3


def test_the_form_offers_only_chips_some_centre_has_and_names_a_missing_one(net, client):
    """Issue 18: the request form lists only the accelerator models of registered pools; a chip only abroad is
    refused for that reason (not residency)."""
    from aiplus.compute import selectors

    assert [value for value, _label in selectors.offered_models()] == ["nvidia-a800", "ascend-910b"]
    client.force_login(net.world.user("enterprise_member"))
    page = client.get("/compute/requests/").content.decode()
    assert 'value="nvidia-a800"' in page and 'value="nvidia-h100"' not in page
    posted = client.post("/compute/requests/", {"title": "x", "accepted_models": ["nvidia-h100"], "cards": "1",
                                                "hours": "1", "pref_cost": "1", "pref_carbon": "0",
                                                "pref_latency": "0"})
    assert posted.status_code == 400 and "nvidia-h100" in posted.content.decode()  # not a choice: refused by the form
    abroad = services.register_centre(acting_user=net.world.user("provider", "suzhou"),
                                      operator_id=net.world.orgs["suzhou:provider"].pk, name="海外",
                                      jurisdiction="suzhou",
                                      pue="1.3", green_power_share="0.3", grid_carbon_kg_per_kwh="0.5")
    ComputeCentre.objects.filter(pk=abroad.pk).update(country_code="sg")
    services.add_pool(acting_user=net.world.user("provider", "suzhou"), centre_id=abroad.pk,
                      accelerator_model="nvidia-h100", cards=8, memory_gb=80, price_cny_per_card_hour="20")
    with pytest.raises(ServiceError) as error:
        submit(net, accepted_models=["nvidia-h100"], residency_level="", residency_region=None)
    assert (error.value.field, error.value.code) == ("accepted_models", "model_only_abroad")
