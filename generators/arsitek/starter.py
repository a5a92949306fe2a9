"""``arsitek init``: a model a new agency's architects start from, one file per SPBE domain.

What it writes is a working model, not a form to fill in: it validates with no Violation and
builds, so an architect sees the site of their own agency on day one and replaces the examples
one by one. Each example points at a real national reference code, so the examples also show
where an agency's own level 4-7 codes hang. Nothing the architect owns is ever overwritten: the
folder must be new or empty, and the files appear there all at once, or not at all.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from arsitek.errors import OutputError, UsageError
from arsitek.templating import environment
from arsitek.text import markdown
from arsitek.vocab import PREFIXES

#: The model's files, one per SPBE domain plus the header and the sources, in the order a reader meets them.
FILES = (
    "model.ttl",
    "organisasi.ttl",
    "bisnis.ttl",
    "data.ttl",
    "aplikasi.ttl",
    "infrastruktur.ttl",
    "integrasi.ttl",
    "keamanan.ttl",
    "sumber.ttl",
    "README.md",
)

_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,31}$")
_IRI_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`]")


@dataclass(frozen=True)
class Kind:
    """What differs between a regional government and a central agency in the starting model."""

    slug: str
    label: dict[str, str]
    #: (local name, Indonesian label, English label) of the organisation's example units
    units: tuple[tuple[str, str, str], ...]
    #: the unit that runs the architecture and the infrastructure (Diskominfo, Pusdatin)
    ict_unit: str
    #: the unit that carries out the example process
    business_unit: str
    process: tuple[str, str, str, str]  # local name, id, en, RAB level-3 code
    service: tuple[str, str, str, str, str]  # local name, id, en, RAL level-3 code, SPBE class
    data: tuple[str, str, str, str]  # local name, id, en, RAD level-3 code
    audience: str  # the example service's kode:TargetLayanan


KINDS = {
    "pemda": Kind(
        "pemda",
        {"id": "pemerintah daerah", "en": "regional government"},
        units=(
            ("Setda", "Sekretariat Daerah", "Regional Secretariat"),
            ("Diskominfo", "Dinas Komunikasi dan Informatika", "Communication and Informatics Office"),
            (
                "Dpmptsp",
                "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu",
                "Investment and One-Stop Service Office",
            ),
            ("Bappeda", "Badan Perencanaan Pembangunan Daerah", "Regional Development Planning Agency"),
        ),
        ict_unit="Diskominfo",
        business_unit="Dpmptsp",
        process=(
            "PelayananPerizinanBerusaha",
            "Pelayanan perizinan berusaha",
            "Business licensing",
            "RAB.02.08.06",
        ),
        service=(
            "LayananPerizinanDaring",
            "Layanan perizinan berusaha daring",
            "Online business licensing service",
            "RAL.01.12.06",
            "LayananPublik",
        ),
        data=("Perizinan", "Data perizinan berusaha", "Business licence data", "RAD.02.08.06"),
        audience="kode:badan-usaha",
    ),
    "instansi-pusat": Kind(
        "instansi-pusat",
        {"id": "instansi pusat", "en": "central agency"},
        units=(
            ("Setjen", "Sekretariat Jenderal", "Secretariat General"),
            ("Pusdatin", "Pusat Data dan Informasi", "Data and Information Centre"),
            ("BiroPerencanaan", "Biro Perencanaan", "Planning Bureau"),
        ),
        ict_unit="Pusdatin",
        business_unit="BiroPerencanaan",
        process=(
            "PenyusunanRencanaKerja",
            "Penyusunan rencana kerja dan anggaran",
            "Work plan and budget preparation",
            "RAB.09.05.01",
        ),
        service=(
            "LayananPerencanaan",
            "Layanan perencanaan program dan anggaran",
            "Programme and budget planning service",
            "RAL.02.03.01",
            "LayananAdministrasiPemerintahan",
        ),
        data=("RencanaKerja", "Data rencana kerja", "Work plan data", "RAD.09.05.01"),
        audience="kode:instansi-pemerintah",
    ),
}


def turtle_string(value: str) -> str:
    """``value`` as the inside of a Turtle ``"..."`` literal: nothing it holds can end the literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return escaped.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def checked_prefix(prefix: str) -> str:
    if not _PREFIX.match(prefix):
        raise UsageError(
            f"--prefix {prefix!r} is not a Turtle prefix: a letter, then letters, digits, '-' or '_' (at most 32)"
        )
    if prefix in PREFIXES:
        raise UsageError(f"--prefix {prefix!r} is one of arsitek's own ({PREFIXES[prefix]}); choose your agency's")
    return prefix


def checked_namespace(namespace: str) -> str:
    if not re.match(r"^https?://[^/]+", namespace) or _IRI_FORBIDDEN.search(namespace):
        raise UsageError(
            f"--namespace {namespace!r} must be an http(s) IRI without spaces, such as https://x.go.id/arsitektur/"
        )
    if not namespace.endswith(("/", "#")):
        raise UsageError(f"--namespace {namespace!r} must end with '/' or '#', so that names can follow it")
    if namespace.startswith("https://w3id.org/arsitek/"):
        raise UsageError("--namespace is arsitek's own namespace; give your agency's")
    return namespace


def render(name: str, kind: str, prefix: str, namespace: str) -> dict[str, str]:
    """Every file of the starting model, by file name."""
    if kind not in KINDS:
        raise UsageError(f"--kind must be one of {', '.join(KINDS)}")
    if not name.strip():
        raise UsageError('--name must name the agency, such as "Pemerintah Kota Contoh"')
    env = environment("init")
    env.filters["ttl"] = lambda value: turtle_string(str(value))
    env.filters["md"] = lambda value: markdown(str(value))
    values = {
        "name": name.strip(),
        "kind": KINDS[kind],
        "p": checked_prefix(prefix),
        "ns": checked_namespace(namespace),
        "ontology": namespace.rstrip("/#"),
    }
    return {file: env.get_template(f"{file}.j2").render(**values) for file in FILES}


def write_model(target: Path, files: dict[str, str]) -> None:
    """Write ``files`` into ``target`` (new or empty), all at once: a kill leaves nothing half written."""
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise OutputError(f"refusing to write to {target}: it is not a folder; name a new folder")
    if target.exists() and any(target.iterdir()):
        raise OutputError(
            f"refusing to write to {target}: it is not empty; arsitek init writes only into a new or empty folder"
        )
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.arsitek-init-", dir=parent))
    try:
        for file, text in files.items():
            (staging / file).write_text(text, encoding="utf-8")
        if target.exists():
            target.rmdir()  # empty, checked above; a file arriving meanwhile makes this fail, and nothing is lost
        os.rename(staging, target)
    except OSError as exc:
        raise OutputError(f"could not write the model to {target}: {exc.strerror or exc}") from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
