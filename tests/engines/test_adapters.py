"""LoRA adapters loaded and unloaded while System B's engine serves (the demo model and its
bundled french-reasoning adapter)."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

from engines import adapters
from engines.base import ChatRequest, GenerationParams, InvalidRequestError, TextDelta, collect
from engines.local import LocalEngine, LocalModelConfig

GREEDY = GenerationParams(temperature=0, max_new_tokens=120)
QUESTION = "Qu'est-ce que la duration ?"


@pytest.fixture(scope="module")
def bundled(demo_model_dir):
    return demo_model_dir / "adapters" / "french-reasoning"


@pytest.fixture(scope="module")
def expected(local_engine):
    """The answers with the adapter loaded at start, and without any adapter."""
    def ask(adapter=None):
        return collect(local_engine.stream(ChatRequest.single(QUESTION, params=GREEDY, adapter=adapter)))
    adapted, base = ask("french-reasoning"), ask()
    assert (adapted.reasoning, adapted.content) != (base.reasoning, base.content), "the adapter changes the answer"
    return {"adapted": adapted, "base": base}


def _ask(engine, adapter=None):
    return collect(engine.stream(ChatRequest.single(QUESTION, params=GREEDY, adapter=adapter)))


def _same(result, wanted) -> bool:
    return (result.error, result.reasoning, result.content) == (None, wanted.reasoning, wanted.content)


@pytest.mark.parametrize("batching", ["continuous", "generate"])
def test_an_adapter_loaded_while_running_answers_as_one_loaded_at_start(demo_model_dir, bundled, expected,
                                                                        batching):
    engine = LocalEngine(LocalModelConfig(model=str(demo_model_dir), discover_adapters=False,
                                          batching=batching, device="cpu"))
    try:
        assert engine.adapters == [] and _same(_ask(engine), expected["base"])
        info = engine.load_adapter("fr", str(bundled))
        assert info["name"] == "fr" and info["loaded"] == "while running" and info["rank"] == 16
        assert "q_proj" in info["target_modules"] and info["load_s"] >= 0
        assert engine.adapters == ["fr"] and engine.health()["adapters"] == ["fr"]
        assert _same(_ask(engine, "fr"), expected["adapted"])
        assert _same(_ask(engine), expected["base"]), "base-model requests are not changed by the adapter"
        engine.load_adapter("fr-copy", str(bundled))
        engine.unload_adapter("fr")
        assert engine.adapters == ["fr-copy"] and _same(_ask(engine, "fr-copy"), expected["adapted"])
        gone = _ask(engine, "fr")
        assert isinstance(gone.error, InvalidRequestError) and "fr-copy" in str(gone.error)
        engine.unload_adapter("fr-copy")  # the last one: the model's layers are plain again
        assert engine.adapters == [] and not hasattr(engine.model, "peft_config")
        assert _same(_ask(engine), expected["base"])
        engine.load_adapter("fr", str(bundled))  # and it can be loaded once more
        assert _same(_ask(engine, "fr"), expected["adapted"])
    finally:
        engine.close()


@pytest.fixture(scope="module")
def plain_engine(demo_model_dir):
    engine = LocalEngine(LocalModelConfig(model=str(demo_model_dir), discover_adapters=False, device="cpu"))
    yield engine
    engine.close()


def test_loading_pauses_the_rows_running_and_they_end_as_if_alone(plain_engine, bundled, expected):
    params = GREEDY.model_copy(update={"max_new_tokens": 300, "min_new_tokens": 300})  # still running at the load
    alone = collect(plain_engine.stream(ChatRequest.single(QUESTION, params=params)))
    started = threading.Event()
    events: list = []

    def run() -> None:
        for event in plain_engine.stream(ChatRequest.single(QUESTION, params=params)):
            events.append(event)
            if isinstance(event, TextDelta):
                started.set()

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(30)
    plain_engine.load_adapter("mid-stream", str(bundled))
    loaded_at = len(events)
    thread.join(60)

    def said(channel: str) -> str:
        return "".join(e.text for e in events if isinstance(e, TextDelta) and e.channel == channel)

    assert not thread.is_alive() and events[-1].error is None
    assert 0 < loaded_at < len(events) - 10, "the adapter was loaded while the request was generating"
    assert (said("reasoning").strip(), said("content").strip()) == (alone.reasoning, alone.content)
    assert "mid-stream" in plain_engine.adapters
    plain_engine.unload_adapter("mid-stream")


def test_an_adapter_answering_a_request_is_not_unloaded(plain_engine, bundled, expected):
    plain_engine.load_adapter("busy", str(bundled))
    params = GREEDY.model_copy(update={"max_new_tokens": 300, "min_new_tokens": 300})
    stream = plain_engine.stream(ChatRequest.single(QUESTION, params=params, adapter="busy"))
    first = next(e for e in stream if isinstance(e, TextDelta))
    with pytest.raises(InvalidRequestError, match="answering 1 request"):
        plain_engine.unload_adapter("busy")
    result = collect(stream)
    assert result.error is None and first.text
    assert plain_engine.adapters == ["busy"]
    plain_engine.unload_adapter("busy")  # once it has ended
    assert plain_engine.adapters == []


@pytest.fixture()
def misfit(tmp_path, bundled):
    """The bundled adapter with its rank changed in the configuration: the weights no longer fit."""
    folder = tmp_path / "misfit"
    shutil.copytree(bundled, folder)
    config = json.loads((folder / "adapter_config.json").read_text())
    config["r"] = 8
    (folder / "adapter_config.json").write_text(json.dumps(config))
    return folder


@pytest.mark.parametrize("loaded_first", [False, True])
def test_an_adapter_that_does_not_fit_leaves_the_model_as_it_was(plain_engine, bundled, misfit, expected,
                                                                  loaded_first):
    if loaded_first:
        plain_engine.load_adapter("good", str(bundled))
    with pytest.raises(InvalidRequestError, match=r"does not fit this model: .*size mismatch"):
        plain_engine.load_adapter("misfit", str(misfit))
    assert plain_engine.adapters == (["good"] if loaded_first else [])
    assert _same(_ask(plain_engine), expected["base"])
    if loaded_first:
        assert _same(_ask(plain_engine, "good"), expected["adapted"])
        plain_engine.unload_adapter("good")
    assert not hasattr(plain_engine.model, "peft_config")


@pytest.mark.parametrize("name, message", [
    ("", "1 to 64 letters"), ("my adapter", "1 to 64 letters"), ("__base__", "1 to 64 letters"),
    ("-x", "1 to 64 letters"), ("x" * 65, "1 to 64 letters"),
])
def test_a_bad_name_is_refused(plain_engine, bundled, name, message):
    with pytest.raises(InvalidRequestError, match=message):
        plain_engine.load_adapter(name, str(bundled))
    assert plain_engine.adapters == []


def test_bad_sources_are_refused_with_the_reason(plain_engine, tmp_path, bundled):
    empty = tmp_path / "empty"
    empty.mkdir()
    prompt_tuning = tmp_path / "prompt"
    prompt_tuning.mkdir()
    (prompt_tuning / "adapter_config.json").write_text(json.dumps({"peft_type": "PROMPT_TUNING"}))
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "adapter_config.json").write_text("{not json")
    cases = {
        "": "name the adapter's folder",
        str(tmp_path / "absent"): "neither a folder on this machine nor a Hub id",
        str(empty): "holds no adapter_config.json",
        str(prompt_tuning): "PROMPT_TUNING adapter; only LoRA",
        str(broken): "adapter_config.json cannot be read",
        "someone/no-such-adapter": "could not be fetched from the Hugging Face Hub",  # offline in tests
    }
    for source, message in cases.items():
        with pytest.raises(InvalidRequestError, match=message):
            plain_engine.load_adapter("x", source)
    assert plain_engine.adapters == []


def test_names_already_taken_and_the_most_at_once(plain_engine, bundled):
    plain_engine.load_adapter("taken", str(bundled))
    try:
        with pytest.raises(InvalidRequestError, match="already loaded"):
            plain_engine.load_adapter("taken", str(bundled))
    finally:
        plain_engine.unload_adapter("taken")
    with pytest.raises(InvalidRequestError, match="no adapter named 'taken' is loaded"):
        plain_engine.unload_adapter("taken")
    with pytest.raises(InvalidRequestError, match="16 adapters are loaded"):
        adapters.check_name("one-more", [f"a{i}" for i in range(adapters.MAX_ADAPTERS)])


def test_adapters_loaded_at_start_are_listed(local_engine):
    (info,) = local_engine.adapter_list()
    assert info["name"] == "french-reasoning" and info["loaded"] == "at start"
    assert info["rank"] == 16 and info["alpha"] == 32 and info["source"].endswith("french-reasoning")
    assert info["size_mb"] == pytest.approx(1.2, abs=0.1)  # the bundled adapter's weights


@pytest.mark.parametrize("source, name", [
    ("assets/demo-model/adapters/french-reasoning", "french-reasoning"), ("owner/my adapter v2/", "my-adapter-v2"),
    ("C:\\adapters\\fr_v1", "fr_v1"), ("owner/.hidden", "hidden"), ("", ""), ("/", ""),
])
def test_an_adapter_given_no_name_takes_its_folders(source, name):
    assert adapters.default_name(source) == name


def test_a_request_checked_before_its_adapter_was_unloaded_ends_with_a_clear_error(plain_engine, bundled):
    """The race the scheduler closes: a request that passed the engine's check just before the
    adapter went is refused when it is queued, instead of failing the batch it would join."""
    plain_engine.load_adapter("going", str(bundled))
    request = ChatRequest.single(QUESTION, params=GREEDY, adapter="going")
    prompt, job = plain_engine._prepare(request)
    plain_engine.unload_adapter("going")
    (done,) = plain_engine._consume(job, prompt, request, 0.0, None)
    assert isinstance(done.error, InvalidRequestError) and "unknown adapter 'going'" in str(done.error)
    assert done.stats.model_id == "demo-model + going" and plain_engine.scheduler.queue_depth == 0
