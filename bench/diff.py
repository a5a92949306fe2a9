"""What ``arsitek diff`` costs for a one-file change, against one full ``arsitek validate``: a ratio per size.

A diff reads both sides, validates them and compares them; done naively that is two full
validations and more. arsitek validates the base once and then only re-runs the checks the
changed statements can reach (the incremental validator ``--watch`` uses), and compares only the
changed files statement by statement. Both are measured in fresh processes in one run, so the
ratio holds on a noisy machine. Run: ``python bench/diff.py 1000 10000 30000``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import write_model  # noqa: E402

CHILD = r"""
import json, sys, time
from pathlib import Path
from arsitek.build import rules_for
from arsitek.load import load_model
from arsitek.paths import data_folders
from arsitek.validate import validate_model
base, head, what = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
f = data_folders()
start = time.perf_counter()
if what == "validate":
    model = load_model([head], [f.ontology], exclude=f.not_vocabulary)
    result = validate_model(model, rules_for(model))
    print(json.dumps({"seconds": time.perf_counter() - start, "findings": len(result.findings)}))
else:
    from arsitek.diff.run import diff_folders
    diff = diff_folders(base, head, "base", "head", [f.ontology], f.not_vocabulary, rules_for)
    print(json.dumps({
        "seconds": time.perf_counter() - start,
        "elements": len(diff.semantic.elements),
        "changes": sorted({c.check for c in diff.changes}),
        "introduced": len(diff.introduced),
        "fixed": len(diff.fixed),
    }))
"""


def measure(base: Path, head: Path, what: str) -> dict[str, object]:
    run = subprocess.run([sys.executable, "-c", CHILD, str(base), str(head), what], capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(run.stderr)
    return json.loads(run.stdout)


def main(sizes: list[int]) -> None:
    print(f"{'apps':>7} {'validate s':>11} {'diff s':>8} {'diff / validate':>16}  what the diff found")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            base, head = Path(tmp) / "base", Path(tmp) / "head"
            write_model(base, size)
            shutil.copytree(base, head)
            edited = sorted(head.glob("aplikasi-*.ttl"))[-1]  # one file: a label changed, an owner removed
            text = edited.read_text(encoding="utf-8")
            text = text.replace('"@en ;', ' (revisi)"@en ;', 1)
            start = text.index("spbe:pemilik ")
            text = text[:start] + text[text.index("\n", start) + 1 :]
            edited.write_text(text, encoding="utf-8")
            full = measure(base, head, "validate")
            diff = measure(base, head, "diff")
            ratio = diff["seconds"] / full["seconds"]  # type: ignore[operator]
            print(
                f"{size:>7} {full['seconds']:>11.2f} {diff['seconds']:>8.2f} {ratio:>15.2f}x  "
                f"{diff['elements']} elements; {', '.join(diff['changes'])}; "  # type: ignore[arg-type]
                f"{diff['introduced']} findings introduced, {diff['fixed']} fixed"
            )
            sys.stdout.flush()


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000, 30000])
