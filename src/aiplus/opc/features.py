"""What the OPC app lets users do, the articles it serves and the evidence (see aiplus.regulation.coverage).

Issue 16 §3: the OPC register with the platform's working definition (Suzhou draft art. 7), OPC communities and
residencies with their KPIs against the packs' targets, and the entitlement bundle admission grants, paid through
the support app. Guangdong draft art. 27 (用地) is served in part: space for AI firms as OPC communities only."""

from aiplus.regulation.coverage import declare

_FLOW = "tests/browser/test_opc.py::test_a_founder_is_admitted_to_a_community_and_paid_its_first_entitlement"
_API = "src/aiplus/opc/tests/test_api.py::test_the_opc_flow_through_the_api_pays_the_bundle_through_the_ledger"

declare(
    "opc.register",
    title_zh="一人公司（OPC）登记：创办人、从业人数、AI工具栈、发展阶段和里程碑（工商登记、政策匹配、融资），按平台工作定义检验并说明理由；入驻OPC社区后申领入驻权益包，经扶持申请、决定和分期拨付兑现",
    title_en="The one-person company (OPC) register: founders, headcount, AI tool stack, stage and milestones "
             "(registered, policy matched, financed), checked against the platform's working definition with "
             "reasons; once admitted to an OPC community, the entitlement bundle is claimed and paid through support "
             "applications, decisions and tranches",
    articles=[("suzhou", 7)],
    pages=["opc:profiles", "opc:profile", "opc:communities", "opc:community", "support:application"],
    api=["aiplus_opc_api_list_profiles", "aiplus_opc_api_register_opc", "aiplus_opc_api_update_opc",
         "aiplus_opc_api_get_profile", "aiplus_opc_api_apply_residency", "aiplus_opc_api_decide_residency",
         "aiplus_opc_api_claim_entitlement", "aiplus_support_api_pay_tranche"],
    tests=[_FLOW, _API],
    gaps=[("一人公司定义为平台工作定义（参照武汉），苏州条例送审稿未公布定义原文；创办人按姓名登记，未关联实名核验",
           "the OPC definition is the platform's working definition (following Wuhan): the Suzhou 送审稿's own "
           "wording is not published; founders are recorded by name, without identity verification")],
)
declare(
    "opc.communities",
    title_zh="OPC社区：运营单位、辖区、面积、工位、服务；入驻（工位、租金减免、期限）由运营单位决定；入驻率、入驻企业和人才指标，辖区指标对照规则包目标（苏州2028年、广东2028年、深圳2027年万平方米以上社区）",
    title_en="OPC communities: operator, jurisdiction, area, seats, services; residencies (seat, rent relief, term) "
             "decided by the operator; occupancy, firms and talents, and each jurisdiction's figures against the "
             "packs' targets (Suzhou 2028, Guangdong 2028, Shenzhen 2027 communities of at least 10,000 m²)",
    articles=[("suzhou", 7)],
    in_part=[("guangdong", 27)],
    pages=["opc:communities", "opc:community", "opc:kpis"],
    api=["aiplus_opc_api_list_communities", "aiplus_opc_api_create_community", "aiplus_opc_api_get_community",
         "aiplus_opc_api_list_kpis"],
    tests=[_FLOW, _API],
    gaps=[("用地：产业用地指标、供地方式和园区规划尚未建模，仅有OPC社区的空间（面积、工位、租金减免）",
           "land use: industrial land quotas, land supply and park planning are not modelled; only OPC community "
           "space (area, seats, rent relief) is"),
          ("OPC人才数以在册一人公司从业人数合计计量（平台口径）；社区认定标准未公布，由辖区主管部门登记",
           "OPC talents are counted as the headcount of registered OPCs (the platform's measure); no recognition "
           "criteria for communities are published, an official of the jurisdiction records them")],
)
