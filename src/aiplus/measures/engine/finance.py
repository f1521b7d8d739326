"""Financing requests matched to funds, banks and guarantee schemes (Suzhou draft art. 40, Guangdong draft art. 26)
with the scenarios' matching engine (`aiplus.scenarios.matching`), unchanged: a request is a need (its purpose as
text, its sector as the domain, the applicant's place as the region, the amount sought as the budget and its stage
as a required qualification) and an offer is a capability profile (its terms as text, the sectors it finances, the
places it serves, its amount range and the stages it takes as qualifications). So a match carries the engine's
reasons (common terms, sector, region, amount within range) and an offer that does not take the stage is set apart
with the reason. Pure: no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from aiplus.scenarios.matching import CapabilityProfile, MatchingEngine, MatchResult, Need

STAGE = "stage:"


@dataclass(frozen=True, slots=True)
class FinanceOffer:
    id: str
    provider: str
    kind: str
    title: str
    terms: str = ""
    sectors: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    amount_min_cny: Decimal | None = None
    amount_max_cny: Decimal | None = None

    def profile(self) -> CapabilityProfile:
        return CapabilityProfile(id=self.id, org_name=self.provider, products=self.title, description=self.terms,
                                 domains=self.sectors, regions_served=self.regions,
                                 qualifications=tuple(STAGE + s for s in self.stages),
                                 price_min_cny=self.amount_min_cny, price_max_cny=self.amount_max_cny)


@dataclass(frozen=True, slots=True)
class FinancingNeed:
    id: str
    title: str
    purpose: str = ""
    sector: str = ""
    region: str = ""
    stage: str = ""
    amount_cny: Decimal | None = None
    kinds: tuple[str, ...] = ()  # the kinds of financing wanted (none: any)

    def need(self) -> Need:
        return Need(id=self.id, title=self.title, description=self.purpose,
                    domains=(self.sector,) if self.sector else (), regions=(self.region,) if self.region else (),
                    required_qualifications=(STAGE + self.stage,) if self.stage else (),
                    budget_min_cny=self.amount_cny, budget_max_cny=self.amount_cny)


def match_offers(need: FinancingNeed, offers: Sequence[FinanceOffer], *, k: int = 10,
                 show_excluded: int = 3) -> MatchResult:
    """The offers for a request, best first, each with the engine's explanation; offers of another kind than the
    ones wanted are not considered, offers outside the region or that do not take the stage are set apart."""
    wanted = [o for o in offers if not need.kinds or o.kind in need.kinds]
    engine = MatchingEngine()
    engine.load(profiles=[o.profile() for o in wanted])
    return engine.suppliers_for(need.need(), k=k, show_excluded=show_excluded, region_is_hard=True)
