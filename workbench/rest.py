"""JSON REST routes served beside the Gradio UI (`GET /api/health`, …)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

from workbench.services import Services


def add_rest_routes(app: FastAPI, services: Services) -> None:
    """Register the routes ahead of Gradio's own, so that no catch-all shadows them."""

    def health(check_remote: bool = False) -> dict[str, Any]:
        """Status of each component; `check_remote=true` also pings System A."""
        body = services.health()
        if check_remote:
            body["system_a"]["reachable"] = services.remote.check_reachable()
        return body

    before = len(app.router.routes)
    app.add_api_route("/api/health", health, methods=["GET"], tags=["workbench"])
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[:0] = [r for r in added if isinstance(r, APIRoute)]
