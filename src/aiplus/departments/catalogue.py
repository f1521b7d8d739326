"""The platform's work a duty covers: a code per kind of work, with its name. A pack's departments.yaml says which
department of its jurisdiction holds each (`work: [...]` under a duty); the holder changes by a handover."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COORDINATION = "coordination"
SCENARIO_REVIEW = "scenarios.review"
DATA_SUPPLY = "data.supply"
COMPUTE_ALLOCATION = "compute.allocation"
INCIDENTS = "incidents.handle"
CII_POLICE = "incidents.cii_police"
SUPPORT_APPLICATIONS = "support.applications"
ETHICS_REVIEW = "ethics.review"
FILINGS_GUIDANCE = "filings.guidance"
SANDBOX_SUPERVISION = "sandbox.supervision"
RISK_SUPERVISION = "risk.supervision"
OPC_RESIDENCY = "opc.residency"
MEASURES_VERIFICATION = "measures.verification"

WORK = {
    COORDINATION: _("统筹协调与职责移交"),
    SCENARIO_REVIEW: _("场景需求审核"),
    DATA_SUPPLY: _("场景所需数据的供给"),
    COMPUTE_ALLOCATION: _("场景所需算力的统筹"),
    INCIDENTS: _("人工智能安全事件的研判与处置"),
    CII_POLICE: _("关键信息基础设施网络安全事件报告的接收（公安机关）"),
    SUPPORT_APPLICATIONS: _("扶持申请的形式审查与决定"),
    ETHICS_REVIEW: _("科技伦理审查的组织"),
    FILINGS_GUIDANCE: _("算法与生成式人工智能备案辅导"),
    SANDBOX_SUPERVISION: _("沙盒监管的入盒审查与定期报告跟踪"),
    RISK_SUPERVISION: _("人工智能应用的监督检查与整改核验"),
    OPC_RESIDENCY: _("一人公司社区入驻的审核"),
    MEASURES_VERIFICATION: _("人才、知识产权与标准登记的核验"),
}
CHOICES = list(WORK.items())


def label(code: str) -> str:
    """The work's name in the active language (the code itself if the catalogue does not know it)."""
    return str(WORK.get(code, code))
