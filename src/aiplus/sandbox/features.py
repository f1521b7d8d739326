"""What the sandbox app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

Issue 15 §3: sandbox supervision and innovation fault tolerance. Guangdong art. 6 (包容审慎监管, draft for comment) is
known by its topic and the drafting approach (创新容错、沙盒监管); Suzhou art. 49 (法律责任, draft for review) by its
topic: violation and penalty cases are the governance app's, fault-tolerance decisions (this app) link to them.
No quantified sandbox parameters nor AI-specific 容错免责 criteria exist (mechanisms.md §2): every number and the
criteria list are platform settings in the Guangdong pack."""

from aiplus.regulation.coverage import declare

_SETTINGS_GAP = ("条文全文未公开，仅据起草说明知其主题；未见沙盒入盒、出盒标准及期限、用户数等量化规定，"
                 "相关数值和容错情形均为平台设置，须由运营方确认",
                 "the article's text is not public, only its topic; no sandbox entry or exit criteria, term or user "
                 "caps were found, so the numbers and the fault-tolerance criteria are platform settings for the "
                 "operator to confirm")

declare(
    "sandbox.supervision",
    title_zh="沙盒监管：入盒申请（创新内容、规定空白、风险防控、用户数、地域、期限、退出方案），从专家库抽取评审专家组（申请单位人员回避），专家组过半数同意入盒并附条件（用户数上限、地域、期限、报告频率），定期报告及逾期工作日计时与提醒，测试期间事件报告，出盒、延期（次数与天数上限）或终止，均载明理由",
    title_en="Regulatory sandbox: an application (innovation, legal gap, risk controls, users, geography, term, "
             "exit plan), a review panel drawn from the expert pool (the applicant's people excluded), admission by "
             "more than half of the panel with conditions (user cap, geography, term, reporting frequency), "
             "periodic reports with overdue working-day clocks and reminders, incidents during the test, and "
             "graduation, extension (within count and length caps) or termination, each with reasons",
    articles=[("guangdong", 6)],
    pages=["sandbox:applications", "sandbox:application"],
    api=["aiplus_sandbox_api_list_applications", "aiplus_sandbox_api_get_application", "aiplus_sandbox_api_apply",
         "aiplus_sandbox_api_draw_panel", "aiplus_sandbox_api_vote_admission",
         "aiplus_sandbox_api_decide_admission", "aiplus_sandbox_api_file_report",
         "aiplus_sandbox_api_report_incident", "aiplus_sandbox_api_decide_exit"],
    tests=["tests/browser/test_sandbox.py::test_a_company_is_admitted_with_conditions_reports_and_graduates",
           "src/aiplus/sandbox/tests/test_api.py::test_a_sandbox_goes_from_application_to_exit_through_the_api"],
    gaps=[_SETTINGS_GAP,
          ("评审专家的意见由主管部门录入，专家尚不能在线提交；沙盒与常规监管的衔接（出盒后转入的监管事项）仅以决定理由记载",
           "the panel's opinions are entered by the official, experts cannot yet submit them online; the hand-over "
           "to ordinary supervision after graduation is recorded only in the decision's reasons")],
)

declare(
    "sandbox.fault_tolerance",
    title_zh="创新容错免责认定：事实、所满足的容错情形（规则包数据，平台设置）、不予处罚/从轻处罚/减轻处罚的认定及理由，必备条件未满足不得容错，由非当事单位的主管部门工作人员认定，可关联违法案件并在案件页显示",
    title_en="Innovation fault-tolerance decisions: the facts, the criteria met (pack data, a platform setting), "
             "no penalty / a lighter / a mitigated penalty with reasons; no tolerance unless every required "
             "criterion is met; decided by an official who is not of the party; linked to the violation case and "
             "shown on its page",
    articles=[("guangdong", 6), ("suzhou", 49)],
    pages=["sandbox:tolerance_cases", "sandbox:tolerance_case", "governance:violation"],
    api=["aiplus_sandbox_api_list_tolerance_cases", "aiplus_sandbox_api_get_tolerance_case",
         "aiplus_sandbox_api_decide_tolerance"],
    tests=["tests/browser/test_sandbox.py::test_an_official_records_a_fault_tolerance_decision_on_a_violation",
           "src/aiplus/sandbox/tests/test_api.py::test_a_fault_tolerance_case_is_decided_through_the_api"],
    gaps=[_SETTINGS_GAP],
)
