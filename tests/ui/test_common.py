"""Stop buttons: each tab's Stop reaches that tab's runs in that browser session, nothing else."""

from __future__ import annotations

from types import SimpleNamespace

from ui.common import session_cancel, stopper
from workbench.services import Services
from workbench.settings import Settings


def test_each_tab_stops_its_own_runs_only():
    services = Services(settings=Settings(), engines={})
    alice, bob = SimpleNamespace(session_hash="alice"), SimpleNamespace(session_hash="bob")
    batch = session_cancel(services, alice, "batch")
    chat = session_cancel(services, alice, "chat")  # a question asked while the batch runs
    bobs_batch = session_cancel(services, bob, "batch")
    stopper(services, "batch")(alice)
    assert batch.is_set()
    assert not chat.is_set() and not bobs_batch.is_set()


def test_runs_started_together_in_a_tab_share_its_stop_and_the_next_run_starts_afresh():
    services = Services(settings=Settings(), engines={})
    me = SimpleNamespace(session_hash="me")
    inspection, sweep = session_cancel(services, me, "fren"), session_cancel(services, me, "fren")
    stopper(services, "fren")(me)
    assert inspection.is_set() and sweep.is_set()
    assert not session_cancel(services, me, "fren").is_set()
    stopper(services, "tuning")(me)  # a Stop with nothing running is harmless
    assert not session_cancel(services, me, "tuning").is_set()
