"""What the expert pool lets users do, the articles it serves, and the evidence (see aiplus.regulation.coverage)."""

from aiplus.regulation.coverage import declare

EXPERTS = [("suzhou", 8)]  # 专家咨询机制

declare(
    "experts.pool", title_zh="专家库：专家档案、专业领域与可用状态",
    title_en="Expert pool: profiles, fields and availability",
    articles=EXPERTS,
    pages=["experts:register", "experts:me", "experts:pool"],
    api=["aiplus_experts_api_register_expert", "aiplus_experts_api_update_expert", "aiplus_experts_api_list_profiles"],
    tests=["src/aiplus/experts/tests/test_pages_and_api.py::test_api_round_trip",
           "src/aiplus/experts/tests/test_pool_pages.py::"
           "test_an_official_registers_an_expert_and_the_expert_updates_their_profile"],
)
declare(
    "experts.conflicts", title_zh="专家利益冲突申报与回避", title_en="Conflict-of-interest declarations and recusal",
    articles=EXPERTS,
    pages=["experts:me"],
    api=["aiplus_experts_api_declare_conflict", "aiplus_experts_api_list_conflicts"],
    tests=["src/aiplus/experts/tests/test_pages_and_api.py::test_expert_profile_page_declares_conflicts",
           "src/aiplus/experts/tests/test_pages_and_api.py::test_api_round_trip"],
)
declare(
    "experts.draws", title_zh="可复现的专家随机抽取（种子由记录的公开输入计算、无人可指定、可核验、回避排除）",
    title_en="Reproducible random expert draws (seed derived from recorded public inputs, chosen by nobody, "
             "verifiable, recusals excluded)",
    articles=EXPERTS,
    pages=["experts:draw_create", "experts:draw", "experts:draw_verify"],
    api=["aiplus_experts_api_draw_panel", "aiplus_experts_api_get_draw", "aiplus_experts_api_verify_draw"],
    tests=["src/aiplus/experts/tests/test_pages_and_api.py::test_draw_form_reports_errors_beside_the_field",
           "src/aiplus/experts/tests/test_pages_and_api.py::test_draw_page_shows_seed_candidates_exclusions_and_verifies",
           "src/aiplus/experts/tests/test_pages_and_api.py::test_api_round_trip"],
)
declare(
    "experts.consultations", title_zh="专家咨询：向抽取的专家组提问、专家提交意见",
    title_en="Consultations: questions to a drawn panel, experts' opinions",
    articles=EXPERTS,
    pages=["experts:draw", "experts:consultation"],
    api=["aiplus_experts_api_ask", "aiplus_experts_api_submit_opinion", "aiplus_experts_api_list_opinions"],
    tests=["src/aiplus/experts/tests/test_pages_and_api.py::test_api_round_trip",
           "src/aiplus/experts/tests/test_pages_and_api.py::test_consultation_pages_for_panel_members_only"],
    gaps=[("通过页面向专家组提问尚无端到端测试", "asking a panel through the page has no end-to-end test")],
)
