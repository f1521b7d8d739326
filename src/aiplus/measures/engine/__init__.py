"""Pure engines of the promotion measures (no Django): enterprise cultivation tiers computed from registered facts
with reasons (`tiers`), and financing requests matched to funds, banks and guarantee schemes with the scenarios'
matching engine (`finance`)."""

from aiplus.measures.engine.finance import FinanceOffer, FinancingNeed, match_offers
from aiplus.measures.engine.tiers import TierOutcome, TierSet, classify, load_tiers

__all__ = ["FinanceOffer", "FinancingNeed", "TierOutcome", "TierSet", "classify", "load_tiers", "match_offers"]
