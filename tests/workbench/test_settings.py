"""Settings from flags and environment; secrets only from the environment."""

from __future__ import annotations

import argparse

import pytest

from workbench.settings import DEMO_MODEL_DIR, Settings, add_arguments, add_server_arguments, settings_from_args


def parse(argv: list[str]) -> Settings:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    add_server_arguments(parser)
    return settings_from_args(parser.parse_args(argv))


def test_defaults_choose_the_demo_model_without_a_gpu():
    s = parse([])
    assert s.model_or_default == str(DEMO_MODEL_DIR)
    assert s.uses_demo_model
    assert s.host == "127.0.0.1" and s.port == 7860 and not s.share


def test_environment_then_flags(monkeypatch):
    monkeypatch.setenv("SYSTEM_A_PROVIDER", "nebius")
    monkeypatch.setenv("SYSTEM_B_MAX_BATCH", "3")
    assert parse([]).system_a_provider == "nebius"
    s = parse(["--system-a-provider", "custom", "--max-batch-size", "5", "--adapter", "fr=/tmp/a"])
    assert s.system_a_provider == "custom" and s.max_batch_size == 5 and s.adapters == {"fr": "/tmp/a"}


def test_auth_comes_from_the_environment_only(monkeypatch):
    monkeypatch.setenv("WORKBENCH_AUTH", "analyst:pw:with:colons")
    assert parse([]).auth() == [("analyst", "pw:with:colons")]
    monkeypatch.setenv("WORKBENCH_AUTH", "ana:first pw;marc:p:w")  # one user each, their verdicts apart
    assert parse([]).auth() == [("ana", "first pw"), ("marc", "p:w")]
    monkeypatch.setenv("WORKBENCH_AUTH", "analyst:pass;word")  # not pairs: one password with a ';'
    assert parse([]).auth() == [("analyst", "pass;word")]
    for value in ("no-password", "analyst:", ":pw", ""):
        monkeypatch.setenv("WORKBENCH_AUTH", value)
        assert parse([]).auth() is None, value
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    add_server_arguments(parser)
    with pytest.raises(SystemExit):
        parser.parse_args(["--api-key", "sk-x"])  # there is no such flag, on purpose


def test_bad_adapter_flag_is_explained():
    with pytest.raises(argparse.ArgumentTypeError, match="NAME=PATH"):
        parse(["--adapter", "nopath"])


def test_adapter_loading_is_on_unless_turned_off(monkeypatch):
    assert parse([]).adapter_loading
    assert not parse(["--no-adapter-loading"]).adapter_loading
    monkeypatch.setenv("SYSTEM_B_ADAPTER_LOADING", "0")
    assert not parse([]).adapter_loading


def test_cuda_graphs_are_on_unless_turned_off(monkeypatch):
    assert parse([]).cuda_graphs
    assert not parse(["--no-cuda-graphs"]).cuda_graphs
    monkeypatch.setenv("SYSTEM_B_CUDA_GRAPHS", "0")
    assert not parse([]).cuda_graphs


def test_engine_process_is_off_unless_asked_for(monkeypatch):
    assert not parse([]).engine_process
    assert parse(["--engine-process"]).engine_process
    monkeypatch.setenv("SYSTEM_B_PROCESS", "1")
    assert parse([]).engine_process


def test_cpu_threads_default_to_torchs_own_and_refuse_nonsense(monkeypatch, capsys):
    assert parse([]).cpu_threads == 0
    assert parse(["--cpu-threads", "3"]).cpu_threads == 3
    monkeypatch.setenv("SYSTEM_B_CPU_THREADS", "2")
    assert parse([]).cpu_threads == 2
    for bad in ("-1", "many"):
        with pytest.raises(SystemExit):
            parse(["--cpu-threads", bad])
        assert "--cpu-threads: takes 0 (every core) or a number" in capsys.readouterr().err


def test_prices_are_unset_until_given_and_nonsense_is_refused_at_start(monkeypatch, capsys):
    s = parse([])
    assert s.system_a_prices is None and s.system_b_hourly_usd is None
    monkeypatch.setenv("SYSTEM_A_PRICES", "input=0.28,cached=0.028,output=0.42")
    monkeypatch.setenv("SYSTEM_B_HOURLY_USD", "0.80")
    s = parse([])
    assert (s.system_a_prices.input, s.system_a_prices.cached, s.system_a_prices.output) == (0.28, 0.028, 0.42)
    assert s.system_b_hourly_usd == 0.8
    assert parse(["--system-b-hourly-usd", "2.5"]).system_b_hourly_usd == 2.5  # the flag wins
    with pytest.raises(SystemExit):
        parse(["--system-a-prices", "0.28,0.42"])
    assert "--system-a-prices: cannot read '0.28' as a price" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        parse(["--system-b-hourly-usd", "-3"])
    assert "--system-b-hourly-usd: takes US dollars an hour" in capsys.readouterr().err
    # a typo in a (Space) variable does not keep the app from starting: that system has no costs
    # and the start-up notices say why
    monkeypatch.setenv("SYSTEM_A_PRICES", "0.28/0.42")
    monkeypatch.setenv("SYSTEM_B_HOURLY_USD", "80 cents")
    s = parse([])
    assert s.system_a_prices is None and s.system_b_hourly_usd is None
    assert s.problems == [
        "SYSTEM_A_PRICES could not be read (cannot read '0.28/0.42' as a price: write "
        "input=0.28,cached=0.028,output=0.42 (US dollars per million tokens)): answers are shown without "
        "that system's cost",
        "SYSTEM_B_HOURLY_USD could not be read ('80 cents' is not an amount (a number of US dollars, zero "
        "or more)): answers are shown without that system's cost"]
    assert parse(["--system-b-hourly-usd", "0.8"]).problems[-1].startswith("SYSTEM_A_PRICES")  # the flag wins


def test_system_as_tokenizer_and_context_are_unset_until_given(monkeypatch, capsys):
    s = parse([])
    assert s.system_a_tokenizer is None and s.system_a_context is None
    s = parse(["--system-a-tokenizer", "deepseek-ai/DeepSeek-V3-0324", "--system-a-context", "128k"])
    assert s.system_a_tokenizer == "deepseek-ai/DeepSeek-V3-0324" and s.system_a_context == 131072
    monkeypatch.setenv("SYSTEM_A_CONTEXT", "65_536")
    monkeypatch.setenv("SYSTEM_A_TOKENIZER", "/models/deepseek-tokenizer")
    s = parse([])
    assert s.system_a_context == 65536 and s.system_a_tokenizer == "/models/deepseek-tokenizer"
    assert parse(["--system-a-context", "131072"]).system_a_context == 131072  # the flag wins
    for nonsense in ("lots", "0", "-5"):
        with pytest.raises(SystemExit):
            parse(["--system-a-context", nonsense])
        assert f"--system-a-context: takes the tokens the model reads at most (131072, or 128k), got '{nonsense}'" \
            in capsys.readouterr().err
    monkeypatch.setenv("SYSTEM_A_CONTEXT", "128 thousand")  # a typo in a Space variable: said, not fatal
    s = parse([])
    assert s.system_a_context is None
    assert s.problems == ["SYSTEM_A_CONTEXT could not be read (takes the tokens the model reads at most (131072, or "
                          "128k), got '128 thousand'): Chat's prompt gauge does not say how much of System A's "
                          "context is left"]


def test_system_as_token_probabilities_are_asked_for_unless_turned_off(monkeypatch):
    monkeypatch.delenv("SYSTEM_A_LOGPROBS", raising=False)
    assert parse([]).system_a_logprobs is True
    assert parse(["--no-system-a-logprobs"]).system_a_logprobs is False
    monkeypatch.setenv("SYSTEM_A_LOGPROBS", "0")
    assert parse([]).system_a_logprobs is False
