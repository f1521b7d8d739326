"""The one way to fetch a row for an action: `get_for(user, action, Model_or_queryset, **lookup)`.

NetBox's rule, used by every service, view and API handler: a row the user may not see does not exist for them
(404, so ids of other organisations' rows reveal nothing); a row they may see but not act on is refused (403). The
rules about who sees what stay in the models' `Scope` and the selectors; this helper only applies them.

    need = get_for(user, "change", Need, pk=need_id)                       # a model: restricted by its Scope
    need = get_for(user, "view", selectors.needs(user), pk=need_id)        # a selector's queryset: its rule applies

With a queryset, "view" is what the queryset already holds (the selector decides); any other action is checked
with `permissions.can` on the row found.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from aiplus.core import permissions
from aiplus.core.errors import NotFoundError, PermissionDeniedError, ServiceError


def get_for[M: Model](user: Any, action: str, source: type[M] | QuerySet[M], **lookup: Any) -> M:
    """The row matching `lookup` if `user` may `action` it; NotFoundError (404) if the user cannot see it,
    PermissionDeniedError (403) if they can see it but not `action` it."""
    if action not in permissions.ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    visible: QuerySet[M] = (source if isinstance(source, QuerySet)
                            else permissions.restrict_queryset(source._default_manager.all(), user, "view"))
    try:
        found = visible.get(**lookup)
    except (ObjectDoesNotExist, MultipleObjectsReturned, ValueError, TypeError, OverflowError):
        # A malformed or out-of-range id is a row that does not exist, never a server error.
        raise NotFoundError() from None
    if action != "view" and not permissions.can(user, action, found):
        raise PermissionDeniedError()
    return found


def record_page(selector: Callable[[Any, Any], Any], id_name: str) -> Callable[[Callable[..., HttpResponse]],
                                                                           Callable[..., HttpResponse]]:
    """A view decorator for the page of one record: `selector(user, <URL argument id_name>)` fetches it and the view
    receives it in place of the id; a record the selector refuses is the "no such record" page (404), which says
    nothing about whether it exists.

        @record_page(selectors.filing, "filing_id")
        def filing_receipt(request, filing): ...
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                record = selector(request.user, kwargs.pop(id_name))
            except ServiceError:
                return render(request, "core/not_found.html", status=404)
            return view(request, record, *args, **kwargs)

        return page

    return decorate
