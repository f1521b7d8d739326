
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from aiplus.api import lists, writes
from aiplus.api.auth import AUTHENTICATED
from aiplus.core import holidays, selectors, services
from aiplus.core.listings import AUDIT_EVENTS, JURISDICTIONS, NOTIFICATIONS, ORGANISATIONS
from aiplus.core.models import ChainLayer, Notification, OrganisationKind

router = Router(tags=["core"])


class JurisdictionOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    level: str
    parent: str | None = Field(None, alias="parent.code")
    division_code: str


class OrganisationOut(Schema):
    id: int
    name: str
    name_en: str
    kind: str
    credit_code: str
    chain_layer: str
    jurisdiction: str = Field(..., alias="jurisdiction.code")
    address: str
    is_independent_legal_person: bool
    is_demo: bool


class OrganisationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    kind: OrganisationKind
    credit_code: str = Field(..., min_length=1, max_length=40)
    chain_layer: ChainLayer | None = None
    jurisdiction: str
    address: str = Field("", max_length=300)
    is_independent_legal_person: bool = True


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    name_en: str | None = Field(None, max_length=200)
    kind: OrganisationKind | None = None
    credit_code: str | None = Field(None, min_length=1, max_length=40)
    chain_layer: ChainLayer | None = None
    jurisdiction: str | None = None
    address: str | None = Field(None, max_length=300)


class AuditEventOut(Schema):
    id: int
    occurred_at: dt.datetime
    actor_name: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    jurisdiction: str | None = Field(None, alias="jurisdiction.code")
    before: Any = None
    after: Any = None
    request_id: str
    message: str


class NotificationOut(Schema):
    id: int
    verb: str
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None

    @staticmethod
    def resolve_title(obj: Notification) -> str:
        return obj.rendered_title()

    @staticmethod
    def resolve_body(obj: Notification) -> str:
        return obj.rendered_body()


class MarkRead(Schema):
    ids: list[int] | None = None


class JobOut(Schema):
    id: int
    name: str
    status: str
    total: int
    done: int
    percent: int
    message: str
    result: Any = None


class MeOut(Schema):
    username: str
    display_name: str
    language: str
    roles: list[str]
    is_superuser: bool


@router.get("/me", response=MeOut, auth=AUTHENTICATED)
def me(request: HttpRequest) -> dict[str, Any]:
    from aiplus.core.permissions import user_roles

    user: Any = request.auth  # type: ignore[attr-defined]
    return {"username": user.username, "display_name": str(user), "language": user.language,
            "roles": sorted(user_roles(user)), "is_superuser": user.is_superuser}


lists.add_operation(router, "/jurisdictions", JURISDICTIONS, JurisdictionOut, paged=False)


lists.add_operation(router, "/organisations", ORGANISATIONS, OrganisationOut)


@router.get("/organisations/{organisation_id}", response=OrganisationOut)
def get_organisation(request: HttpRequest, organisation_id: int) -> Any:
    return selectors.organisation(request.auth, organisation_id)  # type: ignore[attr-defined]


@router.post("/organisations", response={201: OrganisationOut}, auth=AUTHENTICATED)
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    data = payload.dict()
    data["chain_layer"] = data["chain_layer"] or ""
    jurisdiction = data.pop("jurisdiction")
    organisation = services.create_organisation(acting_user=request.auth, jurisdiction=jurisdiction,  # type: ignore[attr-defined]
                                                **data)
    return Status(201, organisation)


@router.patch("/organisations/{organisation_id}", response=OrganisationOut, auth=AUTHENTICATED)
def update_organisation(request: HttpRequest, organisation_id: int, payload: OrganisationPatch) -> Any:
    changes = payload.dict(exclude_unset=True)
    return services.update_organisation(acting_user=request.auth,  # type: ignore[attr-defined]
                                        organisation_id=organisation_id, **changes)


lists.add_operation(router, "/audit-events", AUDIT_EVENTS, AuditEventOut, auth=AUTHENTICATED)


lists.add_operation(router, "/notifications", NOTIFICATIONS, NotificationOut, auth=AUTHENTICATED)


@router.post("/notifications/read", auth=AUTHENTICATED)
def read_notifications(request: HttpRequest, payload: MarkRead) -> dict[str, int]:
    return {"marked": services.mark_notifications_read(acting_user=request.auth,  # type: ignore[attr-defined]
                                                       ids=payload.ids)}


@router.get("/jobs/{job_id}", response=JobOut, auth=AUTHENTICATED)
def get_job(request: HttpRequest, job_id: int) -> Any:
    return selectors.job(request.auth, job_id)  # type: ignore[attr-defined]


# -- the holiday calendar the working-day clocks count with (aiplus.core.holidays) --------------------------------

class CalendarYearOut(Schema):
    year: int
    source: str = Field(..., description="entered (by the platform operator), package (chinesecalendar) or missing")
    title: str
    reference: str
    url: str
    days_off: list[dt.date]
    days_worked: list[dt.date]


class HolidayNoticeIn(Schema):
    title: str = Field(..., min_length=1, max_length=200)
    reference: str = Field("", max_length=80)
    url: str = Field("", max_length=500)
    days_off: list[dt.date] = Field(..., max_length=holidays.MAX_DAYS)
    days_worked: list[dt.date] = Field(default_factory=list, max_length=holidays.MAX_DAYS)


class HolidayNoticeOut(Schema):
    year: int
    title: str
    reference: str
    url: str
    days_off: list[dt.date]
    days_worked: list[dt.date]


@router.get("/calendar/years", response=list[CalendarYearOut])
def calendar_years(request: HttpRequest) -> Any:
    """The years a working-day clock started now may reach, and every entered year, with where their working days
    come from (a year marked missing cannot be counted until its notice is entered)."""
    return holidays.overview_as_dicts()


writes.add_action(router, "PUT", "/calendar/years/{year}", holidays.enter_notice, payload=HolidayNoticeIn,
                  response=HolidayNoticeOut, name="enter_holiday_notice")
