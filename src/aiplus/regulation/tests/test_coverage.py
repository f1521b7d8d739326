"""Coverage is computed from evidence: levels follow from the pages, API operations and tests a feature names, the
evidence is checked to exist, and the home page and the coverage page read the same numbers."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from aiplus.regulation import coverage
from aiplus.regulation.runtime import active_packs

SHIPPED_ARTICLES = 50 + 34


@pytest.fixture
def registry(monkeypatch):
    """An empty feature registry for the test to declare into (the real one is left as the apps declared it)."""
    fresh = coverage._Registry()
    monkeypatch.setattr(coverage, "_REGISTRY", fresh)
    monkeypatch.setattr(coverage, "_rules_citing", lambda: {})
    return fresh


def _article(report, pack, number):
    return next(a for a in report["packs"][pack]["articles"] if a["number"] == number)


def test_levels_follow_from_the_evidence(registry):
    coverage.declare("x.complete", title_zh="完整", title_en="Complete", articles=[("guangdong", 7)],
                     pages=["compute:requests"], api=["op"], tests=["t::test"])
    coverage.declare("x.page_only", title_zh="只有页面", title_en="Page only", articles=[("guangdong", 8)],
                     pages=["datahub:catalogue"])
    coverage.declare("x.gap", title_zh="有缺口", title_en="With a gap", articles=[("guangdong", 20)],
                     pages=["p"], api=["op"], tests=["t::test"], gaps=[("缺审核 API", "no review API")])
    report = coverage.coverage_report(active_packs(), "en")
    assert _article(report, "guangdong", 7)["level"] == "implemented"
    assert _article(report, "guangdong", 7)["missing"] == []
    partial = _article(report, "guangdong", 8)
    assert partial["level"] == "partial"
    assert partial["missing"] == ["Page only: lacks an API operation, an end-to-end test"]
    gap = _article(report, "guangdong", 20)
    assert gap["level"] == "implemented" and gap["missing"] == ["With a gap: no review API"]
    assert _article(report, "guangdong", 1)["level"] == "declarative"  # 立法目的
    assert _article(report, "guangdong", 9)["level"] == "not_yet"
    chinese = coverage.coverage_report(active_packs(), "zh-hans")
    assert _article(chinese, "guangdong", 8)["missing"] == ["只有页面：缺少API 接口、端到端测试"]


def test_a_complete_feature_that_does_only_part_of_an_article_leaves_it_partial(registry):
    coverage.declare("x.register", title_zh="登记", title_en="A register", articles=[("guangdong", 10)],
                     in_part=[("guangdong", 9)], pages=["p"], api=["op"], tests=["t::test"],
                     gaps=[("备案流程尚未实现", "no filing workflow")])
    report = coverage.coverage_report(active_packs(), "en")
    assert _article(report, "guangdong", 10)["level"] == "implemented"
    partly = _article(report, "guangdong", 9)
    assert partly["level"] == "partial"
    assert partly["missing"] == ["A register does only part of what this article sets up",
                                 "A register: no filing workflow"]
    coverage.declare("x.filings", title_zh="备案", title_en="Filings", articles=[("guangdong", 9)],
                     pages=["p"], api=["op"], tests=["t::test"])
    assert _article(coverage.coverage_report(active_packs(), "en"), "guangdong", 9)["level"] == "implemented"


def test_a_rule_alone_is_partial_evidence(registry, monkeypatch):
    monkeypatch.setattr(coverage, "_rules_citing",
                        lambda: {("guangdong", 23): [("crossborder.pathway", "出境路径", "Transfer pathway")]})
    report = coverage.coverage_report(active_packs(), "en")
    row = _article(report, "guangdong", 23)
    assert row["level"] == "partial" and "Transfer pathway" in row["missing"][0]


def test_a_chapter_known_only_as_a_whole_is_one_row(registry):
    coverage.declare("x.scenarios", title_zh="场景", title_en="Scenarios", chapters=[("suzhou", 2)],
                     pages=["p"], api=["op"], tests=["t::test"])
    report = coverage.coverage_report(active_packs(), "zh-hans")
    suzhou = report["packs"]["suzhou"]
    [chapter] = suzhou["chapters"]
    assert (chapter["number"], chapter["first_article"], chapter["last_article"]) == (2, 11, 30)
    assert chapter["level"] == "implemented" and [f["code"] for f in chapter["features"]] == ["x.scenarios"]
    for number in range(11, 31):
        row = _article(report, "suzhou", number)
        assert row["scope"] == "chapter" and row["level"] == "implemented" and row["features"] == []
    assert suzhou["summary"]["chapter_level"] == 20 and suzhou["summary"]["chapter_level_implemented"] == 20


def test_declarations_that_do_not_fit_the_packs_are_errors(registry):
    coverage.declare("x.guess", title_zh="猜", title_en="Guess", articles=[("suzhou", 29)])
    coverage.declare("x.nochapter", title_zh="无", title_en="None", chapters=[("suzhou", 3)])
    coverage.declare("x.noarticle", title_zh="无", title_en="None", articles=[("guangdong", 99)])
    errors = coverage.declaration_errors(active_packs())
    assert any("x.guess" in e and "known only as a whole" in e for e in errors)
    assert any("x.nochapter" in e and "has articles of their own" in e for e in errors)
    assert any("x.noarticle" in e and "no article 99" in e for e in errors)
    with pytest.raises(ValueError, match="serves no article"):
        coverage.declare("x.nothing", title_zh="无", title_en="None")


def test_verify_names_every_missing_page_operation_and_test(registry):
    from aiplus.regulation.evidence import verify

    coverage.declare("x.bogus", title_zh="假", title_en="Bogus", articles=[("guangdong", 7)],
                     pages=["compute:requests", "compute:nowhere"], api=["aiplus_compute_api_submit_request",
                                                                         "aiplus_compute_api_nothing"],
                     tests=["tests/a.py::test_there", "tests/a.py::test_parametrised", "tests/a.py::test_gone"])
    errors = verify(active_packs(), tests=frozenset({"tests/a.py::test_there", "tests/a.py::test_parametrised[1]"}))
    assert errors == ["x.bogus: page 'compute:nowhere' is not a URL name",
                      "x.bogus: API operation 'aiplus_compute_api_nothing' is not in the OpenAPI document",
                      "x.bogus: test 'tests/a.py::test_gone' is not in the collected suite"]


def test_the_declared_evidence_holds():
    """`manage.py coverage --verify` over the real declarations: every page, operation and test exists."""
    out = StringIO()
    try:
        call_command("coverage", "--verify", stdout=out)
    except CommandError as exc:  # pragma: no cover - the message lists what does not hold
        pytest.fail(str(exc))
    assert "evidence holds" in out.getvalue()


def test_the_json_report_gives_every_article_a_level_and_its_evidence():
    out = StringIO()
    call_command("coverage", "--format", "json", "--language", "en", stdout=out)
    report = json.loads(out.getvalue())
    articles = [a for pack in report["packs"].values() for a in pack["articles"]]
    assert len(articles) == SHIPPED_ARTICLES
    for article in articles:
        assert {"number", "title", "title_source", "level", "features", "missing", "scope"} <= set(article)
        assert article["level"] in coverage.LEVELS
        if article["level"] in ("partial", "not_yet"):
            assert article["missing"], article  # what is missing is said in words
        for feature in article["features"]:
            assert {"pages", "api", "tests", "complete", "missing"} <= set(feature)
    levels = {a["level"] for a in articles}
    assert levels == set(coverage.LEVELS)


@pytest.mark.django_db
def test_the_home_page_counts_what_the_coverage_report_counts(client):
    from aiplus.regulation.selectors import coverage as report_of

    report = report_of("zh-hans")
    html = client.get("/").content.decode()
    for code, pack in report["packs"].items():
        implemented = sum(1 for a in pack["articles"] if a["level"] == "implemented")
        assert f'data-pack="{code}" data-implemented="{implemented}"' in html
        assert f"已实现 {implemented} 条" in html
    # the sentence about what the platform does lists the features whose evidence is complete
    working = html.split('data-testid="working"')[1].split("</ul>")[0]
    complete = [f for f in coverage.features() if f.complete]
    assert complete and all(f.title_zh in working for f in complete)
    assert all(f.title_zh not in working for f in coverage.features() if not f.complete)


@pytest.mark.django_db
def test_the_coverage_page_filters_by_level_and_says_what_is_missing(client):
    html = client.get("/coverage/", {"pack": "guangdong", "level": "partial"}).content.decode()
    rows = re.findall(r'<tr data-article="(\d+)" data-level="(\w+)"', html)
    assert rows and {level for _, level in rows} == {"partial"}
    assert "缺少" in html  # what is missing, in words
    everything = client.get("/coverage/", {"level": "bogus"}).content.decode()  # an unknown level filters nothing
    assert len(re.findall(r"<tr data-article=", everything)) == SHIPPED_ARTICLES
    chapter = client.get("/coverage/", {"pack": "suzhou", "level": "implemented"}).content.decode()
    assert 'data-chapter="2" data-level="implemented"' in chapter and "按章整体" in chapter
    english = client.get("/coverage/", {"pack": "guangdong"}, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
