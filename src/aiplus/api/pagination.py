"""The page-number pagination every list endpoint uses, with bounds on what a caller may ask for.

ninja's own class accepts any page number; a page far beyond the end makes an OFFSET that overflows the database's
64-bit integer (SQLite answers "datatype mismatch", a server error). Bounded here, such a request is a 422 in the one
error format, naming the field."""

from __future__ import annotations

from django.conf import settings
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination as NinjaPageNumberPagination

# A million pages of the largest page size is far beyond any list the platform holds, and far below 2**63.
MAX_PAGE = 1_000_000


class PageNumberPagination(NinjaPageNumberPagination):
    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1, le=settings.NINJA_PAGINATION_MAX_LIMIT)
