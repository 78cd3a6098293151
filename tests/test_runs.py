"""Unit tests of tensorspec.course.runs (make_grid, run folder names, RunManager without TensorBoard)."""
from __future__ import annotations

import json

import pytest
import torch

from tensorspec.course.runs import RunBuilder, RunManager, _run_name, make_grid


@pytest.mark.parametrize("b, nrow, rows, cols", [(1, 8, 1, 1), (8, 8, 1, 8), (9, 8, 2, 8), (10, 3, 4, 3)])
def test_make_grid_layout(b, nrow, rows, cols):
    images = torch.arange(b, dtype=torch.float32).reshape(b, 1, 1, 1).expand(b, 1, 3, 4) + 1
    grid = make_grid(images, nrow=nrow, padding=2, normalize=False)
    assert grid.shape == (1, rows * 5 + 2, cols * 6 + 2)
    for k in range(b):
        r, c = divmod(k, cols)
        tile = grid[:, 2 + r * 5:2 + r * 5 + 3, 2 + c * 6:2 + c * 6 + 4]
        assert torch.equal(tile, images[k]), k
    assert grid[:, :2].eq(0).all()  # the padding


def test_make_grid_normalizes_to_unit_range():
    grid = make_grid(torch.tensor([-2.0, 6.0]).reshape(2, 1, 1, 1), padding=0)
    assert grid.tolist() == [[[0.0, 1.0]]]


def test_run_names_are_folder_safe():
    run = RunBuilder.get_runs({"lr": [0.01], "network": ["plain/x"]})[0]
    assert _run_name(run) == "lr=0.01,network=plainx"


def test_run_manager_without_tensorboard(tmp_path):
    lines = []
    manager = RunManager(tmp_path, progress=lines.append, tensorboard=False)
    run = RunBuilder.get_runs({"lr": [0.1]})[0]
    manager.begin_run(run, torch.nn.Linear(2, 2))
    manager.begin_epoch()
    manager.track(torch.tensor(2.0), torch.tensor([[1.0, 0.0], [0.0, 1.0]]), torch.tensor([0, 0]))
    row = manager.end_epoch(test_accuracy=0.25)
    manager.end_run()
    assert (row["loss"], row["accuracy"], row["test_accuracy"], row["lr"]) == (2.0, 0.5, 0.25, 0.1)
    assert len(lines) == 1 and "test accuracy 0.2500" in lines[0]
    csv_path, json_path = manager.save("r")
    assert json.loads(json_path.read_text())[0]["lr"] == 0.1
    assert csv_path.read_text().splitlines()[0] == "run,epoch,loss,accuracy,test_accuracy,epoch_duration,run_duration,lr"
    assert not (tmp_path / "tensorboard").exists()
