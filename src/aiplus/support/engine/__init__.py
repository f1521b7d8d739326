"""The programme engine: support programmes (subsidies, awards, vouchers, grants) as rules read from the packs.

Pure: no Django. A programme is pack data (`packs/<pack>/programmes/*.yaml`) whose every number is a pack parameter;
`evaluate` decides eligibility and the amount, with reasons, citations and the missing conditions ("why not").

Rounding rule: amounts are computed exactly in Decimal and rounded once to the fen, half up (Chinese fiscal
practice, `aiplus.rules.money.money`), right after the formula (rate × base or a tier's rate × base); caps, the
no-double-funding limit and the budget are then applied to the rounded amount. Tranches split an amount to the fen,
the last tranche taking the remainder so the tranches always add up to the amount exactly.
"""

from aiplus.support.engine.catalogue import Catalogue, CatalogueError, load_catalogue
from aiplus.support.engine.evaluate import Award, evaluate, split_tranches
from aiplus.support.engine.programme import Programme

__all__ = ["Award", "Catalogue", "CatalogueError", "Programme", "evaluate", "load_catalogue", "split_tranches"]
