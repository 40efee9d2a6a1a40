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
