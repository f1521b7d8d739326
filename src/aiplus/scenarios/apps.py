from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "aiplus.scenarios"
    label = "scenarios"
    verbose_name = _("应用场景")

    def ready(self) -> None:
        # A panel drawn for an open call reads as that call's review, linked to the page where it is scored.
        from aiplus.experts import subjects
        from aiplus.scenarios.selectors import call_review_subject

        subjects.register("scenarios.opencall", call_review_subject)
