"""Mutants of the misc claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from tensorspec.harness.mutation import Mutant

T = "spec/test_misc.py"
_linear = F.linear


def linear_takes_only_2d(mp: pytest.MonkeyPatch):
    def linear(x, *args, **kwargs):
        if x.dim() != 2:
            raise RuntimeError(f"only 2-D input is supported, got {x.dim()}-D")
        return _linear(x, *args, **kwargs)
    mp.setattr(F, "linear", linear)


def no_flip(mp: pytest.MonkeyPatch):
    mp.delattr(torch, "flip")


def mse_is_the_signed_mean_error(mp: pytest.MonkeyPatch):
    mp.setattr(F, "mse_loss", lambda input, target, *a, **k: (input - target).mean())


def sigmoid_is_constant(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "sigmoid", lambda x: 0.5 + 0 * x)


def adam_does_not_step(mp: pytest.MonkeyPatch):
    mp.setattr(torch.optim.Adam, "step", lambda self, closure=None: None)


MUTANTS = [
    Mutant("linear_takes_only_2d", "misc.only_2d", T, "nn.Linear refuses input that is not 2-D (the note)"),
    Mutant("no_flip", "misc.missing_features", T, "torch.flip does not exist (the note)"),
    Mutant("mse_is_the_signed_mean_error", "misc.regression_mse", T, "the loss is mean(pred - y), unsquared"),
    Mutant("sigmoid_is_constant", "misc.logistic_sigmoid", T, "sigmoid squashes every input to 0.5"),
    Mutant("adam_does_not_step", "misc.overfitting", T, "the optimizer never updates the model"),
]
