"""What the support app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

Issue 16, §§1–2: support programmes as rules (pack data read by the pure engine `aiplus.support.engine`) with a
catalogue and a "what can my company get" finder, and applications from documents to money through the compute
voucher's double-entry ledger. Suzhou art. 39 (财政支持) is the mechanism built, and art. 38 (综合施策) the one
register of every support measure as a rule set (fiscal, finance, talent, IP, standards and OPC programmes) with
its finder and workflow; art. 45 (标准) and Guangdong art. 13 (企业培育) are served in part, with what is missing
said."""

from aiplus.regulation.coverage import declare

_FLOW_TESTS = [
    "tests/browser/test_support.py::test_a_company_applies_is_approved_and_receives_its_first_tranche",
    "tests/browser/test_support_review.py::test_a_company_is_reviewed_by_experts_on_their_pages_approved_and_paid",
    "src/aiplus/support/tests/test_api.py::test_an_application_goes_from_draft_to_its_first_tranche_through_the_ledger",
    "src/aiplus/support/tests/test_documents.py::test_files_are_checked_by_their_bytes_and_bad_ones_count_as_missing",
    "src/aiplus/support/tests/test_awards.py::test_an_award_list_is_imported_committed_and_never_a_formula",
]
_GAPS = [
    ("申请材料只接受 PDF、PNG、JPEG 文件（按内容判断）；Office 文档须转为 PDF 后上传",
     "application documents are PDF, PNG or JPEG files only (judged by their content); office documents must be "
     "converted to PDF first"),
]

declare(
    "support.programmes",
    title_zh="扶持项目目录与“我的单位能申报什么”：申报条件、金额公式（比例、定额、分档）、上限、叠加规则、所需材料，每个数值注明来源，逐项给出结论、预计金额和缺少的条件",
    title_en="Support programme catalogue and the \"what can my company get\" finder: conditions, amount formulas "
             "(rate, fixed, tiers), caps, stacking, documents, every number with its source; each programme's "
             "outcome, estimated amount and missing conditions",
    articles=[("suzhou", 39), ("suzhou", 38)],
    pages=["support:programmes", "support:programme", "support:finder"],
    api=["aiplus_support_api_list_programmes", "aiplus_support_api_get_programme",
         "aiplus_support_api_find_programmes"],
    tests=["tests/browser/test_support.py::test_a_company_applies_is_approved_and_receives_its_first_tranche",
           "tests/browser/test_support_review.py::"
           "test_a_company_is_reviewed_by_experts_on_their_pages_approved_and_paid",
           "src/aiplus/support/tests/test_api.py::test_the_finder_says_what_a_company_can_get_and_what_is_missing"],
    gaps=[("产业园区与科研载体（第四十一、四十二条）是带指标的组织登记（见促进措施模块），不是目录中的扶持项目",
           "parks and research carriers (arts. 41 and 42) are registers of organisations with indicators (the "
           "measures module), not programmes of the catalogue")],
)
declare(
    "support.applications",
    title_zh="扶持申请到拨付：申请材料、形式审查一次性告知、非申请单位工作人员决定、年度预算承诺（超预算不予决定）、按复式记账分期拨付与追回",
    title_en="From application to money: documents, a formal check with one notice of everything missing, a "
             "decision by an official outside the applicant, budget commitment (an overrun is refused), tranches "
             "paid and clawed back through the double-entry ledger",
    articles=[("suzhou", 39)],
    pages=["support:applications", "support:application", "support:budgets", "support:document",
           "support:import_awards"],
    api=["aiplus_support_api_list_applications", "aiplus_support_api_get_application",
         "aiplus_support_api_create_application", "aiplus_support_api_add_document",
         "aiplus_support_api_upload_document", "aiplus_support_api_import_awards",
         "aiplus_support_api_submit_application", "aiplus_support_api_examine_application",
         "aiplus_support_api_decide_application", "aiplus_support_api_pay_tranche", "aiplus_support_api_claw_back",
         "aiplus_support_api_list_budgets", "aiplus_support_api_open_budget"],
    tests=_FLOW_TESTS,
    gaps=_GAPS,
)
declare(
    "support.standards_award",
    title_zh="主导制定标准奖励（定额，平台设置金额）",
    title_en="Award for leading a standard (a fixed amount, a platform setting)",
    in_part=[("suzhou", 45)],
    pages=["support:programme"],
    api=["aiplus_support_api_get_programme"],
    gaps=[("标准登记（参与或主导制定的标准）尚未建模，标准级别由申请单位填写；奖励金额未经核实",
           "the register of standards drafted or joined is not modelled, the applicant states the level; the award "
           "amount is not verified")],
)
declare(
    "support.shenzhen_projects",
    title_zh="深圳人工智能示范、标杆应用项目补贴（不可同年叠加）",
    title_en="Shenzhen AI demonstration and benchmark project funding (not both in one year)",
    in_part=[("guangdong", 13)],
    pages=["support:programme", "support:finder"],
    api=["aiplus_support_api_get_programme", "aiplus_support_api_find_programmes"],
    gaps=[("企业分级培育名单（独角兽、专精特新、高成长）及其认定标准尚未建模",
           "tiered cultivation lists (unicorns, specialised SMEs, high-growth firms) and their criteria are not "
           "modelled")],
)
declare(
    "support.open_source",
    title_zh="开源项目与开源社区支持：维护在本平台公开登记的开源项目的单位申请定额支持，资格由开源项目登记簿判定，经审查、决定后按复式记账分期拨付",
    title_en="Support for open-source projects and communities: an organisation that maintains an open-source project "
             "publicly registered here applies for a fixed grant; eligibility is read from the project register, and "
             "after the check and the decision the grant is paid in tranches through the double-entry ledger",
    articles=[("suzhou", 36)],
    pages=["support:programme", "support:finder", "algorithms:projects", "algorithms:project_create"],
    api=["aiplus_support_api_find_programmes", "aiplus_algorithms_api_create_project",
         "aiplus_algorithms_api_publish_project", "aiplus_support_api_create_application",
         "aiplus_support_api_decide_application", "aiplus_support_api_pay_tranche"],
    tests=["src/aiplus/support/tests/test_api.py::"
           "test_open_source_support_reads_the_project_register_and_pays_through_the_ledger"],
    gaps=[("支持金额与年度预算为平台设置（条例第三十六条未规定金额）；开源社区（基金会、社区运营方）本身尚未建模，支持面向维护项目的单位",
           "the grant's amount and budget are platform settings (art. 36 sets no amount); open-source communities "
           "themselves (foundations, community operators) are not modelled: the support goes to the organisations "
           "maintaining a project")],
)
declare(
    "support.simulation",
    title_zh="政策模拟：主管部门工作人员修改扶持项目的比例、上限、定额、分档、预算或申报条件，发布前由后台任务（进度条）对全部登记单位按现行与修改后规则分别测算，给出符合条件的单位数、支持总额与年度预算的对比，以及新增、失去资格和金额变化的单位及理由；模拟不改变已发布的项目",
    title_en="Policy simulation: an official changes a programme's rate, caps, fixed amounts, tiers, budget or "
             "conditions and, before publishing, a background job with a progress bar computes every organisation "
             "of the register under the current and the changed rules: how many qualify, the total against the "
             "annual budget, and who newly qualifies, who no longer does and whose amount changes, with the "
             "reasons; the published programme never changes",
    articles=[("suzhou", 39)],
    pages=["support:simulations", "support:simulate", "support:simulation"],
    api=["aiplus_support_simulation_api_simulation_fields", "aiplus_support_simulation_api_start_simulation",
         "aiplus_support_simulation_api_get_simulation", "aiplus_support_simulation_api_list_simulation_changes"],
    tests=["tests/browser/test_policy_simulation.py::"
           "test_an_official_changes_the_rate_and_cap_and_reads_who_gains_and_loses",
           "src/aiplus/support/tests/test_simulation.py::"
           "test_an_official_simulates_a_rate_and_cap_change_through_the_api"],
    gaps=[("申报金额等申请信息取自各单位对该项目最近一次申请；未申请过的单位没有申报金额，按比例或分档计算的项目对其结论为信息不全（不作推测）",
           "the declared amount and answers come from each organisation's latest application to the programme; an "
           "organisation that never applied has none, so a rate or tiered programme finds it incomplete (nothing is "
           "guessed)"),
          ("模拟结果保存在发起人的后台任务中，仅发起人可见；模拟方案尚不能转为正式修订提交发布",
           "a run's results are kept in its background job and seen by the official who started it only; a "
           "simulated change cannot yet be turned into a revision submitted for publication")],
)
declare(
    "support.review",
    title_zh="扶持申请评审：按项目规定经专家库可复现、回避申请单位的随机抽取组成评审组，按项目评审标准加权评分（不低于通过分数方可批准）；拟支持项目公示，任何人可提出异议（防滥用），主管部门答复后方可确定；后续各期经节点验收后拨付",
    title_en="Review of support applications: where the programme says so, a panel drawn reproducibly from the expert "
             "pool without the applicant's experts scores against the programme's weighted criteria (an approval "
             "needs the pass score); a proposed award is publicly noticed, anyone may object (abuse-protected), an "
             "official answers before the award is final; later tranches are paid after milestone acceptance",
    articles=[("suzhou", 39)],
    pages=["support:application", "support:reviews", "support:notices", "support:notice"],
    api=["aiplus_support_api_list_reviews", "aiplus_support_api_draw_review_panel",
         "aiplus_support_api_score_application",
         "aiplus_support_api_list_notices", "aiplus_support_api_object_to_award",
         "aiplus_support_api_answer_objection", "aiplus_support_api_finalise_award",
         "aiplus_support_api_accept_milestone"],
    tests=["tests/browser/test_support_review.py::"
           "test_a_company_is_reviewed_by_experts_on_their_pages_approved_and_paid",
           "src/aiplus/support/tests/test_review_pages.py::"
           "test_review_notice_milestone_and_claw_back_through_the_pages",
           "src/aiplus/support/tests/test_review.py::test_expert_review_notice_objection_and_milestones_end_to_end"],
    gaps=[("公示异议的频率限制在页面上以400（而非429）提示于异议栏旁", "on the page, the objection rate limit answers "
           "400 beside the objection field (the API answers 429)")],
)
declare(
    "support.compute_voucher",
    title_zh="算力券作为扶持项目引擎的一个项目：申领条件、比例与上浮、比例上限、年度上限由规则包中的项目数据给出，算力模块据此逐笔据实兑付",
    title_en="The compute voucher as one programme of the support engine: eligibility, rate and uplifts, maximum "
             "rate and annual cap come from the packs' programme data, by which the compute app decides each "
             "redemption against metered use",
    in_part=[("suzhou", 34)],
    pages=["support:programme", "compute:vouchers"],
    api=["aiplus_support_api_get_programme", "aiplus_compute_api_redeem"],
    tests=["src/aiplus/support/tests/test_pages.py::"
           "test_the_compute_voucher_is_a_programme_of_the_engine_claimed_on_the_voucher_pages"],
    gaps=[("算力券的申领与兑付仍在算力模块页面办理；规则库中的兑付规则（vouchers.redemption）保留为法律示例，与引擎的一致性由测试核对",
           "quotas and redemptions are still handled on the compute pages; the rule library's redemption rule "
           "(vouchers.redemption) stays as the legal examples, its agreement with the engine checked by a test")],
)
