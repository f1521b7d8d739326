"""Deterministic synthetic broker batches for bench/broker.py and the broker tests.

Prices are not real quotes, only plausible orders of magnitude.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from aiplus.compute.broker.model import Centre, Job, Pool, Preferences, RegionLevel, Residency, VoucherPool

# (model, domestic, memory GB, indicative CNY per card-hour)
MODELS: tuple[tuple[str, bool, int, float], ...] = (
    ("A100", False, 80, 14.0),
    ("H800", False, 80, 22.0),
    ("L40S", False, 48, 8.0),
    ("Ascend910B", True, 64, 11.0),
    ("MLU370", True, 48, 6.0),
)
# (city, province, country): mostly inside China, two sites abroad so the border rule has teeth.
SITES: tuple[tuple[str, str, str], ...] = (
    ("suzhou", "jiangsu", "CN"),
    ("nanjing", "jiangsu", "CN"),
    ("shanghai", "shanghai", "CN"),
    ("guangzhou", "guangdong", "CN"),
    ("shenzhen", "guangdong", "CN"),
    ("shaoguan", "guangdong", "CN"),
    ("hangzhou", "zhejiang", "CN"),
    ("zhongwei", "ningxia", "CN"),
    ("guiyang", "guizhou", "CN"),
    ("qingyang", "gansu", "CN"),
    ("hohhot", "inner-mongolia", "CN"),
    ("beijing", "beijing", "CN"),
    ("chengdu", "sichuan", "CN"),
    ("wuhu", "anhui", "CN"),
    ("tianjin", "tianjin", "CN"),
    ("chongqing", "chongqing", "CN"),
    ("xian", "shaanxi", "CN"),
    ("changsha", "hunan", "CN"),
    ("singapore", "singapore", "SG"),
    ("hongkong", "hongkong", "HK"),
)
ORIGINS = ("suzhou", "shanghai", "guangzhou", "shenzhen", "hangzhou", "beijing")


@dataclass(frozen=True)
class Instance:
    jobs: tuple[Job, ...]
    pools: tuple[Pool, ...]
    centres: tuple[Centre, ...]
    vouchers: tuple[VoucherPool, ...]


def generate(n_jobs: int, n_pools: int, seed: int = 0, load: float = 0.9) -> Instance:
    """A batch whose card demand is about `load` times the free cards, with every constraint kind present."""
    rng = np.random.default_rng(seed)
    centres: list[Centre] = []
    for k, (city, province, country) in enumerate(SITES):
        west = province in ("ningxia", "guizhou", "gansu", "inner-mongolia")
        latency = {o: float(5 + 4 * abs(hash_index(o) - k) + (35 if west else 0)) for o in ORIGINS}
        latency[city] = 2.0
        centres.append(
            Centre(
                id=f"c-{city}",
                city=city,
                province=province,
                country=country,
                pue=float(rng.uniform(1.12, 1.25) if west else rng.uniform(1.25, 1.5)),
                green_share=float(rng.uniform(0.4, 0.8) if west else rng.uniform(0.05, 0.3)),
                grid_carbon_kg_per_kwh=0.58,
                latency_ms=latency,
            )
        )
    card_mix = np.array([1, 2, 4, 8])
    card_p = np.array([0.45, 0.25, 0.18, 0.12])
    hours = np.exp(rng.normal(1.2, 1.0, n_jobs)).clip(0.1, 200)
    job_cards = rng.choice(card_mix, size=n_jobs, p=card_p)
    demand = float(job_cards.sum())
    pools: list[Pool] = []
    base_sizes = rng.integers(16, 257, size=n_pools).astype(float)
    free_target = demand / load
    free_share = base_sizes / base_sizes.sum() * free_target
    for k in range(n_pools):
        centre = centres[k % len(centres)]
        model, domestic, mem, price = MODELS[int(rng.integers(len(MODELS)))]
        west = centre.green_share >= 0.4
        factor = rng.uniform(0.75, 0.9) if west else rng.uniform(0.95, 1.25)
        total = int(max(8, round(free_share[k] * rng.uniform(1.0, 1.6))))
        pools.append(
            Pool(
                id=f"p{k:03d}-{model}-{centre.city}",
                centre_id=centre.id,
                accelerator_model=model,
                domestic=domestic,
                cards=total,
                memory_gb=mem,
                price_cny_per_card_hour=Decimal(str(round(price * factor, 2))),
                available_cards=int(min(total, max(8, round(free_share[k])))),
                queue_wait_hours=float(rng.choice([0.0, 0.0, 0.5, 2.0, 8.0])),
            )
        )
    vouchers = (
        VoucherPool("suzhou-2025", Decimal(str(round(demand * 30.0)))),
        VoucherPool("guangdong-2025", Decimal(str(round(demand * 20.0)))),
        VoucherPool("hangzhou-2025", Decimal(str(round(demand * 10.0)))),
    )
    model_names = [m[0] for m in MODELS]
    jobs: list[Job] = []
    for i in range(n_jobs):
        k = int(rng.integers(1, 4))
        accepted = frozenset(str(x) for x in rng.choice(model_names, size=k, replace=False))
        origin = ORIGINS[int(rng.integers(len(ORIGINS)))]
        site = next(s for s in SITES if s[0] == origin)
        r = rng.random()
        residency = None
        if r < 0.03:
            residency = Residency(site[0], RegionLevel.CITY)
        elif r < 0.25:
            residency = Residency(site[1], RegionLevel.PROVINCE)
        elif r < 0.5:
            residency = Residency("CN", RegionLevel.COUNTRY)
        cards = int(job_cards[i])
        h = float(hours[i])
        est = cards * h * 14.0
        weights = rng.dirichlet([2.0, 1.0, 1.0])
        jobs.append(
            Job(
                id=f"j{i:05d}",
                accepted_models=accepted,
                cards=cards,
                hours=round(h, 3),
                deadline_hours=round(h + float(rng.uniform(0.5, 6.0)), 3) if rng.random() < 0.2 else None,
                budget_cny=Decimal(str(round(est * float(rng.uniform(0.6, 1.6)), 2)))
                if rng.random() < 0.3
                else None,
                residency=residency,
                cross_border_allowed=bool(rng.random() < 0.1),
                origin=origin,
                preferences=Preferences(
                    cost=float(weights[0]), carbon=float(weights[1]), latency=float(weights[2])
                ),
                voucher_pool=vouchers[int(rng.integers(3))].id if rng.random() < 0.4 else None,
            )
        )
    return Instance(tuple(jobs), tuple(pools), tuple(centres), vouchers)


def hash_index(origin: str) -> int:
    # A stable stand-in for geography: distance in the SITES list approximates network distance.
    return next(k for k, s in enumerate(SITES) if s[0] == origin)
