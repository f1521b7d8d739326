"""An app's routes, declared where each page is defined (NetBox's `register_model_view` / `get_model_urls`).

    route = Routes("compute")

    @route("requests/<int:request_id>/", "request")
    @login_required
    def request_detail(request, request_id): ...

    capacity = route.list_page("", POOLS, template_name="compute/capacity.html", menu=_("算力资源"), order=40)

and the app's urls.py is only `app_name = route.namespace; urlpatterns = route.urlpatterns`. A page in the site's
navigation says so in the same declaration (`menu=` its label, `roles=` who sees it, None for everyone), so the
route, its name and its menu entry cannot drift apart. A list page's name is its `Listing.page`, the name the
listing's links and the API already use. The route decorator goes on top: it registers the view as the other
decorators left it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.urls import URLPattern, path

from aiplus.core import navigation
from aiplus.core.lists import Listing, ListPage

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

    def list_page(self, route: str, listing: Listing, *, page: type[ListPage] = ListPage, signed_in: bool = False,
                  menu: Any = None, roles: frozenset[str] | set[str] | None = None, order: int = 50,
                  **options: Any) -> Callable[..., Any]:
        """The page of `listing` (a `page` view given `options`: template_name, extra_context), at `route` under
        the listing's own page name; `signed_in` pages send visitors to sign in first."""
        namespace, _sep, name = listing.page.partition(":")
        if namespace != self.namespace:
            raise ValueError(f"{listing.name}'s page {listing.page} is not a page of {self.namespace}")
        view = page.as_view(listing=listing, **options)
        return self(route, name, menu=menu, roles=roles, order=order)(login_required(view) if signed_in else view)
