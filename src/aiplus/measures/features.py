"""What the measures app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

Issue 16 §4: finance (financing requests matched to funds, banks and guarantee schemes; a loan interest subsidy as a
programme), the talent, IP and standards registers that programmes read as eligibility facts once an official has
verified them, enterprise cultivation tiers computed from registered facts, and the indicators of parks, research
carriers and firms."""

from aiplus.regulation.coverage import declare

_BROWSER = "tests/browser/test_measures.py::test_registered_results_make_a_company_eligible_and_a_request_is_matched"
_API = "src/aiplus/measures/tests/test_api.py::"
_REGISTER_PAGES = ["measures:records", "measures:record"]
_REGISTER_API = ["aiplus_measures_api_list_records", "aiplus_measures_api_submit_record",
                 "aiplus_measures_api_verify_record", "aiplus_measures_api_get_record"]
_AMOUNTS_GAP = ("奖励金额、门槛均为平台设置（未找到已核实的数值）；登记材料以文件名称或编号记录，尚不能上传文件",
                "award amounts and thresholds are platform settings (no verified figure was found); evidence is "
                "recorded by file name or number, files cannot be uploaded yet")

declare(
    "measures.ip_register",
    title_zh="知识产权登记：人工智能成果的专利和软件著作权由单位登记、主管部门核验，计入知识产权奖励等扶持项目的申报条件",
    title_en="IP register: patents and software copyrights of AI results, entered by the organisation and verified "
             "by an official, counted as eligibility facts of the IP award and other programmes",
    articles=[("suzhou", 44), ("guangdong", 28)],
    pages=_REGISTER_PAGES, api=_REGISTER_API,
    tests=[_BROWSER, _API + "test_a_verified_patent_and_standard_make_the_ip_and_standards_programmes_eligible"],
    gaps=[_AMOUNTS_GAP],
)
declare(
    "measures.standards_register",
    title_zh="标准登记：单位主导或参与制定的国际、国家、行业和团体标准，经核验后计入标准奖励的申报条件",
    title_en="Standards register: international, national, industry and group standards an organisation led or "
             "joined, counted once verified as eligibility facts of the standards awards",
    articles=[("suzhou", 45), ("guangdong", 29)],
    pages=_REGISTER_PAGES, api=_REGISTER_API,
    tests=[_BROWSER, _API + "test_a_verified_patent_and_standard_make_the_ip_and_standards_programmes_eligible"],
    gaps=[_AMOUNTS_GAP],
)
declare(
    "measures.talent_register",
    title_zh="人才登记：单位人员入选人才计划的记录，经核验后计入人才奖励的申报条件",
    title_en="Talent register: staff selected for talent programmes, counted once verified as eligibility facts of "
             "the talent awards",
    articles=[("suzhou", 43), ("guangdong", 25)],
    pages=_REGISTER_PAGES, api=_REGISTER_API,
    tests=[_API + "test_a_verified_talent_award_makes_the_talent_award_eligible"],
    gaps=[_AMOUNTS_GAP, ("人才住房、技能评价等其他人才服务未建模", "talent housing, skills-based evaluation and other "
                         "talent services are not modelled")],
)
declare(
    "measures.finance",
    title_zh="金融支持：企业融资需求用匹配引擎对接基金、银行和融资担保产品并说明理由；获得银行贷款的可申请科技贷款贴息",
    title_en="Finance: financing requests matched to fund, bank and guarantee offers with the matching engine, with "
             "reasons; a bank loan obtained makes the firm eligible for the loan interest subsidy",
    articles=[("suzhou", 40), ("guangdong", 26)],
    pages=["measures:requests", "measures:request", "measures:offers"],
    api=["aiplus_measures_api_list_requests", "aiplus_measures_api_create_request", "aiplus_measures_api_get_request",
         "aiplus_measures_api_record_financing", "aiplus_measures_api_list_offers",
         "aiplus_measures_api_publish_offer"],
    tests=[_BROWSER, _API + "test_a_financing_request_is_matched_with_reasons_and_a_loan_makes_the_interest_subsidy_"
                            "eligible"],
    gaps=[("贴息比例和上限为平台设置；保险、风险补偿资金池和投贷联动未建模；金融机构的授信决定在平台外",
           "the interest subsidy's rate and cap are platform settings; insurance, risk-compensation pools and "
           "investment-loan linkage are not modelled; the institutions' credit decisions happen off the platform")],
)
declare(
    "measures.cultivation",
    title_zh="企业培育名单：独角兽、专精特新、高成长等梯度名单，条件为规则包数据，按登记并核验的事实计算并说明理由",
    title_en="Enterprise cultivation lists (unicorn, specialised and innovative, high growth): criteria as pack data, "
             "computed from registered and verified facts, with reasons",
    articles=[("guangdong", 13)],
    pages=["measures:cultivation", "measures:indicators"],
    api=["aiplus_measures_api_list_cultivation", "aiplus_measures_api_record_indicators"],
    tests=[_API + "test_an_official_records_a_parks_indicators_and_a_shenzhen_firm_is_tiered_with_reasons"],
    gaps=[("名单条件和门槛是平台的工作定义（平台设置），名单的认定、公示和动态调整程序未建模",
           "the tiers' criteria and thresholds are the platform's working definitions (platform settings); "
           "recognising, publishing and revising the lists is not modelled")],
)
declare(
    "measures.carriers",
    title_zh="产业园区和科研、成果转化载体：作为组织登记，由主管部门录入面积、入驻率、入驻或服务企业数和产值，进入统计看板",
    title_en="Industrial parks and research and transformation carriers: organisations whose area, occupancy, firms "
             "and output officials record, feeding the indicators dashboard",
    in_part=[("suzhou", 41), ("suzhou", 42), ("guangdong", 11), ("guangdong", 12)],
    pages=["measures:indicators"],
    api=["aiplus_measures_api_list_indicators", "aiplus_measures_api_record_indicators"],
    tests=[_API + "test_an_official_records_a_parks_indicators_and_a_shenzhen_firm_is_tiered_with_reasons"],
    gaps=[("园区和载体的认定、考核与支持措施未建模；关键技术研发的揭榜挂帅在场景模块，载体只记录其指标",
           "recognising, assessing and supporting parks and carriers is not modelled; open calls for key "
           "technologies live in the scenarios module, carriers only carry their indicators"),
          ("指标为每个单位的当前值（可更正），不保留逐年序列", "indicators are each organisation's current figures "
           "(correctable); no year-by-year series is kept")],
)
