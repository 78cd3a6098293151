"""Mutants of the train claims (and data.normalize_helps): each plants the opposite of a recorded truth.

The full-run mutants also cut Fashion-MNIST to 2,000 training and 1,000 test images, so that each
runs in seconds; the planted change (not the cut) is what the named claim's test must notice.
"""
from __future__ import annotations


import pytest
import torch
import torch.nn.functional as F
from torch import nn

from tensorspec.harness.mutation import Mutant

T, G, RUN = "spec/test_train.py", "spec/test_train_gradients.py", "spec/test_training_run.py"
_cross_entropy = F.cross_entropy
_zero_grad = torch.optim.Optimizer.zero_grad
_call = nn.Module.__call__


def _small_data(mp: pytest.MonkeyPatch) -> None:
    from tensorspec.course import fashion_mnist

    real = fashion_mnist.load

    def load(split="train", *a, **k):
        images, labels = real(split, *a, **k)
        n = 2000 if split == "train" else 1000
        return images[:n], labels[:n]

    mp.setattr(fashion_mnist, "load", load)


def epoch_drops_the_last_short_batch(mp: pytest.MonkeyPatch):
    from tensorspec.course import training

    real = training.batches

    def batches(images, labels, batch_size, *a, **k):
        for x, y in real(images, labels, batch_size, *a, **k):
            if len(y) == batch_size:
                yield x, y

    mp.setattr(training, "batches", batches)


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


def set_grad_enabled_does_nothing(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "set_grad_enabled", _NoGradSwitch)


def cross_entropy_sums(mp: pytest.MonkeyPatch):
    mp.setattr(F, "cross_entropy", lambda x, y, *a, **k: _cross_entropy(x, y, *a, **{**k, "reduction": "sum"}))


def backward_does_nothing(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "backward", lambda self, *a, **k: None)


def linear_detaches_its_weight(mp: pytest.MonkeyPatch):
    mp.setattr(nn.Linear, "forward", lambda self, x: F.linear(x, self.weight.detach(), self.bias))


def adam_step_does_nothing(mp: pytest.MonkeyPatch):
    mp.setattr(torch.optim.Adam, "step", lambda self, closure=None: None)


def zero_grad_fills_zeros(mp: pytest.MonkeyPatch):
    mp.setattr(torch.optim.Optimizer, "zero_grad", lambda self, set_to_none=False: _zero_grad(self, set_to_none))


def no_grad_records_anyway(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "no_grad", _NoGradSwitch)


def confusion_matrix_transposed(mp: pytest.MonkeyPatch):
    from tensorspec.course import training

    real = training.confusion_matrix
    mp.setattr(training, "confusion_matrix", lambda labels, preds, num_classes=10: real(labels, preds, num_classes).T)


def zero_grad_after_backward(mp: pytest.MonkeyPatch):
    from tensorspec.course import training

    def train_step(network, optimizer, images, labels):
        preds = network(images)
        loss = F.cross_entropy(preds, labels)
        loss.backward()
        optimizer.zero_grad()  # the gradients are gone before the step
        optimizer.step()
        return loss, preds

    mp.setattr(training, "train_step", train_step)


def module_call_replays_the_first_graph(mp: pytest.MonkeyPatch):
    """A static graph: a module's first computation is returned again on every later call."""
    first = {}

    def call(self, *a, **k):
        if id(self) not in first:
            first[id(self)] = _call(self, *a, **k)
        return first[id(self)]

    mp.setattr(nn.Module, "__call__", call)


def training_never_updates(mp: pytest.MonkeyPatch):
    _small_data(mp)
    adam_step_does_nothing(mp)


def batchnorm_variant_is_the_plain_network(mp: pytest.MonkeyPatch):
    from tensorspec.course import network

    _small_data(mp)
    mp.setitem(network.NETWORKS, "batchnorm", network.Network)


def normalize_is_ignored(mp: pytest.MonkeyPatch):
    from tensorspec.course import training

    _small_data(mp)
    real = training.to_inputs
    mp.setattr(training, "to_inputs", lambda images, mean=None, std=None: real(images))


MUTANTS = [
    Mutant("epoch_drops_the_last_short_batch", "train.epoch", T, "an epoch skips the last, short batch"),
    Mutant("set_grad_enabled_does_nothing", "train.set_grad_enabled", G, "set_grad_enabled(False) still records"),
    Mutant("cross_entropy_sums", "train.cross_entropy", T, "F.cross_entropy sums instead of averaging"),
    Mutant("backward_does_nothing", "train.backward_fills_grad", G, "loss.backward() fills no .grad"),
    Mutant("linear_detaches_its_weight", "train.graph", G, "Linear layers' weights stay out of the graph"),
    Mutant("adam_step_does_nothing", "train.optimizer_step", G, "Adam.step() changes nothing"),
    Mutant("zero_grad_fills_zeros", "train.zero_grad", G, "zero_grad() defaults to set_to_none=False (torch < 2.0)"),
    Mutant("no_grad_records_anyway", "train.no_grad", G, "torch.no_grad() still records the graph"),
    Mutant("confusion_matrix_transposed", "train.confusion_matrix", T, "cm[predicted, true] instead of cm[true, predicted]"),
    Mutant("zero_grad_after_backward", "train.loop_steps", T, "zero_grad between backward and step"),
    Mutant("module_call_replays_the_first_graph", "train.dynamic_graph", T, "a static graph: the first call is replayed"),
    Mutant("training_never_updates", "train.reaches_target", RUN, "Adam.step does nothing (on 2,000 images)"),
    Mutant("batchnorm_variant_is_the_plain_network", "train.batchnorm_helps", RUN, "the BatchNorm run trains the plain network"),
    Mutant("normalize_is_ignored", "data.normalize_helps", RUN, "the normalized run gets unnormalized inputs"),
]
