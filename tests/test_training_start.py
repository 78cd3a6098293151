"""The full training run starts at the end of collection only when a selected test needs it, the data
are on disk and worker processes are allowed; otherwise the fixture starts it (or trains in-process)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from tensorspec.course import fashion_mnist as fm
from tensorspec.harness import training_run


def fake_session(tmp_path, fixturenames, collectonly=False):
    stash = pytest.Stash()
    option = SimpleNamespace(collectonly=collectonly)
    config = SimpleNamespace(option=option, stash=stash, getoption=lambda name: None,
                             pluginmanager=SimpleNamespace(getplugin=lambda name: None))
    items = [SimpleNamespace(fixturenames=names) for names in fixturenames]
    return SimpleNamespace(config=config, items=items)


@pytest.fixture
def launches(monkeypatch, tmp_path):
    calls = []

    def launch(root, folder, count):
        calls.append((root, folder, count))
        return SimpleNamespace(load_before=0.0, stop=lambda: None)

    monkeypatch.setattr(training_run.Started, "launch", staticmethod(launch))
    monkeypatch.setattr(training_run.fm, "locate", lambda folder, download: tmp_path)
    monkeypatch.setattr(training_run.artifacts, "run_folder", lambda config: tmp_path / "run")
    monkeypatch.delenv("TENSORSPEC_TRAIN_PROCESSES", raising=False)
    return calls


def test_starts_when_a_selected_test_needs_the_runs(launches, tmp_path, monkeypatch):
    """...and the tests run with the cores the workers leave (at least one thread) until the session ends."""
    monkeypatch.setattr(training_run.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3, 4}, raising=False)
    before = torch.get_num_threads()
    torch.set_num_threads(4)
    try:
        session = fake_session(tmp_path, [["tmp_path"], ["course_runs", "claim_fact"]])
        training_run.pytest_collection_finish(session)
        assert launches == [(tmp_path, tmp_path / "run", 2)]
        assert session.config.stash[training_run._STARTED] is not None
        assert torch.get_num_threads() == 5 - 2
        training_run.pytest_sessionfinish(session)
        assert torch.get_num_threads() == 4
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("case", ["not selected", "collect only", "no worker processes", "no data"])
def test_does_not_start(launches, tmp_path, monkeypatch, case):
    session = fake_session(tmp_path, [["tmp_path"]] if case == "not selected" else [["course_runs"]],
                           collectonly=case == "collect only")
    if case == "no worker processes":
        monkeypatch.setenv("TENSORSPEC_TRAIN_PROCESSES", "0")
    if case == "no data":
        def missing(folder, download):
            assert download is False, "the early start never downloads: the fixture does, with its messages"
            raise fm.DataNotFoundError("no files")
        monkeypatch.setattr(training_run.fm, "locate", missing)
    training_run.pytest_collection_finish(session)
    assert launches == []
    assert session.config.stash.get(training_run._STARTED, None) is None
