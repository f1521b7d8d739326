"""Demo data of the measures (fictional): a Suzhou company's verified patent and standard and a pending talent
record, a bank's offers and the company's financing request, parks' and carriers' indicators, and a Shenzhen firm's
figures that put it on a cultivation list (see `portal/demo.py`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from aiplus.measures import services

SOURCE = "演示数据（虚构）"


def seed(context: Any) -> None:
    kinds = context.organisations
    member, official = context.people["enterprise-suzhou"], context.people["official-suzhou"]
    company = next(o for o in kinds["enterprise"] if o.jurisdiction.code.startswith("suzhou"))
    year = dt.date.today().year
    patent = services.submit_record(acting_user=member, organisation_id=company.pk, registry="ip",
                                    category="invention_patent", title="一种面向工业质检的大模型推理加速方法",
                                    number="ZL2025DEMO0001.X", granted_on=dt.date(year - 1, 6, 1),
                                    evidence="专利证书（演示）")
    standard = services.submit_record(acting_user=member, organisation_id=company.pk, registry="standard",
                                      category="group", role="led", title="工业视觉大模型应用评估规范（演示）",
                                      number="T/DEMO 001-2025", granted_on=dt.date(year - 1, 9, 1),
                                      evidence="团体标准发布公告（演示）")
    for record in (patent, standard):
        services.verify_record(acting_user=official, record_id=record.pk, approve=True)
    services.submit_record(acting_user=member, organisation_id=company.pk, registry="talent",
                           category="talent_municipal", title="算法工程师入选市级人才计划（演示）",
                           number="DEMO-TALENT-001", granted_on=dt.date(year - 1, 3, 1), evidence="入选文件（演示）")
    context.count("measures records", 3)

    banks = kinds.get("financial_institution") or []
    if banks:
        bank = banks[0]
        services.publish_offer(acting_user=context.admin, organisation_id=bank.pk,
                               title="人工智能早期股权投资基金（演示）", kind="equity_fund",
                               terms="投资大模型应用研发的初创企业，提供股权融资",
                               sectors=["industry"], stages=["seed", "early"], nationwide=True,
                               amount_min_cny=Decimal(1_000_000), amount_max_cny=Decimal(20_000_000))
        services.publish_offer(acting_user=context.admin, organisation_id=bank.pk, title="大模型科技贷（演示）",
                               kind="bank_loan", terms="面向大模型企业的流动资金贷款融资", sectors=["industry"],
                               stages=["growth", "mature"], nationwide=True, amount_min_cny=Decimal(500_000),
                               amount_max_cny=Decimal(50_000_000))
        services.create_request(acting_user=member, organisation_id=company.pk, title="工业质检大模型研发融资",
                                purpose="大模型应用研发和产品推广", sector="industry.manufacturing", stage="early",
                                amount_cny=Decimal(5_000_000))
        context.count("financing offers", 2)

    figures = [(o, {"area_m2": 200_000, "occupied_m2": 168_000, "firms": 240, "output_cny": Decimal(12_000_000_000)})
               for o in (kinds.get("park") or [])[:2]]
    figures += [(o, {"firms": 35, "output_cny": Decimal(300_000_000)})
                for o in ((kinds.get("research_institute") or []) + (kinds.get("university") or []))[:2]]
    shenzhen = [o for o in kinds["enterprise"] if o.jurisdiction.code.startswith("shenzhen")]
    if shenzhen:
        figures.append((shenzhen[0], {"output_cny": Decimal(80_000_000), "revenue_growth_pct": Decimal(45),
                                      "valuation_cny": Decimal(3_000_000_000)}))
    for organisation, values in figures:
        services.record_indicators(acting_user=context.admin, organisation_id=organisation.pk, year=year - 1,
                                   source=SOURCE, **values)
    context.count("organisation indicators", len(figures))
