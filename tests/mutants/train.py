"""Mutants of the train claims (and data.normalize_helps): each plants the opposite of one statement
of a recorded truth.

Three statements are checked only by the full training run (train.reaches_target,
train.batchnorm_helps, data.normalize_helps): their mutants train in the self-check's process, and
also cut Fashion-MNIST to 2,000 training and 1,000 test images, so that each runs in seconds.  Every
other statement is checked by quick tests.
"""
from __future__ import annotations

import contextlib
from unittest import mock

import torch
import torch.nn.functional as F
from torch import nn
from torch.autograd import grad_mode
from torch.utils.data import DataLoader, RandomSampler

from tensorspec.harness.mutation import mutant, when, wrap


def _small_data(mp) -> None:
    from tensorspec.course import fashion_mnist

    @wrap(mp, fashion_mnist.loading, "load", also=[fashion_mnist])
    def load(orig, split="train", *a, **k):
        images, labels = orig(split, *a, **k)
        n = 2000 if split == "train" else 1000
        return images[:n], labels[:n]


def _adam_does_not_step(mp) -> None:
    mp.setattr(torch.optim.Adam, "step", lambda self, closure=None: None)


def _network_builder(mp, change) -> None:
    """The course network builder returns ``change(network)`` (patched before the spec modules import it)."""
    from tensorspec.course import network

    @wrap(mp, network, "build")
    def build(orig, *a, **k):
        return change(orig(*a, **k))


# ---- train.epoch --------------------------------------------------------------------------------

@mutant("train.epoch", "every_sample_once")
def epoch_drops_the_last_short_batch(mp):
    """An epoch skips the last, short batch."""
    from tensorspec.course import training

    @wrap(mp, training, "batches")
    def batches(orig, images, labels, batch_size, *a, **k):
        return ((x, y) for x, y in orig(images, labels, batch_size, *a, **k) if len(y) == batch_size)


@mutant("train.epoch", "same_batches_as_a_dataloader")
def index_batches_in_reverse_permutation(mp):
    """batches() walks torch.randperm's permutation backwards."""
    from tensorspec.course import training

    @wrap(mp, training, "batches")
    def batches(orig, images, labels, batch_size, generator=None, shuffle=True):
        order = torch.randperm(len(images), generator=generator).flip(0)
        for start in range(0, len(images), batch_size):
            index = order[start:start + batch_size]
            yield images[index], labels[index]


def _has_a_generator(self) -> bool:
    return self.generator is not None


@mutant("train.epoch", "generator_streams_differ")
def sampler_draws_no_spare_permutation(mp):
    """RandomSampler draws one permutation per pass, no spare."""
    wrap(mp, RandomSampler, "__iter__")(when(_has_a_generator, lambda orig, self: iter(
        torch.randperm(len(self.data_source), generator=self.generator).tolist())))


@mutant("train.epoch", "generator_streams_differ")
def loader_draws_no_base_seed(mp):
    """DataLoader's iterator draws no worker base seed from generator=."""
    def iterate(orig, self):
        state = self.generator.get_state()
        it = orig(self)  # draws the base seed; the sampler draws lazily, at the first batch
        self.generator.set_state(state)
        return it

    wrap(mp, DataLoader, "__iter__")(when(_has_a_generator, iterate))


# ---- train.set_grad_enabled ---------------------------------------------------------------------

@mutant("train.set_grad_enabled", "on_by_default")
def grad_mode_starts_off(mp):
    """Grad mode is off when the run starts."""
    torch._C._set_grad_enabled(False)


@mutant("train.set_grad_enabled", "context_manager_stops_recording")
def set_grad_enabled_block_keeps_recording(mp):
    """`with torch.set_grad_enabled(False):` switches recording back on as the block is entered."""
    mp.setattr(grad_mode.set_grad_enabled, "__enter__", lambda self: torch._C._set_grad_enabled(self.prev))


@mutant("train.set_grad_enabled", "call_stops_recording")
def set_grad_enabled_call_does_nothing(mp):
    """torch.set_grad_enabled(False) as a call changes nothing (only entering it as a block does)."""
    def init(self, mode):
        self.prev, self.mode = torch.is_grad_enabled(), mode

    mp.setattr(grad_mode.set_grad_enabled, "__init__", init)


# ---- train.cross_entropy ------------------------------------------------------------------------

@mutant("train.cross_entropy", "class_indices")
def cross_entropy_sums(mp):
    """F.cross_entropy sums instead of averaging."""
    @wrap(mp, F, "cross_entropy")
    def cross_entropy(orig, x, y, *a, **k):
        return orig(x, y, *a, **{**k, "reduction": "sum"})


@mutant("train.cross_entropy", "class_indices")
def cross_entropy_of_uint8_is_one_too_high(mp):
    """F.cross_entropy reads uint8 class indices one class higher (mod the class count)."""
    @wrap(mp, F, "cross_entropy")
    def cross_entropy(orig, x, y, *a, **k):
        if y.dtype == torch.uint8:
            y = ((y.long() + 1) % x.shape[1]).to(torch.uint8)
        return orig(x, y, *a, **k)


@mutant("train.cross_entropy", "ignore_index")
def cross_entropy_ignores_nothing(mp):
    """F.cross_entropy's default ignore_index is -1, not -100 (a -100 target is out of bounds)."""
    @wrap(mp, F, "cross_entropy")
    def cross_entropy(orig, x, y, *a, **k):
        return orig(x, y, *a, **{"ignore_index": -1, **k})


@mutant("train.cross_entropy", "probabilities")
def probabilities_read_as_their_argmax(mp):
    """F.cross_entropy reads a float target of x's shape as the class indices of its argmax."""
    @wrap(mp, F, "cross_entropy")
    def cross_entropy(orig, x, y, *a, **k):
        if y.is_floating_point() and y.shape == x.shape:
            y = y.argmax(dim=1)
        return orig(x, y, *a, **k)


@mutant("train.cross_entropy", "other_dtypes_refused")
def cross_entropy_casts_integer_targets(mp):
    """F.cross_entropy casts int32/int16/int8/bool class indices to int64 instead of raising."""
    @wrap(mp, F, "cross_entropy")
    def cross_entropy(orig, x, y, *a, **k):
        if not y.is_floating_point() and y.dtype not in (torch.int64, torch.uint8):
            y = y.long()
        return orig(x, y, *a, **k)


@mutant("train.cross_entropy", "other_dtypes_refused")
def cross_entropy_reads_float_labels_as_indices(mp):
    """F.cross_entropy reads a float target of shape (B,) as class indices instead of raising."""
    @wrap(mp, F, "cross_entropy")
    def cross_entropy(orig, x, y, *a, **k):
        if y.is_floating_point() and y.dim() == 1:
            y = y.long()
        return orig(x, y, *a, **k)


# ---- train.backward_fills_grad ------------------------------------------------------------------

@mutant("train.backward_fills_grad", "none_before")
def fresh_network_has_zero_grads(mp):
    """A freshly built network's parameters start with zero .grad tensors."""
    def zero_grads(network):
        for p in network.parameters():
            p.grad = torch.zeros_like(p)
        return network

    _network_builder(mp, zero_grads)


@mutant("train.backward_fills_grad", "shape_dtype_device")
def backward_does_nothing(mp):
    """loss.backward() fills no .grad."""
    mp.setattr(torch.Tensor, "backward", lambda self, *a, **k: None)


@mutant("train.backward_fills_grad", "is_the_derivative")
def backward_doubles_the_gradient(mp):
    """loss.backward() seeds the graph with 2 instead of 1: every .grad twice the derivative."""
    @wrap(mp, torch.Tensor, "backward")
    def backward(orig, self, gradient=None, *a, **k):
        return orig(self, torch.full_like(self, 2.0) if gradient is None else gradient, *a, **k)


# ---- train.graph --------------------------------------------------------------------------------

@mutant("train.graph", "nodes")
def cross_entropy_via_log_of_softmax(mp):
    """F.cross_entropy is computed as nll_loss(log(softmax(x))): no LogSoftmaxBackward0 node."""
    mp.setattr(F, "cross_entropy", lambda x, y, *a, **k: F.nll_loss(torch.log(torch.softmax(x, dim=1)), y))


@mutant("train.graph", "ends_in_the_parameters")
def linear_detaches_its_weight(mp):
    """Linear layers' weights stay out of the graph."""
    mp.setattr(nn.Linear, "forward", lambda self, x: F.linear(x, self.weight.detach(), self.bias))


@mutant("train.graph", "input_has_no_node")
def inputs_require_grad(mp):
    """The synthetic input batch requires grad, so the graph gains a leaf for it."""
    from tensorspec.course import training

    @wrap(mp, training, "synthetic_batch")
    def synthetic_batch(orig, *a, **k):
        images, labels = orig(*a, **k)
        return images.requires_grad_(), labels


# ---- train.optimizer_step -----------------------------------------------------------------------

@mutant("train.optimizer_step", "first_adam_step")
def adam_step_does_nothing(mp):
    """Adam.step() changes nothing."""
    _adam_does_not_step(mp)


@mutant("train.optimizer_step", "first_adam_step")
def adam_step_twice_as_long(mp):
    """Adam's first step moves each weight by 2 * lr instead of lr."""
    @wrap(mp, torch.optim.Adam, "__init__")
    def init(orig, self, params, lr=1e-3, *a, **k):
        orig(self, params, 2 * lr, *a, **k)


@mutant("train.optimizer_step", "loss_goes_down")
def adam_climbs_the_loss(mp):
    """Adam maximizes: it steps along the gradient, and the loss goes up."""
    @wrap(mp, torch.optim.Adam, "__init__")
    def init(orig, self, *a, **k):
        orig(self, *a, **{**k, "maximize": True})


# ---- train.zero_grad ----------------------------------------------------------------------------

@mutant("train.zero_grad", "gradients_accumulate")
def backward_overwrites_grads(mp):
    """backward() replaces the leaves' .grad instead of adding to it."""
    from tensorspec.course.training import graph_nodes

    @wrap(mp, torch.Tensor, "backward")
    def backward(orig, self, *a, **k):
        for node in graph_nodes(self.grad_fn):
            if type(node).__name__ == "AccumulateGrad":
                node.variable.grad = None
        return orig(self, *a, **k)


@mutant("train.zero_grad", "default_sets_none")
def optimizer_zero_grad_fills_zeros(mp):
    """optimizer.zero_grad() defaults to set_to_none=False (as before torch 2.0)."""
    @wrap(mp, torch.optim.Optimizer, "zero_grad")
    def zero_grad(orig, self, set_to_none=False):
        return orig(self, set_to_none)


@mutant("train.zero_grad", "default_sets_none")
def module_zero_grad_fills_zeros(mp):
    """module.zero_grad() defaults to set_to_none=False (as before torch 2.0)."""
    @wrap(mp, nn.Module, "zero_grad")
    def zero_grad(orig, self, set_to_none=False):
        return orig(self, set_to_none)


@mutant("train.zero_grad", "set_to_none_false_fills_zeros")
def module_set_to_none_false_ignored(mp):
    """module.zero_grad(set_to_none=False) sets .grad to None all the same."""
    @wrap(mp, nn.Module, "zero_grad")
    def zero_grad(orig, self, set_to_none=True):
        return orig(self, True)


@mutant("train.zero_grad", "set_to_none_false_fills_zeros")
def set_to_none_false_ignored(mp):
    """optimizer.zero_grad(set_to_none=False) sets .grad to None all the same."""
    @wrap(mp, torch.optim.Optimizer, "zero_grad")
    def zero_grad(orig, self, set_to_none=True):
        return orig(self, True)


# ---- train.no_grad ------------------------------------------------------------------------------

def _modules_record_under_no_grad(mp, detach: bool) -> None:
    """Under torch.no_grad() (still switching grad mode off for everything else, e.g. nn.init),
    modules run with grad enabled, handing back their output detached when ``detach``."""
    real, state = torch.no_grad, {"inside": 0}

    class NoGrad(real):
        def __enter__(self):
            state["inside"] += 1
            return super().__enter__()

        def __exit__(self, *exc):
            state["inside"] -= 1
            return super().__exit__(*exc)

    @wrap(mp, nn.Module, "__call__")
    def call(orig, self, *a, **k):
        if not state["inside"]:
            return orig(self, *a, **k)
        with torch.enable_grad():
            out = orig(self, *a, **k)
        return out.detach() if detach and isinstance(out, torch.Tensor) else out

    mp.setattr(torch, "no_grad", NoGrad)


@mutant("train.no_grad", "no_graph")
def no_grad_records_anyway(mp):
    """Under torch.no_grad() a module's output still carries its graph."""
    _modules_record_under_no_grad(mp, detach=False)


@mutant("train.no_grad", "saves_nothing")
def no_grad_detaches_afterwards(mp):
    """Under torch.no_grad() modules still record their graph (saving the activations) and hand back
    the output detached."""
    _modules_record_under_no_grad(mp, detach=True)


@mutant("train.no_grad", "backward_raises")
def backward_without_graph_passes(mp):
    """backward() on a tensor without a graph returns quietly instead of raising."""
    @wrap(mp, torch.Tensor, "backward")
    def backward(orig, self, *a, **k):
        if not self.requires_grad:
            return None
        return orig(self, *a, **k)


# ---- train.confusion_matrix ---------------------------------------------------------------------

@mutant("train.confusion_matrix", "counts_pairs")
def confusion_matrix_transposed(mp):
    """The confusion matrix is cm[predicted, true] instead of cm[true, predicted]."""
    from tensorspec.course import training

    @wrap(mp, training, "confusion_matrix")
    def confusion_matrix(orig, labels, preds, num_classes=10):
        return orig(labels, preds, num_classes).T


@mutant("train.confusion_matrix", "plot")
def plot_leaves_a_pyplot_figure(mp):
    """plot_confusion_matrix draws through pyplot and leaves its figure open."""
    from tensorspec.course import training

    @wrap(mp, training, "plot_confusion_matrix")
    def plot(orig, *a, **k):
        import matplotlib.pyplot as plt

        plt.figure()
        return orig(*a, **k)


# ---- train.loop_steps ---------------------------------------------------------------------------

def _during_train_step(mp, patched) -> None:
    """training.train_step runs inside ``patched(optimizer)`` (a context manager that changes the
    optimizer for the step); the step itself is the notes' one."""
    from tensorspec.course import training

    @wrap(mp, training, "train_step")
    def train_step(orig, network, optimizer, images, labels):
        with patched(optimizer):
            return orig(network, optimizer, images, labels)


@mutant("train.loop_steps", "order")
def zero_grad_after_backward(mp):
    """zero_grad runs between backward and step: the gradients are gone before the step."""
    def zero_grad_held_back_until_the_step(optimizer):
        zero_grad, step = optimizer.zero_grad, optimizer.step
        return mock.patch.multiple(optimizer, zero_grad=lambda *a, **k: None,
                                   step=lambda *a, **k: (zero_grad(), step(*a, **k))[1])

    _during_train_step(mp, zero_grad_held_back_until_the_step)


@mutant("train.loop_steps", "loss_falls")
def step_climbs_the_loss(mp):
    """train_step keeps the notes' order but its step goes up the gradient (lr negated for the step)."""
    @contextlib.contextmanager
    def maximizing(optimizer):
        for group in optimizer.param_groups:
            group["maximize"] = not group.get("maximize", False)
        try:
            yield
        finally:
            for group in optimizer.param_groups:
                group["maximize"] = not group["maximize"]

    _during_train_step(mp, maximizing)


# ---- train.dynamic_graph ------------------------------------------------------------------------

@mutant("train.dynamic_graph", "new_graph_per_call")
def module_call_replays_the_first_graph(mp):
    """A static graph: a module's first computation is returned again on every later call."""
    first = {}

    @wrap(mp, nn.Module, "__call__")
    def call(orig, self, *a, **k):
        if id(self) not in first:
            first[id(self)] = orig(self, *a, **k)
        return first[id(self)]


@mutant("train.dynamic_graph", "tensorflow_eager")
def tensorflow_builds_graphs(mp):
    """TensorFlow reports graph mode (tf.executing_eagerly() is False), as TensorFlow 1 did."""
    import pytest

    tf = pytest.importorskip("tensorflow")
    mp.setattr(tf, "executing_eagerly", lambda: False)


# ---- the full training run (slow) ---------------------------------------------------------------

@mutant("train.reaches_target", "reaches_the_targets")
def training_never_updates(mp):
    """Adam.step does nothing (on 2,000 images)."""
    _small_data(mp)
    _adam_does_not_step(mp)


@mutant("train.batchnorm_helps", "ahead_first_and_last")
def batchnorm_variant_is_the_plain_network(mp):
    """The BatchNorm run trains the plain network (on 2,000 images)."""
    from tensorspec.course import network

    _small_data(mp)
    mp.setitem(network.NETWORKS, "batchnorm", network.Network)


@mutant("data.normalize_helps", "first_epoch")
def normalize_is_ignored(mp):
    """The normalized run gets unnormalized inputs (on 2,000 images)."""
    from tensorspec.course import training

    _small_data(mp)

    @wrap(mp, training, "to_inputs")
    def to_inputs(orig, images, mean=None, std=None):
        return orig(images)
