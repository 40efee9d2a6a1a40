"""JSON REST routes served beside the Gradio UI: `GET /api/health`, `POST /api/compare`, the
saved batch runs: `GET /api/runs`, `GET /api/runs/{name}` (and `/csv` or `/xlsx`: the CSV or
workbook the Batch tab downloads; `/against/{other}`: set against another run), `DELETE /api/runs/{name}` (taken off
the lists; `GET /api/removed-runs` and their `restore`), and System B's LoRA adapters:
`GET`/`POST /api/adapters`, `DELETE /api/adapters/{name}`.

With a password set (WORKBENCH_AUTH) every route asks for it, as the UI does: HTTP basic
credentials (a script: `curl -u user:password`) or the session of a browser signed in to the app
(workbench.rest_auth).
Gradio guards only its own routes; without this, a share link's password kept people out of the
page but not out of `POST /api/compare`, which spends System A's credit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Depends, HTTPException, Request, Response
from fastapi.routing import APIRoute
from pydantic import ValidationError

from engines.adapters import AdapterChangesOff, AdapterInUse, UnknownAdapter
from engines.base import ChatRequest, EngineError, InvalidRequestError, validation_problems
from workbench.agreement import figures_agreement, references_agreement, risk_agreement
from workbench.batch_store import (
    REMOVED,
    latest_records,
    remove_run,
    removed_run_list,
    restore_run,
    run_file,
    safe_run_name,
    saved_run_file,
    saved_runs,
)
from workbench.breakdown import SLUGS, breakdown, parse_only
from workbench.checks import ExpectError, parse_expect
from workbench.compare import Experiment, new_experiment_id, system_b_request
from workbench.confidence import chances_json, confidence_summary, read_back, unsure_figures
from workbench.experiment_runs import experiment_runs, question_runs
from workbench.judge_tally import judges_compared, model_summary
from workbench.leaderboard import ANALYSTS, GROUPINGS, judges, parse_runs, runs_problem, standings
from workbench.model_judge import model_verdicts, model_verdicts_file
from workbench.presets import all_presets, over_preset, unknown_preset
from workbench.rest_auth import judge_of, login_required
from workbench.rest_bodies import AdapterBody, CompareBody, ConfidenceBody
from workbench.run_changes import setup_differences
from workbench.run_csv import run_csv_text, run_workbook_bytes
from workbench.run_index import latest_record
from workbench.runs_against import set_against
from workbench.runs_overview import runs_overview
from workbench.services import Services
from workbench.summary import summarize
from workbench.transactions import TransactionError, parse_transaction
from workbench.verdict_stats import verdict_summary
from workbench.verdicts import latest_verdicts, verdicts_file

# a saved run's downloads: what writes each, and its media type
_DOWNLOADS = {"csv": (run_csv_text, "text/csv; charset=utf-8"),
              "xlsx": (run_workbook_bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}



def rest_routes(services: Services, auth: list[tuple[str, str]] | None = None) -> list[APIRoute]:
    """The routes, to be given to the app as it is made (`launch(app_kwargs={"routes": ...})`):
    they are then ahead of Gradio's own, so that no catch-all shadows them, and served from the
    first request (routes added after `launch` returned answered 404 for an instant)."""
    comparator = services.comparator()
    folder = services.settings.results_dir

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
        transaction = _transaction(body.transaction)
        try:
            expect = parse_expect(body.expect)
        except ExpectError as exc:
            raise HTTPException(422, detail=[{"loc": ["body", "expect"], "msg": m, "type": "value_error"}
                                             for m in exc.problems]) from None
        try:
            params = over_preset(body.preset, body.params, folder)
        except KeyError:
            raise HTTPException(422, detail=[{"loc": ["body", "preset"], "type": "value_error",
                                              "msg": unknown_preset(body.preset, folder)}]) from None
        except ValidationError as exc:
            raise HTTPException(422, detail=[{"loc": ["body", "params"], "type": "value_error",
                                              "msg": validation_problems(exc)}]) from None
        exp = Experiment(id=new_experiment_id(), query=body.query.strip(), transaction=transaction,
                         expect=expect, reference=(body.reference or "").strip() or None,
                         system_prompt=(body.system_prompt or "").strip() or None)
        rec = comparator.run(exp, body.run_system_a, body.run_system_b, params=params,
                             adapter=(body.adapter or "").strip() or None)
        return read_back(rec, services.pipeline, system_b_request(rec)) if body.read_back else rec

    def confidence(body: ConfidenceBody) -> dict[str, Any]:
        """How sure System B's model was of each token of an answer it wrote for `query` (read
        again after its route's prompt and its reasoning; engines.confidence), with the figures it
        was unsure of."""
        transaction = _transaction(body.transaction)
        request = ChatRequest.single(body.query.strip(), system_prompt=(body.system_prompt or "").strip() or None,
                                     params=body.params, transaction=transaction,
                                     adapter=(body.adapter or "").strip() or None)
        try:
            chances = services.pipeline.answer_confidence(request, body.reasoning, body.answer, body.top)
        except InvalidRequestError as exc:
            raise HTTPException(422, detail=str(exc)) from None
        except EngineError as exc:
            raise HTTPException(503, detail=str(exc)) from None
        return {"route": services.pipeline.decide(request)[1].route, "tokens": chances_json(chances),
                "unsure_figures": [{"figure": text, **least.as_dict()}
                                   for text, least in unsure_figures(chances, body.answer)],
                "summary": confidence_summary(chances, body.answer, "System B's model")}

    def presets() -> dict[str, Any]:
        """Every parameter preset, built in and saved in the app, with the parameters each sets
        (a built-in one sets a few, over the defaults; a saved one all of them)."""
        return {"presets": all_presets(folder)}

    def runs(figures: bool = False) -> dict[str, Any]:
        """The saved batch runs, the most recently written first; with `figures=true`, each with
        its row of the Batch tab's *Every saved run at a glance* (keyed as that table's CSV)."""
        listed = [{"name": r.name, "experiments": r.experiments, "modified": r.modified.isoformat(timespec="seconds")}
                  for r in saved_runs(folder)]
        if figures:
            rows = {row["run"]: row for row in runs_overview(folder)}
            listed = [{**entry, "figures": rows.get(entry["name"])} for entry in listed]
        return {"runs": listed}

    def known(name: str) -> Path:
        """The results file of the saved run `name`; 404 for a name that is not one (only a run's
        own name: no path, and nothing that is not a batch run's results file)."""
        if (path := saved_run_file(folder, name)) is None:
            raise HTTPException(404, detail=f"no saved run named {name!r}; GET /api/runs lists them")
        return path

    def saved(name: str) -> list[dict[str, Any]]:
        """The records of the saved run `name`; 404 for a name that is not one, or holds none."""
        stored = latest_records(known(name))
        if not stored:
            raise HTTPException(404, detail=f"no saved run named {name!r}; GET /api/runs lists them")
        return stored

    def run_download(name: str, kind: str, request: Request, judge: str | None = None) -> Response:
        """A saved run as the Batch tab downloads it, `kind` csv or xlsx (an Excel workbook): a row
        per experiment and system, with the verdicts of `judge` (an analyst; by default the user
        the request signs in as, or the verdicts given without a sign-in when the app asks for
        none) and the judge models'."""
        write, media_type = _DOWNLOADS[kind]
        return Response(write(folder, name, saved(name), judge_of(request, judge)), media_type=media_type,
                        headers={"Content-Disposition": f'attachment; filename="batch-{name}.{kind}"'})

    def run_csv(name: str, request: Request, judge: str | None = None) -> Response:
        """run_download as CSV."""
        return run_download(name, "csv", request, judge)

    def run_xlsx(name: str, request: Request, judge: str | None = None) -> Response:
        """run_download as an Excel workbook."""
        return run_download(name, "xlsx", request, judge)

    def experiment(name: str, experiment_id: str, request: Request, judge: str | None = None) -> dict[str, Any]:
        """One experiment of the saved run `name`: its stored record, and the same question in
        every saved run that asked it (workbench.experiment_runs: what each system did there, with
        the verdicts of `judge`, by default the user the request signs in as); 404 for an
        experiment the run does not hold."""
        try:  # only a run's own name (as saved() takes it), and its one record read, not every one
            if safe_run_name(name, "") != name:
                raise FileNotFoundError(name)
            rec = latest_record(run_file(folder, name), experiment_id)
        except OSError:
            raise HTTPException(404, detail=f"no saved run named {name!r}; GET /api/runs lists them") from None
        if rec is None:
            raise HTTPException(404, detail=f"run {name!r} holds no experiment {experiment_id!r}; "
                                            f"GET /api/runs/{name}?records=true lists them")
        return {"run": name, "experiment_id": experiment_id, "record": rec,
                "runs": experiment_runs(folder, rec, judge_of(request, judge))}

    def question(request: Request, query: str = "", judge: str | None = None) -> dict[str, Any]:
        """Every experiment of a saved run that asked `query` (the same words, whatever the spacing
        or case, under whatever id): Single's *This question in the saved runs*, with the verdicts
        of `judge` (by default the user the request signs in as)."""
        if not query.split():
            raise HTTPException(422, detail=[{"loc": ["query", "query"], "type": "value_error",
                                              "msg": "query is empty: give the question's words"}])
        return {"query": query, "runs": question_runs(folder, query, judge_of(request, judge))}

    def run(name: str, records: bool = True, by: str | None = None) -> dict[str, Any]:
        """A saved batch run: its summary (as the Batch tab shows it), the verdicts given on it
        (counts, each judge's, the preference for System B, the judges' agreement), the judge
        models' (workbench.judge_tally.model_summary, per model) and each two of them set against
        each other (judges_compared), with `by`
        (category, expected-route, language or route) its breakdown by that, and unless
        `records=false`, every experiment's stored record (as POST /api/compare answers)."""
        if by is not None and by not in SLUGS:
            raise HTTPException(422, detail=[{"loc": ["query", "by"], "type": "value_error",
                                              "msg": f"by is {by!r}: one of {', '.join(SLUGS)}"}])
        stored = saved(name)
        analysts = latest_verdicts(verdicts_file(folder), name)
        models = model_verdicts(model_verdicts_file(folder), name)
        body: dict[str, Any] = {"name": name, "experiments": len(stored), "summary": summarize(stored),
                                "verdicts": verdict_summary(analysts),
                                "model_verdicts": model_summary(models, analysts, stored),
                                "model_judges_compared": judges_compared(models),
                                "figures": figures_agreement(stored), "references": references_agreement(stored),
                                "risk": risk_agreement(stored)}
        if by is not None:
            body["breakdown"] = breakdown(stored, SLUGS[by])
        if records:
            body["records"] = stored
        return body

    def against(name: str, other: str) -> dict[str, Any]:
        """The saved run `name` set against the saved run `other` over the experiments both hold,
        as the Batch tab's *Set this run against another saved run* shows it: how they were set up
        differently, the findings, each system's summary in both, and the answers that changed
        from `other` (before) to `name` (after). 404 for a name that is not a saved run, 422 for
        the run itself or runs that share no experiment."""
        for each in (name, other):
            known(each)  # 404 unless both are saved runs
        if name == other:
            raise HTTPException(422, detail=[{"loc": ["path", "other"], "type": "value_error",
                                              "msg": f"that is the run {name!r} itself: name another one"}])
        try:
            found = set_against(folder, (name, other))
        except ValueError as exc:
            raise HTTPException(422, detail=[{"loc": ["path", "other"], "type": "value_error",
                                              "msg": str(exc)}]) from None
        return {"run": name, "against": other,
                "setups": dict(zip(found.names, found.setups, strict=True)),
                "set_up_differently": [{"setting": k, name: one, other: two}
                                       for k, one, two in setup_differences(*found.setups)],
                "findings": found.lines,
                "summary": [dict(zip(found.columns, row, strict=True)) for row in found.summary],
                "changes": found.changes}

    def leaderboard(judge: str = ANALYSTS, by: str = "model", only: str | None = None,
                    runs: str | None = None) -> dict[str, Any]:
        """The models rated from every verdict of `judge` (`analysts`, or a judge model's name),
        told apart `by` model, thinking or budget, over the experiments of one group alone with
        `only` (`category:risk`, `language:fr`: a breakdown's slug and a group of it), over the
        verdicts on some runs alone with `runs` (comma-separated names)
        (workbench.leaderboard.standings): the leaderboard, every two models head to head, the
        groups that never met, what was left out."""
        try:
            group = parse_only(only)
        except ValueError as exc:
            raise HTTPException(422, detail=[{"loc": ["query", "only"], "type": "value_error",
                                              "msg": f"only is {only!r}: {exc}"}]) from None
        if by not in GROUPINGS:
            raise HTTPException(422, detail=[{"loc": ["query", "by"], "type": "value_error",
                                              "msg": f"by is {by!r}: one of {', '.join(GROUPINGS)}"}])
        if judge not in (known := judges(folder)):
            raise HTTPException(422, detail=[{"loc": ["query", "judge"], "type": "value_error",
                                              "msg": f"judge is {judge!r}: one of {', '.join(known)}"}])
        chosen = parse_runs(runs)
        board = standings(folder, judge, by, group, chosen)
        if problem := runs_problem(board, chosen):
            raise HTTPException(422, detail=[{"loc": ["query", "runs"], "type": "value_error", "msg": problem}])
        return board

    def remove(name: str) -> dict[str, Any]:
        """Take the saved run `name` off the lists, as the Batch tab's *Remove this run from the
        lists* does: its file moves, whole, to the results folder's removed/ (`GET
        /api/removed-runs` lists it, its `restore` puts it back); its verdicts stay. 404 for a name
        that is not a saved run."""
        known(name)
        try:
            there = remove_run(folder, name)
        except FileNotFoundError:  # removed by another request meanwhile
            raise HTTPException(404, detail=f"no saved run named {name!r}; GET /api/runs lists them") from None
        except OSError as exc:
            raise HTTPException(500, detail=f"run {name!r} was not removed: {exc.strerror or exc}") from None
        return {"removed": name, "file": there.name}

    def removed() -> dict[str, Any]:
        """The runs taken off the lists, the last removed first: name, when, experiments, file."""
        return {"runs": [{"name": r.name, "removed": r.removed.isoformat(timespec="seconds"),
                          "experiments": r.experiments, "file": r.path.name} for r in removed_run_list(folder)]}

    def restore(file: str) -> dict[str, Any]:
        """Put a removed run (`file` as `GET /api/removed-runs` names it) back on the lists under
        its name. 404 for a file that is not one, 409 when a run of that name is saved already."""
        try:
            name = restore_run(folder, folder / REMOVED / file)
        except FileExistsError as exc:
            raise HTTPException(409, detail=f"{exc}: take that one off the lists first") from None
        except FileNotFoundError:
            raise HTTPException(404, detail=f"no removed run is kept as {file!r}; GET /api/removed-runs "
                                            "lists them") from None
        except OSError as exc:
            raise HTTPException(500, detail=f"{file!r} was not put back: {exc.strerror or exc}") from None
        return {"restored": name, "experiments": len(latest_records(run_file(folder, name)))}

    def adapters() -> dict[str, Any]:
        """System B's LoRA adapters loaded now (name, source, rank, alpha, target modules, loaded at
        start or while running), and whether this app lets them be loaded and unloaded."""
        return {"adapters": services.local.adapter_list(), "loading": services.settings.adapter_loading}

    def load_adapter(body: AdapterBody) -> dict[str, Any]:
        """Load a LoRA adapter while the app runs: requests (and every menu) may then name it. 403
        when loading is turned off, 422 with the reason when the adapter is refused."""
        try:
            return services.load_adapter(body.name, body.source)
        except EngineError as exc:
            raise HTTPException(_adapter_status(exc), detail=str(exc)) from None

    def unload_adapter(name: str) -> dict[str, Any]:
        """Unload an adapter: 404 when none has that name, 409 while a request it answers runs."""
        try:
            services.unload_adapter(name)
        except EngineError as exc:
            raise HTTPException(_adapter_status(exc), detail=str(exc)) from None
        return adapters()

    guard = [Depends(login_required(auth))]
    return [APIRoute(path, endpoint, methods=[method], tags=["workbench"], dependencies=guard)
            for method, path, endpoint in (("GET", "/api/health", health),
                                           ("POST", "/api/compare", compare),
                                           ("GET", "/api/presets", presets),
                                           ("GET", "/api/runs", runs),
                                           ("GET", "/api/runs/{name}", run),
                                           ("DELETE", "/api/runs/{name}", remove),
                                           ("GET", "/api/removed-runs", removed),
                                           ("POST", "/api/removed-runs/{file}/restore", restore),
                                           ("GET", "/api/runs/{name}/csv", run_csv),
                                           ("GET", "/api/runs/{name}/xlsx", run_xlsx),
                                           ("GET", "/api/runs/{name}/against/{other}", against),
                                           ("GET", "/api/runs/{name}/experiments/{experiment_id:path}", experiment),
                                           ("GET", "/api/questions", question),
                                           ("GET", "/api/leaderboard", leaderboard),
                                           ("GET", "/api/adapters", adapters),
                                           ("POST", "/api/adapters", load_adapter),
                                           ("DELETE", "/api/adapters/{name}", unload_adapter),
                                           ("POST", "/api/confidence", confidence))]


def _transaction(given: dict[str, Any] | None) -> dict[str, Any] | None:
    """A body's transaction, checked field by field: 422 naming each field that is wrong."""
    try:
        return parse_transaction(given)
    except TransactionError as exc:
        raise HTTPException(422, detail=[
            {"loc": ["body", "transaction", *([f] if f else [])], "msg": m, "type": "value_error"}
            for f, m in exc.problems]) from None


def _adapter_status(exc: EngineError) -> int:
    statuses = {AdapterChangesOff: 403, UnknownAdapter: 404, AdapterInUse: 409, InvalidRequestError: 422}
    return next((code for kind, code in statuses.items() if isinstance(exc, kind)), 503)
