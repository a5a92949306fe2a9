"""Mutated Turtle against the loader and ``validate``: every answer is an exit code, never a traceback.

The seeds in ``fuzz/seeds/`` are mutated the ways files really break (bytes flipped, inserted or
deleted, lines repeated or cut, a file truncated, an encoding changed) and validated in this
process, as ``arsitek validate FILE`` would. Bounded: a fixed number of examples, no deadline
per example (the machines here are noisy), the same examples on every run (``derandomize``).
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arsitek.cli import main

SEEDS = sorted((Path(__file__).parent / "fuzz" / "seeds").glob("*.ttl"))
#: Bytes a Turtle file breaks on: its punctuation, quotes, escapes, multi-byte UTF-8, a BOM, controls.
NASTY = [
    b"<", b">", b'"', b"'", b'"""', b"\\", b"\\u", b"@", b"^^", b";", b",", b".", b"[", b"]", b"(", b")",
    b":", b"_:", b"#", b"\n", b"\r", b"\t", b"\x00", b"\x1b[31m", b"\xef\xbb\xbf", b"\xc3", b"\xe2\x80\xa8",
    b"\xff\xfe", b"a", b"@prefix", b"PREFIX", b"<file:///etc/passwd>", b"owl:imports",
]  # fmt: skip


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)).read_bytes())
    for _ in range(draw(st.integers(1, 6))):
        where = draw(st.integers(0, max(0, len(data) - 1)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "repeat-line", "truncate", "nasty"]))
        if action == "flip" and data:
            data[where] ^= 1 << draw(st.integers(0, 7))
        elif action == "insert":
            data[where:where] = draw(st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del data[where : where + draw(st.integers(1, 40))]
        elif action == "repeat-line":
            start = data.rfind(b"\n", 0, where) + 1
            end = data.find(b"\n", where)
            line = bytes(data[start : end if end >= 0 else len(data)])
            data[start:start] = line + b"\n"
        elif action == "truncate":
            del data[where:]
        else:
            data[where:where] = draw(st.sampled_from(NASTY))
    return bytes(data)


def run_validate(path: Path, *extra: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            main(["validate", str(path), *extra])
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 2
        else:
            code = 0
    return code, out.getvalue() + err.getvalue()


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(mutated(), st.sampled_from([(), ("--format", "sarif"), ("--format", "json"), ("--format", "junit")]))
def test_mutated_turtle_gets_an_exit_code_never_a_traceback(content: bytes, options: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.ttl"
        path.write_bytes(content)
        code, output = run_validate(path, *options)
    assert code in (0, 1, 2), output
    assert "Traceback" not in output and "internal error" not in output, output


def test_the_seeds_themselves_validate() -> None:
    for seed in SEEDS:
        code, output = run_validate(seed)
        assert code in (0, 1), (seed.name, output)
