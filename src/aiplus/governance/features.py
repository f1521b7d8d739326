"""What the governance app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

The first slice of issue 15: science and technology ethics review per 科技伦理审查办法（试行）. Suzhou art. 48
(伦理安全) and Guangdong art. 32 (伦理要求) are known only by their topics (the drafting explanations); ethics review
is the mechanism the platform runs for them, so both are declared in part, with what is not built said in the gaps."""

from aiplus.regulation.coverage import declare

_GAPS = [
    ("条款全文未公开，仅据起草说明知其主题（科技伦理要求）；本平台实现其中的科技伦理审查机制，其他伦理与安全要求（伦理准则、算法安全评估等）尚未建模",
     "the article's text is not public, only its topic (ethics requirements) from the drafting explanation; the "
     "platform runs the ethics review mechanism, other ethics and safety duties (ethics guidelines, algorithm safety "
     "assessment) are not modelled"),
    ("委员会年度工作报告、清单内活动批准后30日内登记、委托其他单位委员会审查、独立顾问尚未实现",
     "committee annual work reports, registering listed activities within 30 days of approval, entrusting another "
     "unit's committee and independent advisers are not built"),
    ("专家复核意见由主管部门录入，专家尚不能在线提交；复核清单事项为平台所列的人工智能相关条目",
     "the re-review panel's opinions are entered by the authority, experts cannot yet submit them online; the list "
     "items are the AI-related ones the platform lists"),
]

declare(
    "governance.ethics_committees",
    title_zh="科技伦理（审查）委员会：委员（专业类别、性别、单位内外、任期、培训）、组成核验及理由、登记",
    title_en="Ethics (review) committees: members (discipline, gender, internal/external, term, training), "
             "composition checked with reasons, registration",
    in_part=[("suzhou", 48), ("guangdong", 32)],
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
    in_part=[("suzhou", 48), ("guangdong", 32)],
    pages=["governance:applications", "governance:application"],
    api=["aiplus_governance_api_list_applications", "aiplus_governance_api_get_application",
         "aiplus_governance_api_create_application", "aiplus_governance_api_update_materials",
         "aiplus_governance_api_submit_application", "aiplus_governance_api_examine_application",
         "aiplus_governance_api_record_review", "aiplus_governance_api_draw_re_review_panel",
         "aiplus_governance_api_record_re_review", "aiplus_governance_api_record_follow_up"],
    tests=["tests/browser/test_ethics_review.py::test_committee_refuses_a_quorum_failure_then_decides",
           "tests/browser/test_ethics_review.py::test_listed_activity_goes_to_a_drawn_panel",
           "src/aiplus/governance/tests/test_ethics_api.py::test_application_is_reviewed_end_to_end_through_the_api"],
    gaps=_GAPS,
)
