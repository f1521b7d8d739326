"""Demo statistics (fictional, labelled as such in their source): the Suzhou districts' AI enterprises and industry
scale over three years (so the city's dashboard rolls them up and projects a trend), Suzhou's OPC communities and
talents, Guangdong's and Shenzhen's OPC communities, and the national penetration of AI terminals and agents; one
value corrected, so the history shows (see `portal/demo.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiplus.core.models import Jurisdiction
from aiplus.insights import services

SOURCE = "演示数据（虚构）"


def seed(context: Any) -> None:
    places = {j.code: j.pk for j in Jurisdiction.objects.all()}
    by = {"suzhou": context.people["official-suzhou"], "suzhou-sip": context.people["official-sip"],
          "guangdong": context.people["official-guangdong"], "shenzhen": context.people["official-shenzhen"]}
    year = dt.date.today().year

    def enter(indicator: str, place: str, on: dt.date, value: Any, who: Any = None) -> Any:
        official = who or by.get(place) or by["suzhou"]
        return services.enter_observation(acting_user=official, indicator=indicator, jurisdiction_id=places[place],
                                          as_of=on, value=value, source=SOURCE, source_date=on)

    districts = {"suzhou-sip": (520, 1.0), "suzhou-kunshan": (310, 0.6), "suzhou-huqiu": (260, 0.5),
                 "suzhou-wuzhong": (150, 0.3)}
    for back in (3, 2, 1):
        on = dt.date(year - back, 12, 31)
        growth = 1 + 0.25 * (3 - back)
        for place, (firms, share) in districts.items():
            enter("ai_enterprises", place, on, int(firms * growth))
            enter("ai_industry_scale_cny", place, on, int(40_000_000_000 * share * growth))
        enter("opc_communities", "suzhou", on, 4 * (4 - back))
        enter("opc_talents", "suzhou", on, 900 * (4 - back))
        enter("opc_communities", "shenzhen", on, 2 * (4 - back))
        enter("opc_communities", "guangdong", on, 3 * (4 - back) + 2 * (4 - back))
        enter("terminal_agent_penetration", "cn", on, f"{0.2 + 0.1 * (3 - back):.2f}", who=context.admin)
    last = dt.date(year - 1, 12, 31)
    enter("core_industry_growth", "suzhou", last, "0.180")
    enter("core_industry_growth", "suzhou", last, "0.185")  # a correction: the history keeps both
    context.count("statistics", 4 * 3 * 2 + 3 * 5 + 2)
