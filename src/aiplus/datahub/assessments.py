"""The one call of the cross-border engine: the deployment's parameters and the official working-day calendar
with a case. The API, the guided assessment page and `services.record_transfer` all decide through here, so a
transfer is decided the same way whichever door it comes in by."""

from __future__ import annotations

from typing import Any

from aiplus.core.calendar import add_working_days
from aiplus.datahub.crossborder import GbaContractCase, TransferCase, assess_gba_contract, assess_transfer
from aiplus.datahub.crossborder.payload import KIND_GBA, KIND_TRANSFER, decision_json
from aiplus.regulation.runtime import parameters
from aiplus.rules import Decision


def transfer_decision(case: TransferCase, registry: Any = None) -> Decision:
    """Which mechanism the transfer needs (CAC Order No. 16), on `registry` (default: the loaded parameters)."""
    return assess_transfer(registry if registry is not None else parameters(), case, add_working_days)


def transfer_json(case: TransferCase) -> dict[str, Any]:
    """The transfer's decision as the API and the page show it (reasons, citations, deadlines, `missing`)."""
    return decision_json(transfer_decision(case), KIND_TRANSFER)


def gba_decision(case: GbaContractCase) -> Decision:
    """May the parties use the GBA personal-information standard contract?"""
    return assess_gba_contract(parameters(), case, add_working_days)


def gba_json(case: GbaContractCase) -> dict[str, Any]:
    return decision_json(gba_decision(case), KIND_GBA)
