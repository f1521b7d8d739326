"""AIGC implicit labels (GB 45438-2025 Annex E): our reader and verifier against exiftool over the same corpus.

A corpus is generated in a temporary directory with the real libraries and ffmpeg: for each format (PNG, JPEG, WebP,
MP3, WAV, M4A, MP4, PDF, Markdown), files that are labelled (sealed with an HMAC key), unlabelled, and tampered (half
carry another file's label, i.e. changed content; half a changed Label under the old seal). Then:

- `ours-read`: `labels.read` on every file (find and parse the label);
- `ours-verify`: `labels.verify` on every file (also the payload digest and the ReservedCode1 seal);
- `exiftool`: ONE `exiftool -json -a -G1` call over the whole corpus (the baseline; it reads, it cannot verify).

It prints files/s for each, the agreement on every label both read (exiftool does not read a WAV RIFF chunk it does
not know, nor Markdown front matter), and that every tampered file is caught. Exits non-zero on a disagreement or a
missed tampered file.

    python bench/labels.py [--quick] [--json PATH]
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from aiplus.algorithms.labels import (  # noqa: E402
    Format,
    ImplicitLabel,
    Status,
    VerifyResult,
    parse,
    read,
    samples,
    verify,
    write,
)
from aiplus.algorithms.labels.model import Limits  # noqa: E402
from bench._common import Report, parse_args  # noqa: E402

KEY = b"bench-producer-key"
FULL_PER_GROUP, QUICK_PER_GROUP = 8, 2


def label_values() -> list[str]:
    """`labelling.implicit_label_values` from the national pack (the engine never reads packs itself)."""
    from aiplus.regulation.loader import default_packs_root, load_packs

    registry = load_packs(default_packs_root(), ["national"]).parameters
    return [str(v) for v in registry.value("labelling.implicit_label_values", dt.date.today())]


def build_corpus(directory: Path, per_group: int, values: list[str]) -> dict[Path, str]:
    """Every file with its group: labelled, unlabelled or tampered."""
    corpus: dict[Path, str] = {}
    formats = [f for f in Format if f not in samples.NEEDS_FFMPEG or samples.have_ffmpeg()]
    for fmt in formats:
        seed = 0
        for group in ("labelled", "unlabelled", "tampered"):
            for i in range(per_group):
                seed += 1
                path = samples.make(fmt, directory, name=f"{fmt.value}-{group}-{i}", seed=seed)
                corpus[path] = group
                if group == "unlabelled":
                    continue
                label = ImplicitLabel.first_write(values[i % len(values)], "ACME-AI-001", f"{fmt.value}-{seed}")
                sealed = write(path, label, values, key=KEY).label
                if group == "tampered":
                    if i % 2 == 0:
                        # another file's content under this file's sealed label
                        other = samples.make(fmt, directory, name=f"{fmt.value}-other-{i}", seed=seed + 37)
                        write(other, sealed, values, seal=False)
                        other.replace(path)
                    else:
                        write(path, sealed.replace(Label=values[(i + 1) % len(values)]), values, seal=False)
    return corpus


def exiftool_labels(paths: list[Path]) -> tuple[float, dict[str, dict[str, str] | None]]:
    started = time.perf_counter()
    done = subprocess.run(["exiftool", "-json", "-a", "-G1", "-charset", "utf8", *map(str, paths)],
                          capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    found: dict[str, dict[str, str] | None] = {}
    for entry in json.loads(done.stdout or b"[]"):
        value = None
        for tag, raw in entry.items():
            name = tag.partition(":")[2].upper()
            text = str(raw)
            if name == "AIGC":
                value = text
            elif name == "USERDEFINEDTEXT" and text.startswith("(AIGC) "):
                value = text[len("(AIGC) "):]
        label = parse(value, Limits())[0] if value is not None else None
        found[str(Path(entry["SourceFile"]).resolve())] = label.as_dict() if label else None
    return elapsed, found


def main(argv: list[str] | None = None) -> int:
    args = parse_args(__doc__ or "", argv, traces=False, quick_help="2 files per format and group (< 30 s)")
    per_group = QUICK_PER_GROUP if args.quick else FULL_PER_GROUP
    values = label_values()
    if shutil.which("exiftool") is None:
        print("exiftool is not installed (make browser installs it): no baseline")
    with tempfile.TemporaryDirectory(prefix="aiplus-bench-labels-") as tmp:
        started = time.perf_counter()
        corpus = build_corpus(Path(tmp), per_group, values)
        generated_s = time.perf_counter() - started
        paths = sorted(corpus)

        started = time.perf_counter()
        ours_read = {str(p.resolve()): read(p, values) for p in paths}
        read_s = time.perf_counter() - started
        started = time.perf_counter()
        ours_verify: dict[Path, VerifyResult] = {}
        spent: dict[bool, float] = {True: 0.0, False: 0.0}  # by "runs ffmpeg for the payload digest"
        for p in paths:
            one = time.perf_counter()
            ours_verify[p] = verify(p, values, key=KEY)
            spent[ours_verify[p].format in samples.NEEDS_FFMPEG[1:]] += time.perf_counter() - one
        verify_s = time.perf_counter() - started
        piped = sum(1 for p in paths if ours_verify[p].format in samples.NEEDS_FFMPEG[1:])

        missed = [p.name for p in paths if corpus[p] == "tampered" and ours_verify[p].status is not Status.TAMPERED]
        wrong = [p.name for p in paths if corpus[p] == "labelled" and ours_verify[p].status is not Status.VALID]
        wrong += [p.name for p in paths if corpus[p] == "unlabelled" and ours_verify[p].status is not Status.UNLABELLED]

        report = Report("labels", {"files": len(paths), "per_format_and_group": per_group,
                                   "formats": sorted({ours_verify[p].format.value for p in paths}),
                                   "generate_s": round(generated_s, 2), "label_values": values,
                                   "quick": bool(args.quick)})
        case = f"{len(paths)} files"
        report.add(case, "ours-read", "files/s", len(paths) / read_s, "files/s")
        report.add(case, "ours-verify", "files/s", len(paths) / verify_s, "files/s")
        if piped and spent[False]:
            # MP4/M4A verification runs one ffmpeg per file to hash the packets: the rest is in-process
            report.add(f"{len(paths) - piped} files w/o MP4/M4A", "ours-verify", "files/s",
                       (len(paths) - piped) / spent[False], "files/s")
            report.add(f"{piped} MP4/M4A files", "ours-verify", "files/s", piped / spent[True], "files/s")
        agreed = compared = 0
        disagreements: list[str] = []
        if shutil.which("exiftool") is not None:
            exif_s, theirs = exiftool_labels(paths)
            report.add(case, "exiftool", "files/s", len(paths) / exif_s, "files/s")
            for name, result in ours_read.items():
                other = theirs.get(name)
                if other is None or result.label is None:
                    continue
                compared += 1
                if other == result.label.as_dict():
                    agreed += 1
                else:
                    disagreements.append(Path(name).name)
            read_by_exiftool = sorted({ours_read[n].format.value for n, v in theirs.items() if v is not None})
            report.params["exiftool_reads"] = read_by_exiftool
        tampered = sum(1 for g in corpus.values() if g == "tampered")
        report.params.update({"tampered": tampered, "tampered_caught": tampered - len(missed),
                              "labels_compared": compared, "labels_agreed": agreed,
                              "misclassified": len(wrong)})
    print(report.table(["ours-read", "ours-verify", "exiftool"]))
    print(f"labels both read: {compared}, agreeing: {agreed}"
          + (f"; DISAGREE: {', '.join(disagreements[:5])}" if disagreements else ""))
    print(f"exiftool reads the label in: {', '.join(report.params.get('exiftool_reads', [])) or '-'}")
    print(f"tampered files caught: {tampered - len(missed)}/{tampered}"
          + (f"; MISSED: {', '.join(missed[:5])}" if missed else ""))
    if wrong:
        print(f"MISCLASSIFIED: {', '.join(wrong[:5])}")
    report.write(args.json)
    return 1 if missed or disagreements or wrong else 0


if __name__ == "__main__":
    sys.exit(main())
