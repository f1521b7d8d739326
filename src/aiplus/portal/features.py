"""What the public portal lets users do, the articles it serves, and the evidence (see aiplus.regulation.coverage).

Notices are published today only by the demo seeder (`services.publish_notice`): the feature names no evidence, so
the articles it serves read as partial until a page, an API operation and a test exist."""

from aiplus.regulation.coverage import declare

declare(
    "portal.notices", title_zh="通知公告发布", title_en="Public notices",
    articles=[("suzhou", 10), ("guangdong", 30)],
)
