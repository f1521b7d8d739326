"""Input schema of the cross-border engines, as pydantic v2 models (extra keys are errors).

The same models are published in the API's OpenAPI document, so the field names here are the public names.
`None` always means "not known yet": the engine then asks for the fact if, and only if, it changes the answer.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from aiplus.datahub.crossborder.countries import resolve_country

People = Annotated[int, Field(ge=0, description="a number of people (distinct individuals); never negative")]


class DataCategory(StrEnum):
    PERSONAL = "personal"  # personal information other than sensitive PI
    SENSITIVE_PERSONAL = "sensitive_personal"
    IMPORTANT = "important"  # identified by the processor's classification as (candidate) important data
    GENERAL = "general"  # neither personal nor important


class Exemption(StrEnum):
    """Exemptions of CAC Order No. 16 that a processor claims (evidence is kept by the Django side)."""

    # Art. 3: data from international trade, cross-border transport, academic cooperation, transnational
    # manufacturing or marketing that contain no PI and no important data.
    TRADE_ACADEMIC_NO_PI = "trade_academic_no_pi"
    # Art. 4: PI collected abroad, processed in China and sent back without adding domestic PI or important
    # data.
    ABROAD_COLLECTED_RETURNED = "abroad_collected_returned"
    # Art. 5 item 1: necessary to conclude or perform a contract to which the individual is a party.
    CONTRACT_WITH_INDIVIDUAL = "contract_with_individual"
    # Art. 5 item 2: cross-border HR management under lawful labour rules and collective contracts.
    CROSS_BORDER_HR = "cross_border_hr"
    # Art. 5 item 3: emergency, to protect the life, health or property of a natural person.
    EMERGENCY = "emergency_life_health_property"
    # Art. 6: a processor in a free-trade zone sending data not on the zone's negative list.
    FTZ_NEGATIVE_LIST = "ftz_negative_list"


# Not claimed but computed: art. 5 item 4 (a non-CIIO below 100,000 people of PI since 1 January, no
# sensitive PI).
BELOW_THRESHOLD = "below_threshold"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Processor(_Model):
    """The data processor (数据处理者) sending the data abroad."""

    name: str = ""
    is_ciio: bool | None = Field(
        default=None, description="critical information infrastructure operator (关键信息基础设施运营者)"
    )
    in_ftz: bool | None = Field(
        default=None, description="registered in a pilot free-trade zone (自由贸易试验区)"
    )
    ftz_code: str | None = Field(default=None, description="the free-trade zone, e.g. shanghai-lingang")
    jurisdiction: str | None = Field(
        default=None, description="registered location: jurisdiction code or division code"
    )


class Transfer(_Model):
    """One transfer activity (数据出境活动)."""

    recipient: str = Field(min_length=1)
    country_or_region: str = Field(
        description="ISO 3166-1 alpha-2 of the recipient; HK, MO, TW; CN = mainland"
    )
    purpose: str = ""
    data_categories: list[DataCategory] = Field(min_length=1)
    important_data_designated: bool | None = Field(
        default=None, description="notified or published as important data by the authorities (art. 2)"
    )
    pi_people: People | None = Field(
        default=None, description="people whose PI (not sensitive) this transfer sends"
    )
    sensitive_pi_people: People | None = Field(
        default=None, description="people whose sensitive PI this transfer sends"
    )
    transfer_on: dt.date

    @field_validator("country_or_region", mode="before")
    @classmethod
    def _known_code(cls, value: object) -> object:
        # a person's way of naming the country (德国, Germany) is accepted as the page's picker accepts it
        if isinstance(value, str):
            code = resolve_country(value)
            if code is None:
                raise PydanticCustomError(
                    "unknown_country",
                    "unknown country or region {value}: use its name or ISO 3166-1 alpha-2 code (e.g. DE, US, HK)",
                    {"value": value[:40]})
            return code
        return value

    @property
    def categories(self) -> frozenset[DataCategory]:
        return frozenset(self.data_categories)


class Cumulative(_Model):
    """What the processor has already sent abroad in the counting period, before this transfer.

    `year` is the counting year the numbers belong to; numbers of an earlier year are reset (they start again
    on
    1 January). Leave a number out when it is not known: it is asked for only if it changes the answer.
    """

    year: int | None = Field(default=None, ge=1900, le=9999)
    pi_people: People | None = None
    sensitive_pi_people: People | None = None


class Milestones(_Model):
    """Dates that start the legal clocks (all optional)."""

    contract_effective_on: dt.date | None = None
    assessment_accepted_on: dt.date | None = None
    assessment_issued_on: dt.date | None = None


class TransferCase(_Model):
    """Everything the pathway rule reads."""

    processor: Processor = Field(default_factory=Processor)
    transfer: Transfer
    cumulative: Cumulative = Field(default_factory=Cumulative)
    exemptions_claimed: list[Exemption] = Field(default_factory=list)
    milestones: Milestones = Field(default_factory=Milestones)

    @field_validator("cumulative")
    @classmethod
    def _counting_year(cls, value: Cumulative, info: ValidationInfo) -> Cumulative:
        transfer = info.data.get("transfer")
        if (
            isinstance(transfer, Transfer)
            and value.year is not None
            and value.year > transfer.transfer_on.year
        ):
            raise ValueError(
                f"cumulative.year {value.year} is after the transfer's year {transfer.transfer_on.year}"
            )
        return value


class PartyKind(StrEnum):
    ORGANISATION = "organisation"  # counted where it is registered
    INDIVIDUAL = "individual"  # counted where the person is located


class GbaParty(_Model):
    name: str = Field(min_length=1)
    kind: PartyKind = PartyKind.ORGANISATION
    location: str | None = Field(
        default=None,
        description="jurisdiction code (shenzhen, shenzhen-nanshan), division code (440300) or HK / MO",
    )


class GbaContractCase(_Model):
    """A proposed GBA personal-information standard contract between a processor and a recipient."""

    processor: GbaParty
    recipient: GbaParty
    data_categories: list[DataCategory] = Field(min_length=1)
    important_data_designated: bool | None = None
    effective_on: dt.date
    contract_effective_on: dt.date | None = None
    documents_provided: list[str] = Field(default_factory=list)
