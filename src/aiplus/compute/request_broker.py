"""One job request through the broker: the register turned into broker inputs, solved, and the answer explained.

Not `compute.simulator.placement`, which places GPU pods on nodes in the trace simulator."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone

from aiplus.compute import broker, ledger
from aiplus.compute.models import JobRequest, NetworkLatency, ResourcePool
from aiplus.core.models import OrganisationKind


def _centre(centre: Any, latencies: dict[int, dict[str, float]]) -> broker.Centre:
    return broker.Centre(
        id=str(centre.pk), city=centre.city_code, province=centre.province_code, country=centre.country_code,
        pue=float(centre.pue), green_share=float(centre.green_power_share),
        grid_carbon_kg_per_kwh=float(centre.grid_carbon_kg_per_kwh), latency_ms=latencies.get(centre.pk, {}))


def solve_request(request_id: int, progress: Callable[[int, str], Any] | None = None) -> dict[str, Any]:
    """`progress(done, step)` is told each step by its code in aiplus.core.models.jobs.PROGRESS_STEPS."""
    from aiplus.compute.services import estimate_subsidy

    request = (JobRequest.objects.select_related("residency_region", "jurisdiction", "quota__programme",
                                                 "quota__organisation", "organisation").get(pk=request_id))
    pool_rows = list(ResourcePool.objects.select_related("centre").filter(available_cards__gt=0))
    latencies: dict[int, dict[str, float]] = {}
    for row in NetworkLatency.objects.select_related("region"):
        latencies.setdefault(row.centre_id, {})[row.region.code] = float(row.latency_ms)
    centres = {p.centre_id: _centre(p.centre, latencies) for p in pool_rows}
    pools = [broker.Pool(id=str(p.pk), centre_id=str(p.centre_id), accelerator_model=p.accelerator_model,
                         domestic=p.domestic, cards=p.cards, memory_gb=p.memory_gb,
                         price_cny_per_card_hour=p.price_cny_per_card_hour, available_cards=p.available_cards,
                         power_kw_per_card=float(p.power_kw_per_card)) for p in pool_rows]
    if progress:
        progress(1, "solving")
    residency = None
    if request.residency_level and request.residency_region is not None:
        residency = broker.Residency(region=request.residency_region.code,
                                     level=broker.RegionLevel(request.residency_level))
    vouchers: list[broker.VoucherPool] = []
    quota = request.quota
    if quota is not None:
        # The rates the voucher pays here, as the support engine computes them (its programme's base rate,
        # uplifts and maximum): on a domestic pool and on any other.
        from aiplus.support.programmes import voucher_rate

        today, is_opc = timezone.localdate(), quota.organisation.kind == OrganisationKind.OPC
        rate, domestic_rate = (voucher_rate(quota.programme.parameter_prefix, on=today, is_startup=quota.is_startup,
                                            is_opc=is_opc, domestic_chips=domestic) for domestic in (False, True))
        vouchers.append(broker.VoucherPool(id=str(quota.pk), limit_cny=ledger.balance(ledger.quota_account(quota)),
                                           rate=rate, domestic_rate=domestic_rate))

    def job(with_voucher: bool) -> broker.Job:
        return broker.Job(
            id=str(request.pk), accepted_models=frozenset(request.accepted_models), cards=request.cards,
            hours=float(request.hours),
            deadline_hours=float(request.deadline_hours) if request.deadline_hours is not None else None,
            budget_cny=request.budget_cny, residency=residency, cross_border_allowed=request.cross_border_allowed,
            home_country="cn", origin=request.jurisdiction.code,
            preferences=broker.Preferences(cost=float(request.pref_cost), carbon=float(request.pref_carbon),
                                           latency=float(request.pref_latency)),
            voucher_pool=str(quota.pk) if with_voucher and quota is not None else None)

    options = broker.BrokerOptions(time_limit_s=20.0)
    result = broker.solve([job(True)], pools, list(centres.values()), vouchers, options)
    if not result.placements and result.unplaced and result.unplaced[0].code is broker.UnplacedCode.VOUCHER:
        # The quota cannot cover the subsidy in full: place the job anyway; the voucher pays what is left.
        result = broker.solve([job(False)], pools, list(centres.values()), [], options)
    if progress:
        progress(2, "explaining")
    if not result.placements:
        first = result.unplaced[0]
        return {"code": first.code.value, "message": first.message, "facts": first.explanation.as_dict()}
    placed = result.placements[0]
    pool = next(p for p in pool_rows if str(p.pk) == placed.pool_id)
    subsidy, decision = Decimal("0.00"), dict[str, Any]()
    if quota is not None:
        subsidy, decision = estimate_subsidy(quota, spend_cny=placed.cost_cny, domestic=pool.domestic,
                                              provider_id=pool.centre.operator_id, on=timezone.localdate())
    return {"pool_id": pool.pk, "cost_cny": placed.cost_cny, "subsidy_cny": subsidy,
            "paid_cny": placed.cost_cny - subsidy, "carbon_kg": Decimal(str(round(placed.carbon_kg, 2))),
            "latency_ms": Decimal(str(round(placed.latency_ms, 2))), "reason": placed.reason[:300],
            "reason_facts": placed.explanation.as_dict(), "subsidy_decision": decision}
