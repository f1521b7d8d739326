"""What the evaluation app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

The first slice of issue 14: the testing platform's question banks as governed assets (TC260-003 / GB/T 45654-2025
8.1–8.3 and Appendix A). Suzhou art. 37 sets up a testing platform; the banks are one part of it, so the article is
declared in part, with what is not built said in the gaps."""

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
        ("尚不能对被测模型接口发起测试运行（接口登记、抽样、并发与限速、断点续跑）", "runs against model endpoints "
         "(endpoint registry, sampling, concurrency and rate limits, resumable runs) are not built"),
        ("判定器（关键词、拒答分类、模型判定）尚未接入运行，人工复核争议题目尚未实现", "judges (keyword, refusal "
         "classifier, model judge) are not wired into runs; human review of disputed items is not built"),
        ("尚无合格率、置信区间、阈值结论与签名测试报告，亦无复测对比", "no pass rates, confidence intervals, "
         "threshold verdicts or signed test reports, and no re-test comparison"),
        ("附录A风险分类与题库最低数量中部分数值为平台设置（据二手来源或记忆），须与标准正式文本核对", "the Appendix A "
         "wording and some bank minimums are platform settings (secondary sources or recall) to be checked against "
         "the standard's final text"),
    ],
)
