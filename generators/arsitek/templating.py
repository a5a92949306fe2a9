"""One Jinja2 environment per generator, each with its own template folder.

HTML is autoescaped, every template is strict about undefined names, and a
``--templates DIR`` given by the user is searched before the shipped folder.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from arsitek import text

TEMPLATES = Path(__file__).parent / "templates"


def environment(generator: str, override: Path | None = None) -> jinja2.Environment:
    folders = [str(TEMPLATES / generator)]
    if override is not None:
        folders.insert(0, str(override / generator))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        # Templates are named <thing>.<ext>.j2: escaping keys on the output type before ".j2".
        autoescape=jinja2.select_autoescape(
            ["html.j2", "htm.j2", "xml.j2", "svg.j2", "html", "htm", "xml", "svg"], default_for_string=False
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # A build renders each template tens of thousands of times; the files do not change meanwhile,
        # so Jinja need not stat them before every render (this also keeps a running build on the
        # templates it started with).
        auto_reload=False,
    )
    env.filters["sql"] = lambda value: text.sql_string(str(value))
    env.filters["sqlcomment"] = lambda value: text.sql_comment(str(value))
    env.filters["ident"] = lambda value: text.sql_identifier(str(value))
    env.filters["md"] = lambda value: text.markdown(str(value))
    return env
