"""Group ``model``: what ``nn.BatchNorm2d`` computes (lesson 39), against a NumPy reference.

Training mode normalizes each channel over (N, H, W) with the batch mean and the biased variance
(plus eps) before its affine weight and bias; the running stats move by momentum 0.1 towards the
batch mean and the *unbiased* variance; eval mode uses the running stats.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, strategies as st
from torch import nn

from tensorspec.testing.assertions import assert_equal, assert_shape, assert_values, repro, source
from tensorspec.testing.devices import on_devices
from tensorspec.course.network import batchnorm_network

CLAIM = "model.batchnorm"
pytestmark = pytest.mark.claim(CLAIM)
EPS, MOMENTUM = 1e-5, 0.1


@st.composite
def batches(draw):
    """A float64 batch [N, C, H, W] with at least two values per channel (training needs them)."""
    n, c = draw(st.integers(1, 4), label="N"), draw(st.integers(1, 3), label="C")
    h, w = draw(st.integers(1, 4), label="H"), draw(st.integers(1, 4), label="W")
    if n * h * w < 2:
        n = 2
    seed = draw(st.integers(0, 2**16), label="seed")
    g = np.random.default_rng(seed)
    scale, shift = draw(st.floats(0.1, 10), label="scale"), draw(st.floats(-5, 5), label="shift")
    return g.normal(shift, scale, size=(n, c, h, w)), g.normal(size=c), g.normal(size=c)


def reference(x, mean, var, gamma, beta):
    shape = (1, -1, 1, 1)
    return (x - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + EPS) * gamma.reshape(shape) + beta.reshape(shape)


@on_devices
@given(data=batches())
@pytest.mark.claim(CLAIM, "train_normalizes_with_the_biased_variance", "running_stats_use_the_unbiased_variance",
                   "eval_uses_running_stats")
def test_batchnorm2d_train_and_eval(device, data):
    """Train: per-channel batch mean and biased var; running stats: momentum 0.1, unbiased var; eval: running stats."""
    x, gamma, beta = data
    bn = nn.BatchNorm2d(x.shape[1], dtype=torch.float64, device=device)
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(gamma))
        bn.bias.copy_(torch.from_numpy(beta))
    t = torch.from_numpy(x).to(device)
    with repro(f"bn = nn.BatchNorm2d({x.shape[1]}, dtype=torch.float64); x = {source(t)}"):
        mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))  # NumPy's var is the biased one
        unbiased = x.var(axis=(0, 2, 3), ddof=1)
        out = bn.train()(t)
        assert_values(out.detach(), reference(x, mean, var, gamma, beta), expr="bn.train()(x) vs batch stats")
        assert_values(bn.running_mean, (1 - MOMENTUM) * 0 + MOMENTUM * mean, expr="bn.running_mean after one batch")
        assert_values(bn.running_var, (1 - MOMENTUM) * 1 + MOMENTUM * unbiased, expr="bn.running_var (unbiased var)")
        assert_equal(int(bn.num_batches_tracked), 1, expr="after one training batch", name="num_batches_tracked")
        running_mean, running_var = bn.running_mean.cpu().numpy(), bn.running_var.cpu().numpy()
        evaluated = bn.eval()(t)
        assert_values(evaluated.detach(), reference(x, running_mean, running_var, gamma, beta),
                      expr="bn.eval()(x) vs running stats")
        assert_values(bn.running_mean, running_mean, expr="eval leaves running_mean", exact=True)
        assert_values(bn.running_var, running_var, expr="eval leaves running_var", exact=True)


@pytest.mark.claim(CLAIM, "one_value_per_channel_refused_in_training")
def test_one_value_per_channel_cannot_train():
    """Training with a single value per channel raises (no variance to normalize by); eval does not."""
    bn = nn.BatchNorm2d(2)
    with pytest.raises(ValueError, match="Expected more than 1 value per channel when training"):
        bn(torch.randn(1, 2, 1, 1))
    assert_shape(bn.eval()(torch.randn(1, 2, 1, 1)), (1, 2, 1, 1), expr="bn.eval()(x)", name="eval shape")


@pytest.mark.claim(CLAIM, "output_variance_below_one")
def test_course_batchnorm_network_normalizes_its_hidden_activations():
    """In the lesson-39 network, BatchNorm2d(6) outputs mean 0 per channel in training and variance
    var/(var + eps): 1 only where the channel's batch variance is well above eps = 1e-5."""
    torch.manual_seed(0)
    network = batchnorm_network().train()
    captured = {}
    network[3].register_forward_hook(lambda module, args, out: captured.update(x=args[0], out=out))
    network(torch.rand(16, 1, 28, 28))
    x, out = captured["x"].detach(), captured["out"].detach()  # float32: float32 tolerances
    assert_values(out.mean(dim=(0, 2, 3)), torch.zeros(6), expr="BatchNorm2d(6) output mean")
    var_in = x.var(dim=(0, 2, 3), unbiased=False)
    assert_values(out.var(dim=(0, 2, 3), unbiased=False), var_in / (var_in + EPS), expr="output var vs var/(var+eps)")
