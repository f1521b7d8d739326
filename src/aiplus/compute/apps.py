from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComputeConfig(AppConfig):
    name = "aiplus.compute"
    label = "compute"
    verbose_name = _("算力网络")

    def ready(self) -> None:
        from aiplus.compute import services, views  # noqa: F401  (register coverage declarations)
