"""Group ``model``: the shapes a batch takes through the course network, layer by layer (lesson 25)."""
from __future__ import annotations

import pytest
import torch
from hypothesis import given, strategies as st

from tensorspec.testing.assertions import assert_equal, assert_tensor, repro
from tensorspec.testing.devices import on_devices
from tensorspec.course.network import Network

# step of Network.forward -> shape of its output for a batch of B images (lesson 25's table)
SHAPE_TRACE = [
    ("input", ("B", 1, 28, 28)),
    ("conv1", ("B", 6, 24, 24)),  # (28 - 5)/1 + 1 = 24
    ("relu", ("B", 6, 24, 24)),
    ("max_pool2d", ("B", 6, 12, 12)),  # (24 - 2)/2 + 1 = 12
    ("conv2", ("B", 12, 8, 8)),  # (12 - 5)/1 + 1 = 8
    ("relu", ("B", 12, 8, 8)),
    ("max_pool2d", ("B", 12, 4, 4)),  # (8 - 2)/2 + 1 = 4
    ("reshape", ("B", 192)),  # 12 * 4 * 4
    ("fc1", ("B", 120)),
    ("relu", ("B", 120)),
    ("fc2", ("B", 60)),
    ("relu", ("B", 60)),
    ("out", ("B", 10)),
]


@on_devices
@given(batch=st.integers(1, 5))
@pytest.mark.claim("model.shape_trace", "layer_by_layer")
def test_shapes_layer_by_layer(device, batch):
    """Network.trace(x) passes through exactly the course's steps with the course's shapes."""
    network = Network().to(device)
    with repro(f"[(name, tuple(t.shape)) for name, t in Network().trace(torch.rand({batch}, 1, 28, 28))]"):
        steps = network.trace(torch.rand(batch, 1, 28, 28, device=device))
        actual = [(name, tuple(t.shape)) for name, t in steps]
        expected = [(name, tuple(batch if d == "B" else d for d in shape)) for name, shape in SHAPE_TRACE]
        assert_equal(actual, expected, expr=f"Network().trace(x) for B={batch}", name="trace")
        assert_tensor(steps[-1][1], network(steps[0][1]), expr="the last step of trace(x) vs network(x)",
                      equal_nan=False)
