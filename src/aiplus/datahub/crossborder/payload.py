"""JSON in, JSON out: what `manage.py crossborder_assess FILE.json` and the API call.

A payload is one object or a list of objects. Each object is a `TransferCase` (the default) or, with
`"kind": "gba_standard_contract"`, a `GbaContractCase`; an optional `"id"` is echoed back. The answer for
each is a
JSON-ready dict: the pathway, reasons with citations, missing facts, deadlines and the parameters used. Bad
input
gives `{"ok": false, "errors": [{"field": ..., "message": ...}]}` for that item and never stops the others.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from aiplus.datahub.crossborder.deadlines import WorkingDayCalendar
from aiplus.datahub.crossborder.gba import assess_gba_contract
from aiplus.datahub.crossborder.pathway import assess_transfer
from aiplus.datahub.crossborder.schema import GbaContractCase, TransferCase
from aiplus.rules import Decision, ParameterError, ParameterRegistry, ParameterStatus

KIND_TRANSFER = "transfer"
KIND_GBA = "gba_standard_contract"


def validation_errors(error: ValidationError) -> list[dict[str, str]]:
    """Pydantic errors as {field, message}, the field as a dotted path (transfer.pi_people)."""
    found = []
    for item in error.errors():
        field = ".".join(str(part) for part in item["loc"]) or "(payload)"
        found.append({"field": field, "message": f"{field}: {item['msg']}"})
    return found


def decision_json(decision: Decision, kind: str) -> dict[str, Any]:
    body = decision.as_dict()
    data = dict(body.pop("data"))
    body.pop("amounts", None)
    result: dict[str, Any] = {"ok": True, "kind": kind}
    result.update(body)
    result["pathway" if kind == KIND_TRANSFER else "eligibility"] = decision.outcome
    result["deadlines"] = data.pop("deadlines", [])
    result["data"] = data
    result["relies_on_local_settings"] = any(
        p.status is ParameterStatus.LOCAL_SETTING for p in decision.parameters
    )
    return result


def assess_one(
    item: Any, registry: ParameterRegistry, calendar: WorkingDayCalendar | None = None
) -> dict[str, Any]:
    if not isinstance(item, dict):
        return {"ok": False, "errors": [{"field": "(payload)", "message": "each item must be a JSON object"}]}
    body = dict(item)
    ident = body.pop("id", None)
    kind = body.pop("kind", KIND_TRANSFER)
    head: dict[str, Any] = {} if ident is None else {"id": ident}
    try:
        if kind == KIND_TRANSFER:
            decision = assess_transfer(registry, TransferCase.model_validate(body), calendar)
        elif kind == KIND_GBA:
            decision = assess_gba_contract(registry, GbaContractCase.model_validate(body), calendar)
        else:
            return {
                **head,
                "ok": False,
                "errors": [
                    {
                        "field": "kind",
                        "message": f"kind: unknown kind {kind!r} (use {KIND_TRANSFER} or {KIND_GBA})",
                    }
                ],
            }
    except ValidationError as error:
        return {**head, "ok": False, "kind": kind, "errors": validation_errors(error)}
    except ParameterError as error:
        return {
            **head,
            "ok": False,
            "kind": kind,
            "errors": [{"field": "(parameters)", "message": str(error)}],
        }
    return {**head, **decision_json(decision, kind)}


def assess_payload(
    payload: dict[str, Any] | list[Any],
    registry: ParameterRegistry,
    calendar: WorkingDayCalendar | None = None,
) -> dict[str, Any] | list[dict[str, Any]]:
    """Assess one case (a dict) or many (a list), returning JSON-ready results in the same shape."""
    if isinstance(payload, list):
        return [assess_one(item, registry, calendar) for item in payload]
    return assess_one(payload, registry, calendar)
