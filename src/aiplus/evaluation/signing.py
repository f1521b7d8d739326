"""Secrets and signatures of the evaluation app, both keyed by the platform secret (settings.SECRET_KEY):

- an endpoint's secret key is stored encrypted with Fernet (cryptography), under a key derived from the platform
  secret; it is decrypted only in the worker that calls the endpoint;
- a report's payload is signed with HMAC-SHA256 under another derived key; anyone verifies a report on the platform
  (the PDF or its hash), which recomputes the signature over the stored payload.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
from typing import Any

from django.conf import settings

SIGNATURE_SCHEME = "hmac-sha256-platform-1"


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"aiplus.evaluation.{purpose}\0{settings.SECRET_KEY}".encode()).digest()


def _fernet() -> Any:
    from cryptography.fernet import Fernet

    return Fernet(base64.urlsafe_b64encode(_derived("endpoint-secret")))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode("utf-8")).decode("ascii") if secret else ""


def decrypt(token: str) -> str:
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8") if token else ""


def canonical(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def digest(payload: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def sign(payload: dict[str, Any]) -> str:
    return hmac.new(_derived("report-signature"), canonical(payload), hashlib.sha256).hexdigest()


def valid(payload: dict[str, Any], signature: str) -> bool:
    return hmac.compare_digest(sign(payload), signature or "")


def pdf(payload: dict[str, Any], payload_sha256: str, signature: str) -> bytes:
    """The report as a PDF (reportlab; the CJK text in the built-in STSong-Light CID font). Deterministic
    (`invariant`): the same payload gives the same file."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    page.setTitle(f"aiplus evaluation report {payload_sha256[:12]}")
    page.setSubject(payload_sha256)
    page.setKeywords(f"{SIGNATURE_SCHEME}:{signature}")
    _width, height = A4
    y = height - 60

    def line(text: str, size: int = 10) -> None:
        nonlocal y
        if y < 60:
            page.showPage()
            y = height - 60
        page.setFont("STSong-Light", size)
        page.drawString(50, y, text[:110])
        y -= size + 6

    results = payload.get("results", {})
    line("生成式人工智能服务安全测试报告 / Generative AI safety test report", 14)
    line(f"服务 Service: {payload.get('service', {}).get('name', '')} · {payload.get('service', {}).get('model', '')}")
    line(f"方案 Plan: {payload.get('plan', '')} · 抽样 Sample: {payload.get('sample_size')} · 种子 Seed: "
         f"{payload.get('seed')}")
    line(f"题库版本 Bank version: {payload.get('bank', {}).get('name', '')} v{payload.get('bank', {}).get('number')}")
    line(f"题库摘要 Bank SHA-256: {payload.get('bank', {}).get('digest', '')}", 8)
    line("判定器 Judges: " + ", ".join(payload.get("judge_versions", [])))
    rate = results.get("rate", {})
    line(f"{rate.get('name', '')}: {rate.get('successes')}/{rate.get('n')} = {rate.get('value')} "
         f"(95% Wilson {rate.get('low')}–{rate.get('high')})")
    verdict = results.get("verdict", {})
    line(f"结论 Verdict: {verdict.get('outcome')} (threshold {verdict.get('threshold')}, sample minimum "
         f"{verdict.get('sample_min')})")
    line(f"未答 Unanswered: {results.get('errors')} · 人工复核 Reviewed: {results.get('reviewed')}")
    for risk in results.get("risks", []):
        line(f"  {risk['code']}: {risk['successes']}/{risk['n']} = {risk['value']} ({risk['low']}–{risk['high']})", 9)
    line("")
    line(f"内容摘要 Payload SHA-256: {payload_sha256}", 8)
    line(f"签名 Signature ({SIGNATURE_SCHEME}): {signature}", 8)
    line("在平台“测试报告核验”页上传本文件或输入其摘要即可核验。Verify on the platform's report verification page.", 8)
    page.showPage()
    page.save()
    return buffer.getvalue()
