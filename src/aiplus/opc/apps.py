from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpcConfig(AppConfig):
    name = "aiplus.opc"
    label = "opc"
    verbose_name = _("一人公司与OPC社区")

    def ready(self) -> None:
        # The support finder and programmes read OPC status as a fact of the applicant (issue 16 §1).
        from aiplus.opc.register import FACT_LABELS, facts_in_bulk, facts_of
        from aiplus.support.programmes import register_fact_provider

        register_fact_provider(facts_of, labels=FACT_LABELS, bulk=facts_in_bulk)
