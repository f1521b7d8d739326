"""An app's routes, declared where each page is defined (NetBox's `register_model_view` / `get_model_urls`).

    route = Routes("compute")

    @route("requests/<int:request_id>/", "request")
    @login_required
    def request_detail(request, request_id): ...

    capacity = route("", "capacity", menu=_("算力资源"), order=40)(ListPage.as_view(listing=POOLS))

and the app's urls.py is only `app_name = route.namespace; urlpatterns = route.urlpatterns`. A page in the site's
navigation says so in the same declaration (`menu=` its label, `roles=` who sees it, None for everyone), so the
route, its name and its menu entry cannot drift apart. The route decorator goes on top: it registers the view as
the other decorators left it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.urls import URLPattern, path

from aiplus.core import navigation

View = TypeVar("View", bound=Callable[..., Any])


class Routes:
    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.urlpatterns: list[URLPattern] = []

    def __call__(self, route: str, name: str, *, menu: Any = None, roles: frozenset[str] | set[str] | None = None,
                 order: int = 50) -> Callable[[View], View]:
        def declare(view: View) -> View:
            self.urlpatterns.append(path(route, view, name=name))
            if menu is not None:
                navigation.register(f"{self.namespace}:{name}", menu, roles=roles, order=order)
            return view

        return declare
