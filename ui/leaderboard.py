"""The Batch tab's *Models across every verdict*: the leaderboard of workbench.leaderboard — the
models rated from every verdict given (the analysts', or one judge model's), every two that met
head to head, both downloadable as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import pandas as pd

from ui.common import download_path
from workbench.breakdown import SLUGS, parse_only
from workbench.charts import ratings_figure
from workbench.export import write_csv
from workbench.leaderboard import (
    ANALYSTS,
    CHECKS,
    GROUPINGS,
    HEAD_TO_HEAD_COLUMNS,
    LEADERBOARD_COLUMNS,
    judges,
    standings,
)

SHARE_COLUMNS = {"preferred share", "model preferred share"}
GROUPING_CHOICES = [("model", "model"), ("model + thinking mode", "thinking"),
                    ("model + thinking mode + token budget", "budget")]
HOW = ("Each verdict is a game between the model behind System A and the one behind System B (a single "
       "comparison's or a batch run's); *Tie* and *Both bad* count half to each. With *checks*, no one judges: "
       "each experiment of a saved run whose two answers were both checked is a game won by the answer that "
       "passed every check against one that did not (a Tie when both did, Both bad when neither did). "
       "The ratings are on the Elo scale "
       "(Bradley–Terry): 400 points apart, one model is preferred ten times as often as the other; 100 apart, "
       "about 64% of the time. Each model also holds one tie against an average one (1,000), so that a handful of "
       "verdicts does not give an extreme rating. The 95% interval is the middle 95% of the ratings over 200 "
       "resamplings of the verdicts: two models whose intervals overlap are not told apart yet.")


def _shown(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    """Rows as the table shows them: shares as percentages (the CSV keeps the fractions)."""
    return pd.DataFrame([{c: f"{row[c]:.0%}" if c in SHARE_COLUMNS and isinstance(row[c], float) else row[c]
                          for c in columns} for row in rows], columns=columns)


def whose(judge: str) -> str:
    """Who gave the verdicts, in words."""
    return {ANALYSTS: "the analysts", CHECKS: "the experiments' checks"}.get(judge, f"the judge model `{judge}`")


def judge_choice(judge: str) -> str:
    """A whose-verdicts choice as the dropdown names it."""
    return {ANALYSTS: "analysts", CHECKS: "checks (the answer that passed every check, no judge)"}.get(
        judge, f"judge model {judge}")


def standings_note(board: dict[str, Any]) -> str:
    """The line above the tables: what was counted, what was left out and why, and groups of
    models that never met (their ratings do not compare)."""
    only = board.get("only")
    where = f" on the experiments whose {SLUGS[only[0]]} is `{only[1]}`" if only else ""
    if runs := board.get("runs"):
        where += f" in the run{'s' if len(runs) != 1 else ''} {', '.join(f'`{r}`' for r in runs)}"
    if not board["verdicts"]:
        line = (f"No verdict given by {whose(board['judge'])}{where} between two models yet: give verdicts under "
                "*Compare › Single* or under a batch run's table, or have a judge model judge a run.")
    else:
        count = board["verdicts"]
        line = (f"**{len(board['models'])} models** rated from {count} verdict{'s' if count != 1 else ''} given by "
                f"{whose(board['judge'])}{where}, each model told apart by {GROUPINGS[board['by']]}.")
    if board["groups"] > 1:
        groups: dict[int, list[str]] = {}
        for row in board["models"]:
            groups.setdefault(row["group"], []).append(f"`{row['model']}`")
        line += (f" **They fall in {board['groups']} groups that never met, directly or through others:** a "
                 "rating compares only with those of its own group (telling models apart by less joins them). "
                 + "; ".join(f"Group {n}: {', '.join(names)}" for n, names in enumerate(groups.values(), 1)) + ".")
    if board.get("judged_itself"):
        line += (f" **The judge judged its own answers** as {', '.join(f'`{m}`' for m in board['judged_itself'])}: a "
                 "model tends to prefer its own — read its ratings against the analysts'.")
    if board["left_out"]:
        line += "\n\nLeft out: " + "; ".join(f"{count} verdict{'s' if count != 1 else ''}: {why}"
                                             for why, count in board["left_out"].items()) + "."
    return line


EVERY = "every experiment"


def only_of(choice: str | None) -> tuple[str, str] | None:
    """The group an *Only the experiments of* choice names ("category:risk"); None for all."""
    try:
        return parse_only(choice or None)
    except ValueError:  # EVERY, or a choice no longer offered
        return None


def only_options(choices: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The groups to choose from (workbench.leaderboard.only_choices), as a dropdown shows them
    ("category: risk" -> "category:risk"), after every experiment."""
    return [(EVERY, EVERY), *((f"{SLUGS[slug]}: {value}", f"{slug}:{value}")
                              for slug, values in choices.items() for value in values)]


def standings_view(results_dir: Path, judge: str | None, by: str | None, only: str | None = None,
                   runs: list[str] | None = None) -> tuple[Any, ...]:
    """Whose-verdicts choices, the groups of experiments and the runs to choose from, the note,
    both tables and their downloads, as the folder stands now."""
    choices = judges(results_dir)
    judge = judge if judge in choices else ANALYSTS
    by = by if by in GROUPINGS else "model"
    runs = list(runs or [])
    board = standings(results_dir, judge, by, only_of(only), runs)
    if (kept := [r for r in runs if r in board["run_choices"]]) != runs:  # a run these verdicts lack: dropped
        runs = kept
        board = standings(results_dir, judge, by, only_of(only), runs)
    groups = only_options(board["only_choices"])
    if (only or EVERY) not in [value for _, value in groups]:  # a group these verdicts lack: all of them
        board = standings(results_dir, judge, board["by"], runs=runs)
        only = EVERY
    downloads = []
    for stem, rows, columns in (("leaderboard", board["models"], LEADERBOARD_COLUMNS),
                                ("head-to-head", board["head_to_head"], HEAD_TO_HEAD_COLUMNS)):
        if rows:
            path = download_path(stem)
            write_csv([{c: row[c] for c in columns} for row in rows], path, bom=True)
            downloads.append(gr.update(value=str(path), visible=True))
        else:
            downloads.append(gr.update(visible=False))
    return (gr.update(choices=[(judge_choice(j), j) for j in choices], value=judge),
            gr.update(choices=groups, value=only or EVERY), gr.update(choices=board["run_choices"], value=runs),
            standings_note(board), gr.update(value=ratings_figure(board["models"]), visible=bool(board["models"])),
            _shown(board["models"], LEADERBOARD_COLUMNS),
            _shown(board["head_to_head"], HEAD_TO_HEAD_COLUMNS), *downloads)


def build_leaderboard(results_dir: Path) -> None:
    """Lays out the accordion and binds it: read when opened, and again with other choices."""
    with gr.Accordion("Models across every verdict (a leaderboard)", open=False, elem_id="batch-leaderboard") as box:
        with gr.Row():
            judge = gr.Dropdown([("analysts", ANALYSTS)], value=ANALYSTS, label="Whose verdicts",
                                elem_id="batch-leaderboard-judge")
            by = gr.Radio(GROUPING_CHOICES, value="model", label="Tell models apart by",
                          elem_id="batch-leaderboard-by")
            only = gr.Dropdown([(EVERY, EVERY)], value=EVERY, label="Only the experiments of",
                               elem_id="batch-leaderboard-only")
            runs = gr.Dropdown([], value=[], multiselect=True, label="Only the verdicts on these runs",
                               info="Empty: every verdict, single comparisons too", elem_id="batch-leaderboard-runs")
            refresh = gr.Button("Read the verdicts again", size="sm", elem_id="batch-leaderboard-refresh")
        note = gr.Markdown(elem_id="batch-leaderboard-note")
        with gr.Accordion("How the ratings are made", open=False, elem_id="batch-leaderboard-how"):
            gr.Markdown(HOW)
        table = gr.Dataframe(headers=LEADERBOARD_COLUMNS, interactive=False, wrap=True, max_height=320,
                             pinned_columns=2, show_label=False, elem_id="batch-leaderboard-table",
                             column_widths=["60px", "240px", *["110px"] * (len(LEADERBOARD_COLUMNS) - 2)])
        chart = gr.Plot(show_label=False, visible=False, elem_id="batch-leaderboard-chart")
        gr.Markdown("**Head to head** — every two models that met, the better rated first; *model preferred share* "
                    "counts the verdicts that chose one, with its 95% interval.")
        pairs = gr.Dataframe(headers=HEAD_TO_HEAD_COLUMNS, interactive=False, wrap=True, max_height=320,
                             pinned_columns=2, show_label=False, elem_id="batch-leaderboard-pairs",
                             column_widths=["240px", "240px", *["110px"] * (len(HEAD_TO_HEAD_COLUMNS) - 2)])
        with gr.Row():
            board_csv = gr.DownloadButton("Download the leaderboard (CSV)", visible=False, size="sm",
                                          elem_id="batch-leaderboard-download")
            pairs_csv = gr.DownloadButton("Download head to head (CSV)", visible=False, size="sm",
                                          elem_id="batch-leaderboard-pairs-download")
    show = {"fn": lambda j, b, o, r: standings_view(results_dir, j, b, o, r), "inputs": [judge, by, only, runs],
            "outputs": [judge, only, runs, note, chart, table, pairs, board_csv, pairs_csv],
            "api_visibility": "private"}
    box.expand(**show)
    for control in (judge, by, only, runs):
        control.input(**show)
    refresh.click(**show)
