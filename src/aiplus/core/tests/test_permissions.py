"""A user of one jurisdiction cannot read or change another's records, through the UI or the API, in any role."""

import pytest

from aiplus.core import permissions
from aiplus.core.models import Organisation

ROLES = ("official", "auditor", "enterprise_member", "provider", "expert", "public")


@pytest.mark.parametrize("role", ROLES)
def test_no_role_reads_or_changes_another_jurisdictions_records(world, client, role):
    user = world.user(role, "suzhou")
    foreign = world.orgs["shenzhen:enterprise"]
    client.force_login(user)

    # The queryset rule itself.
    assert not Organisation.objects.restrict(user, "view").filter(pk=foreign.pk).exists()
    assert not Organisation.objects.restrict(user, "change").filter(pk=foreign.pk).exists()
    # UI: detail page and list.
    assert client.get(f"/organisations/{foreign.pk}/").status_code == 404
    assert foreign.name not in client.get("/organisations/").content.decode()
    # API: read, list, change.
    assert client.get(f"/api/v1/organisations/{foreign.pk}").status_code == 404
    listed = client.get("/api/v1/organisations?page_size=500").json()["items"]
    assert foreign.pk not in {row["id"] for row in listed}
    response = client.patch(f"/api/v1/organisations/{foreign.pk}", {"address": "篡改"},
                            content_type="application/json")
    assert response.status_code in (403, 404)
    assert set(response.json()) == {"code", "message", "field"}
    foreign.refresh_from_db()
    assert foreign.address != "篡改"


@pytest.mark.parametrize("role", ROLES)
def test_anonymous_and_token_less_access_is_refused_for_writes(world, client, role):
    foreign = world.orgs["shenzhen:enterprise"]
    response = client.patch(f"/api/v1/organisations/{foreign.pk}", {"address": "x"},
                            content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_each_role_sees_what_it_should_at_home(world):
    own = world.orgs["suzhou:enterprise"]
    provider = world.orgs["suzhou:provider"]
    visible = {role: set(Organisation.objects.restrict(world.user(role), "view").values_list("pk", flat=True))
               for role in ROLES}
    assert {own.pk, provider.pk} <= visible["official"]
    assert visible["auditor"] == visible["official"]
    assert visible["enterprise_member"] == {own.pk}
    assert visible["provider"] == {provider.pk}
    assert visible["expert"] == set()
    assert visible["public"] == set()
    # Auditors read but never change.
    assert not Organisation.objects.restrict(world.user("auditor"), "change").exists()


def test_province_official_sees_its_cities_and_region_official_its_members(world, make_org):
    from aiplus.core import services
    from aiplus.core.models import User

    province = User.objects.create(username="gd-official")
    services.assign_role(acting_user=world.admin, user=province, role="official", jurisdiction="guangdong")
    region = User.objects.create(username="gba-official")
    services.assign_role(acting_user=world.admin, user=region, role="official", jurisdiction="gba")
    hong_kong = make_org("hong_kong", "enterprise")
    shenzhen = world.orgs["shenzhen:enterprise"]
    suzhou = world.orgs["suzhou:enterprise"]
    assert Organisation.objects.restrict(province).filter(pk=shenzhen.pk).exists()
    assert not Organisation.objects.restrict(province).filter(pk__in=[hong_kong.pk, suzhou.pk]).exists()
    assert set(Organisation.objects.restrict(region).filter(pk__in=[hong_kong.pk, shenzhen.pk, suzhou.pk])
               .values_list("pk", flat=True)) == {hong_kong.pk, shenzhen.pk}


def test_object_permission_with_constraints_grants_exactly_what_it_says(world):
    from django.contrib.contenttypes.models import ContentType

    from aiplus.core.models import ObjectPermission

    user = world.user("expert")
    grant = ObjectPermission.objects.create(name="read shenzhen providers", actions=["view"],
                                            constraints={"jurisdiction__code": "shenzhen", "kind": "compute_provider"})
    grant.object_types.add(ContentType.objects.get_for_model(Organisation))
    grant.users.add(user)
    permissions.forget(user)
    assert set(Organisation.objects.restrict(user).values_list("pk", flat=True)) == {
        world.orgs["shenzhen:provider"].pk}
    assert not Organisation.objects.restrict(user, "change").exists()
