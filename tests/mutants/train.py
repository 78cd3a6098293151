"""Mutants of the train claims (and data.normalize_helps): each plants the opposite of a recorded truth.

The mutants of claims tested only by the full training run also cut Fashion-MNIST to 2,000 training
and 1,000 test images, so that each runs in seconds.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from tensorspec.harness.mutation import mutant, wrap


def _small_data(mp) -> None:
    from tensorspec.course import fashion_mnist

    @wrap(mp, fashion_mnist, "load")
    def load(orig, split="train", *a, **k):
        images, labels = orig(split, *a, **k)
        n = 2000 if split == "train" else 1000
        return images[:n], labels[:n]


class _NoGradSwitch:
    """A set_grad_enabled / no_grad that switches nothing."""

    def __init__(self, *a, **k):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __call__(self, fn):
        return fn


def _adam_does_not_step(mp) -> None:
    mp.setattr(torch.optim.Adam, "step", lambda self, closure=None: None)


@mutant("train.epoch")
def epoch_drops_the_last_short_batch(mp):
    """An epoch skips the last, short batch."""
    from tensorspec.course import training

    @wrap(mp, training, "batches")
    def batches(orig, images, labels, batch_size, *a, **k):
        return ((x, y) for x, y in orig(images, labels, batch_size, *a, **k) if len(y) == batch_size)


@mutant("train.set_grad_enabled")
def set_grad_enabled_does_nothing(mp):
    """set_grad_enabled(False) still records."""
    mp.setattr(torch, "set_grad_enabled", _NoGradSwitch)


@mutant("train.cross_entropy")
def cross_entropy_sums(mp):
    """F.cross_entropy sums instead of averaging."""
    @wrap(mp, F, "cross_entropy")
    def cross_entropy(orig, x, y, *a, **k):
        return orig(x, y, *a, **{**k, "reduction": "sum"})


@mutant("train.backward_fills_grad")
def backward_does_nothing(mp):
    """loss.backward() fills no .grad."""
    mp.setattr(torch.Tensor, "backward", lambda self, *a, **k: None)


@mutant("train.graph")
def linear_detaches_its_weight(mp):
    """Linear layers' weights stay out of the graph."""
    mp.setattr(nn.Linear, "forward", lambda self, x: F.linear(x, self.weight.detach(), self.bias))


@mutant("train.optimizer_step")
def adam_step_does_nothing(mp):
    """Adam.step() changes nothing."""
    _adam_does_not_step(mp)


@mutant("train.zero_grad")
def zero_grad_fills_zeros(mp):
    """zero_grad() defaults to set_to_none=False (as before torch 2.0)."""
    @wrap(mp, torch.optim.Optimizer, "zero_grad")
    def zero_grad(orig, self, set_to_none=False):
        return orig(self, set_to_none)


@mutant("train.no_grad")
def no_grad_records_anyway(mp):
    """torch.no_grad() still records the graph."""
    mp.setattr(torch, "no_grad", _NoGradSwitch)


@mutant("train.confusion_matrix")
def confusion_matrix_transposed(mp):
    """The confusion matrix is cm[predicted, true] instead of cm[true, predicted]."""
    from tensorspec.course import training

    @wrap(mp, training, "confusion_matrix")
    def confusion_matrix(orig, labels, preds, num_classes=10):
        return orig(labels, preds, num_classes).T


@mutant("train.loop_steps")
def zero_grad_after_backward(mp):
    """zero_grad runs between backward and step: the gradients are gone before the step."""
    from tensorspec.course import training

    def train_step(network, optimizer, images, labels):
        preds = network(images)
        loss = F.cross_entropy(preds, labels)
        loss.backward()
        optimizer.zero_grad()
        optimizer.step()
        return loss, preds

    mp.setattr(training, "train_step", train_step)


@mutant("train.dynamic_graph")
def module_call_replays_the_first_graph(mp):
    """A static graph: a module's first computation is returned again on every later call."""
    first = {}

    @wrap(mp, nn.Module, "__call__")
    def call(orig, self, *a, **k):
        if id(self) not in first:
            first[id(self)] = orig(self, *a, **k)
        return first[id(self)]


@mutant("train.reaches_target")
def training_never_updates(mp):
    """Adam.step does nothing (on 2,000 images)."""
    _small_data(mp)
    _adam_does_not_step(mp)


@mutant("train.batchnorm_helps")
def batchnorm_variant_is_the_plain_network(mp):
    """The BatchNorm run trains the plain network (on 2,000 images)."""
    from tensorspec.course import network

    _small_data(mp)
    mp.setitem(network.NETWORKS, "batchnorm", network.Network)


@mutant("data.normalize_helps")
def normalize_is_ignored(mp):
    """The normalized run gets unnormalized inputs (on 2,000 images)."""
    from tensorspec.course import training

    _small_data(mp)

    @wrap(mp, training, "to_inputs")
    def to_inputs(orig, images, mean=None, std=None):
        return orig(images)
