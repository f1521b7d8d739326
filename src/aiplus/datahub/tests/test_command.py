"""`manage.py crossborder_assess FILE.json` prints the decision with citations, missing facts and deadlines."""

import json

from django.core.management import call_command

TRANSFER = {
    "processor": {"name": "示例科技有限公司", "is_ciio": False, "in_ftz": False, "jurisdiction": "suzhou-sip"},
    "transfer": {"recipient": "Example GmbH", "country_or_region": "DE", "purpose": "客户服务",
                 "data_categories": ["personal"], "important_data_designated": False,
                 "pi_people": 5000, "sensitive_pi_people": 0, "transfer_on": "2026-06-02"},
    "cumulative": {"year": 2026, "pi_people": 98000, "sensitive_pi_people": 0},
}


def test_command_reads_a_list_and_prints_json(tmp_path, capsys):
    bad = json.loads(json.dumps(TRANSFER))
    bad["transfer"]["pi_people"] = -1
    path = tmp_path / "transfers.json"
    path.write_text(json.dumps([TRANSFER, bad], ensure_ascii=False), encoding="utf-8")
    call_command("crossborder_assess", str(path))
    results = json.loads(capsys.readouterr().out)
    assert len(results) == 2
    first = results[0]
    assert first["pathway"] == "standard_contract_or_certification"
    assert all(reason["citation"] for reason in first["reasons"])
    assert first["deadlines"]
    assert results[1]["ok"] is False
    assert results[1]["errors"][0]["field"] == "transfer.pi_people"
