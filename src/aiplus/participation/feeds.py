"""RSS and Atom feeds of the published notices and policy documents (django.contrib.syndication), optionally of one
kind (`?kind=policy`). A feed reader may render an item's description as HTML: the text is escaped once more, so
nothing a user wrote becomes markup in a reader either."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from aiplus.participation import selectors
from aiplus.participation.models import Notice, NoticeKind

FEED_ITEMS = 50


class NoticesRss(Feed):  # type: ignore[type-arg]
    title = _("通知公告与政策文件")
    description = _("人工智能促进条例实施平台发布的通知公告与政策文件")

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        kind = request.GET.get("kind", "")
        return kind if kind in NoticeKind.values else ""

    def link(self, obj: str) -> str:
        return reverse("participation:notices") + (f"?kind={obj}" if obj else "")

    def items(self, obj: str) -> list[Notice]:
        rows = selectors.published_notices()
        if obj:
            rows = rows.filter(kind=obj)
        return list(rows.order_by("-published_at", "-id")[:FEED_ITEMS])

    def item_title(self, item: Notice) -> str:
        return escape(item.title)

    def item_description(self, item: Notice) -> str:
        body = item.body if len(item.body) <= 500 else item.body[:499] + "…"
        return escape(body)

    def item_link(self, item: Notice) -> str:
        return reverse("participation:notice", args=[item.pk])

    def item_pubdate(self, item: Notice) -> dt.datetime | None:
        return item.published_at

    def item_categories(self, item: Notice) -> list[str]:
        return [str(item.get_kind_display())]  # type: ignore[attr-defined]


class NoticesAtom(NoticesRss):
    feed_type = Atom1Feed
    subtitle = NoticesRss.description
