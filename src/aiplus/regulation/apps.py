from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class RegulationConfig(AppConfig):
    name = "aiplus.regulation"
    label = "regulation"
    verbose_name = _("规则包")

    def ready(self) -> None:
        # Every app declares what it implements, with its evidence, in its own features.py.
        autodiscover_modules("features")
