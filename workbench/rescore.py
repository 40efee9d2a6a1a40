"""An experiment of a saved batch run scored again under checks and a reference answer edited in
the Batch tab (a check that was wrong, a figure the answers write another way): its answers as
they are, nothing asked again. The new scores are appended to the run's results file, as a run
resumed under edited checks appends them (`BatchRun`), so the table, summary, CSV, report and
every later reading of the run show them; the record keeps the checks it was scored under, so
*Download its questions* gives them back in the experiment file."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from workbench.batch_run import appending
from workbench.batch_store import latest_records
from workbench.checks import parse_expect, rechecked
from workbench.experiments import MAX_REFERENCE_CHARS


def rescore_experiment(path: Path, experiment_id: str, expect: Any,
                       reference: str | None) -> dict[str, Any] | None:
    """The last record of `experiment_id` in the run's results file `path`, scored under `expect`
    (as workbench.checks.parse_expect takes it: none takes the checks away) with `reference` as
    its reference answer (blank: none), appended to the file and returned; None, and nothing
    written, when both are as the record has them. Raises ExpectError for checks that cannot be
    used, ValueError for a reference over MAX_REFERENCE_CHARS or an experiment the file does not
    hold, OSError when the file cannot be written."""
    stored = latest_records(path, {experiment_id})
    if not stored:
        raise ValueError(f"the run's results file {path.name} holds no experiment {experiment_id!r}")
    text = (reference or "").strip() or None
    if text and len(text) > MAX_REFERENCE_CHARS:
        raise ValueError(f"the reference answer has {len(text):,} characters; the most is {MAX_REFERENCE_CHARS:,}")
    rec = rechecked(stored[0], expect)
    if (rec["expect"], text) == (parse_expect(stored[0].get("expect")), stored[0].get("reference") or None):
        return None
    rec["reference"] = text
    rec["rescored_at"] = datetime.now(timezone.utc).isoformat(timespec="seconds")  # after its answers were read
    with appending(path) as sink:
        sink.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return rec
