from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    name = "aiplus.sandbox"
    label = "sandbox"
    verbose_name = _("沙盒监管与创新容错")
