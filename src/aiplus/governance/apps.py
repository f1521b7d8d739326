from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "aiplus.governance"
    label = "governance"
    verbose_name = _("安全治理与科技伦理")
