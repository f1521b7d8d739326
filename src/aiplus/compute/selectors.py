"""Every read of the compute module, restricted to what the user may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat

from aiplus.compute import ledger
from aiplus.compute.models import (
    AcceleratorModel,
    ComputeCentre,
    JobRequest,
    LedgerEntry,
    LedgerTransaction,
    Redemption,
    ResourcePool,
    SavingsStudy,
    UsageRecord,
    VoucherProgramme,
    VoucherQuota,
)
from aiplus.core import permissions
from aiplus.core.models import Jurisdiction, Organisation, OrganisationKind


def centres(user: Any, region: str | None = None) -> QuerySet[ComputeCentre]:
    rows = ComputeCentre.objects.restrict(user, "view").select_related("operator", "jurisdiction")
    if region:
        rows = rows.filter(Q(city_code=region) | Q(province_code=region) | Q(country_code=region)
                           | Q(jurisdiction__code=region))
    return rows


def pools(user: Any, region: str | None = None) -> QuerySet[ResourcePool]:
    rows = ResourcePool.objects.restrict(user, "view").select_related("centre", "centre__operator")
    return pools_in_region(rows, region) if region else rows


def pools_in_region(rows: QuerySet[ResourcePool], region: str) -> QuerySet[ResourcePool]:
    """Pools whose centre lies in the city, province, country or jurisdiction with code `region`."""
    if not region:
        return rows
    return rows.filter(Q(centre__city_code=region) | Q(centre__province_code=region)
                       | Q(centre__country_code=region) | Q(centre__jurisdiction__code=region))


def capacity_by_centre(user: Any, region: str | None = None) -> list[dict[str, Any]]:
    """Cards, available cards and utilisation per centre (one aggregate query)."""
    rows = (pools(user, region).values("centre_id", "centre__name", "centre__city_code")
            .annotate(cards=Sum("cards"), available=Sum("available_cards"), pools=Count("id"))
            .order_by("centre__name"))
    result = []
    for row in rows:
        cards, available = row["cards"] or 0, row["available"] or 0
        result.append({"id": row["centre_id"], "name": row["centre__name"], "city": row["centre__city_code"],
                       "pools": row["pools"], "cards": cards, "available": available, "used": cards - available,
                       "utilisation_pct": round(100 * (cards - available) / cards, 1) if cards else 0.0})
    return result


def provider_pools(user: Any) -> QuerySet[ResourcePool]:
    return ResourcePool.objects.restrict(user, "change").select_related("centre")


def provider_usage(user: Any) -> QuerySet[UsageRecord]:
    """Usage the provider reported on the pools it may change (its own console's table)."""
    operators = provider_pools(user).values("centre__operator_id")
    return usage_for(user).filter(provider__in=operators)


def provider_operators(user: Any) -> QuerySet[Organisation]:
    """Compute-provider organisations the user may act for (a member or provider of it)."""
    return Organisation.objects.filter(pk__in=permissions.user_organisation_ids(user, "add"),
                                       kind=OrganisationKind.COMPUTE_PROVIDER).order_by("name")


def centre_places() -> QuerySet[Jurisdiction]:
    """The jurisdictions a centre is registered in: cities and districts."""
    return Jurisdiction.objects.filter(level__in=("city", "district")).order_by("level", "code")


def compute_providers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.COMPUTE_PROVIDER).order_by("name")


def quota_holders(user: Any) -> QuerySet[Organisation]:
    """Organisations in the official's jurisdictions that may hold a quota (anything but a compute provider)."""
    return (Organisation.objects.exclude(kind=OrganisationKind.COMPUTE_PROVIDER)
            .filter(jurisdiction__in=jurisdiction_scope(user)).order_by("name"))




def requests_for(user: Any) -> QuerySet[JobRequest]:
    return (JobRequest.objects.restrict(user, "view")
            .select_related("organisation", "quota", "quota__programme", "placement", "placement__pool",
                            "placement__pool__centre", "placement__pool__centre__jurisdiction", "residency_region",
                            "job"))


def bookings_for(user: Any) -> QuerySet[JobRequest]:
    """The requests placed on the pools of the centres the user runs (a provider's bookings), each with the card-hours
    metered against it so far (`metered_card_hours`, from the provider's usage records)."""
    metered = (UsageRecord.objects.filter(placement__request=OuterRef("pk")).order_by().values("placement")
               .annotate(s=Sum("card_hours")).values("s"))
    hours = DecimalField(max_digits=12, decimal_places=2)
    return (JobRequest.objects.filter(placement__pool__in=provider_pools(user).values("pk"))
            .select_related("organisation", "placement", "placement__pool", "placement__pool__centre")
            .annotate(metered_card_hours=Coalesce(Subquery(metered, output_field=hours), Value(Decimal("0")),
                                                  output_field=hours)))


def request(user: Any, request_id: int) -> JobRequest | None:
    return requests_for(user).filter(pk=request_id).first()


def usage_for(user: Any) -> QuerySet[UsageRecord]:
    """Usage a provider reported, usage of the user's own organisation, or usage in an official's jurisdiction."""
    own = permissions.user_organisation_ids(user, "view")
    visible = UsageRecord.objects.restrict(user, "view")
    if own:
        visible = visible | UsageRecord.objects.filter(organisation_id__in=own)
    return visible.select_related("pool", "pool__centre", "organisation", "redemption").distinct()


def quotas_for(user: Any) -> QuerySet[VoucherQuota]:
    """The quotas the user may see, each with its unspent balance (`balance_cny`, from the ledger) annotated."""
    account = Concat(Value("quota:"), Cast(OuterRef("pk"), CharField()))
    balance = (LedgerEntry.objects.filter(account=account).order_by().values("account")
               .annotate(s=Sum("amount_cny")).values("s"))
    return (VoucherQuota.objects.restrict(user, "view").select_related("programme", "organisation")
            .annotate(balance_cny=Coalesce(Subquery(balance, output_field=DecimalField(max_digits=16,
                                                                                       decimal_places=2)),
                                           Value(Decimal("0.00")), output_field=DecimalField(max_digits=16,
                                                                                             decimal_places=2))))


def holder_quotas(user: Any) -> list[dict[str, Any]]:
    """The quotas held by the user's own organisations: issued, redeemed (net of clawbacks) and remaining, the
    remaining amount read from the ledger (the quota's account), so the page shows what the books say."""
    own = permissions.user_organisation_ids(user, "view")
    rows = quotas_for(user).filter(organisation_id__in=own).order_by("-programme__valid_from", "programme__name")
    result = []
    for quota in rows:
        remaining = ledger.cents(quota.balance_cny)  # type: ignore[attr-defined]  # annotated by quotas_for
        result.append({"quota": quota, "issued": quota.amount_cny, "redeemed": quota.amount_cny - remaining,
                       "remaining": remaining})
    return result


def holder_redemptions(user: Any) -> QuerySet[Redemption]:
    """Redemptions of the user's own organisations' quotas, each with the request its usage paid for."""
    own = permissions.user_organisation_ids(user, "view")
    return (redemptions_for(user).filter(quota__organisation_id__in=own)
            .select_related("usage__placement__request", "usage__pool__centre"))


def redeemable_usage(user: Any) -> QuerySet[UsageRecord]:
    """Metered usage of the user's own organisations that belongs to a placed (completed) request and has not been
    redeemed yet: what a voucher holder may redeem a quota against."""
    own = permissions.user_organisation_ids(user, "change")
    return (UsageRecord.objects.filter(organisation_id__in=own, placement__isnull=False, redemption__isnull=True)
            .select_related("placement__request", "pool__centre").order_by("-period_end", "-id"))


def redeemable_quotas(user: Any) -> QuerySet[VoucherQuota]:
    """The quotas the user may redeem for their own organisations (with their ledger balance)."""
    return quotas_for(user).filter(organisation_id__in=permissions.user_organisation_ids(user, "change"))


def ledger_entries(user: Any) -> QuerySet[LedgerEntry]:
    """The legs of the voucher ledger the user may read: every leg of the programmes of an official's or auditor's
    jurisdictions (the transactions' own scope), and, for anyone else, only the legs of the accounts of their own
    organisations (a provider's payable: its statement; a holder's quota), never another organisation's."""
    books = LedgerTransaction.objects.restrict(user, "view").filter(programme__isnull=False)
    own = permissions.user_organisation_ids(user, "view")
    money = DecimalField(max_digits=16, decimal_places=2)
    return (LedgerEntry.objects.filter(programme__isnull=False)
            .filter(Q(transaction__in=books.values("pk")) | Q(organisation_id__in=own))
            .select_related("transaction", "transaction__redemption__usage__placement__request", "programme",
                            "organisation")
            .annotate(debit_cny=Case(When(amount_cny__gt=0, then=F("amount_cny")), output_field=money),
                      credit_cny=Case(When(amount_cny__lt=0, then=-F("amount_cny")), output_field=money),
                      booked_at=F("transaction__created_at")))


def ledger_accounts(user: Any) -> list[dict[str, Any]]:
    """The balance of every account the user may read (one grouped query over the same legs as the list)."""
    rows = (ledger_entries(user).order_by().values("programme__name", "account_kind", "account",
                                                   "organisation__name")
            .annotate(total=Sum("amount_cny")).order_by("programme__name", "account_kind", "organisation__name"))
    labels = dict(LedgerEntry.AccountKind.choices)
    return [{"programme": r["programme__name"], "kind": labels.get(r["account_kind"], r["account_kind"]),
             "organisation": r["organisation__name"] or "", "balance": ledger.cents(r["total"])} for r in rows]


def ledger_check(user: Any) -> dict[str, Any] | None:
    """Whether the books the user reads in full balance (each transaction's legs sum to zero): for officials and
    auditors of a programme's jurisdiction; None for anyone who sees only their own accounts' legs."""
    books = LedgerTransaction.objects.restrict(user, "view").filter(programme__isnull=False)
    count = books.count()
    if not count:
        return None
    ids = set(books.values_list("pk", flat=True))
    return {"transactions": count, "unbalanced": [pk for pk in ledger.unbalanced_transactions() if pk in ids]}


def programmes_for(user: Any) -> QuerySet[VoucherProgramme]:
    return VoucherProgramme.objects.restrict(user, "view").select_related("jurisdiction")


def programme_spend(user: Any) -> list[dict[str, Any]]:
    """Budget, issued, redeemed and clawed back per programme the user may change (officials)."""
    rows = list(VoucherProgramme.objects.restrict(user, "change").select_related("jurisdiction"))
    sums = (LedgerEntry.objects.filter(programme__in=rows).values("programme_id", "account_kind")
            .annotate(s=Sum("amount_cny")))
    by = {(r["programme_id"], r["account_kind"]): ledger.cents(r["s"]) for r in sums}
    zero = Decimal("0.00")
    return [{"programme": p, "budget": p.budget_cny,
             "unissued": by.get((p.pk, "budget"), zero), "quota_left": by.get((p.pk, "quota"), zero),
             "redeemed": by.get((p.pk, "payable"), zero)} for p in rows]


def redemptions_for(user: Any) -> QuerySet[Redemption]:
    return (Redemption.objects.restrict(user, "view")
            .select_related("quota__organisation", "quota__programme", "usage", "usage__pool")
            .prefetch_related("flags"))


def spend_by_organisation(user: Any) -> list[dict[str, Any]]:
    """Voucher spend per programme and holder organisation (redeemed, net of clawbacks)."""
    rows = (Redemption.objects.restrict(user, "view").filter(status=Redemption.Status.REDEEMED)
            .values("quota__programme__name", "quota__organisation__name")
            .annotate(spend=Sum("spend_cny"), amount=Sum("amount_cny"), n=Count("id"))
            .order_by("quota__programme__name", "-amount"))
    return [{"programme": r["quota__programme__name"], "organisation": r["quota__organisation__name"],
             "spend": ledger.cents(r["spend"]), "amount": ledger.cents(r["amount"]), "count": r["n"]} for r in rows]


def studies_for(user: Any) -> QuerySet[SavingsStudy]:
    return SavingsStudy.objects.restrict(user, "view").select_related("jurisdiction", "job", "started_by")


def study(user: Any, study_id: int) -> SavingsStudy | None:
    return studies_for(user).filter(pk=study_id).first()


def jurisdiction_scope(user: Any) -> Any:
    """Ids of the jurisdictions where the user may create records (all for a superuser)."""
    if getattr(user, "is_superuser", False):
        return Jurisdiction.objects.values_list("pk", flat=True)
    return permissions.user_jurisdiction_ids(user, "add")


def study_centres(user: Any) -> QuerySet[ComputeCentre]:
    """The registered centres with cards in the places the user may study (an official's own and below)."""
    rows = ComputeCentre.objects.filter(pools__cards__gt=0).distinct().select_related("jurisdiction")
    if not getattr(user, "is_superuser", False):
        rows = rows.filter(jurisdiction_id__in=permissions.user_jurisdiction_ids(user, "add"))
    return rows.order_by("name", "pk")


def official_jurisdictions(user: Any) -> QuerySet[Jurisdiction]:
    """Jurisdictions where the user may create records (an official's own and those below)."""
    rows = Jurisdiction.objects.exclude(level="district").order_by("level", "code")
    if not getattr(user, "is_superuser", False):
        rows = rows.filter(pk__in=permissions.user_jurisdiction_ids(user, "add"))
    return rows


def map_points(user: Any, region: str | None = None,
               rows: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One point per centre: [longitude, latitude, cards, used], given or from its city (approximate)."""
    from aiplus.compute.geo import approximate

    by_centre = {r["id"]: r for r in (capacity_by_centre(user, region) if rows is None else rows)}
    points = []
    for centre in centres(user, region).filter(pk__in=by_centre):
        row = by_centre[centre.pk]
        if centre.latitude is not None and centre.longitude is not None:
            lon, lat, exact = float(centre.longitude), float(centre.latitude), True
        else:
            found = approximate(centre.jurisdiction.code, centre.city_code)
            if found is None:
                continue
            (lon, lat), exact = found, False
        points.append({"name": centre.name, "value": [lon, lat, row["cards"], row["used"]],
                       "utilisation_pct": row["utilisation_pct"], "exact": exact})
    return points


def offered_models() -> list[tuple[str, Any]]:
    """The accelerator models some registered pool has, in the controlled list's order (the request form offers
    only these)."""
    present = set(ResourcePool.objects.values_list("accelerator_model", flat=True).distinct())
    return [(value, label) for value, label in AcceleratorModel.choices if value in present]
