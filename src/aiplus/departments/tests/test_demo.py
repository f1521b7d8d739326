"""The demo of `make run`: departments with duties, heads, and work in their queues from the other apps' demos."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_departments_queues(demo):
    from aiplus.departments.models import DepartmentHead, Duty, WorkItem

    assert Duty.objects.filter(jurisdiction__code="suzhou").count() >= 7
    assert set(DepartmentHead.objects.values_list("department__code", flat=True)) >= {"sz_fgw", "sz_cac", "gd_fgw"}
    queues = set(WorkItem.objects.filter(status="open").values_list("department__code", flat=True))
    assert {"sz_fgw", "sz_sjj"} <= queues  # the demo needs: their review, and the data they offer
