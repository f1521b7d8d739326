"""What the compute app lets users do, the articles it serves, and the evidence (see aiplus.regulation.coverage)."""

from aiplus.regulation.coverage import declare

COMPUTE = [("suzhou", 34), ("guangdong", 7)]  # 算力要素 / 算力、网络基础设施和能源

declare(
    "compute.register", title_zh="算力资源登记与可用容量上报", title_en="Compute register and reported availability",
    articles=COMPUTE,
    pages=["compute:provider", "compute:capacity"],
    api=["aiplus_compute_api_register_centre", "aiplus_compute_api_add_pool", "aiplus_compute_api_report_availability",
         "aiplus_compute_api_set_latency", "aiplus_compute_api_capacity"],
    tests=["src/aiplus/compute/tests/test_provider_forms.py::"
           "test_provider_registers_a_centre_and_adds_a_pool_through_the_page",
           "tests/browser/test_compute.py::test_provider_registers_a_centre_and_adds_a_pool_through_the_page",
           "tests/browser/test_compute.py::test_provider_publishes_availability_sees_its_bookings_and_imports_usage",
           "src/aiplus/compute/tests/test_pages_api.py::test_provider_pushes_availability_and_usage_through_the_api"],
    gaps=[("登记算力中心与网络时延的 API 尚无端到端测试",
           "registering a centre and network latency through the API has no end-to-end test")],
)
declare(
    "compute.requests", title_zh="算力需求提交与跨中心调度分配", title_en="Compute job requests placed across centres",
    articles=COMPUTE,
    pages=["compute:requests", "compute:request"],
    api=["aiplus_compute_api_submit_request", "aiplus_compute_api_get_request", "aiplus_compute_api_list_requests"],
    tests=["tests/browser/test_compute.py::test_member_submits_a_request_and_sees_its_placement",
           "src/aiplus/compute/tests/test_pages_api.py::test_submit_request_through_the_api"],
)
declare(
    "compute.metering", title_zh="算力预订、用量计量上报与对账",
    title_en="Bookings, metered compute usage and reconciliation",
    articles=COMPUTE,
    pages=["compute:provider", "compute:bookings", "compute:usage"],
    api=["aiplus_compute_api_record_usage", "aiplus_compute_api_import_usage", "aiplus_compute_api_list_usage",
         "aiplus_compute_api_list_bookings"],
    tests=["src/aiplus/compute/tests/test_pages_api.py::test_provider_pushes_availability_and_usage_through_the_api",
           "tests/browser/test_compute.py::test_provider_publishes_availability_sees_its_bookings_and_imports_usage",
           "src/aiplus/compute/tests/test_usage_import.py::"
           "test_bookings_and_the_template_list_only_the_providers_own_placed_requests"],
)
declare(
    "compute.vouchers", title_zh="算力券项目、额度发放、据实兑付与追回",
    title_en="Compute vouchers: programmes, quotas, redemption against metered spend, clawback",
    articles=COMPUTE,
    pages=["compute:vouchers", "compute:request", "compute:my_vouchers", "compute:ledger"],
    api=["aiplus_compute_api_list_quotas", "aiplus_compute_api_redeem", "aiplus_compute_api_claw_back",
         "aiplus_compute_api_list_ledger"],
    tests=["src/aiplus/compute/tests/test_officials.py::"
           "test_official_creates_a_programme_and_issues_a_quota_through_the_forms",
           "src/aiplus/compute/tests/test_officials.py::test_placement_shows_the_voucher_effect_with_reasons_and_citations",
           "src/aiplus/compute/tests/test_vouchers_api.py::test_a_quota_is_redeemed_and_clawed_back_through_the_api",
           "src/aiplus/compute/tests/test_holder_page.py::test_holder_redeems_through_the_page_and_the_balance_moves",
           "src/aiplus/compute/tests/test_ledger_page.py::"
           "test_official_reads_every_leg_the_balances_and_that_the_books_balance",
           "tests/browser/test_vouchers.py::test_the_holder_follows_a_redeemed_voucher_and_the_books_show_it"],
    gaps=[("追回没有页面，只能通过 API；设立项目与发放额度没有 API",
           "clawback has no page (API only); creating a programme and issuing a quota have no API")],
)
declare(
    "compute.savings", title_zh="跨中心调度收益模拟（对比各自为战）",
    title_en="What brokering saves against local-only (trace-driven simulation)",
    articles=COMPUTE,
    pages=["compute:savings", "compute:study"],
    api=["aiplus_compute_api_start_study", "aiplus_compute_api_get_study", "aiplus_compute_api_list_studies"],
    tests=["src/aiplus/compute/tests/test_officials.py::test_official_runs_the_savings_study_in_the_background",
           "src/aiplus/compute/tests/test_savings_workloads.py::test_the_study_through_the_api",
           "tests/browser/test_compute.py::test_official_uses_the_map_voucher_forms_and_savings_simulation",
           "tests/browser/test_compute.py::test_official_uploads_a_job_log_fixes_a_row_and_reads_the_savings"],
)
