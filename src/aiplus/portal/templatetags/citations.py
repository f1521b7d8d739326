"""`{{ x|cite }}`: where a value comes from, in the page's language, as one `<cite>` element.

The one way a page shows a source. `x` may be a citation (object or stored dict), a parameter version or use, a
stored parameter dict, a decision reason or a deadline (anything with a `citation`). A rule's article reads
《苏州条例（送审稿）》第8条 / Suzhou Regulation (submitted draft) art. 8; an operator's value (a `local-setting`
parameter) reads 平台设置 / Platform setting, never as the article it serves. The element says which it is in
`data-basis` ("law" or "setting"), so pages can style it and tests can check it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from aiplus.regulation.runtime import citation_of
from aiplus.regulation.runtime import cite as cite_in_active_language

register = template.Library()


@register.filter
def cite(source: Any) -> SafeString | str:
    citation = citation_of(source)
    if citation is None:
        return ""
    label = cite_in_active_language(citation)
    basis = "setting" if citation.setting else "law"
    url = citation.url or ""
    if url.startswith(("https://", "http://")) and not citation.setting:
        return format_html('<cite class="source" data-basis="{}"><a href="{}" rel="noopener noreferrer">{}</a></cite>',
                           basis, url, label)
    return format_html('<cite class="source" data-basis="{}">{}</cite>', basis, label)


@register.filter
def unit(code: Any) -> str:
    """A parameter's unit in the page's language ("hours" → 小时), never the pack's unit code."""
    from aiplus.regulation.units import unit_label

    return unit_label(str(code or ""))
