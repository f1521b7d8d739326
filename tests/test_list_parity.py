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


# One user per distinct role set of the demo, plus anonymous (""). A listing's rows depend on the user only through
# the role set `_role_set` reads (its selector scopes rows by role, jurisdiction and organisation), so a second
# user of the same role set walks the same code on the page and in the API: only the rows differ, and the check is
# that they are the same rows on both sides. The old choice (the first dozen users by name) checked six ethics
# committee members and three pool experts but no official, provider or OPC. Naming the users makes the choice
# deterministic (the same on SQLite and PostgreSQL and between runs, so a failure reproduces); each is the demo's
# principal user of its role set (the Suzhou cast of `portal/demo.py`, which the apps' demo data is written for,
# so there are rows to compare). The test checks that they cover every role set the seed holds: a role added to
# the demo fails it until one of its users is named here.
USERS = {
    "": "anonymous: the public lists, and the others refused alike",
    "admin": "the superuser: every row",
    "official-suzhou": "an official (of Suzhou, where most of the demo's data is)",
    "auditor-suzhou": "an auditor: officials' lists, read only",
    "enterprise-suzhou": "a member of an enterprise",
    "opc-suzhou": "a member of a one-person company (OPC)",
    "supplier-1": "a provider that is an enterprise: a supplier of the scenario pool",
    "provider-compute": "a provider that is a compute provider",
    "provider-data": "a provider that is a data provider",
    "expert-1": "an expert of the pool",
    "expert-li": "an expert who is also a member of an ethics committee",
    "ethics-chair": "a member of an ethics committee (its chair)",
    "public-citizen": "a member of the public (the public role)",
}


def _role_set(user: Any) -> frozenset[str]:
    """What a listing's rows can depend on: the superuser flag, each active role assignment (an organisation role
    with its organisation's kind, since an OPC member or a compute provider is served other rows than an enterprise
    member or a supplier), a seat on an ethics committee, designation as an evaluator, and explicit grants (directly
    or through a group). Left out: a committee member's office (it decides what a user may do on a page, not which
    rows a list shows), the jurisdiction or organisation itself (other rows through the same code), and the
    department an official works in. The AI-application and inspection listings do narrow an official's rows to
    their sector department (`risk_selectors`), but the page and the API read the same `Listing.rows`, so the
    city-wide official already exercises that code path; a sector official would add rows, not a new path."""
    from django.db.models import Q

    from aiplus.core.models import ObjectPermission
    from aiplus.evaluation.models import Evaluator

    held = {"superuser"} if user.is_superuser else set()
    for assignment in user.role_assignments.filter(active=True).select_related("organisation"):
        held.add(f"{assignment.role}:{assignment.organisation.kind}" if assignment.organisation_id
                 else assignment.role)
    if user.ethics_memberships.exists():
        held.add("ethics-committee")
    if Evaluator.objects.filter(user=user).exists():
        held.add("evaluator")
    grants = ObjectPermission.objects.filter(enabled=True).filter(Q(users=user) | Q(groups__user=user))
    held |= {f"grant:{name}" for name in grants.values_list("name", flat=True).distinct()}
    held |= {f"group:{name}" for name in user.groups.values_list("name", flat=True)}
    return frozenset(held)


def _assert_users_cover_every_role_set_once() -> None:
    """Every role set an active demo user holds is checked by exactly one user of USERS: a new role (or a new way of
    holding one) in the demo is not left out unnoticed, and no two named users repeat the same work."""
    from aiplus.core.models import User

    seeded: dict[frozenset[str], list[str]] = {}
    for user in User.objects.filter(is_active=True).order_by("username"):
        seeded.setdefault(_role_set(user), []).append(user.username)
    chosen = {username: _role_set(User.objects.get(username=username)) for username in USERS if username}
    repeated = [name for name, held in chosen.items() if list(chosen.values()).count(held) > 1]
    assert not repeated, f"{repeated} hold the same role set: one of them is enough"
    missing = {", ".join(sorted(held)) or "(none)": users for held, users in seeded.items()
               if held not in chosen.values()}
    assert not missing, f"role sets of the demo no user of USERS holds (name one of their users): {missing}"
    assert set(chosen.values()) == set(seeded)


def _page_ids(client: Client, path: str, params: dict[str, str]) -> set[int] | None:
    """The ids the page shows over all its pages; None when the page refuses the user (403, or the sign-in page
    for anonymous)."""
    found: set[int] = set()
    for number in range(1, 200):
        response = client.get(path, {**params, "page": number})
        if number == 1 and (response.status_code == 403 or (
                response.status_code == 302 and response["Location"].startswith(reverse("core:login")))):
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
        if response.status_code in (401, 403) and number == 1:
            return None  # refused, as the page must refuse too (a listing's `audience`, or no one signed in)
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
    _assert_users_cover_every_role_set_once()
    clients: list[tuple[str, Client, Client]] = [("anonymous", Client(), Client())]
    for user in User.objects.filter(username__in=[name for name in USERS if name]).order_by("username"):
        page_client = Client()
        page_client.force_login(user)
        clients.append((user.username, page_client, bearer(user)))
    assert len(clients) == len(USERS), "a user of USERS is not in the demo"
    checked = 0
    for listing in REGISTRY.values():
        path = reverse(listing.page)
        api_path = operation(listing.api)
        for username, page_client, api_client in clients:
            for params in _filters(listing):
                page, api = _page_ids(page_client, path, params), _api_ids(api_client, api_path, params)
                if username == "anonymous":  # a page that sends anonymous to sign in and an API that answers an
                    page, api = page or set(), api or set()  # anonymous caller with no rows both show nothing
                assert page == api, (listing.name, username, params)
                checked += 1
    assert checked >= len(REGISTRY) * len(clients)


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
