"""Compare › Batch's saved runs: opening one (from its menu, from a results file downloaded here
or elsewhere), writing it up, removing it from the lists and putting it back, linking to it and
setting it against another. ui.batch_tab lays the tab out and binds these."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ui.batch_view import results_frame, results_view, runs_against, saved_run_choices
from ui.common import download_path
from ui.judging import judge_of
from ui.links import link_query
from ui.saved import uploaded_path
from workbench.batch_store import (
    REMOVED,
    latest_records,
    remove_run,
    removed_runs,
    restore_run,
    run_file,
    safe_run_name,
)
from workbench.compare import SYSTEMS, still_to_run
from workbench.model_judge import model_verdicts, model_verdicts_file
from workbench.report import report_page, run_report
from workbench.run_csv import table_verdicts
from workbench.run_files import read_run_file, save_as_run
from workbench.verdicts import latest_verdicts, run_verdicts, verdicts_file

# asks the analyst before the run shown is taken off the lists; the answer goes to the handler as
# its second input (the first, the run's name, is held on the server)
CONFIRM_REMOVAL = ("(shown, answer) => [shown, window.confirm('Remove the run shown from the lists? Its file is "
                   "moved to the results folder\\'s removed/ folder, from where it can be put back.') ? 'yes' : '']")


class SavedRuns:
    """The Batch tab's handlers for the runs kept in `folder` (the results folder). A run shown
    fills the tab's run outputs — progress line, table, summary, routes, three charts, CSV, the
    records held, the run's name, both run menus — then the run-name box."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def verdicts(self, name: str, request: gr.Request) -> dict[str, dict]:
        """The signed-in analyst's verdicts on run `name` and the judge model's, as the table and
        the CSV show them."""
        mine = run_verdicts(verdicts_file(self.folder), name, judge_of(request))
        return table_verdicts(self.folder, name, mine)

    def opened(self, name: str | None, request: gr.Request, head: str) -> tuple:
        """Run `name` as it stood when it last wrote, its status line starting with `head`;
        *Run batch* under its name resumes it."""
        path = run_file(self.folder, safe_run_name(name, ""))
        records = latest_records(path) if name and path.is_file() else []
        if not records:
            raise gr.Error(f"The run {name!r} has no saved results (any more).")
        answered = {key: sum(not still_to_run(rec, (key,)) for rec in records) for key in SYSTEMS}
        counts = ", ".join(f"System {key} answered {n}" for key, n in answered.items())
        status = (f"{head}{len(records)} experiments ({counts}). *Run batch* under this name (with the file it "
                  "used) resumes it.")
        safe_name = safe_run_name(name, "batch")
        runs = saved_run_choices(self.folder)  # with it, were it written since the lists were read
        return (status, *results_view(records, safe_name, self.verdicts(safe_name, request)),
                {r["experiment_id"]: r for r in records}, safe_name, gr.update(choices=runs, value=name),
                gr.update(choices=runs), name)

    def open(self, name: str | None, request: gr.Request) -> tuple:
        """The run picked under *Open a saved run*."""
        return self.opened(name, request, f"**Opened run `{name}`** — ")

    def open_file(self, file: str | None, request: gr.Request) -> tuple:
        """A run's results downloaded here or elsewhere (the Batch CSV, a run's JSONL), saved as a
        run of this app — listed, judged, set against another — then opened."""
        path, shown = uploaded_path(file)
        try:
            records = read_run_file(path)
        except ValueError as exc:
            raise gr.Error(f"{shown} cannot be opened: {exc}.") from None
        try:
            name, there = save_as_run(records, self.folder, path.stem.replace(" ", "-"))
        except OSError as exc:
            raise gr.Error(f"{shown} cannot be saved as a run: the results folder {self.folder} "
                           f"cannot be written ({exc.strerror or exc}).") from None
        head = (f"**{shown} is the saved run `{name}`** (opened, not saved again) — " if there else
                f"**Saved {shown} as the run `{name}`**, listed under *Open a saved run* (verdicts given on it are "
                "kept with it) — ")
        return self.opened(name, request, head)

    def report(self, held: dict[str, dict], name: str) -> tuple[Any, Any]:
        """The run shown written up (workbench.report), with every verdict given on it so far: as
        Markdown, and as one web page."""
        if not held or not name:
            raise gr.Error("Run a batch or open a saved run first.")
        text = run_report(name, list(held.values()), latest_verdicts(verdicts_file(self.folder), name),
                          model_verdicts(model_verdicts_file(self.folder), name))
        path, page = download_path(f"{name}-report", ".md"), download_path(f"{name}-report", ".html")
        path.write_text(text, encoding="utf-8")
        page.write_text(report_page(text, name, list(held.values())), encoding="utf-8")
        return gr.update(value=str(path), visible=True), gr.update(value=str(page), visible=True)

    def remove(self, name: str, confirmed: str) -> Any:  # confirmed: CONFIRM_REMOVAL's answer
        """The run shown taken off the lists (workbench.batch_store.remove_run), once the analyst has
        confirmed it in the browser; the tab then shows no run (nothing changes when not confirmed)."""
        if not confirmed:
            return gr.skip()
        if not name:
            raise gr.Error("Run a batch or open a saved run first.")
        try:
            there = remove_run(self.folder, name)
        except OSError as exc:  # FileNotFoundError too: removed from another page meanwhile
            raise gr.Error(f"Run {name!r} was not removed: {exc.strerror or exc}.") from None
        runs = gr.update(choices=saved_run_choices(self.folder), value=None)
        said = (f"**Removed run `{name}` from the lists.** Its file is now `{there.relative_to(self.folder)}` "
                "in the results folder (*Runs removed from the lists* puts it back); the verdicts given on it are "
                "kept, and no new run takes its name.")
        hidden = gr.update(visible=False)  # the CSV and workbook downloads
        return said, results_frame([]), None, "", None, None, None, hidden, hidden, {}, "", runs, runs, "bundled"

    def removed_choices(self) -> Any:
        """The removed runs, the last removed first, for their menu."""
        return gr.update(choices=[(label, path.name) for label, path in removed_runs(self.folder)], value=None)

    def restore(self, picked: str | None, request: gr.Request) -> tuple:
        """The removed run picked put back on the lists under its name, and opened."""
        if not picked:
            raise gr.Error("Pick a removed run first (the list is read again when it is unfolded).")
        try:  # the file picked, checked there, without reading every removed run again
            name = restore_run(self.folder, self.folder / REMOVED / Path(picked).name)
        except OSError as exc:  # FileExistsError: a run of that name is on the lists already
            raise gr.Error(f"Not put back: {exc.strerror or exc}.") from None
        return (*self.opened(name, request, f"**Put run `{name}` back on the lists** and opened it — "),
                self.removed_choices())

    @staticmethod
    def link(name: str) -> Any:
        """The link's query that opens run `name` (ui.links; the page makes it a whole address)."""
        if not name:
            raise gr.Error("Run a batch or open a saved run first.")
        return gr.update(value=link_query(name), visible=True)

    def against(self, current: str, other: str | None) -> tuple:
        """The run shown set against `other`: the box that holds both, its heading, both summaries,
        the changes and their CSV."""
        try:
            head, frame, changes, csv = runs_against(self.folder, current, other)
        except ValueError as exc:
            raise gr.Error(str(exc)) from None
        return gr.Group(visible=True), head, frame, changes, csv
