"""The locust users of the web load benchmark (started by bench/web.py, not on its own).

Every simulated user asks, one request after the other without pause (a closed loop: the run measures what the
server can do, not a think time), for the endpoints of bench/_web_endpoints.py in their weights, as an anonymous
visitor, through a seeded member's signed-in session, or with that member's API token. Each answer is checked (200,
and the text it must show); every request is written, with its start time and duration, to the file named by
AIPLUS_BENCH_SAMPLES when locust quits, so that web.py computes exact percentiles over the measured window.

Environment: AIPLUS_BENCH_DATA (the seed's JSON: members with their session and token, ids, search terms) and
AIPLUS_BENCH_SAMPLES (where to write the samples).
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from locust import FastHttpUser, constant, events

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._web_endpoints import ENDPOINTS, Endpoint, headers, problem

DATA: dict[str, Any] = json.loads(Path(os.environ["AIPLUS_BENCH_DATA"]).read_text(encoding="utf-8"))
SAMPLES: list[tuple[str, float, float, str]] = []  # endpoint, start (epoch s), duration (ms), failure ('' if none)


@events.request.add_listener
def _sample(name: str, start_time: float, response_time: float, exception: Any = None, **_: Any) -> None:
    SAMPLES.append((name, start_time, response_time, str(exception or "")))


@events.quitting.add_listener
def _write(**_: Any) -> None:
    Path(os.environ["AIPLUS_BENCH_SAMPLES"]).write_text(json.dumps(SAMPLES), encoding="utf-8")


def _task(endpoint: Endpoint) -> Any:
    def ask(user: Member) -> None:
        path = endpoint.path(DATA, user.rng)
        user.client.cookiejar.clear()  # credentials only as each endpoint sends them (bench/_web_endpoints.headers)
        with user.client.get(path, name=endpoint.name, headers=headers(endpoint, user.member),
                             allow_redirects=False, catch_response=True) as response:
            wrong = problem(endpoint, response.status_code, response.text or "")
            if wrong:
                response.failure(f"{wrong}: {path}")
            else:
                response.success()

    ask.__name__ = f"ask_{endpoint.name.replace(' ', '_')}"
    return ask


class Member(FastHttpUser):
    wait_time = constant(0)
    tasks = {_task(endpoint): endpoint.weight for endpoint in ENDPOINTS}

    def on_start(self) -> None:
        self.rng = random.Random()
        self.member = self.rng.choice(DATA["members"])
