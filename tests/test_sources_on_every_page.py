"""No invented law, checked on every page: with the demo data, every page each demo role can reach (in Chinese and in
English) shows its sources through the one `cite` filter, and no operator's value (a local-setting parameter) stands
beside a bare article citation."""

from __future__ import annotations

import datetime as dt
import re
from collections import deque
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve
from django.utils import translation

pytestmark = pytest.mark.django_db

USERS = ["", "official-suzhou", "official-guangdong", "enterprise-suzhou", "provider-compute", "provider-data",
         "expert-li"]
START = ["/", "/dashboard/", "/parameters/", "/glossary/", "/departments/", "/coverage/"]
SKIP = ("/api/", "/admin/", "/i18n/", "/static/", "/accounts/logout", "/logout", "/account/tokens")
PER_URL_NAME = 2  # detail pages of the same kind: two of each are enough to see how the kind shows its sources
CONTAINERS = {"li", "tr", "dd", "p", "td"}


class _Page(HTMLParser):
    """Links, and every <cite> with its attributes, its text and the text of the element that holds it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.cites: list[dict[str, Any]] = []
        self._stack: list[dict[str, Any]] = []  # open containers and cites, each collecting its text

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a" and found.get("href"):
            self.links.append(found["href"] or "")
        if tag in CONTAINERS or tag == "cite":
            self._stack.append({"tag": tag, "attrs": found, "text": []})

    def handle_endtag(self, tag: str) -> None:
        if not any(open_["tag"] == tag for open_ in self._stack):
            return
        while self._stack:
            closed = self._stack.pop()
            text = "".join(closed["text"])
            for outer in self._stack:
                outer["text"].append(text)
            if closed["tag"] == "cite":
                holder = next((o for o in reversed(self._stack) if o["tag"] in CONTAINERS), None)
                self.cites.append({"attrs": closed["attrs"], "text": text.strip(), "holder": holder})
            if closed["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._stack:
            self._stack[-1]["text"].append(data)

    def finish(self) -> None:
        self.close()
        while self._stack:
            self.handle_endtag(self._stack[-1]["tag"])
        for cite in self.cites:  # the holder's text is complete once the page is parsed
            holder = cite.pop("holder")
            cite["context"] = "".join(holder["text"]) if holder else cite["text"]


def _value_forms(value: Any) -> set[str]:
    """How a parameter's value may read on a page (10, 0.20 → 20%)."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal, str)):
        return set()
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return set()
    forms = {str(value)}
    if 0 < number < 1:
        forms.add(f"{number * 100:g}%")
    return forms


def _bare_citations_of_local_settings(language: str) -> dict[str, set[str]]:
    """For each article label an operator's value serves (《苏州条例（送审稿）》第34条), the forms its values take:
    the pair would be a platform setting dressed as law."""
    from dataclasses import replace

    from aiplus.regulation.runtime import active_packs, cite

    found: dict[str, set[str]] = {}
    with translation.override(language):
        for version in active_packs().parameters:
            if version.status.value != "local-setting" or not version.citation.pack:
                continue
            bare = cite(replace(version.citation, setting=False))
            found.setdefault(bare, set()).update(_value_forms(version.value))
    return found


def _crawl(client: Client) -> Iterator[tuple[str, str, _Page]]:
    """Each page the client reaches from START, with its HTML parsed once: the same parse gives the crawl its links
    and the check its citations (parsing was a quarter of the check's time, half of it parsing each page again)."""
    seen: set[str] = set()
    per_name: dict[str, int] = {}
    queue = deque(START)
    while queue:
        url = queue.popleft()
        path = urlsplit(url).path
        if url in seen or path.startswith(SKIP) or "export" in path or "print" in path:
            continue
        seen.add(url)
        try:
            name = resolve(path).view_name
        except Resolver404:
            continue
        if per_name.get(name, 0) >= PER_URL_NAME:
            continue
        per_name[name] = per_name.get(name, 0) + 1
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        page = _Page()
        page.feed(html)
        links = list(page.links)  # before the check finishes the parse, as the crawl read them when it parsed alone
        yield url, html, page
        for href in links:
            target = urljoin(url, href)
            parts = urlsplit(target)
            if parts.netloc or parts.scheme not in ("", "http"):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query and "page=" not in parts.query else ""))


def _check_every_page(users: list[str], languages: tuple[str, ...]) -> tuple[int, int]:
    from aiplus.core.models import User

    checked_pages = checked_cites = 0
    for language in languages:
        bare = _bare_citations_of_local_settings(language)
        assert bare, "the demo packs have operator values serving articles: the check would be empty"
        for username in users:
            client = Client(HTTP_ACCEPT_LANGUAGE=language)
            client.cookies["django_language"] = language
            if username:
                client.force_login(User.objects.get(username=username))
            for url, html, page in _crawl(client):
                checked_pages += 1
                # every source on a page comes from the one filter, which says what kind of source it is
                assert not re.search(r"<cite(?![^>]*data-basis)", html), (url, "a <cite> not made by |cite")
                page.finish()
                for cite in page.cites:
                    checked_cites += 1
                    basis = cite["attrs"].get("data-basis")
                    assert basis in ("law", "setting"), (url, cite)
                    if basis == "setting":
                        assert cite["text"].startswith(("平台设置", "Platform setting")), (url, cite["text"])
                        continue
                    values = bare.get(cite["text"], set())
                    context = re.sub(r"\s+", " ", cite["context"])
                    shown = [v for v in values if re.search(rf"(?<![\d.]){re.escape(v)}(?![\d.])", context)]
                    assert not shown, (f"{url} ({username or 'anonymous'}, {language}): the operator's value(s) "
                                       f"{shown} beside the bare citation {cite['text']!r}: {context[:200]}")
    return checked_pages, checked_cites


def test_every_page_shows_operator_values_as_platform_settings(demo) -> None:
    pages, cites = _check_every_page(USERS, ("zh-hans", "en"))
    assert pages > 60 and cites > 20, (pages, cites)


def test_the_page_check_catches_an_operator_value_dressed_as_law(demo, monkeypatch) -> None:
    """The check above can fail: make the one filter drop the platform-setting mark and it does."""
    from dataclasses import replace

    from aiplus.portal.templatetags import citations

    real = citations.citation_of
    monkeypatch.setattr(citations, "citation_of",
                        lambda source: (lambda c: replace(c, setting=False) if c and c.pack else c)(real(source)))
    with pytest.raises(AssertionError, match="beside the bare citation"):
        _check_every_page(["official-suzhou"], ("zh-hans",))


def test_a_local_setting_reads_as_a_platform_setting_in_decisions_clocks_and_the_api(demo) -> None:
    """The demo's Suzhou voucher rate and review period are operator values: the placement's voucher reasons, the
    official's dashboard clock and the API all say so."""
    from aiplus.compute.models import JobRequest
    from aiplus.core.models import User
    from aiplus.regulation.runtime import active_packs

    rate = active_packs().parameters.version("vouchers.suzhou_compute.rate", dt.date.today())
    review = active_packs().parameters.version("scenarios.suzhou.review_working_days", dt.date.today())
    assert rate.status.value == review.status.value == "local-setting"

    official = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    official.force_login(User.objects.get(username="official-suzhou"))
    parameters = official.get("/api/v1/regulation/parameters", {"prefix": "vouchers.suzhou_compute.rate"}).json()
    row = next(p for p in parameters if p["key"] == "vouchers.suzhou_compute.rate")
    assert row["status"] == "local-setting" and row["citation"]["setting"] is True
    assert row["citation_label"] == "平台设置"

    member = Client(HTTP_ACCEPT_LANGUAGE="en")
    member.force_login(User.objects.get(username="enterprise-suzhou"))
    request = JobRequest.objects.filter(placement__subsidy_cny__gt=0).first()
    assert request is not None, "the demo places a request with a voucher estimate"
    body = member.get(f"/api/v1/compute/requests/{request.pk}").json()
    reasons = body["placement"]["subsidy_decision"]["reasons"]
    base = next(r for r in reasons if r["code"] == "base_rate")
    assert base["citation"].get("setting") is True and base["citation_label"] == "Platform setting"

    dashboard = official.get("/dashboard/").content.decode()
    clocks = [row for row in dashboard.split('data-testid="timer"')[1:]]
    assert clocks, "the demo has open review clocks"
    first = clocks[0].split("</tr>")[0]
    assert 'data-basis="setting">平台设置' in first and "第11-30条" not in first
