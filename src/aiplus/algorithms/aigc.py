"""AIGC labels on the platform's pages and API: an uploaded file checked by the pure engine
(`aiplus.algorithms.labels`) against the pack's values, each finding in the reader's language with the rule it rests
on. Nothing is stored: the file lives in a temporary directory for the length of the request.

The seal key (ReservedCode1 as an HMAC) is the operator's `AIPLUS_AIGC_KEY`; without it a seal is a plain SHA-256,
which shows tampering by someone who does not recompute it, not by someone who does (said on the page).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aiplus.algorithms import labels
from aiplus.algorithms.labels import platform as label_platform
from aiplus.core import imports
from aiplus.core.errors import ServiceError
from aiplus.regulation.runtime import parameters

VALUES_KEY = "labelling.implicit_label_values"
EXPORT_RETENTION_KEY = "labelling.unlabelled_export_log_retention_months"
KEY_ENV = "AIPLUS_AIGC_KEY"

STATUS_TEXT: dict[str, Any] = {
    "valid": _("含隐式标识，字段合规，封印校验通过"),
    "unsealed": _("含隐式标识，字段合规，但没有可校验的封印（ReservedCode1）"),
    "unverifiable": _("含隐式标识，封印需平台密钥才能校验"),
    "tampered": _("隐式标识与文件内容或字段不符：文件在标识后被改动"),
    "invalid": _("含隐式标识，但不符合 GB 45438-2025 附录E"),
    "unlabelled": _("未发现隐式标识"),
}

# Every finding of the engine (labels.model.Reason codes) and every refusal (LabelError codes), with its values.
REASON_TEXT: dict[str, Any] = {
    "extension_mismatch": _("扩展名“%(extension)s”与文件实际格式（%(format)s）不符，已按实际格式读取"),
    "multiple_labels": _("文件在多个位置带有标识：%(locations)s"),
    "conflicting_labels": _("多个位置的标识内容不一致：%(locations)s"),
    "secondary_placement": _("标识位于次要位置（%(location)s），未放在该格式的主要位置"),
    "seal_mismatch": _("封印（%(scheme)s）与字段或内容不符"),
    "key_required": _("封印为 HMAC，需平台密钥才能校验"),
    "no_seal": _("ReservedCode1 为空或不是可识别的封印"),
    "label_value": _("Label 取值“%(value)s”不在允许范围内（%(allowed)s）"),
    "missing_field": _("缺少字段 %(field)s"),
    "character_set": _("字段 %(field)s 含不允许的字符：%(characters)s"),
    "not_json": _("AIGC 元数据不是 JSON"),
    "not_object": _("AIGC 元数据不是 JSON 对象"),
    "unknown_fields": _("AIGC 元数据含未定义的字段：%(fields)s"),
    "not_string": _("字段 %(field)s 的值不是字符串"),
    "unreadable": _("文件无法读取"),
    "empty": _("文件为空"),
    "too_large": _("文件过大"),
    "unsupported_format": _("不支持的文件格式（支持 PNG、JPEG、WebP、MP3、WAV、M4A、MP4、PDF、文本与 Markdown）"),
    "corrupt": _("文件已损坏或被截断"),
    "too_many_pixels": _("图像像素过多，拒绝解码"),
    "metadata_too_large": _("元数据过大，拒绝读取"),
    "metadata_nesting": _("元数据嵌套过深，拒绝读取"),
    "metadata_repeated": _("元数据中同一字段重复出现"),
    "decompression_limit": _("压缩数据展开后过大，拒绝读取"),
    "timeout": _("处理超时"),
    "tool_missing": _("服务器缺少处理该格式所需的工具"),
    "invalid_label": _("标识内容不合规"),
    "label_values": _("参数中的 Label 取值无效"),
    "write_failed": _("写入标识失败"),
    # the upload check and the unlabelled-export check (labels.platform)
    "labelled": _("文件已含隐式标识（Label %(label)s，生成者 %(producer)s）：显示提示，追加平台的传播信息"),
    "declared": _("上传者声明为生成合成内容：写入 Label %(label)s（可能）"),
    "detected": _("平台检测到生成合成痕迹：写入 Label %(label)s（疑似）并待人工复核"),
    "unlabelled": _("无隐式标识、无声明、未检测到痕迹：待人工复核"),
    "agreement_missing_duty": _("用户协议尚未明确用户的标识义务和使用责任"),
    "log_retention_too_short": _("日志留存期限 %(months)s 个月短于 %(minimum)s 个月"),
    "log_missing_recipient": _("日志缺少提供对象信息"),
}


def label_values(on: dt.date | None = None) -> list[str]:
    return [str(v) for v in parameters().value(VALUES_KEY, on or timezone.localdate())]


def rule() -> Any:
    """The parameter version the check rests on (its citation: GB 45438-2025 附录E)."""
    return parameters().version(VALUES_KEY, timezone.localdate())


def reason_text(code: str, params: dict[str, Any]) -> str:
    text = REASON_TEXT.get(code)
    if text is None:
        return code
    try:
        return str(text) % params if "%(" in str(text) else str(text)
    except (KeyError, TypeError, ValueError):
        return str(text)


def _key() -> bytes | None:
    key = os.environ.get(KEY_ENV, "")
    return key.encode("utf-8") if key else None


def check(upload: Any) -> dict[str, Any]:
    """The verdict on an uploaded file: status, label fields, findings (code, text) and whether a key sealed it.
    A file the engine refuses (truncated, unknown, a metadata bomb) is a ServiceError naming `file` (422)."""
    data = imports.read_upload(upload)
    name = Path(str(getattr(upload, "name", "") or "upload")).name[-100:]
    with tempfile.TemporaryDirectory(prefix="aiplus-aigc-") as folder:
        path = Path(folder) / (name or "upload")
        path.write_bytes(data)
        try:
            result = labels.verify(path, label_values(), key=_key(),
                                   limits=labels.Limits(max_bytes=imports.limit("MAX_BYTES")))
        except labels.LabelError as refused:
            raise ServiceError(f"label_{refused.code}", reason_text(refused.code, refused.params), "file",
                               status=422) from None
    return {"file": name, "format": result.format.value, "status": result.status.value,
            "status_text": str(STATUS_TEXT[result.status.value]),
            "label": result.label.as_dict() if result.label else None, "location": result.location,
            "reasons": [{"code": r.code, "params": dict(r.params), "text": reason_text(r.code, dict(r.params))}
                        for r in result.reasons],
            "keyed": _key() is not None}


# The engine's label fields as the form and the API name them.
FIELD_NAMES = {"Label": "label", "ContentProducer": "producer", "ProduceID": "produce_id"}


def labelled(upload: Any, *, label: str, producer: str, produce_id: str) -> tuple[str, bytes, dict[str, Any]]:
    """The uploaded file with its implicit label written (as a producer first writes it: the propagation fields
    repeat the producer's) and sealed (the platform's key when it has one), its new name and what was written. A
    label that breaks Annex E is a ServiceError naming the field; a file the engine refuses names `file`."""
    data = imports.read_upload(upload)
    name = Path(str(getattr(upload, "name", "") or "upload")).name[-100:] or "upload"
    values = label_values()
    written = labels.ImplicitLabel.first_write(label, producer.strip(), produce_id.strip())
    problems = labels.validate(written, values)
    if problems:
        first = problems[0]
        field = FIELD_NAMES.get(str(first.params.get("field", "Label" if first.code == "label_value" else "")), "label")
        raise ServiceError(f"label_{first.code}", reason_text(first.code, dict(first.params)), field, status=422)
    with tempfile.TemporaryDirectory(prefix="aiplus-aigc-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            result = labels.write(path, written, values, key=_key(),
                                  limits=labels.Limits(max_bytes=imports.limit("MAX_BYTES")))
        except labels.LabelError as refused:
            raise ServiceError(f"label_{refused.code}", reason_text(refused.code, refused.params), "file",
                               status=422) from None
        return name, path.read_bytes(), result.as_dict()


# --- a distribution platform's upload check (Measures Art. 6; engine: labels.platform) ---------------------------

TRUSTED = frozenset({labels.Status.VALID, labels.Status.UNSEALED, labels.Status.UNVERIFIABLE})


def upload_check(upload: Any, *, declared_generated: bool, detected: bool, propagator: str,
                 propagate_id: str) -> dict[str, Any]:
    """What the platform does with an upload: the file's own label (trusted when well-formed and its seal holds or
    cannot be checked), the uploader's declaration and the platform's detection decide the action; a label to
    carry is written back with the platform as ContentPropagator (the producer's fields and seal kept when the
    file had one; the platform's own seal when it labels the file itself). A tampered or malformed label is not
    trusted and the upload goes to review. Returns the decision and the labelled file's bytes (None when nothing
    is written). A file the engine refuses is a ServiceError naming `file` (422)."""
    data = imports.read_upload(upload)
    name = Path(str(getattr(upload, "name", "") or "upload")).name[-100:] or "upload"
    values, limits = label_values(), labels.Limits(max_bytes=imports.limit("MAX_BYTES"))
    with tempfile.TemporaryDirectory(prefix="aiplus-aigc-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            found = labels.verify(path, values, key=_key(), limits=limits)
            trusted = found.label if found.status in TRUSTED else None
            decision = label_platform.upload_check(trusted, declared_generated=declared_generated,
                                                   detected=detected, propagator=propagator,
                                                   propagate_id=propagate_id, label_values=values)
            written = None
            if decision.label is not None:
                out = Path(folder) / f"labelled-{name}"
                # the producer's seal stays theirs; a label the platform writes itself is sealed by the platform
                labels.write(path, decision.label, values, out=out, key=_key(), seal=trusted is None, limits=limits)
                written = out.read_bytes()
        except labels.LabelError as refused:
            raise ServiceError(f"label_{refused.code}", reason_text(refused.code, refused.params), "file",
                               status=422) from None
    reasons = [{"code": r.code, "params": dict(r.params)} for r in (*found.reasons, *decision.reasons)]
    return {"file": name, "format": found.format.value, "sha256": hashlib.sha256(data).hexdigest(),
            "found_status": found.status.value, "action": decision.action.value,
            "review": decision.review or (found.label is not None and trusted is None),
            "label": decision.label.as_dict() if decision.label else {}, "reasons": reasons, "data": written}


def export_rule(on: dt.date) -> Any:
    """The parameter version of the log's minimum retention (Measures Art. 9)."""
    return parameters().version(EXPORT_RETENTION_KEY, on)


def export_check(*, agreement_sets_duty: bool, logs_recipient: bool, on: dt.date) -> Any:
    """May the content go out without its explicit label? The engine's answer with the pack's retention: the
    platform keeps the log itself for the minimum period, so only the agreement and the recipient can fail."""
    months = int(export_rule(on).value)
    return label_platform.unlabelled_export_check(agreement_sets_duty=agreement_sets_duty,
                                                  log_retention_months=months, logs_recipient=logs_recipient,
                                                  min_retention_months=months)
