"""The request page in English: the voucher rule's reasons and their citations read in the page's language."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape

from aiplus.compute import services
from aiplus.compute.models import Placement
from aiplus.core.testing import CJK, section

pytestmark = pytest.mark.django_db


@pytest.fixture
def placed(net, immediate_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = services.submit_request(
            acting_user=net.world.user("enterprise_member"), title="大模型微调",
            accepted_models=["nvidia-a800", "ascend-910b"], cards=8, hours="10", residency_level="province",
            residency_region="jiangsu", quota_id=net.quota.pk)
    placement = Placement.objects.get(request=request)
    assert placement.subsidy_decision["reasons"]
    return placement


def test_the_subsidy_reasons_read_in_english(net, placed, client):
    client.force_login(net.world.user("enterprise_member"))
    url = f"/compute/requests/{placed.request_id}/"
    with translation.override(translation.get_language()):
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        html = client.get(url).content.decode()
    reasons = section(html, "subsidy-reasons")
    first = placed.subsidy_decision["reasons"][0]
    assert escape(first["text_en"]) in reasons and escape(first["text_zh"]) not in reasons
    assert CJK.search(first["citation_label"]) and first["citation_label"] not in reasons  # stored label: Chinese
    assert not CJK.search(reasons), CJK.findall(reasons)
    # the Suzhou voucher rate is the operator's (local-setting): a platform setting, never "art. 34"
    assert 'data-basis="setting">Platform setting' in reasons and "art. 34" not in reasons
    assert "Jiangsu" in html  # the residency region by its English name


def test_the_chinese_page_keeps_the_chinese_reasons(net, placed, client):
    client.force_login(net.world.user("enterprise_member"))
    reasons = section(client.get(f"/compute/requests/{placed.request_id}/").content.decode(), "subsidy-reasons")
    assert escape(placed.subsidy_decision["reasons"][0]["text_zh"]) in reasons
