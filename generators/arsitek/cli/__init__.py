"""The ``arsitek`` command: the only package that prints or exits.

Its modules parse options, call the pipeline (:mod:`arsitek.build`) or the checks, print, and
exit; ``main`` turns every error into one line and an exit code, so no traceback reaches a user.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import click

from arsitek.cli import begin, check, intake, make, review, share  # noqa: F401  (each adds its commands to the group)
from arsitek.cli.options import cli
from arsitek.errors import ArsitekError
from arsitek.text import one_line

__all__ = ["cli", "main"]


class Terminated(BaseException):
    """SIGTERM, raised where the process is so that every ``finally`` (staging folders, children) runs."""


def _on_terminate(signum: int, frame: Any) -> None:
    raise Terminated


def main(argv: list[str] | None = None) -> None:
    """Entry point: turns every :class:`ArsitekError` into a one-line message and its exit code."""
    previous = signal.signal(signal.SIGTERM, _on_terminate)
    try:
        cli.main(args=argv, prog_name="arsitek", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("arsitek: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except ArsitekError as exc:
        click.echo(one_line(str(exc)) if exc.located else f"arsitek: error: {one_line(str(exc))}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("arsitek: interrupted", err=True)
        sys.exit(130)
    except Terminated:
        click.echo("arsitek: terminated", err=True)
        sys.exit(143)
    except OSError as exc:  # disk full, read-only, permission denied, name too long: the system's words, one line
        where = f": {exc.filename}" if exc.filename else ""
        click.echo(f"arsitek: error: {one_line(exc.strerror or str(exc))}{one_line(where)}", err=True)
        sys.exit(2)
    except Exception as exc:
        if os.environ.get("ARSITEK_DEBUG"):
            raise
        click.echo(
            f"arsitek: internal error: {type(exc).__name__}: {one_line(str(exc))} "
            "(set ARSITEK_DEBUG=1 for a traceback and please report it)",
            err=True,
        )
        sys.exit(2)
    finally:
        signal.signal(signal.SIGTERM, previous)
    sys.exit(0)
