"""Demo data hub: a small public-data catalogue (open and conditionally open datasets, one high-quality training
set), a pending access request and a graded asset, so that `make run` shows the catalogue, access and
classification pages with content (see `portal/demo.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiplus.datahub import services

DATASETS = [
    ("sz-opendata-enterprise-registry", "苏州市企业登记基本信息", "市场主体登记的名称、类型、成立日期、行业等字段。",
     "市场监管", "经济建设", "unconditional", "tabular", "4", 1_250_000, False, ["企业", "登记", "市场主体"]),
    ("sz-opendata-bus-realtime", "苏州市公交车辆实时位置", "公交车辆GPS实时位置与到站预测接口。",
     "交通运输", "城建住房", "conditional", "tabular", "1", 86_000_000, False, ["公交", "实时", "交通"]),
    ("sz-corpus-gov-hotline", "12345热线脱敏工单语料（高质量数据集）",
     "经脱敏与人工标注的热线工单文本，含诉求分类与承办部门标签，可用于大模型微调。",
     "政务服务", "公共服务", "conditional", "text", "5", 480_000, True, ["语料", "工单", "大模型", "标注"]),
    ("sz-industry-defect-images", "汽车零部件表面缺陷图像集", "冲压件、压铸件表面缺陷图像及像素级标注。",
     "制造业", "产业发展", "conditional", "image", "7", 100_000, True, ["工业视觉", "缺陷检测", "图像"]),
]


def seed(context: Any) -> None:
    people = context.people
    provider, member = people["provider-data"], people["enterprise-suzhou"]
    provider_org = provider.role_assignments.filter(organisation__isnull=False).first().organisation
    member_org = member.role_assignments.filter(organisation__isnull=False).first().organisation

    datasets = []
    for (identifier, title, description, sector, theme, open_attribute, modality, frequency, records, high_quality,
         keywords) in DATASETS:
        datasets.append(services.create_dataset(
            acting_user=provider, provider_id=provider_org.pk, identifier=identifier, title=title,
            description=description, sector=sector, theme=theme, open_attribute=open_attribute, modality=modality,
            update_frequency=frequency, record_count=records, high_quality=high_quality, keywords=keywords,
            language="zh", issued=dt.date(2025, 6, 1), spatial_coverage="苏州市", is_published=True,
            annotation_method="人工标注、双人复核" if high_quality else "",
            distributions=[{"identifier": f"{identifier}-csv", "title": title, "format": "CSV",
                            "media_type": "text/csv", "access_url": f"https://data.example.invalid/{identifier}"}]))
    context.count("datasets", len(datasets))

    services.request_access(acting_user=member, dataset_id=datasets[2].pk, purpose="训练政务热线工单分派模型",
                            usage_scope="仅限本单位研发环境，不对外提供",
                            security_measures="内网隔离、访问日志、脱敏复核",
                            duration_days=180)
    # A delivered data grant: the enterprise asked for the defect-image set, the data provider approved it today,
    # the agreement is in force from today for the requested term, and the grantee's request page lists the
    # addresses to reach the data (datahub.selectors.delivery).
    granted = services.request_access(
        acting_user=member, dataset_id=datasets[3].pk, purpose="训练冲压件表面缺陷检测模型",
        usage_scope="仅限本单位质检模型训练，不向第三方提供", security_measures="专用训练集群、访问日志、到期删除",
        duration_days=365)
    services.decide_access(acting_user=provider, request_id=granted.pk, decision="approve",
                           comment="用途与范围符合开放条件，同意按协议使用。")
    context.count("access requests", 2)
    context.count("data grants")

    services.register_asset(acting_user=member, organisation_id=member_org.pk, name="产线质检图像库",
                            category="工业数据", grade="general", internal_level=2, legal_basis="GB/T 43697-2024")
    context.count("data assets")
