"""Demo registers: a Suzhou company's foundation model and its fine-tuned child, an algorithm on it, a domestic
accelerator running in the demo's compute pools, an intelligent terminal embedding the model, and an open-source
project, so that `make run` shows the four registers with content (see `portal/demo.py`). The demo's compute app
seeds first (INSTALLED_APPS order), so its pools exist."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from aiplus.algorithms import selectors, services


def seed(context: Any) -> None:
    member = context.people["enterprise-suzhou"]
    organisation = member.role_assignments.filter(organisation__isnull=False).first().organisation
    own = {"acting_user": member, "organisation_id": organisation.pk}

    base = services.create_model(
        **own, name="姑苏通用大模型", kind="foundation", modalities=["text", "image"],
        parameters_billion=Decimal("72"), licence="Apache-2.0", open_weights=True,
        summary="面向苏州制造业与政务服务的中文通用大模型。", filing_status="filed",
        filing_number="Jiangsu-GusuTong-20250101", endpoint_url="https://models.example.invalid/v1",
        is_published=True)
    tuned = services.create_model(
        **own, name="工业质检视觉模型", kind="fine_tuned", base_model_id=base.pk, modalities=["image"],
        parameters_billion=Decimal("7"), licence="proprietary", summary="在姑苏通用大模型上微调的表面缺陷检测模型。",
        is_published=True)
    context.count("models", 2)

    dispatch = services.create_algorithm(
        **own, name="政务热线工单智能分派算法", algorithm_type="scheduling_decision", application_field="政务服务",
        service_name="苏州12345热线", mechanism_summary="根据工单文本与历史承办记录推荐承办部门，由人工确认。",
        model_id=base.pk, is_published=True)
    generation = services.create_algorithm(
        **own, name="姑苏大模型文本生成算法", algorithm_type="generation_synthesis", application_field="内容生成",
        service_name="姑苏通用大模型对话服务", mechanism_summary="基于大模型的文本生成，输出添加隐式标识。",
        model_id=base.pk, is_published=True)
    context.count("algorithms", 2)

    # an algorithm-filing dossier submitted (waiting for the number) and a draft still missing items
    submitted = services.create_filing(
        acting_user=member, algorithm_id=dispatch.pk, launched_on=dt.date(2026, 3, 2),
        legal_representative="王明", security_officer="李华", pledge_provided=True,
        responsibility_report_provided=True, self_assessment="工单分派结果由人工确认，不直接面向公众推送信息。",
        public_notice="本算法根据工单文本推荐承办部门，最终由人工确认。", service_form="website",
        access_path="https://12345.example.invalid")
    services.submit_filing(acting_user=member, filing_id=submitted.pk)
    services.create_filing(acting_user=member, algorithm_id=generation.pk, launched_on=dt.date(2026, 6, 1),
                           legal_representative="王明", service_form="app")
    context.count("algorithm filings", 2)

    pools = [p.pk for p in selectors.pool_choices().filter(accelerator_model="ascend-910b")]
    services.create_hardware(
        **own, name="昇腾 910B", kind="accelerator", vendor="华为", domestic=True, fp16_tflops=Decimal("320"),
        memory_gb=64, pool_ids=pools, is_published=True)
    services.create_hardware(
        **own, name="质检一体机 QC-1", kind="terminal", vendor=organisation.name, domestic=True,
        summary="产线边缘质检终端，内置工业质检视觉模型。", model_ids=[tuned.pk], is_published=True)
    context.count("hardware", 2)

    services.create_project(
        **own, name="苏州工业视觉开源工具包", repository_url="https://git.example.invalid/sz-vision",
        licence="Apache-2.0", summary="工业视觉数据标注与推理工具。", support_received="苏州市开源项目资助（演示）",
        support_amount_cny=Decimal("500000"), is_published=True)
    context.count("open-source projects")
