"""The API side of a list on the one list mechanism (`aiplus.core.lists`): one GET operation that returns the
`Listing`'s rows for the caller, filtered by the listing's own filter set (its query parameters, documented from
it by `Listing.query_schema()`), under the listing's operation id.

    lists.add_operation(router, "/pools", POOLS, PoolOut, auth=OPTIONAL)

No `from __future__ import annotations`: ninja reads the handler's `Query[...]` annotation when it is added."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.constants import NOT_SET
from ninja.pagination import paginate

from aiplus.api.pagination import PageNumberPagination
from aiplus.core.lists import Listing


def add_operation(router: Router, path: str, listing: Listing, item: Any, *, auth: Any = NOT_SET,
                  paged: bool = True, page_size: int | None = None, description: str = "",
                  prefetch: tuple[str, ...] = ()) -> None:
    """Adds `GET path` to `router`: `listing.rows(request.auth, filters)`, page by page unless `paged` is false
    (`page_size`: the default size of a page), as items of the schema `item`; `prefetch` names the relations the
    items read beyond the page's table (`prefetch_related`)."""

    def unfiltered(request: HttpRequest) -> Any:  # ninja refuses an empty query schema
        return listing.rows(request.auth).prefetch_related(*prefetch)  # type: ignore[attr-defined]

    handler: Any = unfiltered
    if listing.filterset.base_filters:
        filters_schema = listing.query_schema()

        def filtered(request: HttpRequest, filters: Query[filters_schema]) -> Any:  # type: ignore[valid-type]
            return listing.rows(request.auth, filters).prefetch_related(*prefetch)  # type: ignore[attr-defined]

        handler = filtered
    # The name a written handler would have ("aiplus_compute_api_list_pools" → "list_pools"): ninja makes the URL
    # name and the summary ("List Pools") from it.
    handler.__name__ = listing.api.rsplit("_api_", 1)[-1]
    handler.__doc__ = description or None
    if paged:
        handler = paginate(PageNumberPagination, **({"page_size": page_size} if page_size else {}))(handler)
    router.get(path, response=list[item], auth=auth, operation_id=listing.api)(handler)
