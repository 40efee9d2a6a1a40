"""What the app says at start-up: where it keeps results, settings it could not use."""

from __future__ import annotations

from workbench.services import results_folder_problem


def test_a_results_folder_that_cannot_be_written_is_named_with_the_reason_and_the_fix(tmp_path):
    assert results_folder_problem(tmp_path / "runs") is None
    assert (tmp_path / "runs").is_dir() and list((tmp_path / "runs").iterdir()) == []  # the probe file is gone
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    problem = results_folder_problem(blocked / "runs")
    assert problem.startswith(f"The results folder {blocked / 'runs'} cannot be written (Not a directory)")
    assert "--results-dir" in problem and "a batch cannot run" in problem


def test_settings_that_could_not_be_used_are_among_the_start_up_notices(tmp_path, demo_model_dir):
    from workbench.services import build_services
    from workbench.settings import Settings

    problem = "SYSTEM_B_HOURLY_USD could not be read ('80 cents' is not an amount …)"
    services = build_services(Settings(model=str(demo_model_dir), results_dir=tmp_path, problems=[problem]))
    try:
        assert services.notices[0] == problem
        assert services.health()["notices"][0] == problem  # /api/health says it too
        assert services.local.health()["hourly_usd"] is None
    finally:
        services.local.close()


def test_adapters_loaded_while_the_app_ran_are_loaded_again_at_the_next_start(tmp_path, demo_model_dir):
    import json

    from workbench.kept_adapters import kept_adapters, kept_file
    from workbench.services import build_services
    from workbench.settings import Settings

    folder = str(demo_model_dir / "adapters" / "french-reasoning")
    settings = Settings(model=str(demo_model_dir), results_dir=tmp_path)
    services = build_services(settings)
    try:
        assert services.load_adapter("fr-v2", folder)["kept"] is True
        services.load_adapter("fr-v3", folder)
        services.unload_adapter("fr-v3")  # unloaded: not loaded again
        assert kept_adapters(tmp_path) == {"fr-v2": folder}
    finally:
        services.local.close()
    # the next start (a Space woken up): fr-v2 is back; one that can no longer be loaded is said and dropped
    kept = json.loads(kept_file(tmp_path).read_text(encoding="utf-8"))
    kept_file(tmp_path).write_text(json.dumps({**kept, "gone": str(tmp_path / "deleted-adapter")}), encoding="utf-8")
    services = build_services(settings)
    try:
        assert services.local.adapters == ["french-reasoning", "fr-v2"]
        assert services.local.adapter_list()[1]["loaded"] == "while running"
        [notice] = [n for n in services.notices if "'gone'" in n]
        assert "loaded while the app last ran, could not be loaded again" in notice
        assert "neither a folder on this machine nor a Hub id" in notice and "no longer kept" in notice
        assert kept_adapters(tmp_path) == {"fr-v2": folder}
    finally:
        services.local.close()
    # with loading turned off, only the adapters of the start are loaded; a file that cannot be read loads none
    services = build_services(Settings(model=str(demo_model_dir), results_dir=tmp_path, adapter_loading=False))
    try:
        assert services.local.adapters == ["french-reasoning"]
    finally:
        services.local.close()
    kept_file(tmp_path).write_text("{not json", encoding="utf-8")
    assert kept_adapters(tmp_path) == {}


def test_system_as_context_and_tokenizer_reach_its_engine_and_the_health_report(tmp_path, demo_model_dir):
    from engines.base import GenerationParams
    from workbench.chat import turn_request
    from workbench.services import build_services
    from workbench.settings import Settings

    services = build_services(Settings(model=str(demo_model_dir), results_dir=tmp_path, system_a_context=65536,
                                       system_a_tokenizer=str(demo_model_dir)))
    try:
        request = turn_request([], "What is duration?", GenerationParams())
        assert services.remote.context_length == 65536
        assert services.remote.prompt_token_count(request) == services.local.prompt_token_count(request)
        health = services.health()["system_a"]
        assert (health["context_length"], health["tokenizer"], health["tokenizer_problem"]) == (
            65536, str(demo_model_dir), None)
    finally:
        services.local.close()
