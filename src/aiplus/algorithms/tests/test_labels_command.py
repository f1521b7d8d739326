"""manage.py aigc_label: a thin JSON front of the engine, with the Label values from the active packs."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from aiplus.algorithms.labels import Format, samples


def _run(*args: str) -> list[dict[str, object]]:
    out = io.StringIO()
    call_command("aigc_label", *args, stdout=out)
    return json.loads(out.getvalue())  # type: ignore[no-any-return]


def test_write_read_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    png = samples.make(Format.PNG, tmp_path)
    text = samples.make(Format.TEXT, tmp_path)
    key = tmp_path / "key"
    key.write_bytes(b"secret\n")
    written = _run("write", str(png), str(text), "--label", "1", "--producer", "ACME", "--produce-id", "c",
                   "--key-file", str(key))
    assert [w["label"]["ProduceID"] for w in written] == ["c-1", "c-2"]  # type: ignore[index]
    read = _run("read", str(png))
    assert read[0]["label"]["ContentProducer"] == "ACME"  # type: ignore[index]
    assert [r["status"] for r in _run("verify", str(png), str(text), "--key-file", str(key))] == ["valid", "valid"]
    monkeypatch.setenv("AIPLUS_AIGC_KEY", "secret")
    assert _run("verify", str(png))[0]["status"] == "valid"
    monkeypatch.delenv("AIPLUS_AIGC_KEY")
    assert _run("verify", str(png))[0]["status"] == "unverifiable"
    with pytest.raises(CommandError):
        _run("verify", str(png), "--fail")


def test_errors_are_reported_per_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x00" * 100)
    big = samples.make(Format.PNG, tmp_path)
    results = _run("verify", str(junk), str(big), "--max-bytes", "200")
    assert [r["error"]["code"] for r in results] == ["unsupported_format", "too_large"]  # type: ignore[index]


def test_pack_values_are_enforced(tmp_path: Path) -> None:
    png = samples.make(Format.PNG, tmp_path)
    results = _run("write", str(png), "--label", "7", "--producer", "ACME", "--produce-id", "c")
    assert results[0]["error"] == {"code": "invalid_label", "params": {"codes": "label_value"}}
    with pytest.raises(CommandError):
        _run("write", str(png), "--label", "1")
