"""Links to the page that open a saved batch run in the Batch tab, and one of its experiments in
the row details: sent to a colleague ("look at exp-42 in last night's run"), or built by a
nightly job from the app's address. Whoever follows one sees what the app shows anyone it lets
in (behind WORKBENCH_AUTH, after signing in)."""

from __future__ import annotations

from urllib.parse import urlencode

import gradio as gr

RUN, EXPERIMENT = "run", "experiment"

# turns the query a button wrote into its box into the whole link, from the page's own address
# (a Space's, a share link's, a loopback one's): only the browser knows the address it was opened at
WHOLE_LINK = "(query) => query ? window.location.origin + window.location.pathname + query : ''"


def link_query(run: str, experiment: str | None = None) -> str:
    """"?run=NAME" (and "&experiment=ID"): what follows the page's address in a link."""
    fields = {RUN: run, **({EXPERIMENT: experiment} if experiment else {})}
    return "?" + urlencode(fields)


def linked(request: gr.Request | None) -> tuple[str | None, str | None]:
    """The run and experiment the page's address names, if any."""
    params = dict(getattr(request, "query_params", None) or {})
    return (params.get(RUN) or None), (params.get(EXPERIMENT) or None)
