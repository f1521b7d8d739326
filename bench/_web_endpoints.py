"""What the web load benchmark (bench/web.py) asks the server for: the most used pages and API calls, with the
share of the traffic each gets, who asks (an anonymous visitor, a signed-in member's browser session, or a script
with the member's API token) and how each request is drawn from the seeded data (bench/_web_seed.py).

Plain Python without locust, so that the suite can request every endpoint through Django's test client against a
tiny seeded database (tests/test_bench_web.py) and the benchmark cannot rot unnoticed.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

ANONYMOUS, SESSION, TOKEN = "anonymous", "session", "token"


@dataclass(frozen=True)
class Endpoint:
    name: str  # as the results table shows it
    weight: int  # relative share of the requests
    auth: str  # ANONYMOUS, SESSION or TOKEN
    path: Callable[[dict[str, Any], random.Random], str]  # (bench data, random source) -> path and query
    expect: str = ""  # text every good answer contains (a signed-in page that fell back to the sign-in form lacks it)
    ceiling: bool = False  # the bare endpoint: no database, no template


def _q(terms: list[str], rng: random.Random) -> str:
    return quote(rng.choice(terms))


ENDPOINTS: tuple[Endpoint, ...] = (
    Endpoint("home", 10, ANONYMOUS, lambda d, r: "/"),
    Endpoint("needs list", 10, ANONYMOUS, lambda d, r: f"/scenarios/?page={r.randint(1, 5)}"),
    Endpoint("needs search", 8, ANONYMOUS, lambda d, r: f"/scenarios/?q={_q(d['need_terms'], r)}"),
    Endpoint("profile detail", 6, ANONYMOUS, lambda d, r: f"/scenarios/profiles/{r.choice(d['profile_ids'])}/"),
    Endpoint("catalogue", 8, ANONYMOUS, lambda d, r: f"/data/?page={r.randint(1, 5)}"),
    Endpoint("catalogue search", 6, ANONYMOUS, lambda d, r: f"/data/?q={_q(d['dataset_terms'], r)}"),
    Endpoint("dataset detail", 8, ANONYMOUS, lambda d, r: f"/data/datasets/{r.choice(d['dataset_ids'])}/"),
    Endpoint("API needs", 5, TOKEN, lambda d, r: f"/api/v1/scenarios/needs?page={r.randint(1, 5)}",
             expect='"count"'),
    Endpoint("API catalogue search", 5, TOKEN,
             lambda d, r: f"/api/v1/data/catalogue?q={_q(d['dataset_terms'], r)}", expect='"count"'),
    Endpoint("compute requests", 4, SESSION, lambda d, r: "/compute/requests/", expect="/logout/"),
    Endpoint("notifications", 5, SESSION, lambda d, r: "/notifications/", expect="/logout/"),
    Endpoint("healthz (ceiling)", 5, ANONYMOUS, lambda d, r: "/healthz", expect="ok", ceiling=True),
)


ENDPOINT_HEADER = "X-Bench-Endpoint"  # names the endpoint in the server's access log (its time without queueing)


def headers(endpoint: Endpoint, member: dict[str, str]) -> dict[str, str]:
    """The request headers: the member's session cookie or API token (none for an anonymous visitor), and the
    endpoint's name for the access log."""
    if endpoint.auth == SESSION:
        return {ENDPOINT_HEADER: endpoint.name, "Cookie": f"sessionid={member['session']}"}
    if endpoint.auth == TOKEN:
        return {ENDPOINT_HEADER: endpoint.name, "Authorization": f"Bearer {member['token']}"}
    return {ENDPOINT_HEADER: endpoint.name}


def problem(endpoint: Endpoint, status: int, body: str) -> str:
    """Why an answer is wrong ('' when it is right): anything but 200 (a redirect to the sign-in page too), or a
    page without the text it must show."""
    if status != 200:
        return f"status {status}"
    if endpoint.expect and endpoint.expect not in body:
        return f"answer lacks {endpoint.expect!r}"
    return ""
