"""Conditional access end to end: a user of one organisation asks for a provider's conditionally open dataset, the
provider approves (an agreement follows) and later revokes it, once through /api/v1/data/ and once through the
pages. The requester can never decide their own request."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from aiplus.core import services as core_services
from aiplus.core.models import AuditEvent, Notification, TransitionRecord
from aiplus.core.testing import ERROR_KEYS, bearer, operation, section
from aiplus.datahub import services
from aiplus.datahub.models import AccessRequest, Agreement

pytestmark = pytest.mark.django_db

ASK = {"purpose": "训练企业风险识别模型", "usage_scope": "仅限本单位内部研发",
       "security_measures": "脱敏、访问控制、日志审计", "duration_days": 90}


def conditional_dataset(world: Any) -> Any:
    """A published, conditionally open (有条件开放) dataset of the Suzhou provider."""
    return services.create_dataset(
        acting_user=world.user("provider"), provider_id=world.orgs["suzhou:provider"].pk, identifier="ds-credit-1",
        title="苏州企业信用画像数据", description="企业信用评价指标，用于风险模型训练", sector="金融", theme="经济建设",
        open_attribute="conditional", modality="tabular", is_published=True, keywords=["信用"],
        record_count=5000, distributions=[{"format": "CSV"}])


def shown_date(day: dt.date) -> str:
    with translation.override("zh-hans"):
        return formats.date_format(day)


def listed(api: Client) -> dict[int, dict[str, Any]]:
    response = api.get(operation("aiplus_datahub_api_access_requests"))
    assert response.status_code == 200, response.content
    return {row["id"]: row for row in response.json()["items"]}


def test_access_is_requested_approved_and_revoked_through_the_api(world):
    dataset = conditional_dataset(world)
    requester, provider = world.user("enterprise_member"), world.user("provider")
    enterprise = world.orgs["suzhou:enterprise"]
    requester_api, provider_api = bearer(requester), bearer(provider)
    today = timezone.localdate()

    # ---- the enterprise member asks
    response = requester_api.post(operation("aiplus_datahub_api_request_access"),
                                  {"dataset_id": dataset.pk, **ASK}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["dataset_id"], body["status"], body["duration_days"]) == (dataset.pk, "submitted", 90)
    assert body["purpose"] == ASK["purpose"] and body["expires_on"] is None
    request = AccessRequest.objects.get()
    assert body["id"] == request.pk
    assert (request.requester_id, request.requester_organisation_id, request.provider_id) == (
        requester.pk, enterprise.pk, dataset.provider_id)
    assert request.status == "submitted" and not Agreement.objects.exists()
    assert AuditEvent.objects.filter(action="datahub.access.requested", object_id=str(request.pk),
                                     actor=requester).count() == 1
    assert listed(provider_api)[request.pk]["status"] == "submitted"  # the provider sees it to decide

    # ---- the requester cannot approve their own request
    decision = operation("aiplus_datahub_api_decide_access", request_id=request.pk)
    events = AuditEvent.objects.count()
    refused = requester_api.post(decision, {"decision": "approve", "comment": "自己批准"},
                                 content_type="application/json")
    # Refused as who they are (403): nobody decides their own request.
    assert refused.status_code == 403, refused.content
    assert set(refused.json()) == ERROR_KEYS and refused.json()["code"] == "permission_denied"
    assert set(refused.json()) == ERROR_KEYS
    request.refresh_from_db()
    assert request.status == "submitted" and not Agreement.objects.exists()
    assert AuditEvent.objects.count() == events and not TransitionRecord.objects.exists()

    # ---- the provider approves
    response = provider_api.post(decision, {"decision": "approve", "comment": "同意，按协议使用"},
                                 content_type="application/json")
    assert response.status_code == 200, response.content
    approved = response.json()
    expires = today + dt.timedelta(days=90)
    assert (approved["id"], approved["status"], approved["expires_on"]) == (request.pk, "approved", expires.isoformat())
    request.refresh_from_db()
    assert request.status == "approved"
    agreement = Agreement.objects.get(access_request=request)
    assert (agreement.grantee_id, agreement.provider_id, agreement.starts_on, agreement.expires_on) == (
        requester.pk, dataset.provider_id, today, expires)
    assert agreement.revoked_on is None
    assert AuditEvent.objects.filter(action="datahub.access.approve", object_id=str(request.pk),
                                     actor=provider).count() == 1
    assert Notification.objects.filter(recipient=requester, verb="datahub.access.approve").count() == 1
    # Approving twice is refused: the request is no longer awaiting a decision.
    twice = provider_api.post(decision, {"decision": "approve"}, content_type="application/json")
    assert twice.status_code == 400 and set(twice.json()) == ERROR_KEYS
    assert Agreement.objects.count() == 1

    # ---- the grantee sees the agreement in their list
    mine = listed(requester_api)
    assert list(mine) == [request.pk]
    assert mine[request.pk]["status"] == "approved" and mine[request.pk]["expires_on"] == expires.isoformat()
    # A user of another jurisdiction sees nothing of it.
    assert listed(bearer(world.user("enterprise_member", "shenzhen"))) == {}

    # ---- the provider revokes (a reason is required)
    revoke = operation("aiplus_datahub_api_revoke_access", request_id=request.pk)
    blank = provider_api.post(revoke, {"decision": "revoke", "comment": " "}, content_type="application/json")
    assert blank.status_code == 400 and blank.json()["field"] == "comment"
    # Nor may the grantee revoke (or otherwise move) the agreement themself.
    self_revoke = requester_api.post(revoke, {"decision": "revoke", "comment": "不用了"},
                                     content_type="application/json")
    assert self_revoke.status_code == 403 and set(self_revoke.json()) == ERROR_KEYS
    assert self_revoke.json()["code"] == "permission_denied"
    assert AccessRequest.objects.get(pk=request.pk).status == "approved"
    response = provider_api.post(revoke, {"decision": "revoke", "comment": "超范围使用"},
                                 content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked" and response.json()["id"] == request.pk
    request.refresh_from_db()
    agreement.refresh_from_db()
    assert request.status == "revoked" and agreement.revoked_on == today
    assert AuditEvent.objects.filter(action="datahub.access.revoke", object_id=str(request.pk),
                                     actor=provider, message="超范围使用").count() == 1
    assert Notification.objects.filter(recipient=requester, verb="datahub.access.revoke").count() == 1
    assert listed(requester_api)[request.pk]["status"] == "revoked"
    assert [(t.transition, t.actor_id) for t in TransitionRecord.objects.order_by("pk")] == [
        ("approve", provider.pk), ("revoke", provider.pk)]


def test_access_is_requested_and_approved_through_the_pages(world, client):
    dataset = conditional_dataset(world)
    requester, provider = world.user("enterprise_member"), world.user("provider")
    today = timezone.localdate()
    create_url = reverse("datahub:access_request_create", kwargs={"dataset_id": dataset.pk})

    # ---- the requester finds the form on the dataset page and submits it
    client.force_login(requester)
    page = client.get(reverse("datahub:dataset", kwargs={"dataset_id": dataset.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'action="{create_url}"' in html and 'name="security_measures"' in html
    assert section(html, "open-attribute") == "有条件开放"
    response = client.post(create_url, {**ASK, "duration_days": "30"})
    assert response.status_code == 302
    request = AccessRequest.objects.get()
    detail_url = reverse("datahub:access_request", kwargs={"request_id": request.pk})
    act_url = reverse("datahub:access_request_act", kwargs={"request_id": request.pk})
    assert response["Location"] == detail_url
    assert (request.requester_id, request.status, request.duration_days) == (requester.pk, "submitted", 30)
    assert request.usage_scope == ASK["usage_scope"]
    assert AuditEvent.objects.filter(action="datahub.access.requested", object_id=str(request.pk)).count() == 1
    mine = client.get(detail_url).content.decode()
    assert section(mine, "access-status") == "待审核" and dataset.title in mine
    assert act_url not in mine  # no decision buttons for the requester
    # Posting the decision anyway changes nothing.
    client.post(act_url, {"action": "approve", "comment": "自己批准"})
    assert AccessRequest.objects.get(pk=request.pk).status == "submitted" and not Agreement.objects.exists()
    assert section(client.get(detail_url).content.decode(), "access-status") == "待审核"

    # ---- the provider approves on the request page
    client.force_login(provider)
    listing = client.get(reverse("datahub:access_requests"))
    assert listing.status_code == 200 and dataset.title in listing.content.decode()
    review = client.get(detail_url).content.decode()
    assert f'action="{act_url}"' in review and 'value="approve"' in review and 'value="reject"' in review
    response = client.post(act_url, {"action": "approve", "comment": "同意"})
    assert response.status_code == 302 and response["Location"] == detail_url
    request.refresh_from_db()
    assert request.status == "approved"
    agreement = Agreement.objects.get(access_request=request)
    expires = today + dt.timedelta(days=30)
    assert (agreement.grantee_id, agreement.starts_on, agreement.expires_on) == (requester.pk, today, expires)
    assert AuditEvent.objects.filter(action="datahub.access.approve", object_id=str(request.pk),
                                     actor=provider).count() == 1
    shown = client.get(detail_url).content.decode()
    assert section(shown, "access-status") == "已批准"
    term = f"{shown_date(today)} – {shown_date(expires)}"  # the page's dates, as the page's language writes them
    assert "协议有效期" in shown and term in shown
    assert 'value="revoke"' in shown and 'value="approve"' not in shown

    # ---- the grantee's page shows the agreement too
    client.force_login(requester)
    granted = client.get(detail_url).content.decode()
    assert section(granted, "access-status") == "已批准"
    assert "协议有效期" in granted and term in granted and "已撤销" not in granted
    assert Notification.objects.filter(recipient=requester, verb="datahub.access.approve").count() == 1




# Separation of duties: the requester owns the request (Scope owner) and may be a provider somewhere; the workflow
# checks the role against the dataset's provider and refuses the requester outright.
def test_a_requester_who_is_a_provider_elsewhere_cannot_approve_their_own_request(world):
    dataset = conditional_dataset(world)
    requester = world.user("enterprise_member")
    # The same person also works for an unrelated provider (Shenzhen): nothing to do with this dataset.
    core_services.assign_role(acting_user=world.admin, user=requester, role="provider",
                              organisation_id=world.orgs["shenzhen:provider"].pk)
    api = bearer(requester)
    asked = api.post(operation("aiplus_datahub_api_request_access"), {"dataset_id": dataset.pk, **ASK},
                     content_type="application/json")
    assert asked.status_code == 201, asked.content
    response = api.post(operation("aiplus_datahub_api_decide_access", request_id=asked.json()["id"]),
                        {"decision": "approve"}, content_type="application/json")
    assert response.status_code in (403, 404), response.content
    assert AccessRequest.objects.get().status == "submitted" and not Agreement.objects.exists()

    # even a provider of the dataset's own organisation does not decide a request they made themselves
    core_services.assign_role(acting_user=world.admin, user=requester, role="provider",
                              organisation_id=dataset.provider_id)
    response = api.post(operation("aiplus_datahub_api_decide_access", request_id=asked.json()["id"]),
                        {"decision": "approve"}, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied", response.content
    assert AccessRequest.objects.get().status == "submitted" and not Agreement.objects.exists()


def test_the_grantee_sees_how_to_reach_the_data_while_the_agreement_is_in_force(world, client):
    """Issue 18: a grantee of data access saw no way to reach the data. The request's page shows the dataset's
    access and download addresses and the endpoints of the data services serving it, to the grantee and the
    provider only, and only while the agreement is in force."""
    from aiplus.datahub.models import DataService

    dataset = services.create_dataset(
        acting_user=world.user("provider"), provider_id=world.orgs["suzhou:provider"].pk, identifier="ds-credit-2",
        title="苏州企业信用画像数据", description="企业信用评价指标", sector="金融", theme="经济建设",
        open_attribute="conditional", modality="tabular", is_published=True, keywords=["信用"], record_count=5000,
        distributions=[{"format": "CSV", "download_url": "https://data.example.cn/credit.csv",
                        "access_url": "https://data.example.cn/credit/"}])
    service = DataService.objects.create(
        identifier="svc-credit", title="信用画像查询接口", endpoint_url="https://api.example.cn/credit",
        endpoint_description="https://api.example.cn/credit/docs", provider=world.orgs["suzhou:provider"],
        jurisdiction=dataset.jurisdiction, is_published=True)
    service.serves.add(dataset)
    requester = world.user("enterprise_member")
    request = services.request_access(acting_user=requester, dataset_id=dataset.pk, **ASK)
    detail_url = reverse("datahub:access_request", kwargs={"request_id": request.pk})
    client.force_login(requester)
    assert 'data-testid="delivery"' not in client.get(detail_url).content.decode()  # not before approval
    client.force_login(world.user("provider"))
    assert client.post(reverse("datahub:access_request_act", kwargs={"request_id": request.pk}),
                       {"action": "approve", "comment": "同意"}).status_code == 302
    client.force_login(requester)
    html = client.get(detail_url).content.decode()
    delivery = section(html, "delivery")
    assert "https://data.example.cn/credit.csv" in delivery and "https://api.example.cn/credit" in delivery
    assert "信用画像查询接口" in delivery
    client.force_login(world.user("official"))  # an official of the place reads the request, not the addresses
    seen = client.get(detail_url)
    assert seen.status_code == 200 and 'data-testid="delivery"' not in seen.content.decode()
    services.revoke_access(acting_user=world.user("provider"), request_id=request.pk, comment="违约")
    client.force_login(requester)
    revoked = section(client.get(detail_url).content.decode(), "delivery")
    assert "credit.csv" not in revoked and "不再提供获取方式" in revoked
