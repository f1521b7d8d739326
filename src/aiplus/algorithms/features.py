"""What the registers of models, algorithms, hardware and open-source projects let users do, the articles they
serve and the evidence (see aiplus.regulation.coverage).

The registers are the first part of issue 13, the filing dossiers (算法备案, 生成式人工智能服务上线备案与登记) with
their clocks the second, the AIGC labels the third (aiplus.algorithms.aigc). No support measure (funding, calls) is
run here; each declaration says so in its gaps."""

from aiplus.regulation.coverage import declare

# a model's signed evaluation reports on its page and API detail, and on the page of a terminal embedding it
REPORTS_TEST = ("src/aiplus/evaluation/tests/test_model_reports.py::"
                "test_the_model_and_the_terminal_embedding_it_list_the_reports_to_those_who_may_open_them")

declare(
    "algorithms.models", title_zh="模型登记（基础、行业、微调模型，模态、参数规模、许可、备案编号）",
    title_en="Model register (foundation, vertical and fine-tuned models; modalities, scale, licence, filing number)",
    articles=[("guangdong", 10), ("suzhou", 33)],
    pages=["algorithms:models", "algorithms:model", "algorithms:model_create", "algorithms:model_edit"],
    api=["aiplus_algorithms_api_list_models", "aiplus_algorithms_api_get_model", "aiplus_algorithms_api_create_model",
         "aiplus_algorithms_api_update_model", "aiplus_algorithms_api_publish_model"],
    tests=["tests/browser/test_algorithms.py::test_member_registers_a_model_and_an_algorithm_and_finds_them",
           "src/aiplus/algorithms/tests/test_registers.py::test_model_is_registered_edited_and_published_through_the_api",
           REPORTS_TEST],
    gaps=[("上线备案取得编号后由主管部门登记的编号写入模型；平台建成前已取得的编号由企业自行填写",
           "a launch filing's number recorded by an official is written on the model; a number obtained before the "
           "platform existed is typed by the company")],
)
declare(
    "algorithms.algorithms", title_zh="算法登记（五类算法、应用领域、支撑的服务、机制机理）",
    title_en="Algorithm register (the five CAC types, application field, service powered, mechanism)",
    articles=[("guangdong", 9), ("suzhou", 33)],
    pages=["algorithms:algorithms", "algorithms:algorithm", "algorithms:algorithm_create",
           "algorithms:algorithm_edit"],
    api=["aiplus_algorithms_api_list_algorithms", "aiplus_algorithms_api_get_algorithm",
         "aiplus_algorithms_api_create_algorithm", "aiplus_algorithms_api_update_algorithm"],
    tests=["tests/browser/test_algorithms.py::test_member_registers_a_model_and_an_algorithm_and_finds_them",
           "src/aiplus/algorithms/tests/test_registers.py::test_algorithm_types_come_from_the_pack_on_page_and_api"],
    gaps=[("算法备案材料与时限见“算法备案”", "the algorithm filing dossier and its clocks: see algorithm filings")],
)
declare(
    "algorithms.filings",
    title_zh="备案材料：算法备案、生成式人工智能服务上线备案与登记（材料清单、GB/T 45654-2025 "
             "条款符合性对照表、可打印材料、首次、变更、注销备案时限，主管部门登记备案编号，国家备案数目标）",
    title_en="Filing dossiers: algorithm filings and generative-AI service launch filings and registrations "
             "(checklist of missing items, GB/T 45654-2025 clause conformity table, printable dossier; initial, "
             "change and deregistration deadlines; number recorded by officials; national filing target)",
    articles=[("suzhou", 33)],
    pages=["algorithms:filings", "algorithms:filing", "algorithms:filing_create", "algorithms:filing_pdf"],
    api=["aiplus_algorithms_api_list_filings", "aiplus_algorithms_api_get_filing",
         "aiplus_algorithms_api_create_filing", "aiplus_algorithms_api_update_filing",
         "aiplus_algorithms_api_record_findings", "aiplus_algorithms_api_submit_filing",
         "aiplus_algorithms_api_record_filing_number", "aiplus_algorithms_api_report_change",
         "aiplus_algorithms_api_deregister_filing", "aiplus_algorithms_api_filing_dossier",
         "aiplus_algorithms_api_genai_filing_targets"],
    tests=["tests/browser/test_algorithm_filings.py::test_member_files_an_algorithm_and_the_official_records_the_number",
           "tests/browser/test_algorithm_filings.py::test_member_files_a_model_for_launch_with_the_conformity_table",
           "src/aiplus/algorithms/tests/test_filings.py::test_the_initial_clock_runs_on_the_official_calendar_with_its_citation",
           "src/aiplus/algorithms/tests/test_filings.py::test_separation_of_duties_and_places",
           "src/aiplus/algorithms/tests/test_filings.py::test_the_dossier_through_the_pages",
           "src/aiplus/algorithms/tests/test_filings.py::test_the_dossier_through_the_api",
           "src/aiplus/algorithms/tests/test_genai_filings.py::test_the_launch_filing_through_the_pages_and_its_pdf",
           "src/aiplus/algorithms/tests/test_genai_filings.py::test_the_launch_filing_and_a_registration_through_the_api"],
    gaps=[("提交在网信部门备案系统中办理，平台只记录；省级初审、国家终审两个阶段不分别记录，备案编号登记一次",
           "submission happens in the CAC filing system and is only recorded here; the provincial first review and "
           "the central final review are not recorded separately, the number is recorded once"),
          ("承诺书、标注规则、关键词库、测试题库等附件只记录是否提供，不保存文件",
           "the attachments (pledges, annotation rules, keyword library, test banks) are recorded as provided or "
           "not; their files are not stored"),
          ("条款对照表按标准目录列到条（第5–8章），条下的具体要求以标准文本为准",
           "the conformity table lists the standard's clauses as its table of contents gives them (chapters 5–8), "
           "not the requirements inside each clause"),
          ("安全评估报告待评测平台建成后关联", "the security assessment report is to be linked once the "
           "evaluation platform exists")],
)
declare(
    "algorithms.hardware",
    title_zh="硬件登记（加速卡、服务器是否国产与算力指标、部署的资源池；智能终端与产品内置的模型）",
    title_en="Hardware register (accelerators and servers: domestic or not, compute figures, pools they run in; "
             "intelligent terminals and products with their models)",
    articles=[("suzhou", 35), ("guangdong", 14)],
    pages=["algorithms:hardware", "algorithms:device", "algorithms:device_create", "algorithms:device_edit"],
    api=["aiplus_algorithms_api_list_hardware", "aiplus_algorithms_api_create_hardware",
         "aiplus_algorithms_api_update_hardware"],
    tests=["src/aiplus/algorithms/tests/test_registers.py::test_hardware_is_registered_through_the_page_with_pools_and_models",
           REPORTS_TEST],
    gaps=[("只是登记：硬件攻关与首台（套）等支持措施、智能产品的推广应用尚无功能",
           "a register only: no support measure for hardware breakthroughs or for bringing intelligent products "
           "to market is run here")],
)
declare(
    "algorithms.open_source", title_zh="开源项目登记（代码仓库、SPDX 许可、维护单位、获得的支持）",
    title_en="Open-source project register (repository, SPDX licence, maintainers' organisation, support received)",
    in_part=[("suzhou", 36)],  # the article is about support for open-source communities, not only their list
    pages=["algorithms:projects", "algorithms:project", "algorithms:project_create"],
    api=["aiplus_algorithms_api_list_projects", "aiplus_algorithms_api_create_project"],
    tests=["src/aiplus/algorithms/tests/test_registers.py::test_project_is_registered_through_the_page_and_found_in_chinese"],
    gaps=[("只记录已获得的支持（文字与金额）：开源社区的资助申请、评审与拨付尚无功能",
           "only the support received is recorded (text and amount): no application, review or payment of "
           "open-source support is run here")],
)
