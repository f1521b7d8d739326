"""Fixtures of the experts tests: a small pool of experts in Suzhou and Shenzhen."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

_counter = itertools.count(1)


@pytest.fixture
def make_expert(world: Any) -> Any:
    from aiplus.core import services as core_services
    from aiplus.experts import services

    def make(place: str = "suzhou", fields: tuple[str, ...] = ("industry.manufacturing",),
             organisation: Any = None, **extra: Any) -> Any:
        user = core_services.create_user(acting_user=world.admin, username=f"expert-{place}-{next(_counter)}",
                                         password="x-password-123")
        return services.register_expert(
            acting_user=world.admin, user=user, organisation_id=organisation.pk if organisation else None,
            fields=list(fields), jurisdiction=place, **extra)

    return make
