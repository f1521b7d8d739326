"""The data the dashboard's charts draw (read by static/insights/dashboard.js through json_script): plain numbers
and labels in the page's language, never markup."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from aiplus.portal.templatetags.localized import localized_value


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def dashboard(board: Any) -> dict[str, Any]:
    """Each target's progress as a share of the target: reached now, and projected by its year."""
    names, reached, projected = [], [], []
    for row in board.targeted:
        for target in row.targets:
            names.append(f"{localized_value(row.indicator, 'name')} ({target.target.year})")
            reached.append(_number(target.progress.share))
            share = (target.progress.projected / target.target.value
                     if target.progress.projected is not None and target.target.value else None)
            projected.append(_number(round(share, 3)) if share is not None else None)
    return {"names": names, "reached": reached, "projected": projected,
            "labels": {"reached": _("已达成比例"), "projected": _("预计到期达成比例"), "target": _("目标")}}


def series(row: Any) -> dict[str, Any]:
    """An indicator's series, with its targets and the least-squares projection to each target's day."""
    points = [[p.on.isoformat(), _number(p.value)] for p in row.points]
    targets = [[t.target.due_on.isoformat(), _number(t.target.value)] for t in row.targets]
    projections = [[t.target.due_on.isoformat(), _number(t.progress.projected)] for t in row.targets
                   if t.progress.projected is not None]
    last = points[-1:] if points else []
    return {"points": points, "targets": targets,
            "projection": last + projections if projections else [],
            "labels": {"value": _("数值"), "target": _("目标"), "projection": _("趋势外推")}}


def infrastructure(layers: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The map's layers with their names in the page's language."""
    names = {"compute": _("算力中心"), "data": _("数据提供方"), "parks": _("产业园区"), "opc": _("OPC社区")}
    return {"layers": [{"name": names[key], "key": key, "points": points} for key, points in layers.items()],
            "labels": {"longitude": _("经度"), "latitude": _("纬度")}}
