from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "aiplus.participation"
    label = "participation"
    verbose_name = _("公众参与与政务公开")
