"""The registers end to end: a company's members register, edit and publish rows through the pages and the API;
nobody else edits them; officials of the place read restricted rows; the public reads published ones; a model's
serving endpoint never reaches anyone but the owner's members (page, list, export, API); bad input is a 4xx naming
the field and writes nothing; the lists search in Chinese."""

from decimal import Decimal

import pytest
from django.test import Client

from aiplus.algorithms import services
from aiplus.algorithms.models import AIModel, Algorithm, Hardware, OpenSourceProject
from aiplus.core.errors import NotFoundError, PermissionDeniedError
from aiplus.core.models import AuditEvent
from aiplus.core.testing import bearer, operation, signed_in

pytestmark = pytest.mark.django_db

SECRET = "secret-endpoint.example.org"


def _writes():
    return (AIModel.objects.count(), Algorithm.objects.count(), Hardware.objects.count(),
            OpenSourceProject.objects.count(), AuditEvent.objects.count())


# --- permissions --------------------------------------------------------------------------------------------------

def test_only_the_owners_members_edit_and_officials_read_restricted_rows(world, member, secret_model):
    other = world.user("enterprise_member", "shenzhen")
    official = world.user("official")
    with pytest.raises(NotFoundError):  # a restricted row of another company does not exist for them
        services.update_model(acting_user=other, model_id=secret_model.pk, name="x")
    with pytest.raises(PermissionDeniedError):  # the official sees it but does not write a company's declaration
        services.update_model(acting_user=official, model_id=secret_model.pk, name="x")
    with pytest.raises(PermissionDeniedError):
        services.create_model(acting_user=official, organisation_id=secret_model.organisation_id, name="x",
                              kind="foundation")
    assert AIModel.objects.get(pk=secret_model.pk).name == "姑苏通用大模型"
    assert signed_in(official).get(f"/algorithms/models/{secret_model.pk}/").status_code == 200
    elsewhere = signed_in(world.user("official", "shenzhen"))
    assert elsewhere.get(f"/algorithms/models/{secret_model.pk}/").status_code == 404
    assert Client().get(f"/algorithms/models/{secret_model.pk}/").status_code == 404
    response = signed_in(other).post(f"/algorithms/models/{secret_model.pk}/edit/", {"name": "x", "kind": "vertical"})
    assert response.status_code == 404
    assert signed_in(official).post(f"/algorithms/models/{secret_model.pk}/edit/",
                                    {"name": "x", "kind": "vertical"}).status_code == 403
    assert signed_in(official).post(f"/algorithms/models/{secret_model.pk}/publish/",
                                    {"is_published": "on"}).status_code == 403
    published = signed_in(member).post(f"/algorithms/models/{secret_model.pk}/publish/", {"is_published": "on"})
    assert published.status_code == 302 and AIModel.objects.get(pk=secret_model.pk).is_published
    assert Client().get(f"/algorithms/models/{secret_model.pk}/").status_code == 200
    assert AuditEvent.objects.filter(action="algorithms.model.published").count() == 1


def test_the_secret_endpoint_never_leaks_to_others(world, member, secret_model):
    services.publish_model(acting_user=member, model_id=secret_model.pk, is_published=True)
    others = [world.user("official"), world.user("enterprise_member", "shenzhen"), world.user("auditor"), world.admin]
    for user in others:
        client = signed_in(user)
        for path in ("/algorithms/", f"/algorithms/models/{secret_model.pk}/", "/algorithms/?export=csv",
                     "/algorithms/?export=xlsx"):
            response = client.get(path)
            assert response.status_code == 200 and SECRET.encode() not in response.content, (user, path)
        api = bearer(user)
        for path in (operation("aiplus_algorithms_api_list_models"),
                     operation("aiplus_algorithms_api_get_model", model_id=secret_model.pk)):
            response = api.get(path)
            assert response.status_code == 200 and SECRET not in response.content.decode(), (user, path)
        assert api.get(operation("aiplus_algorithms_api_get_model", model_id=secret_model.pk)).json()[
            "endpoint_url"] is None
    assert SECRET.encode() not in Client().get(f"/algorithms/models/{secret_model.pk}/").content
    audit = AuditEvent.objects.filter(action="algorithms.model.created").get()
    assert SECRET not in str(audit.__dict__)
    admin = signed_in(world.admin).get(f"/admin/algorithms/aimodel/{secret_model.pk}/change/")
    assert admin.status_code == 200 and SECRET.encode() not in admin.content
    # the owner's members see it on the model's page and in its API detail, never in a list or an export
    own = signed_in(member)
    assert SECRET.encode() in own.get(f"/algorithms/models/{secret_model.pk}/").content
    assert SECRET.encode() not in own.get("/algorithms/?export=csv").content
    assert SECRET.encode() not in own.get("/algorithms/").content
    mine = bearer(member)
    assert SECRET not in mine.get(operation("aiplus_algorithms_api_list_models")).content.decode()
    assert mine.get(operation("aiplus_algorithms_api_get_model", model_id=secret_model.pk)).json()[
        "endpoint_url"] == f"https://{SECRET}/v1"


# --- the API ------------------------------------------------------------------------------------------------------

def test_model_is_registered_edited_and_published_through_the_api(world, member, company):
    api = bearer(member)
    response = api.post(operation("aiplus_algorithms_api_create_model"), {
        "organisation_id": company.pk, "name": "苏州城市治理大模型", "kind": "vertical",
        "modalities": ["text", "image", "text"], "parameters_billion": 13.5, "licence": "Apache-2.0",
        "open_weights": True, "summary": "城市治理领域的行业模型"}, content_type="application/json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["modalities"], created["parameters_billion"], created["is_published"]) == (
        ["text", "image"], "13.500", False)
    child = api.post(operation("aiplus_algorithms_api_create_model"), {
        "organisation_id": company.pk, "name": "热线微调模型", "kind": "fine_tuned", "base_model_id": created["id"],
        "filing_status": "registered", "filing_number": "Jiangsu-RX-2025"}, content_type="application/json")
    assert child.status_code == 201 and child.json()["base_model_id"] == created["id"]
    # a model is never its own ancestor
    cycle = api.patch(operation("aiplus_algorithms_api_update_model", model_id=created["id"]),
                      {"base_model_id": child.json()["id"]}, content_type="application/json")
    assert cycle.status_code == 400 and cycle.json()["field"] == "base_model"
    patched = api.patch(operation("aiplus_algorithms_api_update_model", model_id=created["id"]),
                        {"summary": "城市治理与政务服务"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["summary"] == "城市治理与政务服务"
    assert Client().get(operation("aiplus_algorithms_api_get_model", model_id=created["id"])).status_code == 404
    published = api.post(operation("aiplus_algorithms_api_publish_model", model_id=created["id"]),
                         {"is_published": True}, content_type="application/json")
    assert published.status_code == 200 and published.json()["is_published"] is True
    public = Client().get(operation("aiplus_algorithms_api_list_models"), {"modality": "image"}).json()
    assert [item["id"] for item in public["items"]] == [created["id"]]
    other = bearer(world.user("enterprise_member", "shenzhen"))
    refused = other.patch(operation("aiplus_algorithms_api_update_model", model_id=created["id"]),
                          {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert list(AuditEvent.objects.filter(action__startswith="algorithms.model.").values_list(
        "action", flat=True).order_by("id")) == ["algorithms.model.created", "algorithms.model.created",
                                                 "algorithms.model.updated", "algorithms.model.published"]


@pytest.mark.parametrize(("payload", "field", "status"), [
    ({"kind": "giant"}, "kind", 422),
    ({"parameters_billion": "1e9"}, "parameters_billion", 422),
    ({"parameters_billion": -1}, "parameters_billion", 422),
    ({"modalities": ["smell"]}, "modalities", 422),
    ({"endpoint_url": "javascript:alert(1)"}, "endpoint_url", 400),
    ({"name": ""}, "name", 422),
    ({"name": "x" * 201}, "name", 422),
    ({"base_model_id": 10**12}, "base_model", 400),
    ({"filing_status": "filed"}, "filing_number", 400),
    ({"secret": "x"}, "secret", 422),
])
def test_hostile_model_input_is_refused_naming_the_field_and_writes_nothing(member, company, payload, field, status):
    api = bearer(member)
    before = _writes()
    body = {"organisation_id": company.pk, "name": "模型", "kind": "foundation", **payload}
    response = api.post(operation("aiplus_algorithms_api_create_model"), body,
                                   content_type="application/json")
    assert response.status_code == status, response.json()
    assert field in (response.json()["field"] or ""), response.json()
    assert _writes() == before


def test_hostile_page_input_is_shown_beside_its_field_and_writes_nothing(member, company):
    client = signed_in(member)
    before = _writes()
    response = client.post("/algorithms/models/new/", {"organisation": company.pk, "name": "模型", "kind": "foundation",
                                                        "parameters_billion": "999999999"})
    assert response.status_code == 400 and 'data-field="parameters_billion"' in response.content.decode()
    response = client.post("/algorithms/open-source/new/", {
        "organisation": company.pk, "name": "项目", "repository_url": "https://git.example.org/p",
        "licence": "<script>"})
    assert response.status_code == 400 and 'data-field="licence"' in response.content.decode()
    response = client.post("/algorithms/algorithms/new/", {"organisation": company.pk, "name": "算法",
                                                            "algorithm_type": "mind_control"})
    assert response.status_code == 400 and 'data-field="algorithm_type"' in response.content.decode()
    assert _writes() == before


# --- algorithms ---------------------------------------------------------------------------------------------------

def test_algorithm_types_come_from_the_pack_on_page_and_api(member, company, secret_model):
    from aiplus.regulation.runtime import active_packs

    codes = list(active_packs().taxonomy("algorithm_types").codes())
    assert len(codes) == 5
    page = signed_in(member).get("/algorithms/algorithms/new/").content.decode()
    assert all(f'value="{code}"' in page for code in codes)
    api = bearer(member)
    response = api.post(operation("aiplus_algorithms_api_create_algorithm"), {
        "organisation_id": company.pk, "name": "工单分派算法", "algorithm_type": "scheduling_decision",
        "application_field": "政务服务", "service_name": "12345热线", "model_id": secret_model.pk},
        content_type="application/json")
    assert response.status_code == 201, response.json()
    refused = api.post(operation("aiplus_algorithms_api_create_algorithm"), {
        "organisation_id": company.pk, "name": "x", "algorithm_type": "deep_magic"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "algorithm_type"
    listed = api.get(operation("aiplus_algorithms_api_list_algorithms"), {"algorithm_type": "scheduling_decision"})
    assert [item["name"] for item in listed.json()["items"]] == ["工单分派算法"]
    detail = signed_in(member).get(f"/algorithms/algorithms/{response.json()['id']}/").content.decode()
    assert "调度决策类" in detail and "姑苏通用大模型" in detail


def test_nobody_links_to_a_model_they_cannot_see(world, secret_model):
    other = world.user("enterprise_member", "shenzhen")
    with pytest.raises(Exception) as refused:
        services.create_algorithm(acting_user=other, organisation_id=world.orgs["shenzhen:enterprise"].pk,
                                  name="x", algorithm_type="personalised_push", model_id=secret_model.pk)
    assert getattr(refused.value, "field", None) == "model"
    assert Algorithm.objects.count() == 0


# --- hardware -----------------------------------------------------------------------------------------------------

@pytest.fixture
def pool(world):
    from aiplus.compute import services as compute

    provider = world.user("provider")
    centre = compute.register_centre(acting_user=provider, operator_id=world.orgs["suzhou:provider"].pk,
                                     name="苏州智算中心", jurisdiction="suzhou", pue="1.20", green_power_share="0.3",
                                     grid_carbon_kg_per_kwh="0.5703")
    return compute.add_pool(acting_user=provider, centre_id=centre.pk, accelerator_model="ascend-910b", cards=16,
                            memory_gb=64, price_cny_per_card_hour="8.00", available_cards=16)


def test_hardware_is_registered_through_the_page_with_pools_and_models(member, company, secret_model, pool):
    client = signed_in(member)
    response = client.post("/algorithms/hardware/new/", {
        "organisation": company.pk, "name": "昇腾 910B", "kind": "accelerator", "vendor": "华为", "domestic": "on",
        "fp16_tflops": "320", "memory_gb": "64", "pools": [pool.pk], "is_published": "on"})
    assert response.status_code == 302, response.content.decode()
    card = Hardware.objects.get(name="昇腾 910B")
    assert list(card.pools.all()) == [pool] and card.domestic and card.fp16_tflops == Decimal("320")
    # an accelerator embeds no model; a terminal does (Guangdong art. 14)
    refused = client.post("/algorithms/hardware/new/", {
        "organisation": company.pk, "name": "卡", "kind": "accelerator", "vendor": "V",
        "embedded_models": [secret_model.pk]})
    assert refused.status_code == 400 and 'data-field="embedded_models"' in refused.content.decode()
    response = client.post("/algorithms/hardware/new/", {
        "organisation": company.pk, "name": "质检一体机", "kind": "terminal", "vendor": "本公司",
        "embedded_models": [secret_model.pk], "is_published": "on"})
    assert response.status_code == 302
    terminal = Hardware.objects.get(name="质检一体机")
    page = client.get(f"/algorithms/hardware/{terminal.pk}/").content.decode()
    assert "姑苏通用大模型" in page
    # the public sees the terminal but not the restricted model it embeds
    assert "姑苏通用大模型" not in Client().get(f"/algorithms/hardware/{terminal.pk}/").content.decode()
    listed = Client().get(operation("aiplus_algorithms_api_list_hardware"), {"domestic": "1"}).json()
    assert [item["name"] for item in listed["items"]] == ["昇腾 910B"]
    assert listed["items"][0]["pool_ids"] == [pool.pk]
    edit = client.post(f"/algorithms/hardware/{card.pk}/edit/", {
        "name": "昇腾 910B", "kind": "accelerator", "vendor": "华为", "fp16_tflops": "abc"})
    assert edit.status_code == 400 and 'data-field="fp16_tflops"' in edit.content.decode()


# --- open-source projects and search ---------------------------------------------------------------------------

def test_project_is_registered_through_the_page_and_found_in_chinese(member, company):
    client = signed_in(member)
    response = client.post("/algorithms/open-source/new/", {
        "organisation": company.pk, "name": "工业视觉开源工具包", "repository_url": "https://git.example.org/vision",
        "licence": "Apache-2.0", "summary": "缺陷检测数据标注工具", "support_received": "苏州市开源资助",
        "support_amount_cny": "500000", "is_published": "on"})
    assert response.status_code == 302, response.content.decode()
    project = OpenSourceProject.objects.get()
    assert project.support_amount_cny == Decimal("500000.00")
    services.create_project(acting_user=member, organisation_id=company.pk, name="语音合成框架",
                            repository_url="https://git.example.org/tts", licence="MIT OR Apache-2.0",
                            summary="中文语音合成", is_published=True)
    page = Client().get("/algorithms/open-source/", {"q": "缺陷检测"}).content.decode()
    assert "工业视觉开源工具包" in page and "语音合成框架" not in page
    items = Client().get(operation("aiplus_algorithms_api_list_projects"), {"q": "语音合成"}).json()["items"]
    assert [item["name"] for item in items] == ["语音合成框架"]
    export = Client().get("/algorithms/open-source/", {"export": "csv"}).content.decode("utf-8-sig")
    assert "工业视觉开源工具包" in export and "500000" in export


def test_models_are_searched_in_chinese_on_page_and_api(member, company, secret_model):
    services.create_model(acting_user=member, organisation_id=company.pk, name="医疗影像模型", kind="vertical",
                          summary="肺结节检测")
    client = signed_in(member)
    page = client.get("/algorithms/", {"q": "制造业"}).content.decode()
    assert "姑苏通用大模型" in page and "医疗影像模型" not in page
    items = bearer(member).get(operation("aiplus_algorithms_api_list_models"), {"q": "肺结节"}).json()["items"]
    assert [item["name"] for item in items] == ["医疗影像模型"]


def test_a_published_row_does_not_reveal_the_restricted_model_it_links_to(member, company, secret_model):
    algorithm = services.create_algorithm(acting_user=member, organisation_id=company.pk, name="公开算法",
                                          algorithm_type="generation_synthesis", model_id=secret_model.pk,
                                          is_published=True)
    visitor = Client()
    for path in ("/algorithms/algorithms/", f"/algorithms/algorithms/{algorithm.pk}/",
                 "/algorithms/algorithms/?export=csv"):
        response = visitor.get(path)
        assert response.status_code == 200 and "姑苏通用大模型" not in response.content.decode("utf-8-sig"), path
    item = visitor.get(operation("aiplus_algorithms_api_get_algorithm", algorithm_id=algorithm.pk)).json()
    assert item["model_id"] is None
    assert bearer(member).get(operation("aiplus_algorithms_api_get_algorithm", algorithm_id=algorithm.pk)).json()[
        "model_id"] == secret_model.pk


@pytest.mark.parametrize(("payload", "field"), [
    ({"parameters_billion": -1}, "parameters_billion"), ({"name": ""}, "name"), ({"kind": "giant"}, "kind"),
    ({"organisation_id": 1}, "organisation_id"), ({"licence": "x" * 101}, "licence"),
])
def test_a_patch_keeps_the_create_constraints_and_writes_nothing(member, secret_model, payload, field):
    api = bearer(member)
    before = _writes()
    response = api.patch(operation("aiplus_algorithms_api_update_model", model_id=secret_model.pk), payload,
                         content_type="application/json")
    assert response.status_code == 422 and field in response.json()["field"], response.json()
    assert _writes() == before and AIModel.objects.get().name == "姑苏通用大模型"


def test_an_edit_is_searchable_at_once(member, secret_model):
    api = bearer(member)
    path = operation("aiplus_algorithms_api_list_models")
    assert api.get(path, {"q": "智慧养老"}).json()["items"] == []
    services.update_model(acting_user=member, model_id=secret_model.pk, summary="面向智慧养老服务的模型")
    assert [item["id"] for item in api.get(path, {"q": "智慧养老"}).json()["items"]] == [secret_model.pk]
    assert api.get(path, {"q": "制造业"}).json()["items"] == []


def test_the_owner_edits_a_model_through_its_page(member, company, secret_model):
    child = services.create_model(acting_user=member, organisation_id=company.pk, name="微调模型", kind="fine_tuned",
                                  base_model_id=secret_model.pk)
    client = signed_in(member)
    form = client.get(f"/algorithms/models/{secret_model.pk}/edit/").content.decode()
    assert f'value="{SECRET.join(["https://", "/v1"])}"' in form  # the owner's own endpoint, to edit
    assert f'<option value="{secret_model.pk}"' not in form  # a model is not offered as its own base
    response = client.post(f"/algorithms/models/{child.pk}/edit/", {
        "name": "热线微调模型", "kind": "fine_tuned", "base_model": secret_model.pk, "modalities": ["text", "audio"],
        "filing_status": "registered", "filing_number": "Jiangsu-RX-2025", "licence": "proprietary"})
    assert response.status_code == 302, response.content.decode()
    child.refresh_from_db()
    assert (child.name, child.modalities, child.filing_number) == ("热线微调模型", ["text", "audio"],
                                                                   "Jiangsu-RX-2025")
    page = client.get(f"/algorithms/models/{child.pk}/").content.decode()
    assert "Jiangsu-RX-2025" in page and "已登记" in page and "姑苏通用大模型" in page
    assert "热线微调模型" in client.get(f"/algorithms/models/{secret_model.pk}/").content.decode()  # derived
