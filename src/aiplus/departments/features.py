"""What the departments app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

Issue 17 §2: departments and their duties as data (Suzhou art. 5 部门职责, Guangdong art. 4 部门职责, both known
only by their titles, inferred from the drafting explanations): each kind of the platform's work is a duty held by
one department of a jurisdiction (the pack's assignment, a platform setting unless an official source is cited);
workflow steps route their work to the holder's queue; a handover moves a duty with its open work; overdue work
escalates to the department's head."""

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
         "aiplus_departments_api_list_work", "aiplus_departments_api_hand_over"],
    tests=["tests/browser/test_departments.py::test_a_duty_moves_and_its_open_work_follows_it",
           "src/aiplus/departments/tests/test_api.py::test_a_duty_handed_over_through_the_api_takes_its_open_work",
           "src/aiplus/departments/tests/test_services.py::"
           "test_a_need_goes_to_the_review_department_and_to_the_data_and_compute_departments_it_concerns"],
    gaps=[("两部条例第五条、第四条条文未公开，部门分工均为平台设置；预约（未来生效）的职责移交尚未提供",
           "the texts of Suzhou art. 5 and Guangdong art. 4 are not public, so every assignment is a platform "
           "setting; a handover taking effect on a future date is not built"),
          ("科技伦理审查与备案指导两项职责已分工，但尚未接入对应流程的待办；部门成员与负责人只能由超级管理员通过接口设置",
           "the ethics-review and filing-guidance duties are assigned but their workflows do not open work items "
           "yet; department members and heads are set by a superuser through the API only")],
)
