from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "aiplus.measures"
    label = "measures"
    verbose_name = _("综合施策")

    def ready(self) -> None:
        # The registers' facts (patents, standards, talent awards, financing) reach the programme engine through
        # the support app's fact providers: support does not import this app.
        from aiplus.measures import facts
        from aiplus.support import programmes

        programmes.register_fact_provider(facts.facts_for, labels=facts.FACT_LABELS, bulk=facts.facts_in_bulk)
