"""The build pipeline: the phases of ``arsitek build`` and ``arsitek generate``, in a fixed order.

1. **load and check**: the model's files (and the vocabulary) into one store; files that
   cannot be read are named and stop the run.
2. **validate**: the rules over the model; findings go to the caller's ``report``; a model
   with findings at or above the threshold stops here, unless told otherwise.
3. **view**: the typed view every generator reads, built while validation's second process
   starts on the checks.
4. **plan** every generator (:mod:`arsitek.generators`), in registry order.
5. **render and write** through one :class:`~arsitek.output.OutputTree`: each generator's
   tasks in a second process as soon as no later generator joins them, then the one split
   (the site's element pages) shared by this process and another. Nothing replaces the
   output folder before every part is complete.

The command line parses options and prints; everything between is here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from arsitek import parallel
from arsitek.errors import ArsitekError, UsageError
from arsitek.generators import GENERATORS
from arsitek.generators.base import Generator, Inputs, Plan, Split, Task
from arsitek.guard import check_target
from arsitek.load import LoadedModel, load_model, misplaced_vocabulary
from arsitek.output import OutputTree, SameAs, Written
from arsitek.paths import DataFolders, data_folders
from arsitek.profiles import installed
from arsitek.text import one_line
from arsitek.validate import load_shapes, validate_model
from arsitek.validate.findings import Severity, ValidationResult
from arsitek.validate.rules import ShapesGraph
from arsitek.view import ArchitectureView, build_view


class ModelInvalid(ArsitekError):
    """The model has findings at or above the threshold: exit 1, like validate."""

    exit_code = 1


@dataclass(frozen=True)
class Options:
    """What every command that reads a model is told: where it is and how strictly to judge it."""

    paths: tuple[Path, ...] = ()
    ontology_dir: Path | None = None
    engine: str = "sparql"
    lang: str = "id"
    allow_invalid: bool = False
    strict: bool = False

    @property
    def threshold(self) -> Severity:
        return Severity.WARNING if self.strict else Severity.VIOLATION


def default_model(folders: DataFolders) -> Path:
    """The model a command works on when given no PATH: ./model when there is one, else the KPU model."""
    here = Path("model")
    return here if here.is_dir() and any(here.rglob("*.ttl")) else folders.model


def model_paths(paths: tuple[Path, ...], folders: DataFolders, notice: Callable[[str], None]) -> list[Path]:
    """The paths given, or the default model, saying so when that is the bundled example, not the user's."""
    for given in paths:
        if given.exists() and given.resolve().is_relative_to(folders.ontology.resolve()):
            raise UsageError(
                f"{given} is arsitek's vocabulary and rules, which every run loads already; "
                "give the folder of your model (default: ./model)"
            )
    if paths:
        return list(paths)
    chosen = default_model(folders)
    if chosen == folders.model:
        notice("arsitek: no ./model folder here: using the bundled KPU example model (give a PATH to check your own)")
    return [chosen]


def inputs_of(options: Options) -> list[Path]:
    """Everything a command reads: no output may replace, hold or sit inside any of it."""
    folders = data_folders(options.ontology_dir)
    return [*(list(options.paths) or [default_model(folders)]), folders.ontology]


def load(options: Options, notice: Callable[[str], None]) -> LoadedModel:
    """Phase 1 without stopping: every model file that can be read; the others are in ``unreadable``."""
    folders = data_folders(options.ontology_dir)
    paths = model_paths(options.paths, folders, notice)
    model = load_model(paths, [folders.ontology], exclude=folders.not_vocabulary, keep_going=True)
    misplaced = misplaced_vocabulary(model)
    if misplaced is not None:
        raise UsageError(misplaced)
    return model


def stop_if_unreadable(model: LoadedModel, what: str, notice: Callable[[str], None]) -> None:
    """Name every file that could not be read (not only the first), then stop: nothing is made from half a model."""
    if model.unreadable:
        for error in model.unreadable:
            notice(one_line(str(error)))
        count = len(model.unreadable)
        raise ArsitekError(f"{what} stopped: {count} file{'s' if count > 1 else ''} could not be read")


def rule_files(folders: DataFolders, model: LoadedModel | None = None) -> list[Path]:
    """The core rules, and the rules of each profile the model declares (every installed one with no model)."""
    chosen = model.profiles if model is not None else installed()
    return [folders.shapes, *(path for profile in chosen for path in profile.shapes)]


def rules_for(model: LoadedModel, ontology_dir: Path | None = None) -> ShapesGraph:
    """The rules a model is judged by: the core's and those of the profiles it switched on."""
    return load_shapes(rule_files(data_folders(ontology_dir), model))


def check(model: LoadedModel, options: Options) -> ValidationResult:
    """Phase 2: the rules over the model."""
    return validate_model(model, rules_for(model, options.ontology_dir), engine=options.engine)


def validated(
    options: Options,
    report: Callable[[ValidationResult, Severity], None],
    notice: Callable[[str], None],
    what: str = "build",
    with_view: bool = True,
) -> tuple[LoadedModel, ArchitectureView | None, ValidationResult]:
    """Phases 1 to 3: load, validate (findings to ``report``), and stop on findings at the threshold.

    The typed view is built only for commands that generate from it (it takes seconds at national
    scale), and while validation's second process starts on the checks, not after them.
    """
    model = load(options, notice)
    stop_if_unreadable(model, what, notice)
    with parallel.meanwhile(lambda: build_view(model) if with_view else None) as view:
        result = check(model, options)
    if result.findings:
        report(result, options.threshold)
    if result.fails(options.threshold) and not options.allow_invalid:
        raise ModelInvalid(f"{what} stopped: the model has findings at or above {options.threshold.word}")
    return model, view(), result


def selected(names: Sequence[str] | None, overrides: Mapping[str, Generator] | None = None) -> list[Generator]:
    """The generators to write, in registry order: all of them, or ``names`` and what each writes with it."""
    registry = {**GENERATORS, **(overrides or {})}
    if names is None:
        return list(registry.values())
    unknown = [n for n in names if n not in registry]
    if unknown:
        raise UsageError(f"no generator called {', '.join(unknown)}; known: {', '.join(registry)}")
    wanted = set(names)
    for name in names:
        wanted |= set(getattr(registry[name], "also", ()))
    return [g for g in registry.values() if g.name in wanted]


def write(
    inputs: Inputs,
    out_dir: Path,
    writing: Sequence[Generator],
    protect: Sequence[Path],
    progress: Callable[[int, int], None] | None = None,
    nested: bool = True,
) -> int:
    """Phases 4 and 5: plan every generator ``writing`` needs, then write them all into ``out_dir`` at once.

    ``nested``: each generator in its own folder (a build); otherwise, one generator's files at
    the top of ``out_dir`` (``arsitek generate``). Returns the number of files written.
    """
    registry = {**GENERATORS, **{g.name: g for g in writing}}
    names = {g.name for g in writing}
    planning = _with_needs(writing, registry)
    inputs = Inputs(**{**inputs.__dict__, "writing": frozenset(names)})
    # A generator's tasks go to its own second process, or to the one of the generator it joins (its
    # files link to that one's); a process starts as soon as the last generator writing with it is planned.
    owner = {g.name: g.joins if g.joins in names else g.name for g in planning if g.name in names}
    last = {chain: max(i for i, g in enumerate(planning) if owner.get(g.name) == chain) for chain in owner.values()}
    with OutputTree(out_dir, protect=protect) as tree:
        plans: dict[str, Plan] = {}
        chains: dict[str, list[Task]] = {}
        for position, generator in enumerate(planning):
            plans[generator.name] = plan = generator.plan(inputs, plans)
            if generator.name in names:
                prefix = f"{generator.folder}/" if nested else ""
                chains.setdefault(owner[generator.name], []).extend(_prefixed(task, prefix) for task in plan.tasks)
            for chain in [c for c, at in last.items() if at == position and c in chains]:
                tasks = chains.pop(chain)
                tree.write_beside(lambda tasks=tasks: (a for task in tasks for a in task()))  # type: ignore[misc]
        for generator in planning:
            make = plans[generator.name].split
            if generator.name in names and make is not None:
                _share(tree, make(), f"{generator.folder}/" if nested else "", progress)
    return tree.written


def _share(tree: OutputTree, split: Split, prefix: str, progress: Callable[[int, int], None] | None) -> None:
    """A split's chunks between this process (from the front) and a second one (from the back)."""
    ends, chunks = parallel.Ends(len(split.chunks)), split.chunks
    tree.write_beside(lambda: _prefix(split.render((chunks[i] for i in ends.back()), 1), prefix))

    def front() -> Iterator[Any]:
        for index in ends.front():
            if progress is not None:
                progress(ends.taken(), len(chunks))
            yield chunks[index]

    tree.write(_prefix(split.render(front(), 0), prefix))


def _with_needs(writing: Sequence[Generator], registry: Mapping[str, Generator]) -> list[Generator]:
    """``writing`` and every generator they read, in registry order."""
    wanted = {g.name for g in writing}
    pending = list(wanted)
    while pending:
        for need in registry[pending.pop()].needs:
            if need not in wanted:
                wanted.add(need)
                pending.append(need)
    return [g for g in registry.values() if g.name in wanted]


def _prefix(artifacts: Iterable[Written], prefix: str) -> Iterator[Written]:
    """Paths inside a generator's folder; a link's target is already relative to the output folder."""
    if not prefix:
        yield from artifacts
        return
    for path, content in artifacts:
        yield (f"{prefix}{path}", content)


def _prefixed(task: Task, prefix: str) -> Task:
    return lambda: _prefix(task(), prefix)


def build(
    options: Options,
    out_dir: Path,
    report: Callable[[ValidationResult, Severity], None],
    notice: Callable[[str], None],
    names: Sequence[str] | None = None,
    overrides: Mapping[str, Generator] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The whole pipeline: ``arsitek build`` (every generator) or ``arsitek generate`` (``names``)."""
    writing = selected(names, overrides)
    protect = inputs_of(options)
    check_target(out_dir, tuple(protect))  # before the model is read: a refusal costs nothing
    what = "build" if names is None else "generate"
    try:
        _, view, result = validated(options, report, notice, what)
    except ModelInvalid as exc:
        raise ModelInvalid(f"{exc}; {out_dir} was left as it was") from None
    assert view is not None
    folders = data_folders(options.ontology_dir)
    inputs = Inputs(view, result, folders.ontology, options.lang, options.threshold)
    return write(inputs, out_dir, writing, protect, progress, nested=names is None)


__all__ = ["ModelInvalid", "Options", "SameAs", "build", "check", "load", "validated", "write"]
