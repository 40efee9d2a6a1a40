"""plotly figures for comparisons."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

COLORS = {"A": "#4f46e5", "B": "#059669"}
LAYOUT = {"template": "plotly_white", "height": 340, "margin": {"l": 50, "r": 20, "t": 50, "b": 40},
          "legend": {"orientation": "h", "y": -0.2}}


def latency_figure(rows: list[dict[str, Any]]) -> go.Figure:
    fig = go.Figure()
    for label in ("A", "B"):
        values = [r["latency_ms"] for r in rows if r["system"] == label and r["latency_ms"] is not None
                  and not r["error_kind"]]
        if values:
            fig.add_trace(go.Box(y=values, name=f"System {label}", marker_color=COLORS[label],
                                 boxpoints="outliers"))
    fig.update_layout(title="Latency per answer (ms)", yaxis_title="ms", **LAYOUT)
    return fig


def refusal_by_route_figure(summary: dict[str, Any]) -> go.Figure:
    fig = go.Figure()
    for label in ("A", "B"):
        by_route = summary["systems"][label]["refusal_rate_by_route"]
        if by_route:
            fig.add_trace(go.Bar(x=list(by_route), y=[v * 100 for v in by_route.values()],
                                 name=f"System {label}", marker_color=COLORS[label]))
    fig.update_layout(title="Refusal rate by route (%)", yaxis_title="%", barmode="group",
                      yaxis_range=[0, 100], **LAYOUT)
    return fig


def tokens_figure(rows: list[dict[str, Any]]) -> go.Figure:
    fig = go.Figure()
    for label in ("A", "B"):
        mine = [r for r in rows if r["system"] == label and not r["error_kind"]]
        if mine:
            fig.add_trace(go.Bar(x=["reasoning", "answer"],
                                 y=[sum(r["reasoning_tokens"] or 0 for r in mine) / len(mine),
                                    sum(r["content_tokens"] or 0 for r in mine) / len(mine)],
                                 name=f"System {label}", marker_color=COLORS[label]))
    fig.update_layout(title="Mean tokens per answer", barmode="group", **LAYOUT)
    return fig


def run_figures(rows: list[dict[str, Any]], summary: dict[str, Any]) -> list[go.Figure]:
    """A batch run's charts, as the Batch tab draws them and its web report holds them: latency per
    answer, refusal rate by route, mean tokens per answer (`rows`: the run's flat_rows, `summary`:
    its summarize)."""
    return [latency_figure(rows), refusal_by_route_figure(summary), tokens_figure(rows)]


def ratings_figure(models: list[dict[str, Any]]) -> go.Figure:
    """The leaderboard's ratings (workbench.leaderboard rows, best first) as points with their 95%
    intervals, the best at the top, against the middle of the scale (1,000): two bars that
    overlap are models not told apart yet."""
    fig = go.Figure()
    if models:
        shown = models[::-1]  # plotly draws the first category at the bottom
        fig.add_trace(go.Scatter(
            x=[m["rating"] for m in shown], y=[m["model"] for m in shown], mode="markers",
            marker={"size": 10, "color": COLORS["B"]}, name="rating",
            error_x={"type": "data", "symmetric": False, "color": COLORS["A"],
                     "array": [m["interval_95"][1] - m["rating"] for m in shown],
                     "arrayminus": [m["rating"] - m["interval_95"][0] for m in shown]},
            hovertemplate="%{y}: %{x}<extra></extra>"))
        fig.add_vline(x=1000, line_dash="dot", line_color="#9ca3af")
    layout = {**LAYOUT, "height": max(220, 70 + 40 * len(models)), "showlegend": False,
              "margin": {**LAYOUT["margin"], "l": 20}}
    fig.update_layout(title="Ratings with their 95% intervals (1,000: the middle)", xaxis_title="rating", **layout)
    fig.update_yaxes(automargin=True)
    return fig
