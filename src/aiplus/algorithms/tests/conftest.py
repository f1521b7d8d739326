import pytest

from aiplus.algorithms import services


@pytest.fixture
def member(world):
    return world.user("enterprise_member")


@pytest.fixture
def company(world):
    return world.orgs["suzhou:enterprise"]


@pytest.fixture
def secret_model(member, company):
    """A restricted model with a serving endpoint that only the company's members may ever see."""
    return services.create_model(acting_user=member, organisation_id=company.pk, name="姑苏通用大模型",
                                 kind="foundation", modalities=["text"], summary="苏州制造业中文大模型",
                                 endpoint_url="https://secret-endpoint.example.org/v1", is_published=False)
