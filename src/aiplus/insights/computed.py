"""The records behind each computed indicator: for every record source an indicator names (`records:` in
indicators.yaml), which rows count, where a row counts (the path to its jurisdiction), the day it counts from (for
the trend), and what is measured (a count of rows, a sum of a field, or a ratio of two sums).

One definition serves the value on the dashboard, the SQL shown beside it, the drill-down list of the rows and the
tests that check the value against a count over those rows: they all start from `Source.rows(ids)`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from aiplus.insights.engine import Point

COUNT, SUM, RATIO = "count", "sum", "ratio"


@dataclass(frozen=True)
class Column:
    label: Any
    path: str  # attribute path on a row (`organisation.name`)


@dataclass(frozen=True)
class Source:
    name: str
    model: Callable[[], Any]
    where: Callable[[], Q]
    jurisdiction: str  # the path to the row's jurisdiction id (without `_id`)
    since: str  # the row's day for the trend (a date or a datetime field)
    measure: str = COUNT
    amount: Any = None  # SUM: the field; RATIO: (numerator expression, denominator field)
    columns: tuple[Column, ...] = ()
    related: tuple[str, ...] = ()
    detail: str = ""  # URL name of a row's page (one argument: its pk)
    history: bool = True  # whether the trend is a cumulative series by year (a ratio is the current value only)
    label: Any = field(default="")

    def rows(self, ids: set[int] | None) -> QuerySet[Any]:
        """The rows that count, within the jurisdictions `ids` (all when None)."""
        queryset = self.model().objects.filter(self.where())
        if ids is not None:
            queryset = queryset.filter(**{f"{self.jurisdiction}_id__in": sorted(ids)})
        return queryset.order_by("pk")

    def value_of(self, rows: QuerySet[Any]) -> Decimal:
        """The measure over `rows` (one query)."""
        if self.measure == COUNT:
            return Decimal(rows.count())
        if self.measure == SUM:
            return Decimal(rows.aggregate(v=Sum(self.amount))["v"] or 0)
        numerator, denominator = self.amount
        totals = rows.aggregate(n=Sum(numerator), d=Sum(denominator))
        if not totals["d"]:
            return Decimal(0)
        return (Decimal(totals["n"] or 0) / Decimal(totals["d"])).quantize(Decimal("0.001"))

    def query(self, ids: set[int] | None) -> str:
        """The SQL of the rows that count (what the value counts or sums), as the database is asked."""
        return str(self.rows(ids).query)

    def series(self, ids: set[int] | None, today: dt.date) -> list[Point]:
        """The value at the end of every year since the first row, and today (one query): a cumulative count or sum
        by the year each row counts from. A ratio has today's value only."""
        rows = self.rows(ids)
        if not self.history:
            return [Point(today, self.value_of(rows))]
        measure = Count("pk") if self.measure == COUNT else Sum(self.amount)
        by_year = {row["y"]: Decimal(row["v"] or 0) for row in
                   rows.order_by().annotate(y=ExtractYear(self.since)).values("y").annotate(v=measure)}
        if not by_year:
            return [Point(today, Decimal(0))]
        points, running = [], Decimal(0)
        for year in range(min(y for y in by_year if y is not None), today.year + 1):
            running += by_year.get(year, Decimal(0))
            points.append(Point(min(dt.date(year, 12, 31), today), running))
        return points


def _model(label: str) -> Callable[[], Any]:
    def get() -> Any:
        from django.apps import apps

        return apps.get_model(label)

    return get


def _genai_filings() -> Q:
    filed = Q(status__in=["filed", "changed"])
    return filed & (Q(kind__in=["genai_filing", "genai_registration"])
                    | Q(kind="algorithm", algorithm__algorithm_type="generation_synthesis"))


_ORG = Column(_("所属组织"), "organisation.name")
_PLACE = Column(_("辖区"), "jurisdiction")

SOURCES: dict[str, Source] = {s.name: s for s in (
    Source("genai_filings", _model("algorithms.AlgorithmFiling"), _genai_filings, "jurisdiction", "filed_on",
           columns=(Column(_("备案对象"), "subject"), Column(_("备案类型"), "get_kind_display"),
                    Column(_("备案编号"), "filing_number"), Column(_("备案日期"), "filed_on"), _ORG, _PLACE),
           related=("organisation", "jurisdiction", "algorithm", "model"), detail="algorithms:filing"),
    Source("foundation_models", _model("algorithms.AIModel"), lambda: Q(kind="foundation"), "jurisdiction",
           "created_at", columns=(Column(_("模型名称"), "name"), _ORG, _PLACE),
           related=("organisation", "jurisdiction"), detail="algorithms:model"),
    Source("vertical_models", _model("algorithms.AIModel"), lambda: Q(kind="vertical"), "jurisdiction", "created_at",
           columns=(Column(_("模型名称"), "name"), _ORG, _PLACE), related=("organisation", "jurisdiction"),
           detail="algorithms:model"),
    Source("opc_enterprises", _model("core.Organisation"), lambda: Q(kind="opc"), "jurisdiction", "created_at",
           columns=(Column(_("名称"), "name"), Column(_("统一社会信用代码"), "credit_code"), _PLACE),
           related=("jurisdiction",), detail="core:organisation_detail"),
    Source("platform_enterprises", _model("core.Organisation"), lambda: Q(kind__in=["enterprise", "opc"]),
           "jurisdiction", "created_at",
           columns=(Column(_("名称"), "name"), Column(_("类型"), "get_kind_display"), _PLACE),
           related=("jurisdiction",), detail="core:organisation_detail"),
    Source("scenario_needs", _model("scenarios.Need"), lambda: Q(is_published=True), "jurisdiction", "created_at",
           columns=(Column(_("场景名称"), "title"), Column(_("提出单位"), "owner.name"),
                    Column(_("状态"), "get_status_display"), _PLACE),
           related=("owner", "jurisdiction"), detail="scenarios:need"),
    Source("scenario_pilots", _model("scenarios.Pilot"), lambda: Q(), "jurisdiction", "created_at",
           columns=(Column(_("场景"), "need.title"), Column(_("揭榜单位"), "supplier.name"),
                    Column(_("状态"), "get_status_display"), _PLACE),
           related=("need", "supplier", "jurisdiction"), detail="scenarios:pilot"),
    Source("accepted_pilots", _model("scenarios.Pilot"), lambda: Q(status="accepted"), "jurisdiction", "created_at",
           columns=(Column(_("场景"), "need.title"), Column(_("揭榜单位"), "supplier.name"), _PLACE),
           related=("need", "supplier", "jurisdiction"), detail="scenarios:pilot"),
    Source("typical_cases", _model("scenarios.Case"), lambda: Q(is_published=True), "jurisdiction", "created_at",
           columns=(Column(_("案例名称"), "title"), Column(_("场景领域"), "domain"), _PLACE),
           related=("jurisdiction",), detail="scenarios:case"),
    Source("compute_centres", _model("compute.ComputeCentre"), lambda: Q(), "jurisdiction", "created_at",
           columns=(Column(_("名称"), "name"), Column(_("运营单位"), "operator.name"), _PLACE),
           related=("operator", "jurisdiction")),
    Source("compute_cards", _model("compute.ResourcePool"), lambda: Q(), "centre__jurisdiction", "created_at",
           measure=SUM, amount="cards",
           columns=(Column(_("算力中心"), "centre.name"), Column(_("加速卡型号"), "get_accelerator_model_display"),
                    Column(_("卡数"), "cards"), Column(_("可用卡数"), "available_cards")),
           related=("centre",)),
    Source("compute_utilisation", _model("compute.ResourcePool"), lambda: Q(), "centre__jurisdiction", "created_at",
           measure=RATIO, amount=(F("cards") - F("available_cards"), "cards"), history=False,
           columns=(Column(_("算力中心"), "centre.name"), Column(_("加速卡型号"), "get_accelerator_model_display"),
                    Column(_("卡数"), "cards"), Column(_("已用卡数"), "used_cards")),
           related=("centre",)),
    Source("datasets", _model("datahub.Dataset"), lambda: Q(is_published=True, withdrawn_at__isnull=True),
           "jurisdiction", "created_at",
           columns=(Column(_("数据集名称"), "title"), Column(_("数据提供方"), "provider.name"), _PLACE),
           related=("provider", "jurisdiction"), detail="datahub:dataset"),
    Source("high_quality_datasets", _model("datahub.Dataset"),
           lambda: Q(is_published=True, withdrawn_at__isnull=True, high_quality=True), "jurisdiction", "created_at",
           columns=(Column(_("数据集名称"), "title"), Column(_("数据提供方"), "provider.name"), _PLACE),
           related=("provider", "jurisdiction"), detail="datahub:dataset"),
    # parks and research carriers (aiplus.measures: the current figures an official recorded for each)
    Source("park_firms", _model("measures.Indicators"), lambda: Q(organisation__kind="park", firms__isnull=False),
           "jurisdiction", "created_at", measure=SUM, amount="firms",
           columns=(Column(_("园区"), "organisation.name"), Column(_("入驻企业数"), "firms"),
                    Column(_("统计年度"), "year"), _PLACE), related=("organisation", "jurisdiction")),
    Source("park_occupancy", _model("measures.Indicators"),
           lambda: Q(organisation__kind="park", area_m2__gt=0, occupied_m2__isnull=False), "jurisdiction",
           "created_at", measure=RATIO, amount=(F("occupied_m2"), "area_m2"), history=False,
           columns=(Column(_("园区"), "organisation.name"), Column(_("建筑面积（平方米）"), "area_m2"),
                    Column(_("已入驻面积（平方米）"), "occupied_m2"), _PLACE),
           related=("organisation", "jurisdiction")),
    Source("carrier_firms_served", _model("measures.Indicators"),
           lambda: Q(organisation__kind__in=["research_institute", "university"], firms__isnull=False),
           "jurisdiction", "created_at", measure=SUM, amount="firms",
           columns=(Column(_("载体"), "organisation.name"), Column(_("服务企业数"), "firms"),
                    Column(_("统计年度"), "year"), _PLACE), related=("organisation", "jurisdiction")),
    Source("voucher_redeemed_cny", _model("compute.Redemption"), lambda: Q(status="redeemed"),
           "quota__programme__jurisdiction", "created_at", measure=SUM, amount="amount_cny",
           columns=(Column(_("使用单位"), "quota.organisation.name"), Column(_("抵扣金额（元）"), "amount_cny"),
                    Column(_("兑付时间"), "created_at")),
           related=("quota__organisation",)),
)}


def cell(row: Any, path: str) -> Any:
    """A column's value on a row (`a.b.c`; a `get_x_display` is called)."""
    value = row
    for part in path.split("."):
        value = getattr(value, part, None)
        if callable(value):
            value = value()
        if value is None:
            return ""
    return value
