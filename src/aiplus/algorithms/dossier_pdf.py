"""A filing dossier as a printable PDF (reportlab): what the company carries into the CAC filing system and files
with its records. It says what the platform knows of the dossier, in the reader's language: its parts, the
checklist of what is missing, the open clock with its source, and, for a generative-AI launch filing, the
conformity table of GB/T 45654-2025 chapters 5–8.

Every text a user wrote is escaped before it reaches reportlab's paragraph markup (a `<` in a field stays a
character). Chinese needs a CJK font: an installed TrueType font is embedded (subset) when one is found, otherwise
reportlab's built-in Adobe CID font STSong-Light is named (not embedded: readers bring their own)."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from aiplus.algorithms import selectors, services
from aiplus.algorithms.models import AlgorithmFiling, FilingKind, GenAIFunction
from aiplus.core import formatting
from aiplus.regulation.runtime import citation_of, cite

# CJK TrueType fonts Debian installs (fonts-wqy-microhei comes with the browser tests' set-up), in order of choice.
_FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
               "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
               "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


@cache
def _font() -> str:
    for path in _FONT_FILES:
        if Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont("aiplus-cjk", path, subfontIndex=0))
            except Exception:  # a font reportlab cannot read: try the next, then the CID font
                continue
            return "aiplus-cjk"
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light"


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=6),
        "heading": ParagraphStyle("heading", fontName=font, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4),
        "body": ParagraphStyle("body", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK"),
        "muted": ParagraphStyle("muted", fontName=font, fontSize=8.5, leading=12, textColor=colors.grey,
                                wordWrap="CJK"),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: escaped, line breaks kept."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _value(filing: AlgorithmFiling, name: str) -> str:
    field: Any = filing._meta.get_field(name)
    value = getattr(filing, name)
    if name == "main_functions":
        return formatting.text([GenAIFunction(code).label for code in value])
    if isinstance(value, bool):
        return _("已提供") if value else _("未提供")
    if field.choices:
        return formatting.label(filing, name)
    if name == "launched_on":
        return formatting.day(value)
    return formatting.text(value)


def _pairs(rows: list[tuple[Any, Any]], styles: dict[str, ParagraphStyle]) -> Table:
    table = Table([[_p(label, styles["body"]), _p(value, styles["body"])] for label, value in rows],
                  colWidths=[52 * mm, 118 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)]))
    return table


def build(filing: AlgorithmFiling) -> bytes:
    """The dossier's PDF, in the active language."""
    styles = _styles()
    subject = filing.subject
    story: list[Any] = [
        _p(f"{filing.get_kind_display()} · {subject}", styles["title"]),
        _p(_("本文件由平台根据备案单位填写的材料生成，备案在网信部门备案系统中办理，平台只记录。生成时间：%(at)s")
           % {"at": formatting.moment(timezone.now())}, styles["muted"]),
        Spacer(1, 4 * mm),
    ]
    head = [(_("服务提供者"), filing.organisation.name), (_("辖区"), formatting.text(filing.jurisdiction)),
            (_("状态"), filing.get_status_display()), (_("备案编号"), formatting.text(filing.filing_number))]
    if filing.algorithm is not None:
        kind_code = filing.algorithm.algorithm_type
        head.insert(0, (_("备案的算法"), subject))
        head.insert(1, (_("算法类型"), dict(selectors.algorithm_types()).get(kind_code, kind_code)))
    elif filing.model is not None:
        head.insert(0, (_("模型"), filing.model.name))
    story.append(_pairs(head, styles))
    story.append(_p(_("材料"), styles["heading"]))
    story.append(_pairs([(getattr(filing._meta.get_field(name), "verbose_name", name), _value(filing, name))
                         for name in services.FIELDS_BY_KIND[filing.kind]], styles))
    story.append(_p(_("办理时限"), styles["heading"]))
    if filing.due_on:
        basis = filing.clock_basis or {}
        story.append(_p(_("%(clock)s：%(day)s（%(days)s 个工作日，依据：%(source)s）") % {
            "clock": filing.get_clock_display(), "day": formatting.day(filing.due_on), "days": basis.get("value"),
            "source": cite(citation_of(basis))}, styles["body"]))
    else:
        story.append(_p(_("当前没有待办的时限。"), styles["body"]))
    story.append(_p(_("尚缺的材料"), styles["heading"]))
    missing = services.missing_items(filing)
    for _field, message in missing:
        story.append(_p(f"• {message}", styles["body"]))
    if not missing:
        story.append(_p(_("材料齐全。"), styles["body"]))
    if filing.kind == FilingKind.GENAI_FILING:
        story.append(_p(_("条款符合性对照表（GB/T 45654-2025 第5–8章）"), styles["heading"]))
        recorded = {finding.clause: finding for finding in filing.findings.all()}
        rows = [[_p(_("条款"), styles["body"]), _p(_("结论"), styles["body"]),
                 _p(_("依据与证明材料"), styles["body"])]]
        for code, name in selectors.safety_clauses():
            finding = recorded.get(code)
            rows.append([_p(f"{code} {name}", styles["body"]),
                         _p(finding.get_verdict_display() if finding else _("未填写"), styles["body"]),
                         _p(finding.evidence if finding else "", styles["body"])])
        table = Table(rows, colWidths=[50 * mm, 22 * mm, 98 * mm], repeatRows=1)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke)]))
        story.append(table)
        story.append(_p(_("条款列表为平台依照标准目录整理的分类，条款下的具体要求以标准文本为准。"), styles["muted"]))
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
                      bottomMargin=18 * mm, title=f"{filing.get_kind_display()} · {subject}",
                      author="aiplus").build(story)
    return out.getvalue()


def response(filing: AlgorithmFiling) -> HttpResponse:
    """The PDF as a download named after the dossier."""
    reply = HttpResponse(build(filing), content_type="application/pdf")
    reply["Content-Disposition"] = content_disposition_header(False, f"filing-{filing.pk}.pdf") or ""
    return reply
