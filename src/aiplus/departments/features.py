"""What the departments app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

Issue 17 §2: departments and their duties as data (Suzhou art. 5 部门职责, Guangdong art. 4 部门职责, both known
only by their titles, inferred from the drafting explanations): each kind of the platform's work is a duty held by
one department of a jurisdiction (the pack's assignment, a platform setting unless an official source is cited);
workflow steps route their work to the holder's queue (scenario needs, support applications, incidents, ethics
re-reviews, filings, sandbox applications and overdue reports, risk inspections and rectification orders, OPC
residency, measures register verifications); a handover moves a duty with its open work, now or on a scheduled day;
the administrator staffs departments and appoints heads on the department's page; overdue work escalates to the
department's head."""

from aiplus.regulation.coverage import declare

declare(
    "departments.duties",
    title_zh="部门职责分工与部门待办：每项平台工作按职责交给承担该职责的部门（分工为平台设置，另有官方来源的注明出处），"
             "工作流程的每一步按职责找到承办部门并进入其待办列表；职责移交时未办结的待办随之转入接收部门；逾期待办提醒部门负责人",
    title_en="Duties of departments and their work queues: each kind of the platform's work is a duty held by one "
             "department (the assignment is a platform setting unless an official source is cited); every workflow "
             "step finds its department by duty and lands in its queue; a handover moves a duty with its open work; "
             "overdue work escalates to the department's head",
    articles=[("suzhou", 5), ("guangdong", 4)],
    pages=["departments:index", "departments:department", "departments:work", "departments:mine"],
    api=["aiplus_departments_api_list_duties", "aiplus_departments_api_get_duty",
         "aiplus_departments_api_list_work", "aiplus_departments_api_hand_over",
         "aiplus_departments_api_cancel_handover", "aiplus_departments_api_add_member",
         "aiplus_departments_api_remove_member", "aiplus_departments_api_appoint_head"],
    tests=["tests/browser/test_departments.py::test_a_duty_moves_and_its_open_work_follows_it",
           "tests/browser/test_departments.py::"
           "test_the_administrator_staffs_a_department_and_a_scheduled_handover_applies_on_its_day",
           "src/aiplus/departments/tests/test_api.py::test_a_duty_handed_over_through_the_api_takes_its_open_work",
           "src/aiplus/departments/tests/test_services.py::"
           "test_a_need_goes_to_the_review_department_and_to_the_data_and_compute_departments_it_concerns",
           "src/aiplus/departments/tests/test_api.py::test_a_handover_scheduled_through_the_api_is_listed_and_cancelled",
           "src/aiplus/departments/tests/test_api.py::"
           "test_the_administrator_removes_a_member_through_the_api_but_not_the_head"],
    gaps=[("两部条例第五条、第四条条文未公开，部门分工均为平台设置",
           "the texts of Suzhou art. 5 and Guangdong art. 4 are not public, so every assignment is a platform "
           "setting")],
)
