"""Unit tests of tensorspec.course.training, tensorspec.course.network and tensorspec.reference.convshape helpers."""
from __future__ import annotations

import math

import pytest
import torch
from torch import nn

from tensorspec.reference import convshape

from tensorspec.course import training
from tensorspec.course.network import batchnorm_network, build, parameter_count


def test_num_threads_restores():
    before = torch.get_num_threads()
    with training.num_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_to_inputs_scales_and_normalizes():
    images = torch.tensor([[[0, 255]]], dtype=torch.uint8)
    assert training.to_inputs(images).tolist() == [[[[0.0, 1.0]]]]
    assert training.to_inputs(images, 0.5, 0.5).tolist() == [[[[-1.0, 1.0]]]]


@pytest.mark.parametrize("mean_std", [(None, None), (0.2860, 0.3530), (0.5, 0.25)])
def test_to_inputs_equals_the_float32_operations_on_every_pixel(mean_std):
    """The lookup table gives exactly what ToTensor + Normalize compute pixel by pixel, for all 256 values."""
    images = torch.cat([torch.arange(256, dtype=torch.uint8).reshape(1, 16, 16),
                        torch.randint(0, 256, (3, 16, 16), generator=torch.Generator().manual_seed(0),
                                      dtype=torch.uint8)])
    expected = images.unsqueeze(1).to(torch.float32).div(255)
    if mean_std[0] is not None:
        expected = expected.sub(mean_std[0]).div(mean_std[1])
    out = training.to_inputs(images, *mean_std)
    assert out.shape == (4, 1, 16, 16) and out.dtype == torch.float32
    assert torch.equal(out, expected)


def test_batches_in_order_without_shuffle():
    x, y = torch.arange(5), torch.arange(5)
    assert [b[1].tolist() for b in training.batches(x, y, 2, shuffle=False)] == [[0, 1], [2, 3], [4]]


def test_train_with_cosine_stops_early_and_restores_eval_mode():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(4, 10))
    x, y = torch.randn(20, 1, 2, 2), torch.randint(0, 10, (20,))
    lines = []
    results = training.train(net, x, y, epochs=4, stop_after=2, batch_size=8, lr=0.1, seed=0, cosine=True,
                             test=(x, y), progress=lines.append)
    assert [r.epoch for r in results] == [1, 2] and len(lines) == 2
    assert all(r.test_accuracy is not None and r.batches == 3 for r in results)
    net.eval()
    training.evaluate(net, x, y)
    assert not net.training


@pytest.mark.parametrize("schedule", training.SCHEDULES)
def test_schedules_span_all_steps(schedule):
    net = nn.Linear(2, 2)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
    scheduler = training.make_scheduler(optimizer, schedule, steps=10, lr=0.01)
    lrs = []
    for _ in range(10):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
    if schedule == "constant":
        assert lrs == [0.01] * 10
    elif schedule == "cosine":
        assert lrs[0] == 0.01 and lrs == sorted(lrs, reverse=True)
    else:  # warm-up to the peak, then down
        peak = lrs.index(max(lrs))
        assert 0 < peak < 9 and max(lrs) == pytest.approx(0.01) and lrs[-1] < lrs[0]


def test_unknown_schedule():
    optimizer = torch.optim.Adam(nn.Linear(2, 2).parameters())
    with pytest.raises(ValueError, match="schedule='step'"):
        training.make_scheduler(optimizer, "step", 10, 0.01)


def test_train_until_stops_after_the_epoch_it_accepts():
    torch.manual_seed(0)
    net = nn.Sequential(nn.Flatten(), nn.Linear(4, 10))
    x, y = torch.randn(20, 1, 2, 2), torch.randint(0, 10, (20,))
    seen = []
    results = training.train(net, x, y, epochs=5, batch_size=8, lr=0.1, seed=0, schedule="onecycle",
                             weight_decay=1e-4, test=(x, y), until=lambda r: seen.append(r.epoch) or r.epoch == 2)
    assert [r.epoch for r in results] == [1, 2] and seen == [1, 2]


def test_recipe_describes_itself():
    recipe = training.Recipe(seed=1, lr=0.01, batch_size=256, epochs=6, schedule="onecycle", weight_decay=1e-4)
    assert recipe.describe() == ("Adam (OneCycle lr schedule peaking at 0.01, weight decay 0.0001), "
                                 "batch size 256, 6 epochs, seed 1")
    assert training.COURSE_RECIPE.schedule in training.SCHEDULES


def test_build_is_seeded_and_leaves_the_global_rng():
    state = torch.get_rng_state()
    a, b = build("batchnorm", seed=3), build("batchnorm", seed=3)
    assert torch.equal(torch.get_rng_state(), state)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
    assert parameter_count(batchnorm_network()) == 32_998 + 2 * 6 + 2 * 120


def test_plot_confusion_matrix_size(tmp_path):
    from matplotlib.image import imread

    path = training.plot_confusion_matrix(torch.eye(3, dtype=torch.int64), ["a", "b", "c"], tmp_path / "cm.png")
    assert imread(path).shape[:2] == (700, 800)


@pytest.mark.parametrize("n, f, s", [(7, 3, 2), (8, 3, 2), (5, 1, 3), (4, 5, 1)])
def test_tf_same_padding_gives_ceil(n, f, s):
    before, after = convshape.tf_same_padding(n, f, s)
    assert after - before in (0, 1)
    assert convshape.tf_output_size(n, f, s, (before, after)) == math.ceil(n / s)
