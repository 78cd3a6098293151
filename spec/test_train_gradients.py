"""Group ``train``: grad mode, backward, the graph, the optimizer step, zero_grad and no_grad
(lessons 26-28), on the course network with small synthetic batches."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from tensorspec.claims.context import differs
from tensorspec.course import training
from tensorspec.testing.assertions import assert_equal, assert_tensor, assert_values
from tensorspec.testing.devices import on_devices
from tensorspec.course.network import Network, build
from tensorspec.course.training import graph_nodes


def batch(n: int = 8, device: str = "cpu", seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    return training.synthetic_batch(n, device, seed)


def seeded_network(device: str = "cpu", seed: int = 0) -> Network:
    return build("plain", seed=seed).to(device)


# ---- grad mode -------------------------------------------------------------------------------------

@on_devices
@pytest.mark.claim("train.set_grad_enabled", "on_by_default")
def test_grad_mode_is_on_by_default(device):
    """Grad mode is on by default, so the course's set_grad_enabled(True) changes nothing then."""
    network, (x, _) = seeded_network(device), batch(2, device)
    assert_equal(torch.is_grad_enabled(), True, expr="by default", name="torch.is_grad_enabled()")
    assert network(x).grad_fn is not None, "network(x) records no graph by default"
    with torch.set_grad_enabled(True):
        assert network(x).grad_fn is not None, "network(x) records no graph under set_grad_enabled(True)"
    assert_equal(torch.is_grad_enabled(), True, expr="after set_grad_enabled(True)", name="torch.is_grad_enabled()")


@on_devices
@pytest.mark.claim("train.set_grad_enabled", "context_manager_stops_recording")
def test_set_grad_enabled_false_as_a_context_manager(device):
    """``with torch.set_grad_enabled(False):`` records nothing inside; parameters keep requires_grad."""
    network, (x, _) = seeded_network(device), batch(2, device)
    with torch.set_grad_enabled(False):
        out = network(x)
        assert_equal(torch.is_grad_enabled(), False, expr="inside set_grad_enabled(False)",
                     name="torch.is_grad_enabled()")
    assert_equal(out.grad_fn, None, expr="network(x) under set_grad_enabled(False)", name="out.grad_fn")
    assert_equal(out.requires_grad, False, expr="under set_grad_enabled(False)", name="out.requires_grad")
    assert_equal(network.conv1.weight.requires_grad, True, expr="parameters unchanged", name="weight.requires_grad")
    assert network(x).grad_fn is not None, "after the with block the graph is recorded again"


@on_devices
@pytest.mark.claim("train.set_grad_enabled", "call_stops_recording")
def test_set_grad_enabled_false_as_a_call(device):
    """torch.set_grad_enabled(False) as a call stops recording until set_grad_enabled(True)."""
    network, (x, _) = seeded_network(device), batch(2, device)
    torch.set_grad_enabled(False)
    try:
        assert_equal(network(x).grad_fn, None, expr="after torch.set_grad_enabled(False) as a call", name="grad_fn")
        torch.set_grad_enabled(True)
        assert network(x).grad_fn is not None, "after torch.set_grad_enabled(True) the graph is recorded again"
    finally:
        torch.set_grad_enabled(True)


# ---- backward, graph, step, zero_grad --------------------------------------------------------------

@on_devices
@pytest.mark.claim("train.backward_fills_grad", "none_before", "shape_dtype_device", "is_the_derivative")
def test_backward_fills_grad(device):
    """.grad is None before backward; after, every parameter's grad has its shape, dtype and device,
    and matches a finite difference (float64)."""
    network, (x, y) = seeded_network(device).double(), batch(4, device)
    x = x.double()
    assert_equal([p.grad for p in network.parameters()], [None] * 10, expr="fresh network", name="grads before")
    F.cross_entropy(network(x), y).backward()
    for name, p in network.named_parameters():
        assert p.grad is not None, f"{name}.grad is None after loss.backward()"
        assert_equal((p.grad.shape, p.grad.dtype, p.grad.device), (p.shape, p.dtype, p.device),
                     expr=f"network.{name}.grad vs network.{name}", name=f"{name}.grad")
    w, h = network.out.weight, 1e-6
    with torch.no_grad():
        i, j = divmod(int(w.grad.abs().argmax()), w.shape[1])
        w[i, j] += h
        up = F.cross_entropy(network(x), y).item()
        w[i, j] -= 2 * h
        down = F.cross_entropy(network(x), y).item()
        w[i, j] += h
    assert_values(w.grad[i, j], torch.tensor((up - down) / (2 * h), dtype=torch.float64),
                  expr=f"out.weight.grad[{i}, {j}] vs central difference")


@pytest.mark.claim("train.graph", "nodes", "ends_in_the_parameters", "input_has_no_node")
def test_operations_are_recorded_in_a_graph_backward_walks():
    """The loss's grad_fn graph reaches every parameter (AccumulateGrad leaves) and nothing else; the
    input, which does not require grad, has no grad_fn and no node."""
    network, (x, y) = seeded_network(), batch(2)
    loss = F.cross_entropy(network(x), y)
    assert_equal(x.grad_fn, None, expr="input tensor", name="x.grad_fn")
    nodes = graph_nodes(loss.grad_fn)
    leaves = [n.variable for n in nodes if type(n).__name__ == "AccumulateGrad"]
    assert_equal(sorted(id(t) for t in leaves), sorted(id(p) for p in network.parameters()),
                 expr="AccumulateGrad variables vs network.parameters()", name="leaves")
    names = {type(n).__name__ for n in nodes}
    for op in ("NllLossBackward0", "LogSoftmaxBackward0", "AddmmBackward0", "ReluBackward0",
               "MaxPool2DWithIndicesBackward0", "ConvolutionBackward0"):
        assert op in names, f"{op} not in the graph: {sorted(names)}"


def first_adam_step(device: str):
    """The network, the batch, the loss before and each parameter before the step with its gradient,
    after Adam(lr=0.01).step()."""
    network, (x, y) = seeded_network(device), batch(16, device)
    optimizer = torch.optim.Adam(network.parameters(), lr=0.01)
    loss = F.cross_entropy(network(x), y)
    optimizer.zero_grad()
    loss.backward()
    before = [(p.detach().clone(), p.grad.detach().clone()) for p in network.parameters()]
    optimizer.step()
    return network, (x, y), loss.item(), before


@on_devices
@pytest.mark.claim("train.optimizer_step", "first_adam_step")
def test_adam_first_step_moves_each_weight_by_lr(device):
    """Adam(lr=0.01).step(): the first step moves each weight by -lr * g/(|g| + eps) (|step| = lr
    where g is not tiny)."""
    network, _, _, before = first_adam_step(device)
    for (name, p), (old, g) in zip(network.named_parameters(), before):
        assert_values(p.detach(), old - 0.01 * g / (g.abs() + 1e-8), expr=f"{name} after the first Adam step")


@on_devices
@pytest.mark.claim("train.optimizer_step", "loss_goes_down")
def test_adam_step_lowers_the_loss_on_the_batch(device):
    network, (x, y), loss, _ = first_adam_step(device)
    after = F.cross_entropy(network(x), y).item()
    assert after < loss, f"loss after step={after}, but should be < {loss} [same batch]"


@on_devices
@pytest.mark.claim("train.zero_grad", "gradients_accumulate", "default_sets_none", "set_to_none_false_fills_zeros")
def test_gradients_accumulate_and_zero_grad_sets_none(device):
    """Two backward passes add their gradients; optimizer.zero_grad() and network.zero_grad()
    (set_to_none=True, the default since torch 2.0) set .grad to None; zero_grad(set_to_none=False)
    fills zeros, for both."""
    network, (x, y) = seeded_network(device), batch(4, device)
    optimizer = torch.optim.Adam(network.parameters(), lr=0.01)
    F.cross_entropy(network(x), y).backward()
    once = [p.grad.clone() for p in network.parameters()]
    F.cross_entropy(network(x), y).backward()
    for (name, p), g in zip(network.named_parameters(), once):
        assert_values(p.grad, 2 * g, expr=f"{name}.grad after two backward calls vs 2 * one")

    def assert_zero_tensors(expr):
        zeros = [p.grad is not None and not p.grad.any() for p in network.parameters()]
        assert_equal(all(zeros), True, expr=expr, name="grads all zero tensors")

    for who, owner in (("optimizer", optimizer), ("network", network)):
        F.cross_entropy(network(x), y).backward()
        owner.zero_grad()
        if differs("zero_grad_fills_zeros"):  # set_to_none=False was the default
            assert_zero_tensors(f"{who}.zero_grad()")
        else:
            assert_equal([p.grad for p in network.parameters()], [None] * 10, expr=f"{who}.zero_grad()", name="grads")
        F.cross_entropy(network(x), y).backward()
        owner.zero_grad(set_to_none=False)
        assert_zero_tensors(f"{who}.zero_grad(set_to_none=False)")


# ---- inference -------------------------------------------------------------------------------------

def saved_bytes(fn) -> int:
    """Bytes of the tensors autograd saves for backward while running ``fn``."""
    total = 0

    def pack(t):
        nonlocal total
        total += t.numel() * t.element_size()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        fn()
    return total


@on_devices
@pytest.mark.claim("train.no_grad", "no_graph", "backward_raises")
def test_no_grad_records_no_graph(device):
    """Under torch.no_grad(): same values, no grad_fn, requires_grad False; backward through such an
    output raises."""
    network, (x, _) = seeded_network(device), batch(4, device)
    with torch.no_grad():
        out = network(x)
    assert_equal((out.grad_fn, out.requires_grad), (None, False), expr="under torch.no_grad()",
                 name="(out.grad_fn, out.requires_grad)")
    assert_tensor(out, network(x).detach(), expr="network(x) under torch.no_grad() vs with the graph", equal_nan=False)
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        out.sum().backward()


@on_devices
@pytest.mark.claim("train.no_grad", "saves_nothing")
def test_no_grad_saves_no_tensors_for_backward(device):
    """With grad, autograd saves the activations for backward; under torch.no_grad() nothing."""
    network, (x, _) = seeded_network(device), batch(32, device)
    with_graph = saved_bytes(lambda: network(x))
    with torch.no_grad():
        without = saved_bytes(lambda: network(x))
    assert with_graph > 32 * 6 * 24 * 24 * 4, f"saved {with_graph} bytes with grad: the activations"
    assert_equal(without, 0, expr="network(x) under torch.no_grad()", name="bytes saved for backward")
    if torch.device(device).type == "cuda":
        from tensorspec.testing.devices import synchronize

        synchronize(device)
