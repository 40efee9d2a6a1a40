"""FR/EN tab views: the budget chart's axis."""

from __future__ import annotations

from ui.fren import budget_figure


def test_budgets_spanning_orders_of_magnitude_get_a_log_axis():
    row = {"type": "definition", "≤64": 0.35, "≤128": 1.0, "≤256": 1.0, "≤20000": 1.0}
    wide = budget_figure([row], [64, 128, 256, 20000])
    assert wide.layout.xaxis.type == "log"  # 64 and 128 were squeezed into one pixel next to 20000
    assert budget_figure([row], [64, 128, 256]).layout.xaxis.type in (None, "linear")
    assert list(wide.layout.xaxis.tickvals) == [64, 128, 256, 20000]  # ticks at the budgets asked for
    assert [round(y) for y in wide.data[0].y] == [35, 100, 100, 100]
