"""The web load benchmark cannot rot unnoticed: its seed writes a tiny volume on either database (search tokens
the full-text index finds, an audit chain that still verifies), every endpoint it loads answers as the benchmark
requires through the seeded session and token, its locustfile loads, and its summary computes what it prints."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from bench import web
from bench._web_endpoints import ENDPOINTS, SESSION, TOKEN, headers, problem
from bench._web_seed import Volume, seed
from django.test import Client

ROOT = Path(__file__).resolve().parents[1]
TINY = Volume(organisations=30, needs=40, profiles=40, datasets=40, audit_events=300, members=3,
              notifications_per_member=4, requests_per_member=2)


@pytest.fixture
def seeded(reference):
    return seed(TINY, seed=7, log=lambda line: None)


@pytest.mark.django_db
def test_the_seed_writes_the_volume_with_search_tokens_and_an_intact_audit_chain(seeded):
    from aiplus.core.audit import verify_chain
    from aiplus.core.models import AuditEvent, Organisation
    from aiplus.datahub.models import Dataset
    from aiplus.datahub.search import DATASETS
    from aiplus.scenarios.models import CapabilityProfile, Need
    from aiplus.scenarios.search import NEEDS

    assert Organisation.objects.count() >= TINY.organisations
    assert (Need.objects.count(), CapabilityProfile.objects.count(), Dataset.objects.count()) == (40, 40, 40)
    assert not Need.objects.filter(search_tokens="").exists()
    # what the load test searches for is found through the database's full-text index
    assert NEEDS.apply(Need.objects.all(), "工单").exists() or NEEDS.apply(Need.objects.all(), "养老").exists()
    assert DATASETS.apply(Dataset.objects.all(), Dataset.objects.first().title[:2] + "数据").count() >= 0
    assert AuditEvent.objects.count() >= TINY.audit_events
    report = verify_chain()
    assert report.ok, report.problem or report.protections_missing
    assert report.count == AuditEvent.objects.count()
    assert len(seeded.members) == 3 and seeded.profile_ids and seeded.dataset_ids


@pytest.mark.django_db
def test_every_endpoint_answers_as_the_load_test_requires(seeded):
    import random

    from aiplus.core.models import ApiToken

    data = seeded.as_json()
    rng = random.Random(1)
    member = data["members"][0]
    for endpoint in ENDPOINTS:
        path = endpoint.path(data, rng)
        response = Client().get(path, headers=headers(endpoint, member))
        assert not problem(endpoint, response.status_code, response.content.decode()), (endpoint.name, path)
        if endpoint.auth == SESSION:  # the session is what makes it answer: without it, the sign-in page
            refused = Client().get(path)
            assert problem(endpoint, refused.status_code, refused.content.decode()), endpoint.name
    # the API calls were made with the member's token (public reads would answer without one)
    assert ApiToken.objects.get(user__username=member["username"]).last_used_at is not None
    assert any(endpoint.auth == TOKEN for endpoint in ENDPOINTS)


@pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="locust (a dev dependency) is not installed")
def test_the_locustfile_loads(tmp_path):
    data = tmp_path / "bench.json"
    data.write_text(json.dumps({"members": [{"session": "s", "token": "t"}], "profile_ids": [1], "dataset_ids": [1],
                                "need_terms": ["养老"], "dataset_terms": ["公交"]}))
    env = {**os.environ, "AIPLUS_BENCH_DATA": str(data), "AIPLUS_BENCH_SAMPLES": str(tmp_path / "samples.json")}
    listed = subprocess.run([sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "_web_locust.py"), "--list"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert listed.returncode == 0, listed.stderr
    assert "Member" in listed.stdout


def test_the_summary_counts_the_measured_window_and_every_error():
    samples = [["home", 100.0, 50.0, ""], ["home", 100.5, 70.0, "status 500"],  # warm-up
               *[["home", 110.0 + i, float(i + 1), ""] for i in range(100)],
               ["healthz (ceiling)", 111.0, 1.0, ""], ["notifications", 112.0, 30.0, "status 302"]]
    server = [(104.0, "home", 500.0), *[(111.0 + i, "home", 10.0 + i) for i in range(3)],
              (112.0, "healthz (ceiling)", 0.2)]
    summary = web._summarise(samples, warmup=5, server=server)
    rows = {row["endpoint"]: row for row in summary["rows"]}
    assert rows["home"]["requests"] == 100 and rows["home"]["errors"] == 0
    assert (rows["home"]["p50"], rows["home"]["p95"], rows["home"]["p99"]) == (50.0, 95.0, 99.0)
    assert rows["notifications"]["errors"] == 1 and summary["warmup_errors"] == 1
    assert rows["all pages and API calls"]["requests"] == 101  # the ceiling is not one of them
    assert "notifications: status 302" in summary["failures"]
    assert rows["home"]["server_p50"] == 11.0  # the warm-up's 500 ms left out
    assert rows["all pages and API calls"]["server_p50"] == 11.0 and rows["healthz (ceiling)"]["server_p50"] == 0.2
