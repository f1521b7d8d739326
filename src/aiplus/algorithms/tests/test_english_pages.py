"""The registers' pages in English: every word the platform writes (labels, choices, the CAC algorithm types from the
pack, headings) reads in English; only what the company typed stays Chinese."""

import re

import pytest

from aiplus.algorithms import services
from aiplus.core.testing import CJK

pytestmark = pytest.mark.django_db


def _platform_text(html: str, typed: list[str]) -> str:
    """The page without the company's own words and the pickers' options (places and organisations by their
    names, with Chinese search keys)."""
    for text in typed:
        html = html.replace(text, "")
    return re.sub(r"<select.*?</select>", "", html, flags=re.S)


def test_register_pages_read_in_english(english, world, member, company, secret_model):
    english.force_login(member)
    algorithm = services.create_algorithm(acting_user=member, organisation_id=company.pk, name="分派算法",
                                          algorithm_type="scheduling_decision", model_id=secret_model.pk)
    typed = [secret_model.name, secret_model.summary, algorithm.name, company.name, "苏州", "深圳",
             world.orgs["shenzhen:enterprise"].name, world.orgs["suzhou:provider"].name,
             world.orgs["shenzhen:provider"].name, member.display_name or ""]
    for path in ("/algorithms/", "/algorithms/algorithms/", "/algorithms/hardware/", "/algorithms/open-source/",
                 f"/algorithms/models/{secret_model.pk}/", f"/algorithms/algorithms/{algorithm.pk}/",
                 "/algorithms/models/new/", "/algorithms/algorithms/new/"):
        response = english.get(path)
        assert response.status_code == 200, path
        main = response.content.decode().split("<main", 1)[-1].split("</main>", 1)[0]
        leftover = CJK.findall(_platform_text(main, [t for t in typed if t]))
        assert not leftover, (path, leftover[:10])
    page = english.get(f"/algorithms/algorithms/{algorithm.pk}/").content.decode()
    assert "Scheduling and decision-making" in page and "Foundation model" in english.get(
        f"/algorithms/models/{secret_model.pk}/").content.decode()


def test_filing_pages_read_in_english(english, world, member, company):
    import datetime as dt

    english.force_login(member)
    algorithm = services.create_algorithm(acting_user=member, organisation_id=company.pk, name="分派算法",
                                          algorithm_type="scheduling_decision")
    filing = services.create_filing(acting_user=member, algorithm_id=algorithm.pk, launched_on=dt.date(2026, 4, 30),
                                    legal_representative="张三")
    typed = [algorithm.name, company.name, "张三", "苏州", "深圳"]
    for path in ("/algorithms/filings/", "/algorithms/filings/?open=1", f"/algorithms/filings/{filing.pk}/"):
        response = english.get(path)
        assert response.status_code == 200, path
        main = response.content.decode().split("<main", 1)[-1].split("</main>", 1)[0]
        leftover = CJK.findall(_platform_text(main, typed))
        assert not leftover, (path, leftover[:10])
    page = english.get(f"/algorithms/filings/{filing.pk}/").content.decode()
    assert "Missing items" in page and "Algorithm security officer" in page
