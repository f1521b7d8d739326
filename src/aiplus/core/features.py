"""Kernel features that are models or pages rather than one service function, with the articles they serve."""

from aiplus.core import services, workflow  # noqa: F401  (their @implements declarations register on import)
from aiplus.regulation.coverage import declare

declare(
    "core.jurisdictions", module="core",
    title_zh="辖区层级与跨境区域（粤港澳大湾区九市及港澳）",
    title_en="Jurisdictions and cross-border regions (GBA: nine mainland cities, Hong Kong, Macao)",
    articles=[("suzhou", 6), ("guangdong", 22)],
    url_name="portal:jurisdictions",
)
declare(
    "core.departments", module="core",
    title_zh="部门及其职责（由规则包载入）", title_en="Departments and their duties (from the packs)",
    articles=[("suzhou", 4), ("suzhou", 5), ("guangdong", 3)],
    url_name="portal:departments",
)
declare(
    "core.audit", module="core",
    title_zh="全部写操作的审计日志", title_en="Audit log of every write",
    articles=[("suzhou", 47), ("guangdong", 5)],
    url_name="portal:audit",
)
declare(
    "core.workflow_timers", module="core",
    title_zh="按法定工作日计算的流程时限", title_en="Workflow deadlines in official working days",
    articles=[("suzhou", 5)],
)
declare(
    "regulation.glossary", module="regulation",
    title_zh="术语与定义", title_en="Glossary of defined terms",
    articles=[("suzhou", 2), ("guangdong", 2)],
    url_name="portal:glossary",
)
declare(
    "regulation.effective_dates", module="regulation",
    title_zh="规则包生效日期与版本", title_en="Effective dates and versions of the packs",
    articles=[("suzhou", 50), ("guangdong", 34)],
    url_name="portal:coverage",
)
declare(
    "portal.public_site", module="portal",
    title_zh="公众门户：政策、通知与覆盖情况", title_en="Public portal: policies, notices and coverage",
    articles=[("suzhou", 10), ("guangdong", 30)],
    url_name="portal:home",
)
