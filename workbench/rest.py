"""JSON REST routes served beside the Gradio UI: `GET /api/health`, `POST /api/compare`, and the
saved batch runs: `GET /api/runs`, `GET /api/runs/{name}`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, HTTPException
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from engines.base import GenerationParams
from workbench.compare import Experiment, latest_records, new_experiment_id, run_file, safe_run_name, saved_runs
from workbench.services import Services
from workbench.summary import summarize
from workbench.transactions import TransactionError, parse_transaction


class CompareBody(BaseModel):
    """Body of POST /api/compare."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=8000)
    transaction: dict[str, Any] | None = None
    run_system_a: bool = True
    run_system_b: bool = True
    params: GenerationParams = Field(default_factory=GenerationParams,
                                     description="Generation parameters for both systems.")


def add_rest_routes(app: FastAPI, services: Services) -> None:
    """Register the routes ahead of Gradio's own, so that no catch-all shadows them."""
    comparator = services.comparator()

    def health(check_remote: bool = False) -> dict[str, Any]:
        """Status of each component; `check_remote=true` also pings System A."""
        body = services.health()
        if check_remote:
            body["system_a"]["reachable"] = services.remote.check_reachable()
        return body

    def compare(body: CompareBody) -> dict[str, Any]:
        """Run the query (and optional transaction) on System A and System B."""
        if not body.query.strip():
            raise HTTPException(422, detail=[{"loc": ["body", "query"], "msg": "query is empty",
                                              "type": "value_error"}])
        if not (body.run_system_a or body.run_system_b):
            raise HTTPException(422, detail=[{"loc": ["body", "run_system_a"], "type": "value_error",
                                              "msg": "run at least one system"}])
        try:
            transaction = parse_transaction(body.transaction)
        except TransactionError as exc:
            raise HTTPException(422, detail=[
                {"loc": ["body", "transaction", *([f] if f else [])], "msg": m, "type": "value_error"}
                for f, m in exc.problems]) from None
        exp = Experiment(id=new_experiment_id(), query=body.query.strip(), transaction=transaction)
        return comparator.run(exp, body.run_system_a, body.run_system_b, params=body.params)

    folder = services.settings.results_dir

    def runs() -> dict[str, Any]:
        """The saved batch runs, the most recently written first."""
        return {"runs": [{"name": r.name, "experiments": r.experiments,
                          "modified": r.modified.isoformat(timespec="seconds")} for r in saved_runs(folder)]}

    def run(name: str, records: bool = True) -> dict[str, Any]:
        """A saved batch run: its summary (as the Batch tab shows it) and, unless
        `records=false`, every experiment's stored record (as POST /api/compare answers)."""
        path = run_file(folder, name)
        # only a run's own name: no path, and nothing that is not a batch run's results file
        stored = latest_records(path) if safe_run_name(name, "") == name and path.is_file() else []
        if not stored:
            raise HTTPException(404, detail=f"no saved run named {name!r}; GET /api/runs lists them")
        body: dict[str, Any] = {"name": name, "experiments": len(stored), "summary": summarize(stored)}
        if records:
            body["records"] = stored
        return body

    before = len(app.router.routes)
    app.add_api_route("/api/health", health, methods=["GET"], tags=["workbench"])
    app.add_api_route("/api/compare", compare, methods=["POST"], tags=["workbench"])
    app.add_api_route("/api/runs", runs, methods=["GET"], tags=["workbench"])
    app.add_api_route("/api/runs/{name}", run, methods=["GET"], tags=["workbench"])
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[:0] = [r for r in added if isinstance(r, APIRoute)]
