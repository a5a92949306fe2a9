"""The site's search at national scale, measured in Chromium: page loads stay light, the first search pays.

The index is one script per language, loaded when the reader first focuses the search box. This
opens element pages of a built site (``arsitek build``; the folder with ``en/`` and ``id/``), then
searches, and prints what a reader waits for, and the ratio of a page load to what the same page
would cost if it parsed the index as it opened. Run: ``python bench/search.py BUILD/site [QUERY]``.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-background-networking"]


def main(site: Path, query: str) -> None:
    for lang in ("en", "id"):
        index = site / lang / "search-index.js"
        pages = sorted((site / lang / "aplikasi").glob("*.html"))[
            :: max(1, len(list((site / lang / "aplikasi").glob("*.html"))) // 5)
        ][:5]
        with sync_playwright() as play:
            browser = play.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            loads, eager, first, again = [], [], [], []
            for path in pages:
                page = browser.new_page()
                page.goto(path.as_uri(), wait_until="load")
                loads.append(page.evaluate("performance.getEntriesByType('navigation')[0].loadEventEnd"))
                # What the page would have cost had it parsed the index as it opened: load it, timed.
                eager.append(
                    page.evaluate(
                        """(src) => new Promise((done) => { const t = performance.now();
                        const s = document.createElement('script'); s.src = src;
                        s.onload = () => done(performance.now() - t); document.head.appendChild(s); })""",
                        (path.parent.parent / "search-index.js").as_uri(),
                    )
                )
                page.close()
                page = browser.new_page()
                page.goto(path.as_uri(), wait_until="load")
                start = page.evaluate("performance.now()")
                page.fill("#q", query)
                page.wait_for_selector(".suggest li", state="attached")
                first.append(page.evaluate("performance.now()") - start)
                start = page.evaluate("performance.now()")
                page.fill("#q", query.lower())  # the index is loaded: the input handler searches at once
                page.wait_for_selector(".suggest li", state="attached")
                again.append(page.evaluate("performance.now()") - start)
                page.close()
            browser.close()
        load, index_ms = statistics.median(loads), statistics.median(eager)
        print(
            f"{lang}: index {index.stat().st_size / 1e6:.1f} MB; element page load {load:.0f} ms "
            f"(would be {load + index_ms:.0f} ms parsing the index: {(load + index_ms) / load:.1f}×); "
            f"first search {statistics.median(first):.0f} ms, later searches {statistics.median(again):.0f} ms "
            f"(medians of {len(pages)} pages, query {query!r})"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2] if len(sys.argv) > 2 else "aplikasi 1500")
