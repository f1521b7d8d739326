"""Officials of a partner jurisdiction of a co-published need (Suzhou art. 6, Guangdong art. 24) see the open calls
and pilots that come from it, read-only; officials of an unrelated jurisdiction still see nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from aiplus.core import services as core
from aiplus.core.errors import NotFoundError, PermissionDeniedError
from aiplus.scenarios import selectors, services
from aiplus.scenarios.models import Pilot
from aiplus.scenarios.testing import awarded_pilot

pytestmark = pytest.mark.django_db


def _official(world, place):
    user = core.create_user(acting_user=world.admin, username=f"{place}-official-x", password="x-password-123")
    core.assign_role(acting_user=world.admin, user=user, role="official", jurisdiction=place)
    return user


def test_partner_officials_see_calls_and_pilots_of_a_co_published_need(call_world, client):
    world, need, call, _drawn_pool, _suppliers = call_world
    sz_official, sh_official = world.user("official"), world.user("official", "shenzhen")
    gz_official = _official(world, "guangzhou")
    # a draft call on the need: not public, so only Suzhou's officials see it before co-publication
    draft = services.create_call(acting_user=sz_official, jurisdiction="suzhou", title="第二批揭榜挂帅",
                                 need_ids=[need.pk], closes_on=dt.date.today() + dt.timedelta(days=30))
    pilot = awarded_pilot(world, need, call)
    assert not selectors.calls(sh_official).filter(pk=draft.pk).exists()
    assert not selectors.pilots(sh_official).filter(pk=pilot.pk).exists()

    services.co_publish_need(acting_user=sz_official, need_id=need.pk, jurisdictions=["shenzhen"])
    assert set(selectors.calls(sh_official).values_list("pk", flat=True)) == {call.pk, draft.pk}
    assert selectors.call(sh_official, draft.pk) == draft
    assert set(selectors.pilots(sh_official)) == set(Pilot.objects.filter(need=need)) and pilot in set(
        selectors.pilots(sh_official))
    assert selectors.pilot(sh_official, pilot.pk) == pilot
    # the list annotations still count each call once
    row = selectors.calls(sh_official).get(pk=call.pk)
    assert (row.need_count, row.application_count) == (1, 2)
    # pages and API
    client.force_login(sh_official)
    assert client.get(f"/scenarios/calls/{draft.pk}/").status_code == 200
    assert client.get(f"/scenarios/pilots/{pilot.pk}/").status_code == 200
    assert pilot.pk in [p["id"] for p in client.get("/api/v1/scenarios/pilots").json()]
    assert client.get(f"/api/v1/scenarios/calls/{draft.pk}").status_code == 200
    page = client.get(f"/scenarios/calls/{draft.pk}/").content.decode()
    assert "transition" not in page  # no workflow actions offered to a partner official

    # view only: every change is refused and nothing changes
    with pytest.raises(PermissionDeniedError):
        services.transition_call(acting_user=sh_official, call_id=draft.pk, transition="open")
    with pytest.raises(PermissionDeniedError):
        services.add_milestone(acting_user=sh_official, pilot_id=pilot.pk, title="越权", due_on="2026-12-31")
    with pytest.raises(PermissionDeniedError):
        services.decide_acceptance(acting_user=sh_official, pilot_id=pilot.pk, accept=True)
    draft.refresh_from_db()
    pilot.refresh_from_db()
    assert draft.status == "draft" and pilot.status == "running" and not pilot.milestones.exists()

    # an official of an unrelated jurisdiction still sees neither the draft call nor the pilot
    assert not selectors.calls(gz_official).filter(pk=draft.pk).exists()
    assert not selectors.pilots(gz_official).exists()
    with pytest.raises(NotFoundError):
        selectors.call(gz_official, draft.pk)
    with pytest.raises(NotFoundError):
        selectors.pilot(gz_official, pilot.pk)
    client.force_login(gz_official)
    assert client.get(f"/scenarios/calls/{draft.pk}/").status_code == 404
    assert client.get(f"/scenarios/pilots/{pilot.pk}/").status_code == 404
    # nor does a Shenzhen enterprise member: co-publication widens the officials' view only
    assert not selectors.pilots(world.user("enterprise_member", "shenzhen")).exists()
