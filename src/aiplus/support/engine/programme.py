"""The shape of a programme in the packs (strict: an unknown key is an error naming the file)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from aiplus.rules.citations import Citation


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    zh: str
    en: str


class CitationModel(Strict):
    pack: str | None = None
    article: str | None = None
    instrument: str | None = None
    url: str | None = None

    def citation(self) -> Citation:
        return Citation(pack=self.pack, article=self.article, instrument=self.instrument, url=self.url)


Op = Literal["eq", "ne", "in", "true", "false", "gte", "lte"]


class Condition(Strict):
    """One eligibility condition on a fact. A number compared with is a parameter (`parameter`), never a literal."""

    fact: str
    op: Op
    value: str | list[str] | None = None
    parameter: str | None = None
    text: Text
    citation: CitationModel | None = None
    # A condition on the transaction rather than the applicant (the compute voucher's "the provider is not
    # affiliated") is said in the reasons only when it fails.
    reason_when_met: bool = True
    cited_by: str | None = None  # a parameter whose source the condition's reasons carry (a platform setting's)

    @model_validator(mode="after")
    def _operand(self) -> Condition:
        if self.op in {"gte", "lte"} and not self.parameter:
            raise ValueError(f"condition on {self.fact}: {self.op} compares with a parameter")
        if self.op in {"eq", "ne", "in"} and self.value is None:
            raise ValueError(f"condition on {self.fact}: {self.op} needs a value")
        return self


class Tier(Strict):
    minimum: str | None = None  # parameter key of the tier's lower bound (inclusive); None = from zero
    amount: str | None = None  # parameter key of a fixed amount
    rate: str | None = None  # or of a rate applied to the base

    @model_validator(mode="after")
    def _one(self) -> Tier:
        if (self.amount is None) == (self.rate is None):
            raise ValueError("a tier has either an amount or a rate")
        return self


class Uplift(Strict):
    """A rate added to a rate formula's rate when a yes/no fact holds (the voucher's start-up, OPC and domestic-chip
    uplifts); `code` names the reason (`uplift_<code>`), `text` the applicant it favours."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    fact: str
    parameter: str
    text: Text


class Formula(Strict):
    kind: Literal["rate", "fixed", "tiers"]
    base: str | None = None  # the fact the formula applies to (eligible cost, investment)
    rate: str | None = None
    amount: str | None = None
    tiers: list[Tier] = Field(default_factory=list)
    uplifts: list[Uplift] = Field(default_factory=list)  # rate formulas only
    max_rate: str | None = None  # parameter: the rate after uplifts is at most this

    def rate_parameters(self) -> list[str]:
        return [k for k in (self.rate, *(u.parameter for u in self.uplifts), self.max_rate) if k]

    @model_validator(mode="after")
    def _complete(self) -> Formula:
        if self.kind == "rate" and not (self.rate and self.base):
            raise ValueError("a rate formula names its rate and its base")
        if self.kind == "fixed" and not self.amount:
            raise ValueError("a fixed formula names its amount")
        if self.kind == "tiers" and not (self.tiers and self.base):
            raise ValueError("a tiered formula names its base and at least one tier")
        if (self.uplifts or self.max_rate) and self.kind != "rate":
            raise ValueError("uplifts and a maximum rate belong to a rate formula")
        return self


class Caps(Strict):
    per_award: str | None = None  # one award
    per_applicant: str | None = None  # all awards of this programme to one applicant, ever
    per_year: str | None = None  # awards of this programme to one applicant in a year


class Stacking(Strict):
    exclusive_with: list[str] = Field(default_factory=list)  # programmes an applicant cannot hold in the same year
    no_double_funding: bool = True  # one cost item is funded at most once in full, across programmes


FileType = Literal["pdf", "png", "jpeg"]
FILE_TYPES: tuple[FileType, ...] = ("pdf", "png", "jpeg")


class Document(Strict):
    """A document the applicant uploads; `types` are the file types accepted for it, read from the file's bytes."""

    code: str
    title: Text
    types: list[FileType] = Field(default_factory=lambda: list(FILE_TYPES), min_length=1)


class Tranche(Strict):
    share: Decimal = Field(gt=0, le=1)
    title: Text


class Criterion(Strict):
    """One criterion experts score an application against (0 to 100), weighted in the panel's score."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: Text
    weight: Decimal = Field(gt=0, le=1)


class Procedure(Strict):
    """How an application is reviewed before it is decided (all numbers are parameters):
    an expert panel drawn from the expert pool (`panel_size` experts in `expert_fields`, none of the applicant's
    organisation) scoring against `criteria`, the weighted mean at least `pass_score` for an approval; and a public
    notice (公示) of `notice_days` calendar days during which anyone may object, each objection answered by an
    official before the decision becomes final."""

    panel_size: str | None = None
    expert_fields: list[str] = Field(default_factory=list)
    criteria: list[Criterion] = Field(default_factory=list)
    pass_score: str | None = None
    notice_days: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Procedure:
        if self.panel_size and not (self.criteria and self.expert_fields and self.pass_score):
            raise ValueError("an expert panel names its fields, its criteria and its pass score")
        if self.criteria and sum((c.weight for c in self.criteria), Decimal(0)) != 1:
            raise ValueError("criteria weights add up to 1")
        return self


class Programme(Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")
    kind: Literal["subsidy", "award", "voucher", "loan_interest", "guarantee", "rent_relief", "talent_award",
                  "ip_award", "standards_award", "grant"]
    jurisdiction: str
    title: Text
    summary: Text
    citation: CitationModel
    articles: list[tuple[str, int]] = Field(default_factory=list)  # pack articles the programme serves
    eligibility: list[Condition] = Field(default_factory=list)
    amount: Formula
    caps: Caps = Caps()
    budget: str | None = None  # parameter: the programme's budget per year
    stacking: Stacking = Stacking()
    documents: list[Document] = Field(default_factory=list)
    tranches: list[Tranche] = Field(default_factory=lambda: [Tranche(share=Decimal(1), title=Text(zh="一次拨付",
                                                                                                  en="Paid at once"))])
    review: Literal["official", "expert"] = "official"
    procedure: Procedure = Procedure()
    # How it is claimed: an application decided by an official (the support pages), or a compute voucher, issued as
    # a quota and redeemed against metered usage (the compute app's voucher pages), the engine deciding each
    # redemption. A voucher programme's code is the voucher's parameter prefix (`vouchers.suzhou_compute`).
    channel: Literal["application", "compute_voucher"] = "application"
    rule: str | None = None  # the decision's rule name (default `support.<code>`)
    # What a budget too small for the amount does: refuse the decision (a grant decided once), or limit the amount
    # to what is left (a voucher paid as used, 据实结算).
    over_budget: Literal["refuse", "limit"] = "refuse"

    @model_validator(mode="after")
    def _tranches_add_up(self) -> Programme:
        if sum((t.share for t in self.tranches), Decimal(0)) != 1:
            raise ValueError(f"programme {self.code}: tranche shares add up to 1")
        if self.review == "expert" and not self.procedure.panel_size:
            raise ValueError(f"programme {self.code}: an expert review names its panel (procedure.panel_size)")
        return self

    def parameter_keys(self) -> list[str]:
        keys = [k for c in self.eligibility for k in (c.parameter, c.cited_by) if k]
        keys += self.amount.rate_parameters() + [k for k in (self.amount.amount,) if k]
        for tier in self.amount.tiers:
            keys += [k for k in (tier.minimum, tier.amount, tier.rate) if k]
        keys += [k for k in (self.caps.per_award, self.caps.per_applicant, self.caps.per_year, self.budget) if k]
        keys += [k for k in (self.procedure.panel_size, self.procedure.pass_score, self.procedure.notice_days) if k]
        return keys

    def facts(self) -> list[str]:
        """Every fact the programme reads, in order: conditions first, then the formula's base."""
        names = [c.fact for c in self.eligibility]
        names += [u.fact for u in self.amount.uplifts]
        if self.amount.base:
            names.append(self.amount.base)
        return list(dict.fromkeys(names))

    def label(self, language: str) -> str:
        return self.title.zh if language.startswith("zh") else self.title.en

    def as_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
