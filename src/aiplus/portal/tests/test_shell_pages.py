"""The site's shell: the API docs load only the platform's own files, every page has the favicon and a tab title
that names it, and the menu is grouped by what the user does, with only what their role may use."""

from __future__ import annotations

import re

import pytest
from django.urls import get_resolver

pytestmark = pytest.mark.django_db


def test_the_api_docs_reference_only_local_assets(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any("swagger-ui-bundle" in a for a in assets) and any("swagger-ui.css" in a for a in assets)
    for asset in assets:
        assert asset.startswith("/") and not asset.startswith("//"), asset
    assert "cdn" not in html.lower()
    assert client.get(next(a for a in assets if "swagger-ui-bundle" in a)).status_code == 200


def test_pages_have_the_favicon_and_a_title_naming_the_page(client):
    home = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)"', home).group(1)
    assert client.get(icon).status_code == 200
    assert "<title>人工智能促进条例实施平台 · aiplus</title>" in home  # the home page is named by the site
    for path in ("/compute/", "/scenarios/", "/parameters/", "/login/"):
        title = re.search(r"<title>(.*?)</title>", client.get(path).content.decode(), re.S).group(1)
        assert title.endswith(" · aiplus") and "人工智能促进条例实施平台" not in title, (path, title)


def test_the_menu_is_grouped_and_shows_only_what_the_role_may_use(world, client):
    from aiplus.core import navigation

    get_resolver().url_patterns  # noqa: B018 - importing every app's urls registers its menu entries
    _, public_groups = navigation.menu({"public"})
    keys = [g.key for g in public_groups]
    assert keys[:3] == ["scenarios", "compute", "data"]
    assert all(e.roles is None for g in public_groups for e in g.entries)
    assert "experts:draws" not in {e.url_name for g in public_groups for e in g.entries}
    _, official = navigation.menu({"official"})
    assert "experts:draws" in {e.url_name for g in official if g.key == "experts" for e in g.entries}
    assert not [g for g in official if g.key == "other"], "every page belongs to a group of GROUPS"

    anonymous = client.get("/").content.decode()
    assert 'data-testid="nav-scenarios"' in anonymous and 'href="/experts/draws/"' not in anonymous
    assert 'data-menu-toggle' in anonymous
    client.force_login(world.user("official"))
    page = client.get("/").content.decode()
    assert 'href="/experts/draws/"' in page and 'data-testid="nav-government"' in page


@pytest.mark.parametrize("role", ["enterprise_member", "public"])
def test_the_dashboard_says_what_the_person_can_do_next(world, client, role):
    user = world.user(role) if role != "public" else None
    if user is None:
        from aiplus.core import services

        user = services.create_user(acting_user=None, username="citizen", password="x-pass-123-citizen")
    client.force_login(user)
    html = client.get("/dashboard/").content.decode()
    steps = re.search(r'data-testid="next-steps">(.*?)</section>', html, re.S).group(1)
    assert 'href="/scenarios/calls/"' in steps and "项" in steps
