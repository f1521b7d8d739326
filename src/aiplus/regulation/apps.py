from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegulationConfig(AppConfig):
    name = "aiplus.regulation"
    label = "regulation"
    verbose_name = _("规则包")
