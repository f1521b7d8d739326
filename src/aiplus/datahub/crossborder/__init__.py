"""Cross-border data-transfer engine (pure Python, no Django).

- `crossborder.pathway`: which mechanism a transfer abroad needs under CAC Order No. 16 (2024-03-22);
- `crossborder.gba_standard_contract`: eligibility for the GBA personal-information standard contract;
- `AnnualCounter` / `apply_transfer`: the cumulative people counters that restart on 1 January;
- `assess_payload`: JSON in, JSON out, for the management command and the API;
- `classify_batch`: the vectorised path for bulk re-assessment (see bench/crossborder.py).
Importing this package registers both rules with `aiplus.rules`. See README.md for the input schema.
"""

from aiplus.datahub.crossborder.batch import BatchResult, TransferBatch, classify_batch
from aiplus.datahub.crossborder.counters import AnnualCounter, apply_transfer, period_start
from aiplus.datahub.crossborder.deadlines import Deadline, WorkingDayCalendar, add_months
from aiplus.datahub.crossborder.gba import assess_gba_contract, gba_standard_contract
from aiplus.datahub.crossborder.logic import (
    EXEMPT,
    INCOMPLETE,
    OUTSIDE_RULES,
    SECURITY_ASSESSMENT,
    STANDARD_CONTRACT,
)
from aiplus.datahub.crossborder.pathway import assess_transfer, crossborder_pathway
from aiplus.datahub.crossborder.payload import assess_payload
from aiplus.datahub.crossborder.schema import (
    BELOW_THRESHOLD,
    Cumulative,
    DataCategory,
    Exemption,
    GbaContractCase,
    GbaParty,
    Milestones,
    PartyKind,
    Processor,
    Transfer,
    TransferCase,
)

__all__ = [
    "BELOW_THRESHOLD",
    "EXEMPT",
    "INCOMPLETE",
    "OUTSIDE_RULES",
    "SECURITY_ASSESSMENT",
    "STANDARD_CONTRACT",
    "AnnualCounter",
    "BatchResult",
    "Cumulative",
    "DataCategory",
    "Deadline",
    "Exemption",
    "GbaContractCase",
    "GbaParty",
    "Milestones",
    "PartyKind",
    "Processor",
    "Transfer",
    "TransferBatch",
    "TransferCase",
    "WorkingDayCalendar",
    "add_months",
    "apply_transfer",
    "assess_gba_contract",
    "assess_payload",
    "assess_transfer",
    "classify_batch",
    "crossborder_pathway",
    "gba_standard_contract",
    "period_start",
]
