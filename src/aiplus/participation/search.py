"""Chinese search over notices, policy documents and events, through the platform's one search design
(`aiplus.core.search`): the same rjieba analyzer as the data catalogue and the registers, tokens stored in each row's
`search_tokens` by the services, matched through the full-text index of migration 0001."""

from __future__ import annotations

from typing import Any

from aiplus.core.search import SearchIndex
from aiplus.scenarios.matching import default_analyzer

NOTICES = SearchIndex("participation_notice", analyzer=default_analyzer, subwords=True)
EVENTS = SearchIndex("participation_event", analyzer=default_analyzer, subwords=True)


def notice_tokens(notice: Any) -> str:
    return NOTICES.tokens_for(notice.title, notice.title_en, notice.document_number, notice.issuer, notice.body)


def event_tokens(event: Any) -> str:
    return EVENTS.tokens_for(event.title, event.title_en, event.venue, event.description)

CONSULTATIONS = SearchIndex("participation_consultation", analyzer=default_analyzer, subwords=True)


def consultation_tokens(consultation: Any) -> str:
    return CONSULTATIONS.tokens_for(consultation.title, consultation.title_en, consultation.draft)

ASSOCIATIONS = SearchIndex("participation_association", analyzer=default_analyzer, fallback_field="description",
                           subwords=True)


def association_tokens(association: Any) -> str:
    return ASSOCIATIONS.tokens_for(association.organisation.name, association.description)
