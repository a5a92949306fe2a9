"""Where a model's files are hosted and its site is published, when the model's header says so.

Both are optional settings an agency writes once in its header:

- ``spbe:tautanBerkas``, a link template with ``{path}`` and ``{line}``
  (``https://github.com/kpu/arsitektur/blob/main/{path}#L{line}``), so a finding's file and
  line link to any forge, whatever its line anchors look like;
- ``spbe:alamatSitus``, the address the built site is served from, so a SARIF rule links to its
  entry in the site's rule catalogue.

Only http(s) addresses are used: both reach HTML and SARIF, where a ``javascript:`` link would run.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

WEB = ("https://", "http://")


def _web(address: str) -> bool:
    return address.lower().startswith(WEB) and not any(c.isspace() or c in '"<>`' for c in address)


@dataclass(frozen=True)
class Hosting:
    #: the file link template (``spbe:tautanBerkas``), or "" when the model gives none usable
    files: str = ""
    #: the published site's address (``spbe:alamatSitus``), or ""
    site: str = ""

    def file_url(self, path: str, line: int | None) -> str | None:
        """The address of ``path`` at ``line`` in the repository, or None without a template."""
        if not self.files:
            return None
        return self.files.replace("{path}", quote(path, safe="/")).replace("{line}", str(line or 1))

    def rule_url(self, rule_id: str, lang: str) -> str | None:
        """The rule's entry in the published site's catalogue (``{lang}/aturan.html#RULE``)."""
        if not self.site:
            return None
        return f"{self.site.rstrip('/')}/{quote(lang)}/aturan.html#{quote(rule_id)}"


def hosting_from(links: list[str], sites: list[str]) -> Hosting:
    """The header's settings (:func:`arsitek.header.read_header` reads them with the licence).

    An address that is not http(s), or a link pattern without ``{path}``, is ignored; ARS-DOC-007
    reports such a value, so an architect learns why no link appears.
    """
    usable_links = sorted(v for v in links if _web(v) and "{path}" in v)
    usable_sites = sorted(v for v in sites if _web(v))
    return Hosting(usable_links[0] if usable_links else "", usable_sites[0] if usable_sites else "")
