"""What a draw was for, in words: the matter a panel was drawn for (`Draw.subject_type`, `subject_id`) as a sentence
in the reader's language and a link to its page.

The experts module knows no other module's models: a module whose services draw panels registers, when it starts
(its `AppConfig.ready`), a function that names one of its matters (`register("scenarios.opencall", describe)`).
Unregistered matters read as the draw's stated purpose. Nothing here is markup: templates escape the text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Subject:
    text: Any  # a lazy string with its parameters filled, read in the page's language
    url: str = ""


Describer = Callable[[str], Subject | None]
_DESCRIBERS: dict[str, Describer] = {}


def register(subject_type: str, describe: Describer) -> None:
    """`describe(subject_id)` names one matter of `subject_type` (None when the matter is gone)."""
    _DESCRIBERS[subject_type] = describe


def describe(draw: Any) -> Subject:
    """The draw's matter as a sentence with a link, or its purpose (a draw made by hand names no matter)."""
    describer = _DESCRIBERS.get(draw.subject_type or "")
    found = describer(str(draw.subject_id)) if describer is not None else None
    if found is not None:
        return found
    return Subject(text=draw.purpose or _("专家抽取"))


def link(draw: Any) -> SafeString:
    """The draw's matter as a sentence linked to its page (the text escaped)."""
    subject = describe(draw)
    if subject.url:
        return format_html('<a href="{}">{}</a>', subject.url, subject.text)
    return format_html("{}", subject.text)
