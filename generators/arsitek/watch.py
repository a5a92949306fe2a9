"""``arsitek validate --watch``: the report again after every save, re-running only what the edit can affect.

The store and every check's findings stay in memory (see
:mod:`arsitek.validate.incremental`); files are polled by content digest, so
it needs no file-system notification library and works on network folders.
A file that does not parse is reported and the last good state is kept.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from arsitek.build import rules_for
from arsitek.errors import ArsitekError
from arsitek.generators.reports.text import print_text
from arsitek.paths import data_folders
from arsitek.text import one_line
from arsitek.validate.findings import Severity
from arsitek.validate.incremental import IncrementalValidator, Update

SAID = {
    "id": {
        "watching": "Memantau {n} berkas; simpan perubahan untuk memeriksa ulang (Ctrl-C untuk berhenti).",
        "changed": "{time} berubah: {files} · {run} dari {total} pemeriksaan dijalankan ulang dalam {seconds:.2f} s",
        "full": "{time} kosakata atau hierarki kelas berubah: semua pemeriksaan dijalankan ulang dalam {seconds:.2f} s",
        "kept": "{time} {error}\n  (hasil terakhir yang sah tetap dipakai)",
    },
    "en": {
        "watching": "Watching {n} files; save a change to check again (Ctrl-C to stop).",
        "changed": "{time} changed: {files} · {run} of {total} checks re-run in {seconds:.2f} s",
        "full": "{time} vocabulary or class hierarchy changed: every check re-run in {seconds:.2f} s",
        "kept": "{time} {error}\n  (the last good result is kept)",
    },
}


def watch(
    paths: list[Path],
    ontology_dir: Path | None,
    lang: str,
    fail_on: Severity,
    console: Console,
    interval: float = 0.5,
    keep_going: Callable[[], bool] = lambda: True,
) -> int:
    """Validate, then validate again on every change until interrupted; the exit code of the last result."""
    # A watcher is stopped with Ctrl+C whatever it inherited: a parent that ignores or blocks SIGINT
    # (a test runner's worker, a supervisor) would otherwise leave it running for ever.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    folders = data_folders(ontology_dir)
    validator = IncrementalValidator(
        paths, [folders.ontology], lambda model: rules_for(model, ontology_dir), exclude=folders.not_vocabulary
    )
    words = SAID[lang]
    last = validator.full()
    print_text(console, last.result, lang, fail_on)
    console.print(words["watching"].format(n=len(validator.model.model_files())), style="dim")
    shown_error = ""  # a file left broken is reported once, not at every poll, until it changes
    try:
        while keep_going():
            time.sleep(interval)
            start = time.perf_counter()
            try:
                update = validator.update()
            except ArsitekError as exc:
                if one_line(str(exc)) != shown_error:
                    shown_error = one_line(str(exc))
                    console.print(words["kept"].format(time=_now(), error=shown_error), style="red")
                continue
            shown_error = ""
            if not update.changed_files:
                continue
            last = update  # before printing: an interrupt during the report must still exit by this result
            _announce(console, words, update, time.perf_counter() - start)
            print_text(console, update.result, lang, fail_on)
    except KeyboardInterrupt:
        pass
    return 1 if last.result.fails(fail_on) else 0


def _announce(console: Console, words: dict[str, str], update: Update, seconds: float) -> None:
    if update.full:
        console.print(words["full"].format(time=_now(), seconds=seconds), style="bold")
        return
    files = ", ".join(update.changed_files)
    console.print(
        words["changed"].format(
            time=_now(), files=files, run=update.checks_run, total=update.checks_total, seconds=seconds
        ),
        style="bold",
    )


def _now() -> str:
    return time.strftime("%H:%M:%S")
