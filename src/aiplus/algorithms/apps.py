from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlgorithmsConfig(AppConfig):
    name = "aiplus.algorithms"
    label = "algorithms"
    verbose_name = _("模型、算法与硬件")
