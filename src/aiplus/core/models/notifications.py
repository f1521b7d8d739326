from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from aiplus.core.models.base import NamedByTitle, NewestFirst, RestrictedQuerySet
from aiplus.core.permissions import Scope


def render_message(msgid: str, params: dict[str, Any], language: str) -> str:
    """A stored message in `language`: its msgid translated, then filled with the parameters (a parameter stored
    per language, `{"zh-hans": …, "en": …}`, gives the text of that language, else the first one)."""
    with translation.override(language):
        text = gettext(msgid)
        if not params:
            return text
        values = {name: (value.get(language) or next(iter(value.values()), "")) if isinstance(value, dict) else value
                  for name, value in params.items()}
        return text % values


class Notification(NamedByTitle):
    """An in-app message, stored as untranslated message ids plus parameters and rendered in the recipient's
    language whenever it is shown (`title`/`body` keep the text as first rendered: rows from before the message ids,
    the e-mail, the admin)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notifications")
    verb = models.CharField(max_length=60)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # Empty title_msgid: a row from before messages were stored untranslated; show `title` as stored. Empty
    # body_msgid with a body: the sender's own words (a comment), shown as written.
    title_msgid = models.TextField(blank=True, default="")
    body_msgid = models.TextField(blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    # The object the event is about (with the verb and the link, what makes an open notification the same one).
    object_type = models.CharField(max_length=60, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed = models.BooleanField(default=False)

    objects = RestrictedQuerySet.as_manager()
    scope = Scope(owner="recipient")

    class Meta(NewestFirst):
        verbose_name = verbose_name_plural = _("通知")

    def _language(self) -> str:
        return getattr(self.recipient, "language", "") or translation.get_language() or settings.LANGUAGE_CODE

    def rendered_title(self, language: str | None = None) -> str:
        """The title in `language`, by default the recipient's chosen language."""
        if not self.title_msgid:
            return self.title
        return render_message(self.title_msgid, self.params, language or self._language())

    def rendered_body(self, language: str | None = None) -> str:
        if not self.body_msgid:
            return self.body
        return render_message(self.body_msgid, self.params, language or self._language())
