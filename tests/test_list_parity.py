"""Page/API parity: for every list on the one list mechanism (`aiplus.core.lists.REGISTRY`), the page and the API
return the same rows for the same user and the same filter — because both call `Listing.rows`, and this test keeps
it so for every listing an app registers."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from aiplus.core.testing import bearer, operation

PK = re.compile(r'<tr[^>]*\bdata-pk="(\d+)"')


def _page_ids(client: Client, path: str, params: dict[str, str]) -> set[int] | None:
    """The ids the page shows over all its pages; None when the page refuses the user (403)."""
    found: set[int] = set()
    for number in range(1, 200):
        response = client.get(path, {**params, "page": number})
        if response.status_code == 403 and number == 1:
            return None
        assert response.status_code == 200, (path, params, response.status_code)
        ids = {int(pk) for pk in PK.findall(response.content.decode())}
        if not ids or ids <= found:
            return found
        found |= ids
    raise AssertionError(f"{path} has more than 200 pages")


def _api_ids(client: Client, path: str, params: dict[str, str]) -> set[int] | None:
    found: set[int] = set()
    for number in range(1, 200):
        response = client.get(path, {**params, "page": number, "page_size": 100})
        if response.status_code == 403 and number == 1:
            return None  # refused, as the page must refuse too (a listing's `audience`)
        assert response.status_code == 200, (path, params, response.json())
        body: Any = response.json()
        items = body["items"] if isinstance(body, dict) else body
        found |= {int(item["id"]) for item in items}
        if not isinstance(body, dict) or len(found) >= body["count"] or not items:
            return found
    raise AssertionError(f"{path} has more than 200 pages")


def _filters(listing: Any) -> list[dict[str, str]]:
    """No filter, and each choice filter set to its first choice (enough to see that a filter narrows alike)."""
    cases: list[dict[str, str]] = [{}]
    for name, definition in listing.filterset.base_filters.items():
        if name == "q":  # the search: a common character of the demo's names and texts
            cases.append({name: "苏州"})
        choices = definition.extra.get("choices")
        if choices:
            first = next(iter(choices() if callable(choices) else choices))[0]
            cases.append({name: str(first)})
    return cases


@pytest.mark.django_db
def test_every_list_page_and_its_api_return_the_same_rows_for_the_same_user_and_filter(demo) -> None:
    from django.urls import get_resolver

    from aiplus.core.lists import REGISTRY
    from aiplus.core.models import User

    get_resolver().url_patterns  # noqa: B018 - loading every app's pages registers every listing before the loop
    assert REGISTRY, "no listing is registered: the check would be empty"
    users = [u for u in User.objects.order_by("username") if u.is_active][:12]
    assert len(users) >= 4
    checked = 0
    for listing in REGISTRY.values():
        path = reverse(listing.page)
        api_path = operation(listing.api)
        for user in users:
            page_client = Client()
            page_client.force_login(user)
            api_client = bearer(user)
            for params in _filters(listing):
                assert _page_ids(page_client, path, params) == _api_ids(api_client, api_path, params), (
                    listing.name, user.username, params)
                checked += 1
    assert checked >= len(REGISTRY) * len(users)


@pytest.mark.django_db
def test_the_voucher_ledger_page_and_its_api_return_the_same_legs(demo) -> None:
    """The voucher ledger (issue 18) on the same check, with rows to compare: the demo's official reads every leg
    of the Suzhou programme (the redeemed voucher's included), its provider only the payable to itself."""
    from aiplus.compute.models import LedgerEntry
    from aiplus.core.lists import REGISTRY
    from aiplus.core.models import User

    listing = REGISTRY["compute.ledger"]
    path, api_path = reverse(listing.page), operation(listing.api)
    for username in ("official-suzhou", "provider-compute"):
        user = User.objects.get(username=username)
        page_client = Client()
        page_client.force_login(user)
        for params in _filters(listing):
            ids = _page_ids(page_client, path, params)
            assert ids == _api_ids(bearer(user), api_path, params), (username, params)
        assert _page_ids(page_client, path, {}), username  # the demo's books are not empty for either
    assert LedgerEntry.objects.filter(transaction__kind="redeem").exists()
