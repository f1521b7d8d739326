"""A financing request's matches: the published offers run through the pure engine (`engine/finance.py`, the
scenarios' matching engine), each with its reasons rendered in the reader's language by the scenarios' renderer
(the stage an offer does not take is named by its label). Reads only."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from aiplus.measures import selectors
from aiplus.measures.engine import FinanceOffer as OfferDoc
from aiplus.measures.engine import FinancingNeed, match_offers
from aiplus.measures.engine.finance import STAGE
from aiplus.measures.models import FinancingRequest, Stage
from aiplus.scenarios import explain
from aiplus.scenarios.matching import ExplanationItem

STAGE_NOT_TAKEN = _("不支持该发展阶段：%(stages)s")


class Renderer(explain.Renderer):
    def text(self, item: ExplanationItem) -> str:
        if item.code == "qualification_missing":
            names = dict(Stage.choices)
            stages = [str(names.get(code.removeprefix(STAGE), code)) for code in item.params.get("missing", ())]
            return str(STAGE_NOT_TAKEN) % {"stages": str(explain.LIST_SEPARATOR).join(stages)}
        return super().text(item)


def _doc(offer: Any) -> OfferDoc:
    return OfferDoc(id=str(offer.pk), provider=offer.organisation.name, kind=offer.kind, title=offer.title,
                    terms=offer.terms, sectors=tuple(offer.sectors),
                    regions=("national",) if offer.nationwide else (offer.jurisdiction.code,),
                    stages=tuple(offer.stages), amount_min_cny=offer.amount_min_cny,
                    amount_max_cny=offer.amount_max_cny)


def matches(request: FinancingRequest) -> dict[str, list[dict[str, Any]]]:
    """The offers matched to `request` (best first) and those set apart, each with its score and reasons."""
    offers = {str(o.pk): o for o in selectors.published_offers()}
    need = FinancingNeed(id=str(request.pk), title=request.title, purpose=request.purpose, sector=request.sector,
                         region=request.jurisdiction.code, stage=request.stage, amount_cny=request.amount_cny,
                         kinds=tuple(request.kinds))
    result = match_offers(need, [_doc(o) for o in offers.values()])
    found = [*result.matches, *result.excluded]
    renderer = Renderer(set().union(*(Renderer.place_codes(m.explanation.items()) for m in found)) if found else ())

    def row(match: Any) -> dict[str, Any]:
        offer = offers[match.candidate_id]
        return {"offer": offer, "offer_id": offer.pk, "title": offer.title, "provider": offer.organisation.name,
                "kind": offer.kind, "score": round(match.score, 3),
                "reasons": [renderer.text(i) for i in match.explanation.items()]}

    return {"matched": [row(m) for m in result.matches], "set_apart": [row(m) for m in result.excluded]}
