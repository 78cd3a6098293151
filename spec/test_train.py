"""Group ``train``: epochs, the loss, the confusion matrix, the loop's steps and the dynamic graph
(lessons 26-28, CH 1.1 and 4.1), on small synthetic inputs.

Grad mode, backward, the graph, the optimizer step, zero_grad and no_grad are in
``test_train_gradients.py``; the full run on Fashion-MNIST in ``test_training_run.py``.
"""
from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given, settings, strategies as st
from torch import nn
from torch.utils.data import DataLoader, RandomSampler, TensorDataset

from tensorspec.course import training
from tensorspec.testing.assertions import assert_equal, assert_values, repro, source
from tensorspec.testing.devices import on_devices
from tensorspec.course.network import Network, build
from tensorspec.course.training import graph_nodes


def batch(n: int = 8, device: str = "cpu", seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    return training.synthetic_batch(n, device, seed)


def seeded_network(device: str = "cpu", seed: int = 0) -> Network:
    return build("plain", seed=seed).to(device)


# ---- epochs ----------------------------------------------------------------------------------------

@given(n=st.integers(1, 40), batch_size=st.integers(1, 16), seed=st.integers(0, 2**16))
@example(n=10, batch_size=3, seed=0)  # a short last batch
@pytest.mark.claim("train.epoch", "every_sample_once")
def test_an_epoch_sees_every_sample_once_one_step_per_batch(n, batch_size, seed):
    """train_epoch: ceil(N/B) batches, one optimizer step each, every sample exactly once."""
    images = torch.arange(n, dtype=torch.float32).reshape(n, 1, 1, 1).expand(n, 1, 2, 2).contiguous()
    labels = torch.arange(n) % 10
    torch.manual_seed(0)
    network = nn.Sequential(nn.Flatten(), nn.Linear(4, 10))  # small: the epoch mechanics are the point
    optimizer = torch.optim.SGD(network.parameters(), lr=0.01)
    seen, steps = [], []
    network.register_forward_pre_hook(lambda module, args: seen.extend(args[0][:, 0, 0, 0].long().tolist()))
    real_step = optimizer.step
    optimizer.step = lambda *a, **k: (steps.append(1), real_step(*a, **k))[1]
    with repro(f"train_epoch(network, optimizer, images[{n}], labels, batch_size={batch_size})"):
        result = training.train_epoch(network, optimizer, images, labels, batch_size,
                                      torch.Generator().manual_seed(seed))
        assert_equal(sorted(seen), list(range(n)), expr="each sample once", name="samples seen")
        assert_equal(len(steps), math.ceil(n / batch_size), expr="one per batch", name="optimizer steps")
        assert_equal((result.samples, result.batches), (n, math.ceil(n / batch_size)), expr="EpochResult",
                     name="result")


@given(n=st.integers(1, 30), batch_size=st.integers(1, 8), seed=st.integers(0, 2**16))
@pytest.mark.claim("train.epoch", "same_batches_as_a_dataloader")
def test_index_batches_equal_the_dataloader_batches(n, batch_size, seed):
    """batches(x, y, B, g) gives the batches of DataLoader(TensorDataset(x, y), B,
    sampler=RandomSampler(ds, generator=g')) when g' starts each epoch in g's state."""
    x, y = torch.randn(n, 3), torch.arange(n)
    ours, theirs = torch.Generator().manual_seed(seed), torch.Generator()
    dataset = TensorDataset(x, y)
    loader = DataLoader(dataset, batch_size=batch_size, sampler=RandomSampler(dataset, generator=theirs))
    for epoch in range(2):
        theirs.set_state(ours.get_state())
        mine = list(training.batches(x, y, batch_size, ours))
        loaded = list(loader)
        assert_equal(len(mine), len(loaded), expr=f"epoch {epoch}", name="number of batches")
        for (xa, ya), (xb, yb) in zip(mine, loaded):
            assert_values(ya, yb, expr=f"epoch {epoch} labels", exact=True)
            assert_values(xa, xb, expr=f"epoch {epoch} images", exact=True)


def states_equal(a: torch.Generator, b: torch.Generator) -> bool:
    return torch.equal(a.get_state(), b.get_state())


@pytest.mark.claim("train.epoch", "generator_streams_differ")
def test_the_generator_streams_differ():
    """Same batches, not the same stream: after one epoch RandomSampler(generator=g') has drawn two
    permutations (the second a spare) where batches() drew one; DataLoader(shuffle=True, generator=g')
    first draws an int64 (the worker base seed), then the permutation."""
    n = 10
    dataset = TensorDataset(torch.arange(n))
    ours, theirs = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    list(training.batches(torch.arange(n), torch.arange(n), 4, ours))
    list(DataLoader(dataset, batch_size=4, sampler=RandomSampler(dataset, generator=theirs)))
    expected = torch.Generator().manual_seed(0)
    torch.randperm(n, generator=expected)
    assert states_equal(ours, expected), "batches() drew more than one permutation in an epoch"
    torch.randperm(n, generator=expected)
    assert states_equal(theirs, expected), "RandomSampler drew other than two permutations in an epoch (one spare)"
    shuffled = torch.Generator().manual_seed(0)
    order = [int(i) for (b,) in DataLoader(dataset, batch_size=4, shuffle=True, generator=shuffled) for i in b]
    expected = torch.Generator().manual_seed(0)
    torch.empty((), dtype=torch.int64).random_(generator=expected)  # the base seed
    assert_equal(order, torch.randperm(n, generator=expected).tolist(),
                 expr="DataLoader(shuffle=True, generator=g): an int64 from g first, then randperm(N, generator=g)",
                 name="epoch order")


# ---- loss ------------------------------------------------------------------------------------------

def log_softmax_np(x: np.ndarray) -> np.ndarray:
    shifted = x - x.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


@on_devices
@pytest.mark.parametrize("target_dtype", [torch.int64, torch.uint8], ids=["int64", "uint8"])
@given(data=st.data())
@settings(max_examples=15)  # per target dtype: about the 25 examples of one test before the split
@pytest.mark.claim("train.cross_entropy", "class_indices", "probabilities")
def test_cross_entropy_is_mean_negative_log_softmax_at_the_label(device, target_dtype, data):
    """int64 (or uint8) class indices: mean_i -log_softmax(x)[i, y_i]; float targets of x's shape are
    class probabilities: mean_i -sum_c p_ic log_softmax(x)_ic (NumPy reference)."""
    b, c = data.draw(st.integers(1, 6), label="batch"), data.draw(st.integers(2, 6), label="classes")
    dtype = data.draw(st.sampled_from([torch.float32, torch.float64]), label="dtype")
    logits = data.draw(st.lists(st.floats(-20, 20), min_size=b * c, max_size=b * c), label="logits")
    x = torch.tensor(logits, dtype=dtype).reshape(b, c).to(device)
    y = torch.tensor(data.draw(st.lists(st.integers(0, c - 1), min_size=b, max_size=b), label="labels")).to(device)
    with repro(f"F.cross_entropy({source(x)}, {source(y.to(target_dtype))})"):
        lsm = log_softmax_np(x.cpu().double().numpy())
        expected = -lsm[np.arange(b), y.cpu().numpy()].mean()
        assert_values(F.cross_entropy(x, y.to(target_dtype)), np.array(expected, dtype=lsm.dtype),
                      expr=f"F.cross_entropy(x, y.to({target_dtype})) vs -mean(log_softmax at label)")
        probs = torch.softmax(torch.randn(b, c, dtype=dtype), dim=1).to(device)
        soft = -(probs.cpu().double().numpy() * lsm).sum(axis=1).mean()
        assert_values(F.cross_entropy(x, probs), np.array(soft), expr="F.cross_entropy(x, probabilities)")


@pytest.mark.claim("train.cross_entropy", "ignore_index")
def test_cross_entropy_leaves_out_targets_of_minus_100():
    """A target of -100 (the default ignore_index) adds nothing and is not counted in the mean."""
    x, y = torch.randn(4, 3, dtype=torch.float64), torch.tensor([0, -100, 2, 1])
    kept = torch.tensor([0, 2, 3])
    assert_values(F.cross_entropy(x, y), F.cross_entropy(x[kept], y[kept]),
                  expr="F.cross_entropy(x, [0, -100, 2, 1]) vs the three other rows alone")


@pytest.mark.parametrize("target", [
    pytest.param(torch.tensor([0, 1], dtype=torch.int32), id="int32"),
    pytest.param(torch.tensor([0, 1], dtype=torch.int16), id="int16"),
    pytest.param(torch.tensor([0, 1], dtype=torch.int8), id="int8"),
    pytest.param(torch.tensor([True, False]), id="bool"),
    pytest.param(torch.tensor([0.0, 1.0]), id="float-indices"),
])
@pytest.mark.claim("train.cross_entropy", "other_dtypes_refused")
def test_cross_entropy_rejects_other_index_dtypes(target, claim_fact):
    """Class indices must be Long (int64) or Byte (uint8); a float target must have the input's shape.
    The type and the word Long hold in every release; the wording varies and is recorded as a fact
    (newest: 'expected target dtype to be Long or Byte')."""
    with pytest.raises(RuntimeError, match="Long") as raised:
        F.cross_entropy(torch.randn(2, 3), target)
    claim_fact(f"message for a {target.dtype} target", str(raised.value).splitlines()[0])


# ---- analysis --------------------------------------------------------------------------------------

@given(pairs=st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), max_size=40))
@pytest.mark.claim("train.confusion_matrix", "counts_pairs")
def test_confusion_matrix_counts_label_prediction_pairs(pairs):
    """cm[true, predicted] = how often that pair occurs (a Counter of pairs); rows sum to the label
    counts, the trace is the number correct."""
    labels = torch.tensor([t for t, _ in pairs], dtype=torch.int64)
    preds = torch.tensor([p for _, p in pairs], dtype=torch.int64)
    with repro(f"confusion_matrix({source(labels)}, {source(preds)}, 5)"):
        cm = training.confusion_matrix(labels, preds, num_classes=5)
        counts = Counter(pairs)
        expected = [[counts[(t, p)] for p in range(5)] for t in range(5)]
        assert_equal(cm.tolist(), expected, expr="Counter of (label, prediction) pairs", name="cm")
        assert_equal(int(cm.trace()), sum(t == p for t, p in pairs), expr="correct predictions", name="trace")
        assert_equal(cm.sum(dim=1).tolist(), torch.bincount(labels, minlength=5).tolist(), expr="label counts",
                     name="row sums")
        assert_equal(int(cm.sum()), len(pairs), expr="number of samples", name="total")


@pytest.mark.claim("train.confusion_matrix", "plot")
def test_confusion_matrix_plots_to_png_without_pyplot_state(tmp_path):
    """plot_confusion_matrix writes a PNG with a matplotlib Figure and leaves pyplot's figures alone."""
    plt = pytest.importorskip("matplotlib.pyplot", reason="matplotlib not installed")
    before = plt.get_fignums()
    cm = torch.arange(100).reshape(10, 10)
    path = training.plot_confusion_matrix(cm, [f"class {i}" for i in range(10)], tmp_path / "cm.png")
    assert_equal(path.read_bytes()[:8], b"\x89PNG\r\n\x1a\n", expr=str(path), name="PNG signature")
    assert_equal(plt.get_fignums(), before, expr="plt.get_fignums() after plotting", name="pyplot figures")


# ---- the loop --------------------------------------------------------------------------------------

@on_devices
@pytest.mark.claim("train.loop_steps", "order", "loss_falls")
def test_training_step_runs_the_notes_steps_in_order(device, monkeypatch):
    """train_step: forward, loss, zero_grad, backward, step (CH 4.1's order); repeated, the loss falls."""
    network, (x, y) = seeded_network(device), batch(16, device)
    optimizer = torch.optim.Adam(network.parameters(), lr=0.01)
    calls = []
    network.register_forward_hook(lambda module, args, out: calls.append("forward"))
    real_loss = F.cross_entropy
    monkeypatch.setattr(F, "cross_entropy", lambda *a, **k: (calls.append("loss"), real_loss(*a, **k))[1])
    network.out.weight.register_hook(lambda g: calls.append("backward"))
    for name in ("zero_grad", "step"):
        real = getattr(optimizer, name)
        setattr(optimizer, name, lambda *a, _real=real, _name=name, **k: (calls.append(_name), _real(*a, **k))[1])
    losses = []
    for _ in range(5):
        calls.clear()
        losses.append(training.train_step(network, optimizer, x, y)[0].item())
        assert_equal(calls, ["forward", "loss", "zero_grad", "backward", "step"], expr="train_step(...)", name="steps")
    assert losses[-1] < losses[0], f"losses={losses}, but should fall over 5 steps on one batch"


# ---- dynamic graph ---------------------------------------------------------------------------------

class Repeat(nn.Module):
    """forward applies the same layer ``depth`` times: Python control flow decides the graph."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(3, 3, bias=False)

    def forward(self, x, depth: int):
        for _ in range(depth):
            x = self.layer(x)
        return x


@given(depths=st.lists(st.integers(0, 4), min_size=2, max_size=4))
@settings(max_examples=10)
@example(depths=[0, 3, 1])
@pytest.mark.claim("train.dynamic_graph", "new_graph_per_call")
def test_graph_is_built_anew_on_every_call(depths):
    """Each call records its own graph (as many matmul nodes as loop turns) and its gradient is that
    of W^depth (NumPy reference); the module is the same object throughout."""
    torch.manual_seed(0)
    net = Repeat().double()
    x = torch.randn(1, 3, dtype=torch.float64)
    w = net.layer.weight.detach().numpy()
    for depth in depths:
        out = net(x, depth)
        if depth == 0:
            assert_equal(out.grad_fn, None, expr="depth 0: no operation recorded", name="grad_fn")
            continue
        nodes = [type(n).__name__ for n in graph_nodes(out.grad_fn)]
        assert_equal(sum("Mm" in n or "MvBackward" in n for n in nodes), depth, expr=f"net(x, {depth})",
                     name="matmul nodes")
        net.zero_grad()
        out.sum().backward()
        # d/dW sum(x W^T ... W^T) by central differences of the NumPy product
        def f(wm):
            v = x.numpy()
            for _ in range(depth):
                v = v @ wm.T
            return v.sum()
        num = np.zeros_like(w)
        for i in range(3):
            for j in range(3):
                e = np.zeros_like(w)
                e[i, j] = 1e-6
                num[i, j] = (f(w + e) - f(w - e)) / 2e-6
        assert_values(net.layer.weight.grad, num, expr=f"grad of net(x, {depth}).sum()")


@pytest.mark.claim("train.dynamic_graph", "tensorflow_eager")
def test_tensorflow_is_no_longer_static_by_default(tf):
    """The notes contrast PyTorch with a static TensorFlow: TensorFlow 2 executes eagerly by default
    and differentiates through Python control flow too."""
    assert_equal(tf.executing_eagerly(), True, expr="TensorFlow 2 default", name="tf.executing_eagerly()")
    w = tf.Variable(2.0)
    for depth in (1, 3):
        with tf.GradientTape() as tape:
            v = tf.constant(1.0)
            for _ in range(depth):
                v = v * w
        assert_equal(float(tape.gradient(v, w)), depth * 2.0 ** (depth - 1), expr="GradientTape",
                     name=f"d(w^{depth})/dw")
