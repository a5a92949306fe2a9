"""The package's own architecture (docs/architecture.md): imports point one way, no module is too long.

cli → build → generators → view / validate → load and the leaf modules. Every import counts,
at the top of a module or inside a function, so a lazy import cannot hide a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

from tests.conftest import ROOT

PACKAGE = ROOT / "generators" / "arsitek"
#: Layers, highest first; a module may import its own layer and those below it.
LAYERS: list[tuple[str, ...]] = [
    ("arsitek.cli", "arsitek.watch", "arsitek.__main__", "arsitek"),  # arsitek: the API for other tools
    ("arsitek.build", "arsitek.starter", "arsitek.diff"),
    ("arsitek.generators", "arsitek.profil"),  # a profile builds on the generators' extension points
    (
        "arsitek.view", "arsitek.header", "arsitek.hosting", "arsitek.facts", "arsitek.validate", "arsitek.endpoint",
        "arsitek.stub",
        "arsitek.spreadsheet", "arsitek.questions", "arsitek.exchange",
    ),
    (
        "arsitek.load", "arsitek.locate", "arsitek.source_file", "arsitek.guard", "arsitek.output",
        "arsitek.parallel", "arsitek.text", "arsitek.errors", "arsitek.paths", "arsitek.vocab",
        "arsitek.templating", "arsitek.standard_terms", "arsitek.version", "arsitek.profiles",
    ),
]  # fmt: skip
LONGEST = 500


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    best = (-1, len(LAYERS))
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best[0]:
                best = (len(prefix), index)
    assert best[1] < len(LAYERS), f"{module} is in no layer of docs/architecture.md"
    return best[1]


def is_module(name: str) -> bool:
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports() -> nx.DiGraph:
    graph = nx.DiGraph()
    for path in sorted(PACKAGE.rglob("*.py")):
        importer = module_name(path)
        graph.add_node(importer)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("arsitek"):
                modules = [f"{node.module}.{a.name}" for a in node.names if is_module(f"{node.module}.{a.name}")]
                # ``from package import module`` imports the module (after the package's __init__, which
                # is its parent's business); a name that is not a module is taken from the package itself.
                targets = modules if len(modules) == len(node.names) else [node.module, *modules]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names if a.name.startswith("arsitek")]
            else:
                continue
            for target in targets:
                if target != importer:
                    graph.add_edge(importer, target)
    return graph


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{importer} imports {target}" for importer, target in imports().edges if layer_of(target) < layer_of(importer)
    ]
    assert upward == []


def test_no_module_imports_itself_through_others() -> None:
    assert list(nx.simple_cycles(imports())) == []


def test_no_module_is_over_the_length_a_reader_holds() -> None:
    lengths = {module_name(p): len(p.read_text(encoding="utf-8").splitlines()) for p in PACKAGE.rglob("*.py")}
    assert {module: n for module, n in lengths.items() if n > LONGEST} == {}


def test_the_core_never_imports_a_profile() -> None:
    """A profile is found through its entry point (arsitek.profiles); no core module names one."""
    naming = [
        f"{module} imports {imported}"
        for module, imported in imports().edges
        if not (module + ".").startswith("arsitek.profil.") and (imported + ".").startswith("arsitek.profil.")
    ]
    assert naming == []
