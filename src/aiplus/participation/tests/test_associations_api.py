"""Industry associations through the API: an official registers an association; its staff add member companies,
publish a group standard and a self-regulation pledge; a member company signs it; the public sees all of it; others
cannot act for the association or sign for a company that is not a member."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from aiplus.core.testing import assert_refused_naming, operation, signed_in, written
from aiplus.participation.models import AssociationMember, GroupStandard, PledgeSignature

pytestmark = pytest.mark.django_db


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def test_association_members_standards_and_pledges(world: Any, association_org: Any) -> None:
    official = signed_in(world.user("official"))
    assert _post(signed_in(world.user("official", "shenzhen")), "aiplus_participation_api_register_association",
                 {"organisation_id": association_org.pk}).status_code == 403
    registered = _post(official, "aiplus_participation_api_register_association",
                       {"organisation_id": association_org.pk, "description": "推动人工智能产业自律与标准化。"})
    assert registered.status_code == 201, registered.content
    association = registered.json()
    assert_refused_naming(_post(official, "aiplus_participation_api_register_association",
                                {"organisation_id": world.orgs["suzhou:enterprise"].pk}), "organisation_id")

    staff = signed_in(association_org.staff)
    company = world.orgs["suzhou:enterprise"]
    added = _post(staff, "aiplus_participation_api_add_association_member",
                  {"organisation_id": company.pk, "joined_on": "2026-03-01"}, association_id=association["id"])
    assert added.status_code == 201, added.content
    assert _post(staff, "aiplus_participation_api_add_association_member",
                 {"organisation_id": company.pk, "joined_on": "2026-03-01"},
                 association_id=association["id"]).status_code == 409
    standard = _post(staff, "aiplus_participation_api_publish_standard", {
        "code": "T/SZAIA 001—2026", "title": "生成式人工智能服务安全运营规范", "published_on": "2026-06-01",
        "effective_on": "2026-07-01"}, association_id=association["id"])
    assert standard.status_code == 201, standard.content
    assert_refused_naming(_post(staff, "aiplus_participation_api_publish_standard", {
        "code": "T/SZAIA 002—2026", "title": "x", "published_on": "2026-06-01", "effective_on": "2026-05-01"},
        association_id=association["id"]), "effective_on")
    pledged = _post(staff, "aiplus_participation_api_publish_pledge",
                    {"title": "人工智能企业自律公约", "text": "一、依法合规开展人工智能研发与应用。"},
                    association_id=association["id"])
    assert pledged.status_code == 201
    pledge = pledged.json()["pledges"][0]

    # a company that is not a member cannot sign; someone not acting for the company cannot sign for it
    provider = world.orgs["suzhou:provider"]
    assert_refused_naming(_post(signed_in(world.user("provider")), "aiplus_participation_api_sign_pledge",
                                {"organisation_id": provider.pk}, pledge_id=pledge["id"]), "organisation_id")
    assert _post(signed_in(world.user("provider")), "aiplus_participation_api_sign_pledge",
                 {"organisation_id": company.pk}, pledge_id=pledge["id"]).status_code == 403
    signed = _post(signed_in(world.user("enterprise_member")), "aiplus_participation_api_sign_pledge",
                   {"organisation_id": company.pk}, pledge_id=pledge["id"])
    assert signed.status_code == 201, signed.content

    # others do not act for the association
    before = written(GroupStandard)
    for client in (signed_in(world.user("enterprise_member")), signed_in(world.user("official", "shenzhen"))):
        assert _post(client, "aiplus_participation_api_publish_standard", {
            "code": "T/X 9", "title": "x", "published_on": "2026-06-01"},
            association_id=association["id"]).status_code in (403, 404)
    assert written(GroupStandard) == before

    public = Client()
    detail = public.get(operation("aiplus_participation_api_get_association",
                                  association_id=association["id"])).json()
    assert [m["organisation"] for m in detail["members"]] == [company.name]
    assert detail["standards"][0]["code"] == "T/SZAIA 001—2026"
    assert detail["pledges"][0]["signatures"][0]["organisation_id"] == company.pk
    listed = public.get(operation("aiplus_participation_api_list_associations"), {"q": "人工智能产业协会"}).json()
    assert [row["id"] for row in listed["items"]] == [association["id"]]
    page = public.get(f"/participation/associations/{association['id']}/").content.decode()
    assert "生成式人工智能服务安全运营规范" in page and company.name in page
    assert AssociationMember.objects.count() == 1 and PledgeSignature.objects.count() == 1
