"""The savings study as an official runs it on a fresh machine: a generated workload by default (labelled as
generated), the region's own job log uploaded and checked row by row (the error names the row), chosen centres, a
utilisation that reads right for heavy-tailed logs, and a headline that says "fell" or "rose". Pure parts, pages
and API."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from aiplus.compute import services
from aiplus.compute.models import ComputeCentre, SavingsStudy
from aiplus.compute.simulator.des import SimResult
from aiplus.compute.simulator.workloads import MAX_ROWS, JobLogError, generate, parse_job_log
from aiplus.core.errors import ServiceError
from aiplus.core.testing import bearer, operation

GOOD = ("submit_time,gpus,duration_s,tenant\n"
        "2026-03-02T09:00:00,8,7200,视觉组\n"
        "2026-03-02T09:30:00,1,600,语音组\n"
        "2026-03-02T10:00:00,4,3600,视觉组\n")
BAD = GOOD.replace("1,600,语音组", "一,600,语音组")  # row 3: a card count that is no number


def test_a_job_log_is_read_in_either_schema_and_every_bad_row_is_named():
    jobs, errors = parse_job_log(GOOD)
    assert errors == [] and [j.gpus for j in jobs] == [8, 1, 4] and jobs[0].submit_s == 0
    assert jobs[1].submit_s == 1800 and jobs[0].group == "视觉组"
    hours, _ = parse_job_log("submit_time,gpus,duration_hours\n0,2,1.5\n")
    assert hours[0].duration_s == 5400
    philly, _ = parse_job_log("timestamp,duration,num_gpus,gpu_time,cluster\n100,60,2,120,c1\n160,30,1,30,c2\n")
    assert [j.submit_s for j in philly] == [0, 60] and philly[1].group == "c2"
    _, errors = parse_job_log(BAD)
    assert [(e.row, e.column, e.code, e.value) for e in errors] == [(3, "gpus", "not_a_number", "一")]
    rows = ("submit_time,gpus,duration_s\n"
            "yesterday,1,10\n,1,10\n0,1.5,10\n0,0,10\n0,1,-5\n0,1,inf\n0,1,\n0,1,10\n")
    jobs, errors = parse_job_log(rows)
    assert [(e.row, e.code) for e in errors] == [(2, "not_a_time"), (3, "required"), (4, "not_whole"),
                                                 (5, "out_of_range"), (6, "out_of_range"), (7, "out_of_range"),
                                                 (8, "required")]
    assert len(jobs) == 1  # only the good row is taken
    for text, code in (("", "empty"), ("a,b\n1,2\n", "unknown_columns"), ("submit_time,gpus,duration_s\n", "no_rows"),
                       ("submit_time,gpus,duration_s\n" + "0,1,10\n" * (MAX_ROWS + 1), "too_many_rows")):
        with pytest.raises(JobLogError) as refused:
            parse_job_log(text)
        assert refused.value.code == code


def test_a_generated_workload_is_reproducible_and_shaped_like_a_cluster():
    first, again, other = generate(seed=7, jobs=500, days=2), generate(seed=7, jobs=500, days=2), \
        generate(seed=8, jobs=500, days=2)
    assert first == again and first != other and len(first) == 500
    assert all(j.gpus in (1, 2, 4, 8, 16, 32) and j.duration_s >= 30 for j in first)
    assert first[-1].submit_s < 2.5 * 86_400 and len({j.group for j in first}) > 5


def test_utilisation_is_measured_while_jobs_arrive():
    # two cards; one job busy the whole hour of arrivals, one day-long job started at the end: measured to the last
    # finish the region would read as nearly idle, measured while jobs arrive it is half busy
    result = SimResult(start=np.array([0.0, 3600.0]), finish=np.array([3600.0, 90_000.0]),
                       centre=np.array([0, 0]), submit=np.array([0.0, 3600.0]), duration=np.array([3600.0, 86_400.0]),
                       gpus=np.array([1, 1]), cost_cny=0.0, carbon_kg=0.0, capacity_gpus=2)
    assert result.utilisation() == pytest.approx(0.5)


@pytest.mark.django_db
def test_the_official_uploads_a_log_fixes_a_row_and_reads_the_result(net, client, immediate_tasks,
                                                                    django_capture_on_commit_callbacks):
    official = net.world.user("official")
    client.force_login(official)
    page = client.get("/compute/savings/").content.decode()
    assert 'name="source"' in page and 'enctype="multipart/form-data"' in page
    before = SavingsStudy.objects.count()
    refused = client.post("/compute/savings/", {"region": "suzhou", "source": "uploaded", "max_jobs": "100",
                                                "days": "3", "target_load": "0.85",
                                                "file": SimpleUploadedFile("log.csv", BAD.encode())})
    html = refused.content.decode()
    assert refused.status_code == 400 and "第 3 行 gpus" in html and "（一）" in html
    assert SavingsStudy.objects.count() == before
    centre = ComputeCentre.objects.filter(pools__cards__gt=0, jurisdiction__code__startswith="suzhou").first()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/compute/savings/", {"region": "suzhou", "source": "uploaded", "max_jobs": "100",
                                                "days": "3", "target_load": "0.85",
                                                 "centres": [centre.pk],
                                                 "file": SimpleUploadedFile("log.csv", GOOD.encode())})
    assert done.status_code == 302, done.content.decode()[:3000]
    study = SavingsStudy.objects.get(pk=done["Location"].rstrip("/").rsplit("/", 1)[1])
    assert study.status == "done", study.message
    assert study.trace == "uploaded" and study.parameters["rows"] == 3 and len(study.workload) == 3
    assert study.result["facts"]["jobs"] == 3 and study.result["facts"]["source"] == "uploaded"
    assert [c["id"] for c in study.result["centres"]] == [centre.name]
    shown = client.get(done["Location"]).content.decode()
    assert 'data-testid="study-source"' in shown and "（3 行）" in shown and "减少 -" not in shown
    assert 'data-direction="' in shown


@pytest.mark.django_db
def test_the_default_is_a_generated_workload_where_brokering_saves(world, immediate_tasks,
                                                                  django_capture_on_commit_callbacks):
    provider, org = world.user("provider", "suzhou"), world.orgs["suzhou:provider"].pk
    for name, place, cards, price, green in (("园区", "suzhou-sip", 16, "12", "0.1"),
                                             ("吴江", "suzhou-wujiang", 64, "7", "0.6"),
                                             ("常熟", "suzhou-changshu", 16, "11", "0.2")):
        centre = services.register_centre(acting_user=provider, operator_id=org, name=name, jurisdiction=place,
                                          pue="1.3", green_power_share=green, grid_carbon_kg_per_kwh="0.58")
        services.add_pool(acting_user=provider, centre_id=centre.pk, accelerator_model="nvidia-a800", cards=cards,
                          memory_gb=80, price_cny_per_card_hour=price)
    with django_capture_on_commit_callbacks(execute=True):
        study = services.start_savings_study(acting_user=world.user("official"), region="suzhou", max_jobs=400)
    study.refresh_from_db()
    assert study.status == "done" and study.trace == "generated" and study.parameters["seed"] == 2026
    local, broker = study.result["policies"]["local-only"], study.result["policies"]["broker"]
    # tenants dealt to three centres of different sizes: brokering shortens jobs and costs less
    assert broker["avg_jct_s"] < local["avg_jct_s"] and broker["cost_cny"] < local["cost_cny"]
    assert 0 < broker["utilisation_pct"] <= study.result["bound"]["utilisation_pct"] + 1e-6


@pytest.mark.django_db
def test_the_study_through_the_api(net, immediate_tasks, django_capture_on_commit_callbacks):
    api = bearer(net.world.user("official"))
    start = operation("aiplus_compute_api_start_study")
    bad = api.post(start, {"region": "suzhou", "source": "uploaded", "max_jobs": "100",
                                                "days": "3", "target_load": "0.85",
                           "file": SimpleUploadedFile("log.csv", BAD.encode())})
    assert bad.status_code == 400 and bad.json()["field"] == "file" and "3" in bad.json()["message"]
    hostile = api.post(start, {"region": "suzhou", "centre_ids": "1;DROP TABLE"})
    assert hostile.status_code == 400 and hostile.json()["field"] == "centre_ids"
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(start, {"region": "suzhou", "source": "uploaded", "max_jobs": "100",
                                                "days": "3", "target_load": "0.85",
                                   "file": SimpleUploadedFile("log.csv", GOOD.encode())})
    assert created.status_code == 201, created.content
    one = api.get(operation("aiplus_compute_api_get_study", study_id=created.json()["id"])).json()
    assert one["status"] == "done" and one["result"]["facts"]["jobs"] == 3
    assert bearer(net.world.user("official", "shenzhen")).get(
        operation("aiplus_compute_api_get_study", study_id=one["id"])).status_code == 404
    with pytest.raises(ServiceError):
        services.start_savings_study(acting_user=net.world.user("official"), region="suzhou", source="uploaded",
                                     upload=SimpleUploadedFile("x.csv", b"\xff\xfe garbage"))


@pytest.mark.django_db
def test_the_broker_weighting_is_the_platform_setting_unless_the_study_sets_it(
        net, client, immediate_tasks, django_capture_on_commit_callbacks):
    """Issue 19 §2: the broker's time/cost/carbon weighting is a pack parameter (local-setting) for the default and
    settable per study within bounds; the study page says which it ran with."""
    from aiplus.regulation.runtime import parameters

    official = net.world.user("official")
    today = __import__("django.utils.timezone", fromlist=["localdate"]).localdate()
    version = parameters().version("compute.broker_patience_s", today)
    assert version.status.value == "local-setting" and float(version.value) == 600
    from aiplus.compute.simulator.des import BROKER_PATIENCE_S

    assert float(version.value) == BROKER_PATIENCE_S  # the default bench/dispatch.py names and justifies
    assert services.broker_weighting() == {"broker_patience_s": 600.0, "broker_carbon_cny_per_kg": 0.0,
                                           "broker_weighting_set_by": {"broker_patience_s": "platform",
                                                                       "broker_carbon_cny_per_kg": "platform"}}
    for field, value in (("broker_patience_s", "-1"), ("broker_patience_s", "86401"), ("broker_patience_s", "nan"),
                         ("broker_patience_s", "1e400"), ("broker_carbon_cny_per_kg", "11"),
                         ("broker_carbon_cny_per_kg", "=1+1")):
        with pytest.raises(ServiceError) as refused:
            services.start_savings_study(acting_user=official, region="suzhou", max_jobs=50, **{field: value})
        assert refused.value.field == field
    assert not SavingsStudy.objects.exists()  # nothing half written
    with django_capture_on_commit_callbacks(execute=True):
        study = services.start_savings_study(acting_user=official, region="suzhou", max_jobs=60,
                                             broker_patience_s="0", broker_carbon_cny_per_kg="")
    study.refresh_from_db()
    assert study.status == "done", study.message
    assert study.parameters["broker_patience_s"] == 0.0 and study.parameters["broker_carbon_cny_per_kg"] == 0.0
    assert study.result["facts"]["broker_patience_s"] == 0.0
    client.force_login(official)
    line = client.get(f"/compute/savings/{study.pk}/").content.decode()
    assert 'data-testid="study-weighting"' in line and "本次模拟设定" in line and "平台设置" in line
    # through the page: the form carries both fields; a bad value is a 4xx naming the field, nothing written
    page = client.post("/compute/savings/", {"region": "suzhou", "source": "generated", "seed": "1", "days": "3",
                                              "max_jobs": "50", "target_load": "0.85", "broker_patience_s": "-5"})
    assert page.status_code == 400 and "broker_patience_s" in page.content.decode()
    assert SavingsStudy.objects.count() == 1
