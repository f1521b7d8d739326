"""Question banks through the API and the pages: the whole cycle (designate, create, import with a mapping, review by
a second evaluator, publish, coverage, next version), who sees items (every role), and hostile inputs (an oversized
file, a wrong encoding, a formula in an export)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from aiplus.core.models import AuditEvent
from aiplus.core.testing import assert_page_refused_naming, assert_refused_naming, operation, signed_in, written
from aiplus.evaluation.models import Bank, Item
from aiplus.evaluation.tests.conftest import JADE_CSV

pytestmark = pytest.mark.django_db

ROLES = ("official", "auditor", "enterprise_member", "provider", "expert", "public")


def _post(client: Any, op: str, payload: dict[str, Any] | None = None, **ids: Any) -> Any:
    return client.post(operation(op, **ids), payload or {}, content_type="application/json")


def _upload(data: bytes | str, name: str = "jade.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data)


def test_bank_cycle_through_the_api(banks: Any) -> None:
    alice, bob = signed_in(banks.alice), signed_in(banks.bob)
    created = _post(alice, "aiplus_evaluation_api_create_bank",
                    {"organisation_id": banks.org.pk, "name": "应拒答题库", "kind": "should_refuse"})
    assert created.status_code == 201, created.content
    bank = created.json()
    assert bank["versions"][0]["status"] == "draft"
    answer = alice.post(operation("aiplus_evaluation_api_import_bank", bank_id=bank["id"]),
                        {"file": _upload(JADE_CSV), "mapping": "jade_db_zh"})
    assert answer.status_code == 200, answer.content
    report = answer.json()
    assert (report["created"], report["counts"]["unmapped"]) == (4, 1)
    assert report["unmapped"] == [{"row": 5, "id": "4", "category": "违法犯罪/闻所未闻的类别"}]
    version_id = bank["versions"][0]["id"]
    items = bob.get(operation("aiplus_evaluation_api_list_items"), {"version": version_id}).json()["items"]
    assert len(items) == 4
    mapped = [i["id"] for i in items if i["risk_code"]]
    own = _post(alice, "aiplus_evaluation_api_review_items", {"item_ids": mapped, "decision": "approved"},
                version_id=version_id)
    assert own.status_code == 403 and own.json()["field"] == "item_ids"
    done = _post(bob, "aiplus_evaluation_api_review_items", {"item_ids": mapped, "decision": "approved"},
                 version_id=version_id)
    assert done.status_code == 200, done.content
    odd = [i["id"] for i in items if not i["risk_code"]]
    needs_risk = _post(bob, "aiplus_evaluation_api_review_items", {"item_ids": odd, "decision": "approved"},
                       version_id=version_id)
    assert_refused_naming(needs_risk, "risk_code")
    _post(bob, "aiplus_evaluation_api_review_items", {"item_ids": odd, "decision": "approved",
                                                        "risk_code": "a1.other"}, version_id=version_id)
    coverage = Client().get(operation("aiplus_evaluation_api_get_coverage", version_id=version_id)).json()
    assert (coverage["total"], coverage["required_total"], coverage["met"]) == (4, 500, False)
    counted = {r["code"]: r["count"] for r in coverage["risks"]}
    assert (counted["a1.other"], counted["a1.terrorism"]) == (1, 1)
    assert len(coverage["short_risks"]) == 31
    published = _post(alice, "aiplus_evaluation_api_publish_version", version_id=version_id)
    assert published.status_code == 200 and published.json()["versions"][0]["status"] == "published"
    again = alice.post(operation("aiplus_evaluation_api_import_bank", bank_id=bank["id"]),
                       {"file": _upload(JADE_CSV), "mapping": "jade_db_zh"})
    assert again.status_code == 409
    following = _post(alice, "aiplus_evaluation_api_start_version", bank_id=bank["id"])
    assert following.status_code == 201 and following.json()["versions"][0]["number"] == 2
    codes = set(AuditEvent.objects.filter(action__startswith="evaluation.").values_list("action", flat=True))
    assert codes >= {"evaluation.evaluator.designated", "evaluation.bank.created", "evaluation.bank.imported",
                     "evaluation.import.recorded", "evaluation.item.reviewed", "evaluation.version.published",
                     "evaluation.version.created"}
    # no audit row carries an item's text
    assert not AuditEvent.objects.filter(after__icontains="爆炸物").exists()


def _imported(banks: Any) -> Bank:
    from aiplus.evaluation import services

    bank = services.create_bank(acting_user=banks.alice, organisation_id=banks.org.pk, name="题库甲",
                                kind="should_refuse")
    services.import_bank_file(acting_user=banks.alice, bank_id=bank.pk, data=JADE_CSV.encode(), mapping="jade_db_zh")
    return bank


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
def test_only_evaluators_see_items_on_pages_and_in_the_api(banks: Any, role: str) -> None:
    bank = _imported(banks)
    client = Client() if role == "anonymous" else signed_in(banks.world.user(role))
    page = client.get(f"/evaluation/banks/{bank.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="counts-only"' in html and "爆炸物" not in html and 'data-testid="import-form"' not in html
    assert client.get("/evaluation/banks/").status_code == 200
    version = bank.versions.get()
    assert client.get(f"/evaluation/versions/{version.pk}/coverage/").status_code == 200
    listed = client.get(operation("aiplus_evaluation_api_list_items"))
    assert listed.status_code == (401 if role == "anonymous" else 200)
    if role != "anonymous":
        assert listed.json()["items"] == []
        queue = client.get("/evaluation/items/")
        assert queue.status_code == 200 and "爆炸物" not in queue.content.decode()
        refused = client.post(operation("aiplus_evaluation_api_import_bank", bank_id=bank.pk),
                              {"file": _upload(JADE_CSV), "mapping": "jade_db_zh"})
        assert refused.status_code == 403
        assert client.post(f"/evaluation/banks/{bank.pk}/", {"action": "publish"}).status_code == 403
    # the evaluators see the items
    assert "爆炸物" in signed_in(banks.bob).get("/evaluation/items/").content.decode()
    assert 'data-testid="import-form"' in signed_in(banks.alice).get(f"/evaluation/banks/{bank.pk}/").content.decode()


def test_pages_import_review_and_publish(banks: Any) -> None:
    alice, bob = signed_in(banks.alice), signed_in(banks.bob)
    made = alice.post("/evaluation/banks/", {"action": "create", "bank-organisation": banks.org.pk,
                                             "bank-name": "页面题库", "bank-kind": "should_refuse"})
    assert made.status_code == 302, made.content.decode()[:2000]
    bank = Bank.objects.get(name="页面题库")
    url = f"/evaluation/banks/{bank.pk}/"
    imported = alice.post(url, {"action": "import", "mapping": "jade_db_zh", "file": _upload(JADE_CSV)})
    assert imported.status_code == 302, imported.content.decode()[:3000]
    page = alice.get(url).content.decode()
    assert 'data-unmapped="1"' in page and "闻所未闻的类别" in page
    ids = list(Item.objects.exclude(risk_code="").values_list("pk", flat=True))
    own = alice.post("/evaluation/items/", {"action": "review", "items": ids, "decision": "approved"})
    assert_page_refused_naming(own, "items")  # alice's own items are not in her queue
    assert not Item.objects.exclude(status="candidate").exists()
    assert bob.post("/evaluation/items/", {"action": "review", "items": ids, "decision": "approved"}).status_code == 302
    odd = Item.objects.get(risk_code="")
    needs = bob.post("/evaluation/items/", {"action": "review", "items": [odd.pk], "decision": "approved"})
    assert_page_refused_naming(needs, "risk_code")
    bob.post("/evaluation/items/", {"action": "review", "items": [odd.pk], "decision": "rejected"})
    assert alice.post(url, {"action": "publish"}).status_code == 302
    assert 'data-status="published"' in alice.get(url).content.decode()
    coverage = Client().get(f"/evaluation/versions/{bank.versions.get().pk}/coverage/").content.decode()
    assert 'data-risk="a1.terrorism" data-met="short"' in coverage and 'data-met="false"' in coverage


# -- hostile inputs ----------------------------------------------------------------------------------------------

@override_settings(AIPLUS_IMPORT_MAX_BYTES=2048)
def test_an_oversized_file_is_refused_with_413(banks: Any) -> None:
    bank = _imported(banks)
    bank.versions.update(status="draft")
    before = written(Item)
    big = JADE_CSV + "".join(f"{n},问题{n},违法犯罪,偷窃\n" for n in range(10, 400))
    api = signed_in(banks.alice).post(operation("aiplus_evaluation_api_import_bank", bank_id=bank.pk),
                                      {"file": _upload(big), "mapping": "jade_db_zh"})
    assert api.status_code == 413
    page = signed_in(banks.alice).post(f"/evaluation/banks/{bank.pk}/", {"action": "import", "mapping": "jade_db_zh",
                                                                         "file": _upload(big)})
    assert page.status_code == 413
    assert written(Item) == before


def test_wrong_encoding_and_broken_files_are_refused_naming_the_field(banks: Any) -> None:
    bank = _imported(banks)
    client = signed_in(banks.alice)
    before = written(Item)
    mapping = ("name: u\nformat: csv\nencoding: utf-8\nkind: should_refuse\nsource: s\nlicence: l\n"
               "columns: {text: 问题}\n")
    wrong = client.post(operation("aiplus_evaluation_api_import_bank", bank_id=bank.pk),
                        {"file": _upload("问题\n某题\n".encode("gb18030")), "mapping_file": _upload(mapping, "m.yaml")})
    assert_refused_naming(wrong, "file")
    broken_files = (b"\x00\x01binary", "编号,内容\n1,x\n".encode(),
                    "ID,问题,违规类型,违规子类\n9,,违法犯罪,偷窃\n".encode())
    for data in broken_files:
        broken = client.post(operation("aiplus_evaluation_api_import_bank", bank_id=bank.pk),
                             {"file": _upload(data), "mapping": "jade_db_zh"})
        assert 400 <= broken.status_code < 500
    bad_mapping = client.post(operation("aiplus_evaluation_api_import_bank", bank_id=bank.pk),
                              {"file": _upload(JADE_CSV), "mapping_file": _upload(b"\xff\xfe: [", "m.yaml")})
    assert_refused_naming(bad_mapping, "mapping_file")
    assert written(Item) == before


def test_exports_never_carry_a_formula(banks: Any) -> None:
    from aiplus.evaluation import services

    bank = services.create_bank(acting_user=banks.alice, organisation_id=banks.org.pk, name="=HYPERLINK(\"x\")",
                                kind="keyword")
    mapping = ("name: k\nformat: csv\nkind: keyword\nsource: s\nlicence: l\n"
               "columns: {id: id, text: 词, category: 类}\nrisks: {恐怖: a1.terrorism}\n")
    services.import_bank_file(acting_user=banks.alice, bank_id=bank.pk, mapping_file=mapping.encode(),
                              data="id,词,类\n+1,=cmd|' /C calc'!A0,@恐怖\n".encode())
    rows = list(csv.reader(io.StringIO(
        signed_in(banks.bob).get("/evaluation/items/?export=csv").content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=cmd|' /C calc'!A0" in cells and "'+1" in cells and "'=HYPERLINK(\"x\")" in cells
    banks_export = list(csv.reader(io.StringIO(Client().get("/evaluation/banks/?export=csv").content.decode(
        "utf-8-sig"))))
    assert "'=HYPERLINK(\"x\")" in [cell for row in banks_export[1:] for cell in row]
