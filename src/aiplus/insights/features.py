"""What the insights app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

Issue 17 §1: targets and indicators. Suzhou art. 4 and Guangdong art. 3 (政府职责) are known by their topics: the
governments set development goals and see that they are met; Guangdong art. 15 (产业集聚发展) by its topic; the
targets themselves are the official plans' (the `targets.*` parameters)."""

from aiplus.regulation.coverage import declare

_PAGES = ["insights:index", "insights:dashboard", "insights:indicator", "insights:observations", "insights:import"]
_API = ["aiplus_insights_api_list_indicators", "aiplus_insights_api_get_dashboard",
        "aiplus_insights_api_get_indicator", "aiplus_insights_api_list_observations",
        "aiplus_insights_api_enter_observation", "aiplus_insights_api_import_observations"]
_TESTS = ["tests/browser/test_insights.py::test_an_official_enters_a_statistic_and_drills_down",
          "src/aiplus/insights/tests/test_statistics.py::test_an_official_enters_corrects_and_the_dashboard_moves",
          "src/aiplus/insights/tests/test_statistics.py::test_a_workbook_is_imported_whole_or_not_at_all"]

declare(
    "insights.targets",
    title_zh="发展目标与指标：目标（规则包参数，注明出处和状态）、由平台记录计算的指标（显示查询、可查看记录）、"
             "主管部门录入或导入的统计数据（来源、日期、更正留痕）、辖区看板（最新值、趋势、预计值、差距、逐级汇总）",
    title_en="Targets and indicators: targets (pack parameters with citation and status), indicators computed from "
             "the platform's records (with their query and records), statistics entered or imported by the "
             "departments (source, date, corrections kept), a dashboard per jurisdiction (latest value, trend, "
             "projection, gap, rolled up from districts)",
    articles=[("suzhou", 4), ("guangdong", [3, 15])],
    pages=_PAGES,
    api=_API,
    tests=_TESTS,
)
declare(
    "insights.infrastructure",
    title_zh="基础设施统筹布局的指标与分布图：接入的算力中心、可调度加速卡与利用率、数据目录公开数据集；"
             "算力中心、数据提供方、产业园区、OPC社区图层",
    title_en="Indicators and map of infrastructure planning: compute centres, placeable accelerator cards and "
             "utilisation, published datasets; layers of compute centres, data providers, parks and OPC communities",
    in_part=[("suzhou", 31)],
    pages=_PAGES,
    api=_API,
    tests=_TESTS,
    gaps=[("布局规划本身（规划、项目、选址）未建模；地图为经纬度散点图（无底图），数据提供方、园区和OPC社区按所在辖区的近似位置",
           "the planning itself (plans, projects, sites) is not modelled; the map is a longitude/latitude scatter "
           "without a base map, and data providers, parks and OPC communities sit at their jurisdiction's "
           "approximate centre")],
)
declare(
    "insights.parks",
    title_zh="产业园区与OPC社区指标：OPC企业、社区、人才数量及其目标",
    title_en="Industrial park and OPC community indicators: OPC enterprises, communities and talents against their "
             "targets",
    in_part=[("suzhou", 41)],
    pages=_PAGES,
    api=_API,
    tests=_TESTS,
    gaps=[("园区尚无园区级指标数据和园区登记（园区仅作为组织类型），园区认定、考核和支持措施未建模",
           "parks have no park-level figures or register (a park is only a kind of organisation); recognising, "
           "assessing and supporting parks is not modelled")],
)
