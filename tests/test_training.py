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
