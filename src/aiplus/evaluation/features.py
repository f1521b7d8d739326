"""What the evaluation app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

Issue 14: the testing platform of Suzhou art. 37 (TC260-003 / GB/T 45654-2025). The question banks alone are one part
of it (declared in part); runs against real endpoints with judges, results, signed reports and re-test, driven end
to end through the pages (tests/browser/test_evaluation.py, against the real SmolLM2 server and a real worker) and
the API, implement the article."""

from aiplus.regulation.coverage import declare

declare(
    "evaluation.question_banks",
    title_zh="测试题库：生成内容、应拒答、非拒答、关键词库与选择题题库；按声明的映射导入公开题集（未映射题目逐条列出）；"
             "他人审核后方可通过；版本发布后不可更改；对照标准最低数量按附录A风险报告覆盖情况",
    title_en="Question banks: generated-content, should-refuse, non-refusal, keyword and multiple-choice banks; "
             "public sets imported through declared mappings (unmapped items listed); items approved only by "
             "another evaluator; published versions immutable; coverage against the standard's minimums by "
             "Appendix A risk",
    in_part=[("suzhou", 37)],
    pages=["evaluation:banks", "evaluation:bank", "evaluation:items", "evaluation:coverage"],
    api=["aiplus_evaluation_api_list_banks", "aiplus_evaluation_api_get_bank", "aiplus_evaluation_api_create_bank",
         "aiplus_evaluation_api_designate_evaluator", "aiplus_evaluation_api_import_bank",
         "aiplus_evaluation_api_list_items", "aiplus_evaluation_api_review_items",
         "aiplus_evaluation_api_publish_version", "aiplus_evaluation_api_start_version",
         "aiplus_evaluation_api_get_coverage"],
    tests=["tests/browser/test_evaluation.py::test_evaluators_import_review_and_read_coverage",
           "src/aiplus/evaluation/tests/test_pages_api.py::test_bank_cycle_through_the_api"],
    gaps=[
        ("附录A风险分类与题库最低数量中部分数值为平台设置（据二手来源或记忆），须与标准正式文本核对", "the Appendix A "
         "wording and some bank minimums are platform settings (secondary sources or recall) to be checked against "
         "the standard's final text"),
    ],
)

declare(
    "evaluation.runs",
    title_zh="对被测接口（兼容OpenAI的对话服务，密钥加密保存）运行测试方案：按种子抽样、并发与限速、超时重试、断点续跑；"
             "关键词、拒答分类与模型判定逐题记录版本，争议题目人工复核；合格率与Wilson置信区间、对照阈值的结论；"
             "签名测试报告与公开核验；复测逐题对比；已备案服务测评未通过时自动立案",
    title_en="Test plans run against systems under test (OpenAI-compatible chat endpoints, keys stored encrypted): "
             "seeded samples, concurrency and rate limits, timeouts and retries, resumable runs; keyword, refusal "
             "and model judges recorded per item with their versions, disputed items reviewed by a person; pass "
             "rates with Wilson intervals and verdicts against the thresholds; signed reports anyone can verify; "
             "re-test comparison; a failed filed service opens an incident",
    articles=[("suzhou", 37)],
    pages=["evaluation:endpoints", "evaluation:endpoint", "evaluation:run", "evaluation:compare",
           "evaluation:verify"],
    api=["aiplus_evaluation_api_register_endpoint", "aiplus_evaluation_api_start_run",
         "aiplus_evaluation_api_get_run", "aiplus_evaluation_api_list_run_items",
         "aiplus_evaluation_api_review_run_item", "aiplus_evaluation_api_issue_report",
         "aiplus_evaluation_api_download_report", "aiplus_evaluation_api_verify_report",
         "aiplus_evaluation_api_compare_runs", "aiplus_evaluation_api_resume_run"],
    tests=["tests/browser/test_evaluation.py::"
           "test_evaluators_run_a_plan_against_the_model_and_verify_the_signed_report",
           "src/aiplus/evaluation/tests/test_runs_api.py::test_a_run_through_the_api_against_the_model_server"],
    gaps=[
        ("选择题准确率没有规定阈值，只报告比率与置信区间", "closed-form accuracy has no threshold set by any rule: "
         "only the rate and its interval are reported"),
    ],
)
