from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "aiplus.support"
    label = "support"
    verbose_name = _("扶持政策")
