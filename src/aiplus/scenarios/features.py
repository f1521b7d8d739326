"""What the scenario hub lets users do, the articles it serves, and the evidence (see aiplus.regulation.coverage).

Suzhou's chapter 2 (应用场景, arts. 11–30) is known only by its chapter-level topics, so scenario features attach to the
chapter, not to guessed articles. The scenario taxonomy and the statistics dashboard are reference and display pages,
not features of an article."""

from aiplus.regulation.coverage import declare

SUZHOU_SCENARIOS = [("suzhou", 2)]  # chapter 2 应用场景
OPENING = ("guangdong", 20)  # 场景开放
PROVIDERS = ("guangdong", 21)  # 应用服务商培育
JOINT = ("guangdong", 24)  # 应用场景联合开发和企业出海
REGIONAL = ("suzhou", 6)  # 区域协同

BROWSER_JOURNEY = "tests/browser/test_scenarios.py::test_need_to_call_to_pilot_to_case_to_replication"
BROWSER_MATCHING = "tests/browser/test_scenarios.py::test_supplier_profile_matches_and_co_publication"
PAGES_API = "src/aiplus/scenarios/tests/test_pages_api.py::"
COPUB = "src/aiplus/scenarios/tests/test_copublication_matching_pages.py::"

declare(
    "scenarios.needs", title_zh="场景需求征集（问题、验收指标、可开放数据、预算、首购承诺）",
    title_en="Scenario needs (problem, acceptance KPIs, data offered, budget, first purchase)",
    chapters=SUZHOU_SCENARIOS, articles=[OPENING],
    pages=["scenarios:need_create", "scenarios:need_edit", "scenarios:need"],
    api=["aiplus_scenarios_api_create_need", "aiplus_scenarios_api_update_need", "aiplus_scenarios_api_get_need"],
    tests=[BROWSER_JOURNEY, PAGES_API + "test_api_create_need_errors_name_the_field_and_change_nothing",
           COPUB + "test_draft_need_edit_page_and_api"],
)
declare(
    "scenarios.need_workflow", title_zh="场景需求提交、部门审核与发布流程（工作日时限）",
    title_en="Submission, departmental review and publication of needs (working-day timers)",
    chapters=SUZHOU_SCENARIOS, articles=[OPENING],
    pages=["scenarios:need"],
    api=["aiplus_scenarios_api_need_transition"],
    tests=[BROWSER_JOURNEY],
    gaps=[("通过 API 审核只测试了拒绝情形", "review through the API is tested only for refusals")],
)
declare(
    "scenarios.lists", title_zh="场景清单分批发布与导出", title_en="Numbered scenario-list batches and their export",
    chapters=SUZHOU_SCENARIOS, articles=[OPENING],
    pages=["scenarios:needs", "scenarios:list", "scenarios:list_export"],
    api=["aiplus_scenarios_api_publish_list", "aiplus_scenarios_api_list_lists"],
    tests=[BROWSER_JOURNEY, PAGES_API + "test_excel_export_and_import_round_trip"],
    gaps=[("通过 API 发布清单尚无端到端测试", "publishing a list through the API has no end-to-end test")],
)
declare(
    "scenarios.co_publication", title_zh="场景需求多地联合发布（长三角协同、大湾区联合开发）",
    title_en="Co-publication of a scenario need by several jurisdictions",
    chapters=SUZHOU_SCENARIOS, articles=[REGIONAL, JOINT],
    pages=["scenarios:need"],
    api=["aiplus_scenarios_api_co_publish"],
    tests=[BROWSER_MATCHING, COPUB + "test_co_publish_page_and_api",
           COPUB + "test_co_published_need_is_visible_to_the_partner_officials"],
)
declare(
    "scenarios.capabilities", title_zh="供给方能力清单", title_en="Supplier capability profiles",
    chapters=SUZHOU_SCENARIOS, articles=[PROVIDERS],
    pages=["scenarios:profile_create", "scenarios:profile_edit", "scenarios:profile"],
    api=["aiplus_scenarios_api_save_profile", "aiplus_scenarios_api_update_profile"],
    tests=[BROWSER_MATCHING, COPUB + "test_profile_create_and_edit_pages",
           COPUB + "test_profile_update_api_refuses_another_organisation"],
)
declare(
    "scenarios.provider_pool", title_zh="应用服务商资源池（申请与部门准入）",
    title_en="Application service-provider pool (application and admission)",
    chapters=SUZHOU_SCENARIOS, articles=[PROVIDERS],
    pages=["scenarios:pool"],
    api=["aiplus_scenarios_api_apply_to_pool", "aiplus_scenarios_api_decide_pool", "aiplus_scenarios_api_list_pool"],
    tests=[COPUB + "test_pool_page_apply_and_official_admission"],
    gaps=[("通过 API 申请与准入尚无端到端测试", "applying and admission through the API have no end-to-end test")],
)
declare(
    "scenarios.open_calls", title_zh="揭榜挂帅：榜单、申报、专家抽取评审、公示、异议与揭榜",
    title_en="Open calls: rules, applications, drawn expert review, weighted scoring, public notice, objections, award",
    chapters=SUZHOU_SCENARIOS, articles=[OPENING],
    pages=["scenarios:call", "scenarios:call_create", "scenarios:call_edit", "scenarios:call_review"],
    api=["aiplus_scenarios_api_create_call", "aiplus_scenarios_api_update_call", "aiplus_scenarios_api_call_transition",
         "aiplus_scenarios_api_apply", "aiplus_scenarios_api_draw", "aiplus_scenarios_api_score",
         "aiplus_scenarios_api_notice", "aiplus_scenarios_api_object_", "aiplus_scenarios_api_answer",
         "aiplus_scenarios_api_award"],
    tests=[BROWSER_JOURNEY, PAGES_API + "test_api_scoring_by_an_expert_not_drawn_and_late_objection",
           "src/aiplus/scenarios/tests/test_call_edit.py::test_edit_page_saves_shows_errors_and_refuses_outsiders",
           "src/aiplus/scenarios/tests/test_call_edit.py::test_api_patch_changes_only_what_is_given",
           "tests/browser/test_expert_review.py::test_official_and_expert_complete_the_review_in_chinese",
           "tests/browser/test_expert_review.py::test_expert_reviews_in_english",
           "src/aiplus/scenarios/tests/test_call_review_pages.py::"
           "test_experts_read_the_proposals_and_score_on_the_engines_scale"],
    gaps=[("申报、异议与答复尚无端到端测试", "applying, objecting and answering have no end-to-end test")],
)
declare(
    "scenarios.pilots", title_zh="揭榜项目试点、里程碑与验收指标测量、双方验收",
    title_en="Pilots with milestones, KPI measurements and acceptance by owner and department",
    chapters=SUZHOU_SCENARIOS, articles=[OPENING],
    pages=["scenarios:pilot"],
    api=["aiplus_scenarios_api_milestone", "aiplus_scenarios_api_measurement", "aiplus_scenarios_api_acceptance"],
    tests=[BROWSER_JOURNEY],
    gaps=[("里程碑、指标测量与业主验收尚无端到端测试（仅部门验收经页面测试）",
           "milestones, KPI measurements and the owner's acceptance have no end-to-end test (only the department's "
           "acceptance is driven through the page)")],
)
declare(
    "scenarios.cases", title_zh="典型案例库与跨地区复制推广",
    title_en="Case library and replication in other jurisdictions",
    chapters=SUZHOU_SCENARIOS, articles=[REGIONAL, OPENING, JOINT],
    pages=["scenarios:pilot", "scenarios:case"],
    api=["aiplus_scenarios_api_case_from_pilot", "aiplus_scenarios_api_replicate", "aiplus_scenarios_api_list_cases"],
    tests=[BROWSER_JOURNEY],
    gaps=[("通过 API 发布案例与复制尚无端到端测试",
           "publishing and replicating a case through the API have no end-to-end test")],
)
declare(
    "scenarios.matching", title_zh="场景供需智能匹配（双向排序与解释）",
    title_en="Two-way scenario matching with explanations",
    chapters=SUZHOU_SCENARIOS, articles=[OPENING, PROVIDERS],
    pages=["scenarios:need", "scenarios:profile"],
    api=["aiplus_scenarios_api_need_suppliers", "aiplus_scenarios_api_profile_needs"],
    tests=[BROWSER_MATCHING, COPUB + "test_matches_show_terms_fields_and_the_excluding_constraint",
           "src/aiplus/scenarios/tests/test_explain.py::test_need_page_explains_matches_in_chinese",
           "src/aiplus/scenarios/tests/test_explain.py::test_api_returns_items_and_text_in_the_request_language"],
)
