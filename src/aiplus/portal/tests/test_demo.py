"""`seed_demo`: deterministic, labelled as demo, and it fills every module's pages through their own services."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(reference):
    from aiplus.core.reference import sync_departments
    from aiplus.portal import demo
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    return demo.seed(2026)


def test_every_module_gets_demo_content_written_through_its_services(seeded):
    from aiplus.compute.models import ComputeCentre, JobRequest, Redemption
    from aiplus.core.models import AuditEvent
    from aiplus.datahub.models import AccessRequest, Dataset
    from aiplus.experts.models import ExpertProfile
    from aiplus.scenarios.models import CapabilityProfile, Need, OpenCall

    for model, at_least in ((Need, 4), (CapabilityProfile, 3), (OpenCall, 1), (ExpertProfile, 7),
                            (ComputeCentre, 3), (JobRequest, 1), (Redemption, 1), (Dataset, 4), (AccessRequest, 1)):
        rows = model._base_manager.all()
        assert rows.count() >= at_least, model
        assert not rows.filter(is_demo=False).exists(), f"{model.__name__} rows not labelled as demo"
    assert Need.objects.filter(status="published").count() == 3
    assert AuditEvent.objects.filter(action__startswith="scenarios.").exists()
    assert AuditEvent.objects.filter(action__startswith="compute.").exists()
    assert seeded["created"]["datasets"] == 4


def test_the_same_seed_gives_the_same_organisations(reference):
    from django.db import transaction

    from aiplus.core.models import Organisation
    from aiplus.portal import demo

    runs = []
    for _ in range(2):
        with transaction.atomic():
            demo.seed(7)
            runs.append(sorted(Organisation.objects.filter(is_demo=True).values_list("name", "credit_code")))
            transaction.set_rollback(True)  # back to an empty platform for the second run
    assert len(runs[0]) == 48 and runs[0] == runs[1]


PAGES = [("/scenarios/", "汽车零部件表面缺陷检测"), ("/scenarios/calls/", "揭榜挂帅"),
         ("/compute/", "苏州工业园区智算中心"), ("/compute/vouchers/", "苏州市算力券（演示）"),
         ("/data/", "12345热线脱敏工单语料"), ("/experts/", "陈研究员")]


def test_demo_pages_show_the_demo_content_to_the_suzhou_official(seeded):
    from aiplus.core.models import User

    client = Client()
    client.force_login(User.objects.get(username="official-suzhou"))
    for path, shown in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert shown in response.content.decode(), path


def test_the_superuser_gets_a_random_password_printed_once_and_stored_only_as_a_hash(reference):
    import io
    import json

    from django.core.management import call_command

    from aiplus.core.models import AuditEvent, User
    from aiplus.core.reference import sync_departments
    from aiplus.portal import demo
    from aiplus.regulation.runtime import active_packs

    sync_departments(packset=active_packs())
    first, second = io.StringIO(), io.StringIO()
    call_command("seed_demo", "--seed", "2026", stdout=first)
    call_command("seed_demo", "--seed", "2026", stdout=second)
    printed = [line.rsplit(": ", 1)[1] for line in first.getvalue().splitlines() if "superuser admin" in line]
    assert len(printed) == 1
    password = printed[0]
    assert password != demo.DEMO_PASSWORD and len(password) >= 16
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
    assert not admin.check_password(demo.DEMO_PASSWORD)
    assert password not in admin.password
    assert first.getvalue().count(password) == 1
    assert password not in second.getvalue() and "already present" in second.getvalue()
    # the roles without administrative rights keep the shared demo password
    assert User.objects.get(username="official-suzhou").check_password(demo.DEMO_PASSWORD)
    assert User.objects.get(username="expert-1").check_password(demo.DEMO_PASSWORD)
    logged = json.dumps(list(AuditEvent.objects.values("before", "after", "message")), default=str)
    assert password not in logged
