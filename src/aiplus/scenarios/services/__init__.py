"""Every write of the scenarios module: one function each, one transaction, one audit event.

The functions live by sub-domain — `needs`, `lists` (场景清单 batches), `profiles` (and the provider pool),
`calls` (open calls, applications, review, notice, objections, award) and `pilots` (acceptance and cases), with
the helpers several of them use in `_shared` — and are re-exported here, so callers write
`from aiplus.scenarios import services; services.create_need(...)`.

Workflow moves (submit, review, publish, open a call, public notice, award) go through `Workflow.apply`, which
writes the history row and the audit event itself.
"""

from __future__ import annotations

from aiplus.scenarios.services.calls import (
    answer_objection,
    apply_to_call,
    award_call,
    create_call,
    draw_reviewers,
    file_objection,
    start_notice,
    submit_score,
    transition_call,
    update_call,
)
from aiplus.scenarios.services.lists import publish_list
from aiplus.scenarios.services.needs import (
    co_publish_need,
    create_need,
    import_needs_batch,
    need_owner_and_place,
    need_titles,
    need_values,
    transition_need,
    update_need,
)
from aiplus.scenarios.services.pilots import (
    add_milestone,
    decide_acceptance,
    publish_case,
    record_measurement,
    replicate_case,
    replication_counts,
)
from aiplus.scenarios.services.profiles import apply_to_pool, decide_pool, save_profile

__all__ = [
    "add_milestone",
    "answer_objection",
    "apply_to_call",
    "apply_to_pool",
    "award_call",
    "co_publish_need",
    "create_call",
    "create_need",
    "decide_acceptance",
    "decide_pool",
    "draw_reviewers",
    "file_objection",
    "import_needs_batch",
    "need_owner_and_place",
    "need_titles",
    "need_values",
    "publish_case",
    "publish_list",
    "record_measurement",
    "replicate_case",
    "replication_counts",
    "save_profile",
    "start_notice",
    "submit_score",
    "transition_call",
    "transition_need",
    "update_call",
    "update_need",
]
