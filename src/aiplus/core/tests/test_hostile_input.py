"""What an attacker would send: markup in names, SQL in search, oversized and malformed values."""

import pytest

from aiplus.core import services
from aiplus.core.errors import ServiceError
from aiplus.core.models import AuditEvent, Organisation


def test_markup_in_a_name_is_escaped_everywhere_it_is_shown(world, client):
    organisation = services.update_organisation(
        acting_user=world.user("official"), organisation_id=world.orgs["suzhou:enterprise"].pk,
        name='<script>alert("x")</script>有限公司')
    client.force_login(world.user("official"))
    for url in ("/organisations/", f"/organisations/{organisation.pk}/", "/audit/", "/dashboard/"):
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
    assert client.get(f"/api/v1/organisations/{organisation.pk}").json()["name"].startswith("<script>")


@pytest.mark.parametrize("search", ["' OR 1=1 --", "%", "%%", "\\", "'; DROP TABLE core_organisation; --"])
def test_search_text_is_data_not_sql(world, client, search):
    client.force_login(world.user("official"))
    assert client.get("/organisations/", {"q": search}).status_code == 200
    response = client.get("/api/v1/organisations", {"q": search})
    assert response.status_code == 200 and response.json()["count"] == 0
    assert Organisation.objects.count() >= 4


@pytest.mark.parametrize(("field", "value"), [
    ("name", "长" * 201), ("address", "地" * 301), ("kind", "government"), ("chain_layer", "quantum"),
])
def test_oversized_or_unknown_values_are_refused_naming_the_field(world, field, value):
    count = AuditEvent.objects.count()
    with pytest.raises(ServiceError) as caught:
        services.update_organisation(acting_user=world.user("official"),
                                     organisation_id=world.orgs["suzhou:enterprise"].pk, **{field: value})
    assert caught.value.field == field
    assert AuditEvent.objects.count() == count


def test_unknown_fields_cannot_be_smuggled_into_a_write(world):
    with pytest.raises(ServiceError) as caught:
        services.update_organisation(acting_user=world.user("official"),
                                     organisation_id=world.orgs["suzhou:enterprise"].pk, is_demo=True)
    assert caught.value.code == "unknown_field"
