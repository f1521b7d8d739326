"""What a distribution platform does with an upload (mechanisms.md §7, platform workflow [R]; Label semantics [V]).

- an implicit label is present → show the "AI-generated" notice, keep the producer's fields;
- none, but the uploader declares the content generated → label it "possibly" (the pack's second value);
- none, no declaration, traces detected → label it "suspected" (the third value) and flag it for review;
- none of these → flag it for review, no label;
- in every labelled case, set the platform's own ContentPropagator and PropagateID (6.1 a).
The pack's `labelling.implicit_label_values` are passed in their Annex E order ("1" is, "2" possibly, "3" suspected).

Also the provider's side of Art. 9 (content handed out without its explicit label): `unlabelled_export_check`, with
`labelling.unlabelled_export_log_retention_months` passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from .model import ImplicitLabel, LabelError, Reason


class Action(StrEnum):
    NOTICE = "notice"  # labelled by its producer: show the notice
    POSSIBLY = "possibly"  # declared by the uploader
    SUSPECTED = "suspected"  # detected by the platform
    REVIEW = "review"  # nothing known: a person looks at it


@dataclass(frozen=True)
class UploadDecision:
    action: Action
    label: ImplicitLabel | None  # the label to write back (with the platform's propagation fields), if any
    review: bool
    show_notice: bool
    reasons: tuple[Reason, ...]


def upload_check(existing: ImplicitLabel | None, *, declared_generated: bool, detected: bool, propagator: str,
                 propagate_id: str, label_values: Sequence[str]) -> UploadDecision:
    if len(label_values) < 3:
        raise LabelError("label_values", "the pack gives fewer than three Label values", count=len(label_values))
    is_, possibly, suspected = label_values[0], label_values[1], label_values[2]
    if existing is not None:
        label = existing.with_propagation(propagator, propagate_id)
        return UploadDecision(Action.NOTICE, label, False, existing.Label in label_values,
                              (Reason("labelled", {"label": existing.Label, "producer": existing.ContentProducer}),))
    if declared_generated:
        # the platform is not the producer: it names itself as propagator and leaves the producer fields its own
        label = ImplicitLabel(possibly, propagator, propagate_id, "", propagator, propagate_id, "")
        return UploadDecision(Action.POSSIBLY, label, False, True, (Reason("declared", {"label": possibly}),))
    if detected:
        label = ImplicitLabel(suspected, propagator, propagate_id, "", propagator, propagate_id, "")
        return UploadDecision(Action.SUSPECTED, label, True, True, (Reason("detected", {"label": suspected}),))
    return UploadDecision(Action.REVIEW, None, True, False, (Reason("unlabelled", {"known_value": is_}),))


@dataclass(frozen=True)
class ExportDecision:
    allowed: bool
    reasons: tuple[Reason, ...]


def unlabelled_export_check(*, agreement_sets_duty: bool, log_retention_months: int, logs_recipient: bool,
                            min_retention_months: int) -> ExportDecision:
    """May a provider hand out content without its explicit label on a user's request (Measures Art. 9)? Only when
    the user agreement states the user's labelling duty, and the provider keeps logs, with information on the
    recipient, for at least `labelling.unlabelled_export_log_retention_months` (passed in)."""
    reasons: list[Reason] = []
    if not agreement_sets_duty:
        reasons.append(Reason("agreement_missing_duty", {}))
    if log_retention_months < min_retention_months:
        reasons.append(Reason("log_retention_too_short", {"months": log_retention_months,
                                                          "minimum": min_retention_months}))
    if not logs_recipient:
        reasons.append(Reason("log_missing_recipient", {}))
    return ExportDecision(not reasons, tuple(reasons))
