from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "aiplus.datahub"
    label = "datahub"
    verbose_name = _("数据枢纽")
