"""Separation of duties in the kernel: workflow roles are held for the object, not merely somewhere."""

from __future__ import annotations

import pytest

from aiplus.core import permissions

pytestmark = pytest.mark.django_db


def _access_request(world, requester):
    from aiplus.datahub.models import AccessRequest

    provider = world.orgs["suzhou:provider"]
    # an unsaved row is enough: roles are read off its scope's organisation and jurisdiction
    return AccessRequest(jurisdiction_id=provider.jurisdiction_id, provider_id=provider.pk, requester=requester)


def test_roles_are_held_for_the_object(world):
    request = _access_request(world, world.user("enterprise_member"))
    assert "provider" in permissions.user_roles_for(world.user("provider", "suzhou"), request)
    assert "provider" not in permissions.user_roles_for(world.user("provider", "shenzhen"), request)
    assert "official" in permissions.user_roles_for(world.user("official", "suzhou"), request)
    assert "official" not in permissions.user_roles_for(world.user("official", "shenzhen"), request)
    # a role assigned with neither a jurisdiction nor an organisation holds everywhere
    assert "expert" in permissions.user_roles_for(world.user("expert", "shenzhen"), request)

# Nobody decides their own request: driven end to end in
# datahub/tests/test_access_journey.py (requester refused with 403, also when a provider of the same organisation).
