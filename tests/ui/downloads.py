"""Browser-test helper: click a download button and read the CSV the browser saved."""

from __future__ import annotations

import csv
from pathlib import Path


def download_csv(page, button: str, path: Path) -> list[dict[str, str]]:
    """Click `button` (a selector), save the download to `path`, return its rows."""
    with page.expect_download() as info:
        page.click(button)
    info.value.save_as(path)
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))
