"""The examples Compare's Single tab offers: the bundled experiment set's, and those of a file
uploaded under Batch (named by the file, never taken for bundled ones); an example picked lends
the comparison what it says of its question."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import gradio as gr

from workbench.compare import Experiment
from workbench.experiments import ExperimentFileError, load_experiments

EXAMPLE_LABEL = "Example from the experiment set (or from a file uploaded under Batch)"
FROM_FILE = "file:"  # the picker's value of an example from the Batch tab's uploaded file: "file:row-2"


def with_example(exp: Experiment, example: Experiment | None) -> Experiment:
    """The ad hoc experiment with what the chosen example says of its question (its language,
    expected route, category) while its query and transaction are still the example's; the
    checks are the ones in the box, which picking the example filled in."""
    if example is None or (exp.query, exp.transaction) != (example.query, example.transaction):
        return exp
    return replace(example, id=exp.id, expect=exp.expect, system_prompt=exp.system_prompt)


def example_choices(examples: list[Experiment], file_examples: list[Experiment] | None = None,
                    file_name: str = "") -> list[tuple[str, str]]:
    """The example picker's choices: the experiments of the file uploaded under *Batch* first
    (named by the file, their values FROM_FILE + id, so that a `row-2` of the file is no bundled
    one), then the bundled set's."""
    return [*((f"{file_name} · {e.id} · {e.query[:70]}", FROM_FILE + e.id) for e in file_examples or []),
            *((f"{e.id} · {e.query[:70]}", e.id) for e in examples)]


def offered_examples(path: str | None, examples: list[Experiment]) -> tuple[list[Experiment], Any]:
    """The experiments of the file uploaded under *Batch* (`path`; None when it was cleared), kept
    for this session, and the example picker offering them; a file that is not an experiment file
    offers nothing more (running the batch says what is wrong with it)."""
    try:
        mine = load_experiments(Path(path)) if path else []
    except (ExperimentFileError, OSError):
        mine = []
    if not mine:
        return [], gr.update(choices=example_choices(examples), label=EXAMPLE_LABEL)
    name = Path(str(path)).name
    return mine, gr.update(choices=example_choices(examples, mine, name),
                           label=f"Example from your file {name} ({len(mine)}) or the experiment set")
