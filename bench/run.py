"""Benchmarks for national scale: ratios measured in one run on this machine.

For each size: the bare pyoxigraph parse of the files (the practical floor),
arsitek load + validate with the default SPARQL engine, its peak memory (of
either process: a large model is validated by two), at the smallest size the
same shapes on pyshacl with the findings compared, and what re-validating
costs after one edit to one file, as ``arsitek validate --watch`` does it. With
``--build`` also the full ``arsitek build`` (validate, contracts, site): its time,
its peak memory and the files it writes.
Seeded defects must come out exactly. Run: ``python bench/run.py 1000 10000 30000 [--build]``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from synthetic import expected_findings, write_model  # noqa: E402

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import pyoxigraph as ox
from arsitek.load import collect_files, load_model
from arsitek.paths import data_folders
from arsitek.validate import load_shapes, validate_model
folder, engine = Path(sys.argv[1]), sys.argv[2]
f = data_folders()
if engine == "build":
    import subprocess
    out = Path(sys.argv[3])
    start = time.perf_counter()
    command = [sys.executable, "-m", "arsitek", "build", "--allow-invalid", str(folder), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True)
    seconds = time.perf_counter() - start
    files = sum(1 for p in out.rglob("*") if p.is_file())
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest of the build's processes
    print(json.dumps({"seconds": seconds, "peak_mb": peak, "files": files}))
    raise SystemExit
if engine == "incremental":
    from arsitek.validate.incremental import IncrementalValidator
    validator = IncrementalValidator([folder], [f.ontology], load_shapes([f.shapes]), exclude=f.not_vocabulary)
    validator.full()
    target = sorted(folder.glob("aplikasi-*.ttl"))[-1]
    times = {}
    for name, old, new in [
        ("label", '"@en ;', ' (revisi)"@en ;'),
        ("owner", "spbe:pemilik ex:", "spbe:pemlik ex:"),
        ("new app", "", "ex:aplikasiBaru a spbe:AplikasiKhusus ; rdfs:label \"Baru\"@id , \"New\"@en .\n"),
    ]:
        text = target.read_text(encoding="utf-8")
        target.write_text(text.replace(old, new, 1) if old else text + new, encoding="utf-8")
        start = time.perf_counter()
        update = validator.update()
        times[name] = [time.perf_counter() - start, update.checks_run, update.checks_total]
    print(json.dumps(times))
    raise SystemExit
if engine == "parse":
    start = time.perf_counter()
    store = ox.Store()
    for path in collect_files([folder]):
        store.load(path.read_bytes(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(path.as_uri()))
    print(json.dumps({"seconds": time.perf_counter() - start, "triples": len(store)}))
    raise SystemExit
start = time.perf_counter()
shapes = load_shapes([f.shapes])
model = load_model([folder], [f.ontology], exclude=f.not_vocabulary)
loaded = time.perf_counter()
result = validate_model(model, shapes, engine)
done = time.perf_counter()
counts = {}
for finding in result.findings:
    if finding.severity.word == "violation":
        counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1
print(json.dumps({
    "load": loaded - start, "validate": done - loaded, "seconds": done - start, "triples": result.triples,
    "violations": counts, "identities": sorted("|".join(x.identity) for x in result.findings),
    "peak_mb": max(resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024,
}))
"""


def measure(folder: Path, engine: str, *extra: str) -> dict[str, object]:
    command = [sys.executable, "-c", CHILD, str(folder), engine, *extra]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def main(sizes: list[int], build: bool = False) -> None:
    print(
        f"{'apps':>7} {'triples':>10} {'parse s':>8} {'arsitek s':>10} {'x parse':>8} {'peak MB':>8} "
        f"{'pyshacl s':>10} {'x faster':>9}  seeded defects"
    )
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "model"
            write_model(folder, size)
            parse = measure(folder, "parse")
            ours = measure(folder, "sparql")
            expected = dict(expected_findings(size))
            seeded = "exact" if ours["violations"] == expected else f"MISMATCH {ours['violations']} != {expected}"
            theirs_s, faster = "-", "-"
            if size <= 1000:
                theirs = measure(folder, "pyshacl")
                theirs_s = f"{theirs['seconds']:.1f}"
                faster = f"{theirs['validate'] / ours['validate']:.0f}x"  # type: ignore[operator]
                same = ours["identities"] == theirs["identities"]
                seeded += ", engines agree" if same else ", ENGINES DIFFER"
            ratio = ours["seconds"] / parse["seconds"]  # type: ignore[operator]
            print(
                f"{size:>7} {ours['triples']:>10,} {parse['seconds']:>8.2f} {ours['seconds']:>10.2f} "
                f"{ratio:>7.1f}x {ours['peak_mb']:>8.0f} {theirs_s:>10} {faster:>9}  {seeded}"
            )
            edits = measure(folder, "incremental")
            print(
                "          after one edit to one file (--watch): "
                + "; ".join(
                    f"{name} {s:.2f} s = {s / ours['seconds']:.2f} of a full run ({run}/{total} checks)"  # type: ignore[operator]
                    for name, (s, run, total) in edits.items()  # type: ignore[misc]
                )
            )
            if build:
                done = measure(folder, "build", str(Path(tmp) / "out"))
                print(
                    f"          full build (validate, contracts, site): {done['seconds']:.0f} s, "
                    f"peak {done['peak_mb']:.0f} MB, {done['files']:,} files"
                )
            sys.stdout.flush()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    main([int(a) for a in arguments if a != "--build"] or [1000, 10000, 30000], build="--build" in arguments)
