"""What the governance app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

The first slice of issue 15: science and technology ethics review per 科技伦理审查办法（试行）. Suzhou art. 48
(伦理安全) and Guangdong art. 32 (伦理要求) are known only by their topics (the drafting explanations). The platform
runs the two national instruments on AI ethics for them: the review of 科技伦理审查办法（试行） (committees, review,
committee duties) and the organisation's self-check against 新一代人工智能伦理规范 (on the AI application register);
the gaps say what rests on the platform's reading."""

from aiplus.regulation.coverage import declare

_GAPS = [
    ("条款全文未公开，仅据起草说明知其主题（伦理安全、科技伦理要求）；平台实现与之对应的两份国家文件：《科技伦理审查办法（试行）》的审查机制和《新一代人工智能伦理规范》的单位自查",
     "the article's text is not public, only its topic (ethics and safety, ethics requirements) from the drafting "
     "explanation; the platform runs the two national instruments that topic points to: the review of the "
     "Measures for Science and Technology Ethics Review (Trial) and the organisation's self-check against the "
     "Ethical Norms for New Generation AI"),
    ("委员会逾期未登记、清单内活动逾期未登记、年度报告逾期未报送均只提醒一次，不再升级；年度报告的截止日与活动登记期限为平台设置（据记忆）",
     "a committee overdue for registration, a listed activity overdue for registration and a missing annual report "
     "are each told once, with no further escalation; the annual report's due date and the activity registration "
     "period are platform settings (from recall)"),
    ("复核清单事项为平台所列的人工智能相关条目（复核专家本人在线提交意见，结论按全体专家三分之二计算）",
     "the list items are the AI-related ones the platform lists (the drawn experts submit their own opinions online; "
     "the conclusion counts two thirds of all the panel's experts)"),
]

declare(
    "governance.ethics_committees",
    title_zh="科技伦理（审查）委员会：委员（专业类别、性别、单位内外、任期、培训）、组成核验及理由、登记",
    title_en="Ethics (review) committees: members (discipline, gender, internal/external, term, training), "
             "composition checked with reasons, registration",
    articles=[("suzhou", 48), ("guangdong", 32)],
    pages=["governance:committees", "governance:committee"],
    api=["aiplus_governance_api_list_committees", "aiplus_governance_api_get_committee",
         "aiplus_governance_api_create_committee", "aiplus_governance_api_add_member",
         "aiplus_governance_api_register_committee"],
    tests=["tests/browser/test_ethics_review.py::test_committee_refuses_a_quorum_failure_then_decides",
           "src/aiplus/governance/tests/test_ethics_api.py::test_committee_is_set_up_and_checked_through_the_api"],
    gaps=_GAPS,
)
declare(
    "governance.ethics_review",
    title_zh="科技伦理审查：申请材料、一次性告知、会议审查（法定人数、回避、逐人表决、三分之二决定、30日时限）、简易与应急程序、专家复核、跟踪审查",
    title_en="Ethics review: application materials, one notice of everything missing, meeting review (quorum, "
             "conflicts, a vote per member, two-thirds decision, 30-day clock), simplified and emergency "
             "procedures, expert re-review, follow-up reviews",
    articles=[("suzhou", 48), ("guangdong", 32)],
    pages=["governance:applications", "governance:application"],
    api=["aiplus_governance_api_list_applications", "aiplus_governance_api_get_application",
         "aiplus_governance_api_create_application", "aiplus_governance_api_update_materials",
         "aiplus_governance_api_submit_application", "aiplus_governance_api_examine_application",
         "aiplus_governance_api_record_review", "aiplus_governance_api_draw_re_review_panel",
         "aiplus_governance_api_submit_re_review_opinion", "aiplus_governance_api_record_follow_up"],
    tests=["tests/browser/test_ethics_review.py::test_committee_refuses_a_quorum_failure_then_decides",
           "tests/browser/test_ethics_review.py::test_listed_activity_goes_to_a_drawn_panel",
           "src/aiplus/governance/tests/test_ethics_api.py::test_application_is_reviewed_end_to_end_through_the_api",
           "src/aiplus/governance/tests/test_ethics_api.py::test_only_the_drawn_experts_submit_re_review_opinions"],
    gaps=_GAPS,
)

declare(
    "governance.ethics_norms",
    title_zh="伦理规范自查：运营单位对照《新一代人工智能伦理规范》的六项基本伦理规范和所从事活动（管理、研发、供应、使用）"
             "的具体伦理要求逐项填报落实情况与措施，列出待改进事项",
    title_en="Ethics self-check: the organisation states, norm by norm, how it meets the six basic norms of the "
             "Ethical Norms for New Generation AI and the specific requirements of the activities it carries out "
             "(management, R&D, supply, use), with its measures and the points to improve",
    articles=[("suzhou", 48), ("guangdong", 32)],
    pages=["governance:ai_application"],
    api=["aiplus_governance_api_get_ethics_norms", "aiplus_governance_api_check_ethics_norms",
         "aiplus_governance_api_get_ai_application"],
    tests=["tests/browser/test_risk_supervision.py::test_company_checks_its_application_against_the_ethics_norms",
           "src/aiplus/governance/tests/test_ethics_norms.py::test_the_self_check_goes_through_the_api"],
    gaps=_GAPS[:1],
)

declare(
    "governance.ethics_committee_duties",
    title_zh="伦理委员会职责：清单内活动登记、年度报告（平台预填）、委托审查、独立顾问",
    title_en="Ethics committee duties: listed-activity registration, annual reports (prefilled), entrusted review, "
             "independent advisers",
    articles=[("suzhou", 48), ("guangdong", 32)],
    pages=["governance:application", "governance:annual_report_file", "governance:annual_reports",
           "governance:annual_report", "governance:unreported_committees", "governance:entrustments",
           "governance:advice"],
    api=["aiplus_governance_api_register_activity", "aiplus_governance_api_file_annual_report",
         "aiplus_governance_api_list_annual_reports", "aiplus_governance_api_get_annual_report",
         "aiplus_governance_api_annual_report_figures", "aiplus_governance_api_list_unreported_committees",
         "aiplus_governance_api_entrust_committee",
         "aiplus_governance_api_list_entrustments", "aiplus_governance_api_invite_adviser",
         "aiplus_governance_api_get_advice", "aiplus_governance_api_submit_advice"],
    tests=["tests/browser/test_ethics_duties.py::"
           "test_entrusted_committee_hears_an_adviser_decides_and_files_its_annual_report",
           "src/aiplus/governance/tests/test_ethics_duties.py::"
           "test_a_listed_activity_registration_is_recorded_through_the_api",
           "src/aiplus/governance/tests/test_ethics_unreported.py::"
           "test_the_page_and_the_api_list_the_same_unreported_committees"],
    gaps=_GAPS,
)

# -- incidents, monitoring and emergency response (issue 15 §4) --------------------------------------------------

_INCIDENT_GAPS = [
    ("苏州条例第四十六条全文未公开，仅知其主题（贯彻总体国家安全观）；平台实现其中的事件报告、研判、应急处置与复盘，风险监测预警（指标、阈值、预警发布）、应急预案与演练尚未建模",
     "Suzhou art. 46 is known only by its topic (the holistic approach to national security); the platform runs "
     "incident reporting, triage, response and review, while risk monitoring and early warning (indicators, "
     "thresholds, warnings issued), emergency plans and drills are not modelled"),
    ("首报后“及时补报”的项目清单未建模，续报间隔为平台设置；运营者未经平台报告时（公众举报、平台信号），向上级部门报告的时限自研判定级时起算；三种平台信号均自动立案：上传检查发现的标识篡改、行业监管整改通知逾期、已备案服务测评未通过",
     "the items of a supplementary report are not modelled and the follow-up interval is a platform setting; where "
     "the operator did not report through the platform (a public report, a platform signal), the clock up the "
     "chain runs from the triage that grades the incident; all three platform "
     "signals open an incident by themselves: a tampered label found by the upload check, an overdue sector "
     "rectification order and a failed evaluation of a filed service"),
]

declare(
    "governance.incidents",
    title_zh="人工智能安全事件：企业报告、公众匿名举报（防滥用）与平台信号接报，按分级指南研判定级，报告时限（1/2/4小时），重大以上事件向上级部门报告（半小时/1小时，上报链按部门数据）与续报时限（逾期由后台任务按届满时间提醒），平台研判、处置、总结报告时限，分派责任部门与承办人，应急处置措施，结案复盘，公开记录（遮蔽个人信息，不公开举报人）",
    title_en="AI incidents: reports from companies, anonymous public reports (with abuse limits) and platform "
             "signals; grading by the grading guide; reporting clocks (1/2/4 hours); for a major or especially "
             "major incident the clock up the chain (half an hour / one hour, the chain from the departments data) "
             "and follow-up reports, overdue notices queued at each due time; the platform's triage, "
             "response and summary-report clocks; assignment to a department and an official; response actions; "
             "closure with a post-incident review; a public record with personal data redacted and no reporter",
    articles=[("guangdong", 31)],
    in_part=[("suzhou", 46)],
    pages=["governance:incident_report", "governance:incidents", "governance:incident",
           "governance:incident_records", "governance:incident_record"],
    api=["aiplus_governance_api_report_public", "aiplus_governance_api_report_incident",
         "aiplus_governance_api_list_incidents", "aiplus_governance_api_get_incident",
         "aiplus_governance_api_triage_incident", "aiplus_governance_api_dismiss_incident",
         "aiplus_governance_api_assign_incident", "aiplus_governance_api_record_operator_report",
         "aiplus_governance_api_add_response_action", "aiplus_governance_api_record_escalation",
         "aiplus_governance_api_end_handling",
         "aiplus_governance_api_close_incident", "aiplus_governance_api_list_incident_records",
         "aiplus_governance_api_get_incident_record"],
    tests=["tests/browser/test_incidents.py::test_public_report_is_triaged_assigned_and_closed",
           "src/aiplus/governance/tests/test_incidents_api.py::"
           "test_a_public_report_is_triaged_assigned_handled_and_closed",
           "src/aiplus/governance/tests/test_incident_escalation.py::test_the_report_up_the_chain_then_follow_ups"],
    gaps=_INCIDENT_GAPS,
)

declare(
    "governance.red_lines",
    title_zh="安全底线：禁止性规定与强制性义务（规则包数据，注明所援引的规定），触及的事件、人工智能应用和伦理审查申请标记并注明依据；主管部门（非涉事单位人员）确认或排除并写明理由，确认的可同时立案",
    title_en="Red lines: prohibited uses and mandatory duties as pack data with the instruments they come from; "
             "incidents, AI applications and ethics applications that touch one are flagged with the rule cited; "
             "an official who is not of the company confirms or dismisses each flag with reasons, and a "
             "confirmation can open a violation case",
    articles=[("guangdong", 33)],
    pages=["governance:red_lines", "governance:incident", "governance:ai_application", "governance:application",
           "governance:ethics_red_lines", "governance:ethics_red_line"],
    api=["aiplus_governance_api_list_red_lines", "aiplus_governance_api_get_incident",
         "aiplus_governance_api_report_public", "aiplus_governance_api_triage_incident",
         "aiplus_governance_api_decide_incident_red_line", "aiplus_governance_api_decide_application_red_line",
         "aiplus_governance_api_list_ethics_red_lines", "aiplus_governance_api_get_ethics_red_line",
         "aiplus_governance_api_decide_ethics_red_line"],
    tests=["src/aiplus/governance/tests/test_red_lines.py::test_an_incident_in_guangdong_is_flagged_with_the_rule_cited",
           "src/aiplus/governance/tests/test_red_lines.py::test_an_ethics_application_of_a_guangdong_unit_is_flagged",
           "src/aiplus/governance/tests/test_red_line_decisions.py::"
           "test_an_official_confirms_a_red_line_and_opens_a_case",
           "src/aiplus/governance/tests/test_red_line_decisions.py::"
           "test_a_red_line_on_an_ai_application_is_decided_and_kept_across_changes",
           "src/aiplus/governance/tests/test_ethics_red_lines.py::"
           "test_an_official_confirms_a_flag_and_opens_a_case_through_the_api",
           "src/aiplus/governance/tests/test_ethics_red_lines.py::"
           "test_an_official_of_the_province_dismisses_a_flag_from_the_queue_page",
           "tests/browser/test_ethics_review.py::test_an_official_decides_a_red_line_flagged_on_an_ethics_application"],
    gaps=[("第三十三条全文未公开，仅据起草说明知其主题；所列底线援引国家现行规定（部分条款号据记忆，待核对），标记依危害类型和关键词",
           "art. 33's text is not public, only its topic; the red lines listed are those of national instruments "
           "(some clause numbers from recall, to be checked); flags come from harms and keywords")],
)

declare(
    "governance.violations",
    title_zh="违法行为与处罚：案件关联所违反的规定（规则包罚款幅度及依据）、安全底线与事件，罚款在幅度内（含两端）并保存所用幅度，复议期限内申请复议，由原决定人以外的人员作出复议决定",
    title_en="Violations and penalties: a case tied to the provision broken (the pack's fine range and its source), "
             "the red line and the incident; a fine within the range (both ends included) stored with the range "
             "used; an appeal within its period, decided by another official than the one who decided",
    in_part=[("suzhou", 49)],
    pages=["governance:violations", "governance:violation"],
    api=["aiplus_governance_api_list_violations", "aiplus_governance_api_get_violation",
         "aiplus_governance_api_open_violation", "aiplus_governance_api_decide_violation",
         "aiplus_governance_api_appeal_violation", "aiplus_governance_api_decide_appeal"],
    tests=["src/aiplus/governance/tests/test_violations.py::"
           "test_a_case_is_decided_within_the_range_appealed_and_varied",
           "src/aiplus/governance/tests/test_violations.py::test_the_pages_open_and_decide_a_case"],
    gaps=[("第四十九条全文未公开，仅知其主题（法律责任）；容错免责认定见沙盒模块（sandbox.fault_tolerance），关联到案件并在案件页显示；规则包只有两项罚款幅度（算法备案、网络数据安全），其他罚则尚未录入；复议由同一辖区的其他工作人员办理，未区分复议机关",
           "art. 49's text is not public, only its topic (legal liability); fault-tolerance decisions are the "
           "sandbox module's (sandbox.fault_tolerance), linked to the case and shown on its page; the packs hold "
           "only two fine ranges (algorithm filing, network data security) and no other penalty provisions; an "
           "appeal is decided by another official of the same jurisdiction, with no separate reconsideration body")],
)

# -- AI applications, risk tiers and sector supervision (issue 15 §1) ----------------------------------------------

_RISK_API = ["aiplus_governance_api_list_ai_applications", "aiplus_governance_api_get_ai_application",
             "aiplus_governance_api_register_application", "aiplus_governance_api_change_application",
             "aiplus_governance_api_get_questionnaire", "aiplus_governance_api_assess_application",
             "aiplus_governance_api_list_inspection_plans", "aiplus_governance_api_get_inspection_plan",
             "aiplus_governance_api_plan_inspections", "aiplus_governance_api_list_inspections",
             "aiplus_governance_api_get_inspection", "aiplus_governance_api_record_findings",
             "aiplus_governance_api_order_rectification", "aiplus_governance_api_list_rectifications",
             "aiplus_governance_api_report_rectification", "aiplus_governance_api_close_rectification",
             "aiplus_governance_api_list_disclosures", "aiplus_governance_api_get_disclosure"]
_RISK_PAGES = ["governance:ai_applications", "governance:ai_application", "governance:inspection_plans",
               "governance:inspection_plan", "governance:inspections", "governance:inspection",
               "governance:rectifications", "governance:disclosures", "governance:disclosure"]
_RISK_TESTS = ["tests/browser/test_risk_supervision.py::"
               "test_company_registers_is_tiered_and_closes_a_rectification",
               "src/aiplus/governance/tests/test_risk_supervision.py::"
               "test_a_company_registers_is_tiered_inspected_ordered_and_closed"]

declare(
    "governance.risk_supervision",
    title_zh="人工智能应用登记与行业监管：应用关联单位、模型、算法和场景；风险问卷（平台设置，参照加拿大AIA）得出原始影响分、缓解分、最终得分和风险等级及理由；高风险列入清单，中低风险公开披露；定期及变更后重新评估；行业主管部门随机抽查（可复核）、记录检查发现、下达整改通知并跟踪至销号，逾期整改转为平台信号事件",
    title_en="AI application register and sector supervision: applications linked to the organisation, models, "
             "algorithms and scenario; a risk questionnaire (platform settings after Canada's AIA) giving the raw "
             "impact, mitigation and final scores and the tier with reasons; high risk listed, medium and low risk "
             "disclosed; re-assessment on a schedule and after a change; sector departments draw inspections "
             "reproducibly, record findings, order rectification and follow it to closure; an overdue order opens "
             "a platform-signal incident",
    articles=[("suzhou", 47)],
    pages=_RISK_PAGES,
    api=_RISK_API,
    tests=_RISK_TESTS,
    gaps=[("第四十七条全文未公开，仅据起草说明知其主题（人工智能应用的安全监管体系）；高风险清单和评分标准无正式规定，问卷题目、权重、等级阈值和重新评估间隔均为平台设置；行业主管部门由单位登记时选择，尚未按场景领域自动确定；高风险应用的风险预警指标尚未建模",
           "art. 47's text is not public, only its topic (the supervision system for AI applications); no instrument "
           "publishes a high-risk list or scoring criteria, so the questions, weights, tier thresholds and "
           "re-assessment intervals are platform settings; the sector department is chosen at registration, not "
           "derived from the scenario domain; risk-warning indicators for high-risk applications are not "
           "modelled")],
)

declare(
    "governance.tiered_supervision",
    title_zh="包容审慎监管中的分级分类：按风险等级区分监管方式（高风险事前评估与风险预警，中低风险事前披露与事后跟踪），中低风险应用公开披露页",
    title_en="Tiered supervision within inclusive and prudent supervision: the regime follows the tier (high risk: "
             "ex-ante assessment and risk warnings; medium and low risk: ex-ante disclosure and ex-post tracking), "
             "with a public disclosure page for each medium- or low-risk application",
    in_part=[("guangdong", 6)],
    pages=["governance:ai_applications", "governance:ai_application", "governance:disclosures",
           "governance:disclosure"],
    api=["aiplus_governance_api_assess_application", "aiplus_governance_api_list_disclosures",
         "aiplus_governance_api_get_disclosure"],
    tests=[*_RISK_TESTS, "src/aiplus/governance/tests/test_risk_supervision.py::test_who_sees_what"],
    gaps=[("第六条全文未公开，仅知其主题（包容审慎监管）；沙盒监管与创新容错由沙盒模块实现，本功能只覆盖分级分类监管；等级及其监管方式为平台设置",
           "art. 6's text is not public, only its topic (inclusive and prudent supervision); sandbox supervision "
           "and innovation fault tolerance are the sandbox module's, this feature covers tiered supervision only; "
           "the tiers and their regimes are platform settings")],
)
