"""`{{ item|provenance }}` and `{{ citation|related }}`: where a glossary definition, a duty or a taxonomy item comes
from, in the page's language (aiplus.regulation.provenance).

`provenance` reads 官方来源：《…》第24条 / Official source: … art. 24 for an official item and
平台工作定义，无法律效力 / The platform's working definition, no legal force for the platform's own; `related` labels
the article an item serves as related, never as its source. Both render one `<span>`; `provenance`'s
`data-source-kind` names the kind.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from aiplus.regulation import provenance as sources

register = template.Library()


@register.filter
def provenance(item: Any) -> SafeString | str:
    source = sources.source_of(item)
    if source is None:
        return ""
    return format_html('<span class="provenance" data-source-kind="{}">{}</span>', source.kind,
                       sources.describe(source))


@register.filter
def related(citation: Any) -> SafeString | str:
    label = sources.related_label(citation)
    if not label:
        return ""
    return format_html('<span class="related muted">{}</span>', label)
