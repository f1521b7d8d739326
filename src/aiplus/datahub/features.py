"""What the data hub lets users do, the articles it serves, and the evidence (see aiplus.regulation.coverage).

Classification and grading, the important-data catalogue and processors' duty clocks carry out national data-security
rules (网络数据安全管理条例), not an article of either draft, so they are not declared here."""

from aiplus.regulation.coverage import declare

DATA = [("suzhou", 32), ("guangdong", 8)]  # 数据要素 / 数据
CROSS_BORDER = [("guangdong", 23)]  # 跨境数据流通

declare(
    "datahub.catalogue", title_zh="公共数据与训练数据目录（开放属性、高质量数据集、DCAT-AP 交换）",
    title_en="Public and training data catalogue (open attribute, high-quality sets, DCAT-AP exchange)",
    articles=DATA,
    pages=["datahub:dataset_create", "datahub:dataset_edit", "datahub:service_create", "datahub:service_edit",
           "datahub:catalogue_import", "datahub:catalogue", "datahub:harvest"],
    api=["aiplus_datahub_api_create_dataset", "aiplus_datahub_api_create_data_service",
         "aiplus_datahub_api_update_data_service", "aiplus_datahub_api_import_catalogue",
         "aiplus_datahub_api_search_datasets", "aiplus_datahub_api_validate_catalogue",
         "aiplus_datahub_api_harvest_sources", "aiplus_datahub_api_register_harvest_source",
         "aiplus_datahub_api_queue_harvest"],
    tests=["tests/browser/test_datahub.py::test_provider_publishes_and_edits_a_dataset_through_the_page",
           "src/aiplus/datahub/tests/test_catalogue_entry.py::"
           "test_provider_creates_a_dataset_with_distributions_through_the_page",
           "src/aiplus/datahub/tests/test_catalogue_entry.py::test_provider_registers_a_data_service_through_page_and_api",
           "src/aiplus/datahub/tests/test_catalogue_entry.py::test_theme_and_high_quality_are_facets_on_page_and_api",
           "src/aiplus/datahub/tests/test_audit_gaps.py::test_import_page_uploads_and_refuses_what_it_cannot_place",
           "src/aiplus/datahub/tests/test_dcat_import_rdf.py::"
           "test_the_import_page_takes_turtle_for_a_provider_and_shows_what_it_kept",
           "src/aiplus/datahub/tests/test_dcat_import_rdf.py::test_the_api_takes_rdf_xml",
           "src/aiplus/datahub/tests/test_harvest.py::"
           "test_an_official_registers_and_harvests_a_source_through_the_page",
           "src/aiplus/datahub/tests/test_harvest.py::test_an_official_registers_and_harvests_a_source_through_the_api",
           "src/aiplus/datahub/tests/test_dcat_ap.py::"
           "test_the_api_validates_a_file_in_the_requests_language_and_writes_nothing"],
)
declare(
    "datahub.conditional_access", title_zh="有条件开放数据的申请、审核、协议与撤销",
    title_en="Requests, review, agreements and revocation for conditionally open data",
    articles=DATA,
    pages=["datahub:dataset", "datahub:access_request", "datahub:access_requests"],
    api=["aiplus_datahub_api_request_access", "aiplus_datahub_api_decide_access", "aiplus_datahub_api_revoke_access",
         "aiplus_datahub_api_access_requests"],
    tests=["src/aiplus/datahub/tests/test_access_journey.py::test_access_is_requested_approved_and_revoked_through_the_api",
           "src/aiplus/datahub/tests/test_access_journey.py::test_access_is_requested_and_approved_through_the_pages"],
)
declare(
    "datahub.crossborder", title_zh="数据出境路径判定（引导式自评、可打印决定）、年度累计人数与法定时限",
    title_en="Cross-border transfer pathway decisions (guided self-assessment, printable decision), annual counters "
             "and legal deadlines",
    articles=CROSS_BORDER,
    # The printable decision (datahub:assess_decision) answers the assessment form's POST: it is reached from
    # datahub:assess, not a page a link can open (a GET is 405), so the coverage page does not link it.
    pages=["datahub:assess", "datahub:filings"],
    api=["aiplus_datahub_api_assess", "aiplus_datahub_api_record_transfer", "aiplus_datahub_api_register_processor",
         "aiplus_datahub_api_processors"],
    tests=["tests/browser/test_datahub.py::test_guided_assessment_end_to_end",
           "src/aiplus/datahub/tests/test_datahub.py::test_guided_assessment_asks_missing_facts_then_decides",
           "src/aiplus/datahub/tests/test_datahub.py::test_api_assess_cites_in_the_request_language",
           "src/aiplus/datahub/tests/test_audit_gaps.py::"
           "test_processor_page_and_recording_assessed_transfers_update_the_counter",
           "src/aiplus/datahub/tests/test_audit_gaps.py::test_api_processors_and_counters"],
)
declare(
    "datahub.gba_filing", title_zh="粤港澳大湾区个人信息跨境标准合同备案（10个工作日时限、回执）",
    title_en="GBA personal-information standard-contract filings (10-working-day clock, receipt)",
    articles=CROSS_BORDER,
    pages=["datahub:filings", "datahub:filing_receipt"],
    api=["aiplus_datahub_api_create_gba_filing", "aiplus_datahub_api_file_gba_filing", "aiplus_datahub_api_gba_filings",
         "aiplus_datahub_api_assess_gba"],
    tests=["src/aiplus/datahub/tests/test_audit_gaps.py::test_filings_page_registers_files_and_shows_officials_the_clock"],
    gaps=[("通过 API 备案只测试了拒绝情形", "filing through the API is tested only for refusals")],
)
