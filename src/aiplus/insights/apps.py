from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "aiplus.insights"
    label = "insights"
    verbose_name = _("目标与指标")
