"""The one list mechanism, through the organisation register (its worked example): filters shared by page and API,
bad filters named, sorting, export without formulas, and the empty state's next step."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from aiplus.core.testing import bearer


@pytest.fixture
def official(world):
    client = Client()
    client.force_login(world.user("official"))
    return client


@pytest.mark.django_db
def test_a_jurisdiction_filter_reads_a_name_a_code_or_pinyin_alike_on_page_and_api(world, official) -> None:
    api = bearer(world.user("official"))
    expected = {world.orgs["suzhou:enterprise"].pk, world.orgs["suzhou:provider"].pk}
    for typed in ("苏州市", "suzhou", "suzhoushi", "Suzhou"):
        page = official.get("/organisations/", {"jurisdiction": typed})
        assert page.status_code == 200
        shown = {int(pk) for pk in re.findall(r'data-pk="(\d+)"', page.content.decode())}
        assert expected <= shown
        listed = api.get("/api/v1/organisations", {"jurisdiction": typed}).json()["items"]
        assert {item["id"] for item in listed} == shown


@pytest.mark.django_db
def test_ambiguous_initials_ask_the_user_to_choose(world, official) -> None:
    page = official.get("/organisations/", {"jurisdiction": "szs"})  # 苏州市 and 深圳市 alike
    assert page.status_code == 400 and "对应多个选项" in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("params, field", [({"jurisdiction": "nowhere"}, "jurisdiction"),
                                           ({"kind": "<script>"}, "kind"),
                                           ({"q": "x" * 500}, "q")])
def test_a_bad_filter_is_a_4xx_naming_the_field_on_page_and_api(world, official, params, field) -> None:
    page = official.get("/organisations/", params)
    assert page.status_code == 400
    assert f'data-field="{field}"' in page.content.decode()
    assert "<script>" not in page.content.decode().split('data-testid="list-filters"')[0][-200:]
    api = bearer(world.user("official")).get("/api/v1/organisations", params)
    assert 400 <= api.status_code < 500
    assert api.json()["field"] == field


@pytest.mark.django_db
def test_columns_sort_and_the_export_never_writes_a_formula(world, make_org, official) -> None:
    make_org("suzhou", name='=HYPERLINK("http://evil.example","点我")')
    ascending = official.get("/organisations/", {"sort": "name"}).content.decode()
    descending = official.get("/organisations/", {"sort": "-name"}).content.decode()
    assert ascending != descending
    exported = official.get("/organisations/", {"export": "csv", "sort": "name"})
    assert exported.status_code == 200 and exported["Content-Disposition"].endswith('.csv"')
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][0] == "名称"
    names = [row[0] for row in rows[1:]]
    assert "'=HYPERLINK(\"http://evil.example\",\"点我\")" in names
    assert not any(name.startswith("=") for name in names)
    workbook = official.get("/organisations/", {"export": "xlsx"})
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"


@pytest.mark.django_db
def test_an_empty_list_says_what_to_do_next_only_to_whom_may_do_it(world, official) -> None:
    empty = official.get("/organisations/", {"q": "不存在的组织名"}).content.decode()
    assert 'data-testid="list-empty"' in empty and "/organisations/new/" in empty
    member = Client()
    member.force_login(world.user("enterprise_member"))
    page = member.get("/organisations/", {"q": "不存在的组织名"}).content.decode()
    assert 'data-testid="list-empty"' in page and "/organisations/new/" not in page


@pytest.mark.django_db
def test_htmx_gets_the_table_alone(world, official) -> None:
    fragment = official.get("/organisations/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'data-testid="list-table"' in fragment


@pytest.mark.django_db
def test_the_audit_log_filters_are_one_filter_set_on_page_and_api(world, make_org, official) -> None:
    """Action, actor, jurisdiction (by name or code) and dates narrow the page and the API alike; a bad date is
    named; the log is refused to those who do not read it, on both sides."""
    make_org(name="审计测试单位")
    api = bearer(world.user("official"))
    today = timezone.localdate().isoformat()
    for params in ({"action": "core."}, {"jurisdiction": "苏州市", "since": today, "until": today},
                   {"jurisdiction": "suzhou", "actor": "a"}):
        page = official.get("/audit/", params)
        assert page.status_code == 200, params
        page_ids = {int(pk) for pk in re.findall(r'data-pk="(\d+)"', page.content.decode())}
        body = api.get("/api/v1/audit-events", {**params, "page_size": 100}).json()
        assert page_ids == {item["id"] for item in body["items"]}, params
    assert official.get("/audit/", {"since": "not-a-date"}).status_code == 400
    bad = api.get("/api/v1/audit-events", {"since": "not-a-date"})
    assert bad.status_code in (400, 422) and bad.json()["field"] == "since"
    member = world.user("enterprise_member")
    outsider = Client()
    outsider.force_login(member)
    assert outsider.get("/audit/").status_code == 403
    assert bearer(member).get("/api/v1/audit-events").status_code == 403


@pytest.mark.django_db
def test_an_official_registers_an_organisation_naming_its_place_as_people_do(world, official) -> None:
    import random

    from aiplus.core.models import Jurisdiction, Organisation
    from aiplus.portal.demo import make_credit_code

    code = make_credit_code(random.Random(3), Jurisdiction.objects.get(code="suzhou").division_code, "enterprise")
    form = official.get("/organisations/new/").content.decode()
    assert 'data-picker="jurisdiction"' in form
    response = official.post("/organisations/new/", {"name": "姑苏测试科技有限公司", "kind": "enterprise",
                                                      "credit_code": code, "jurisdiction": "苏州市"})
    assert response.status_code == 302
    assert Organisation.objects.get(credit_code=code).jurisdiction.code == "suzhou"
    refused = official.post("/organisations/new/", {"name": "某公司", "kind": "enterprise",
                                                     "credit_code": code, "jurisdiction": "深圳市"})
    assert refused.status_code == 400  # Shenzhen is outside a Suzhou official's jurisdictions
    assert "某公司" in refused.content.decode()  # the input is kept


@pytest.mark.django_db
def test_configure_orders_pages_and_runs_the_tables_own_hook(world) -> None:
    # core/table.html draws a table without {% render_table %}, so `lists.configure` is what calls `before_render`.
    import django_tables2 as tables
    from django.test import RequestFactory

    from aiplus.core import lists
    from aiplus.core.models import Jurisdiction

    class Places(lists.Table):
        code = tables.Column()
        name_zh = tables.Column()

        def before_render(self, request) -> None:
            self.columns.hide("code")
            self.seen = [row.record.pk for row in self.page.object_list]

    request = RequestFactory().get("/", {"sort": "-name_zh"})
    table = lists.configure(Places(Jurisdiction.objects.all()), request, per_page=2)
    assert not table.columns["code"].visible
    assert len(table.seen) == min(2, Jurisdiction.objects.count())
    assert table.order_by == ("-name_zh",)
