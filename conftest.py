"""Shared fixtures: reference jurisdictions and a small world with a user for every role in two jurisdictions."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import pytest

ROLES = ("official", "auditor", "enterprise_member", "provider", "expert", "public")


def pytest_configure(config: Any) -> None:
    # Hashing a password with the production PBKDF2 work factor costs about half a second; the suite creates
    # hundreds of users, and what it tests is who may do what, not the hash.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Officials and auditors must set up TOTP before reaching a page in production; the suite's officials are
    # signed in with force_login or a password and test what they may do, not the second factor, which the tests
    # of aiplus.portal.tests.test_signin turn back on.
    settings.AIPLUS_REQUIRE_2FA = False
    # `make run` serves the static files collected into STATIC_ROOT under content-hashed names; the suite does not
    # run collectstatic, so its pages name the files as they are and WhiteNoise finds them in the apps (as under
    # `make dev`). tests/test_serving.py collects them with the production storage once.
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True


@pytest.fixture(autouse=True)
def _fresh_matching_index() -> None:
    """A process keeps its matching index between requests; each test has its own database, so none inherits the
    index of the test before it."""
    from aiplus.scenarios import matching_index

    matching_index.forget()


@pytest.fixture(scope="session", autouse=True)
def _test_flush_may_empty_the_audit_log() -> Iterator[None]:
    """After each transactional test (`transaction=True`, `live_server`) Django empties the database with `flush`;
    the database refuses to empty the audit table anywhere else (core migration 0009 says why and how)."""
    from django.test import TransactionTestCase

    from aiplus.core.testing import audit_purge_allowed

    original = TransactionTestCase._fixture_teardown

    def fixture_teardown(self: Any) -> None:
        with ExitStack() as stack:
            for alias in self._databases_names(include_mirrors=False):
                stack.enter_context(audit_purge_allowed(alias))
            original(self)

    TransactionTestCase._fixture_teardown = fixture_teardown  # type: ignore[method-assign]
    yield
    TransactionTestCase._fixture_teardown = original  # type: ignore[method-assign]


@dataclass
class World:
    admin: Any
    orgs: dict[str, Any] = field(default_factory=dict)
    users: dict[tuple[str, str], Any] = field(default_factory=dict)

    def user(self, role: str, place: str = "suzhou") -> Any:
        return self.users[(place, role)]


# The official holiday calendar as the suite sees it: the State Council's notices through this year (they never
# change once published), then Monday to Friday. A workflow timer started "today" must not make a test fail each
# December, when it first reaches a year the installed chinesecalendar does not know yet; the result no longer
# depends on which release is installed either. Production raises CalendarUnavailable there instead: the tests of
# that error ask for the real calendar with @pytest.mark.official_calendar.
CALENDAR_PINNED_THROUGH = 2026


@pytest.fixture(autouse=True)
def _calendar_pinned(request: Any, monkeypatch: Any) -> None:
    from aiplus.core import calendar as official_calendar

    official_calendar.forget_entered_years()  # a year entered by an earlier test is not cached into this one
    if request.node.get_closest_marker("official_calendar"):
        return
    import datetime as dt

    from aiplus.core import calendar

    official = calendar.is_working_day

    def pinned(day: dt.date) -> bool:
        return official(day) if day.year <= CALENDAR_PINNED_THROUGH else day.weekday() < 5

    monkeypatch.setattr(calendar, "is_working_day", pinned)


@pytest.fixture
def reference(db: Any) -> None:
    from aiplus.core.reference import sync_jurisdictions

    sync_jurisdictions()


def _credit_code(rng: random.Random, division: str) -> str:
    from aiplus.portal.demo import make_credit_code

    return make_credit_code(rng, division, "enterprise")


@pytest.fixture
def make_org(reference: None) -> Any:
    from aiplus.core import services
    from aiplus.core.models import User

    rng = random.Random(7)
    admin = User.objects.filter(username="fixture-admin").first() or services.create_user(
        acting_user=None, username="fixture-admin", password="x-password-123", is_superuser=True)

    def make(place: str = "suzhou", kind: str = "enterprise", name: str | None = None) -> Any:
        from aiplus.core.models import Jurisdiction

        division = Jurisdiction.objects.get(code=place).division_code
        return services.create_organisation(
            acting_user=admin, jurisdiction=place, kind=kind,
            name=name or f"测试{place}{kind}{rng.randint(0, 10**9)}有限公司",
            credit_code=_credit_code(rng, division))

    make.admin = admin  # type: ignore[attr-defined]
    return make


@pytest.fixture
def world(make_org: Any) -> World:
    """Suzhou and Shenzhen, each with an enterprise, a provider and a user in every role."""
    from aiplus.core import services

    admin = make_org.admin
    result = World(admin=admin)
    for place in ("suzhou", "shenzhen"):
        result.orgs[f"{place}:enterprise"] = make_org(place, "enterprise")
        result.orgs[f"{place}:provider"] = make_org(place, "compute_provider")
        for role in ROLES:
            user = services.create_user(acting_user=admin, username=f"{place}-{role}", password="x-password-123")
            organisation = {"enterprise_member": result.orgs[f"{place}:enterprise"],
                            "provider": result.orgs[f"{place}:provider"],
                            "expert": result.orgs[f"{place}:enterprise"]}.get(role)
            services.assign_role(acting_user=admin, user=user, role=role,
                                 jurisdiction=place if role in ("official", "auditor") else None,
                                 organisation_id=organisation.pk if organisation and role != "expert" else None)
            result.users[(place, role)] = user
    return result


@pytest.fixture
def english(client: Any) -> Any:
    """The test client after the visitor chose English; the test's own active language is restored afterwards
    (the client leaves the language of its last request active)."""
    from django.utils import translation

    with translation.override(translation.get_language()):
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        yield client


@pytest.fixture
def demo(reference: None, django_capture_on_commit_callbacks: Any) -> None:
    """The demo data of `make run` (seed 2026), with its background jobs run as a worker would."""
    from django.test import override_settings

    from aiplus.core.reference import sync_departments
    from aiplus.portal import demo as demo_data
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    # the demo's compute request is placed by a background job: run it here, as a worker would
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}), \
            django_capture_on_commit_callbacks(execute=True):
        demo_data.seed(2026)
