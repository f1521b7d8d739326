"""The sandbox and fault-tolerance rules with numbers, free of Django (import-linter keeps it so):

- the panel's admission tally (more than the pack's share of ALL drawn experts agree);
- the report schedule a reporting frequency gives over a sandbox's term, and a report's state against its due day;
- the extension cap (how many extensions, how far the new end date may go);
- the fault-tolerance outcomes the criteria met allow (不予处罚 / 从轻处罚 / 减轻处罚).

Every function returns its checks with reasons in both languages, stored with the record they decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass

ADMIT = "admit"
REJECT = "reject"
VOTES = (ADMIT, REJECT)

NO_PENALTY = "no_penalty"  # 不予处罚
LIGHTER = "lighter"  # 从轻处罚
MITIGATED = "mitigated"  # 减轻处罚
OUTCOMES = (NO_PENALTY, LIGHTER, MITIGATED)


@dataclass(frozen=True, slots=True)
class Check:
    """One rule applied: its code, whether it holds, and why, in both languages."""

    code: str
    ok: bool
    text_zh: str
    text_en: str
    required: bool = True

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "ok": self.ok, "text_zh": self.text_zh, "text_en": self.text_en,
                "required": self.required}


@dataclass(frozen=True, slots=True)
class Tally:
    admitted: bool
    admit: int
    size: int
    checks: tuple[Check, ...]


def tally(votes: Mapping[int, str], size: int, admit_percent: int) -> Tally:
    """The panel admits when MORE than `admit_percent` per cent of all `size` drawn experts vote to admit (an
    absent or abstaining expert counts against)."""
    admit = sum(1 for v in votes.values() if v == ADMIT)
    ok = size > 0 and admit * 100 > admit_percent * size
    return Tally(ok, admit, size, (Check(
        "panel_majority", ok,
        f"专家组{size}名专家中{admit}名同意入盒，{'超过' if ok else '未超过'}{admit_percent}%",
        f"{admit} of the panel's {size} experts agree to admit, {'more' if ok else 'not more'} than "
        f"{admit_percent}%"),))


def period_ends(start: dt.date, end: dt.date, every_days: int) -> list[dt.date]:
    """The last day of each reporting period from `start` to `end` (both included): every `every_days` days, and a
    final period ending on `end` when the term is not a whole number of periods. Nothing when end < start."""
    if every_days < 1:
        raise ValueError("every_days must be at least 1")
    if end < start:
        return []
    ends = []
    day = start + dt.timedelta(days=every_days - 1)
    while day < end:
        ends.append(day)
        day += dt.timedelta(days=every_days)
    ends.append(end)
    return ends


FILED = "filed"
FILED_LATE = "filed_late"
PENDING = "pending"
OVERDUE = "overdue"


def report_state(due: dt.date, filed: dt.date | None, today: dt.date) -> str:
    """A report due on `due` (the last day allowed): filed (on time or late), pending, or overdue from the day
    after it."""
    if filed is not None:
        return FILED if filed <= due else FILED_LATE
    return OVERDUE if today > due else PENDING


@dataclass(frozen=True, slots=True)
class Extension:
    ok: bool
    checks: tuple[Check, ...]


def extension(*, current_end: dt.date, new_end: dt.date, extensions_so_far: int, max_extensions: int,
              max_extension_days: int) -> Extension:
    """An extension moves the end date later, by at most `max_extension_days`, and there are at most
    `max_extensions` of them."""
    later = new_end > current_end
    added = (new_end - current_end).days
    within = 0 < added <= max_extension_days
    count_ok = extensions_so_far < max_extensions
    checks = (
        Check("later", later, f"新的截止日期{new_end.isoformat()}应晚于现截止日期{current_end.isoformat()}",
              f"the new end date {new_end.isoformat()} must be after the current one {current_end.isoformat()}"),
        Check("extension_days", within, f"延长{max(added, 0)}天，上限为{max_extension_days}天",
              f"extended by {max(added, 0)} days, at most {max_extension_days}"),
        Check("extension_count", count_ok, f"已延期{extensions_so_far}次，最多{max_extensions}次",
              f"extended {extensions_so_far} times, at most {max_extensions}"),
    )
    return Extension(all(c.ok for c in checks), checks)


@dataclass(frozen=True, slots=True)
class Tolerance:
    allowed: tuple[str, ...]
    checks: tuple[Check, ...]


def tolerance(*, met: Collection[str], required: Mapping[str, tuple[str, str]], mitigating: Collection[str],
              no_penalty_min_mitigating: int) -> Tolerance:
    """Which outcomes the criteria met allow. Every required criterion (good faith, no personal gain, …) must be
    met for any tolerance; then 从轻 and 减轻 are open, and 不予处罚 also when at least `no_penalty_min_mitigating`
    mitigating criteria are met. Unknown codes are not counted. `required` names each required criterion (code ->
    Chinese and English name) for the reasons."""
    missing = [required[code] for code in sorted(set(required) - set(met))]
    mitigating_met = len(set(mitigating) & set(met))
    base = not missing
    full = base and mitigating_met >= no_penalty_min_mitigating
    checks = (
        Check("required_criteria", base,
              "必备条件均已满足" if base else f"未满足的必备条件：{'、'.join(m[0] for m in missing)}",
              "every required criterion is met" if base
              else f"required criteria not met: {'; '.join(m[1] for m in missing)}"),
        Check("mitigating_criteria", full,
              f"满足{mitigating_met}项从宽情形，不予处罚至少须{no_penalty_min_mitigating}项",
              f"{mitigating_met} mitigating criteria met, no penalty needs at least {no_penalty_min_mitigating}",
              required=False),
    )
    allowed: tuple[str, ...] = ()
    if base:
        allowed = (NO_PENALTY, LIGHTER, MITIGATED) if full else (LIGHTER, MITIGATED)
    return Tolerance(allowed, checks)
