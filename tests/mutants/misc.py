"""Mutants of the misc claims: each plants the opposite of a recorded truth."""
from __future__ import annotations

import torch
import torch.nn.functional as F

from tensorspec.harness.mutation import mutant, wrap


@mutant("misc.only_2d")
def linear_takes_only_2d(mp):
    """nn.Linear refuses input that is not 2-D (the note)."""
    @wrap(mp, F, "linear")
    def linear(orig, x, *args, **kwargs):
        if x.dim() != 2:
            raise RuntimeError(f"only 2-D input is supported, got {x.dim()}-D")
        return orig(x, *args, **kwargs)


@mutant("misc.missing_features")
def no_flip(mp):
    """torch.flip does not exist (the note)."""
    mp.delattr(torch, "flip")


@mutant("misc.regression_mse")
def mse_is_the_signed_mean_error(mp):
    """The loss is mean(pred - y), unsquared."""
    mp.setattr(F, "mse_loss", lambda input, target, *a, **k: (input - target).mean())


@mutant("misc.logistic_sigmoid")
def sigmoid_is_constant(mp):
    """sigmoid squashes every input to 0.5."""
    mp.setattr(torch, "sigmoid", lambda x: 0.5 + 0 * x)


@mutant("misc.overfitting")
def adam_does_not_step(mp):
    """The optimizer never updates the model (Adam.step does nothing)."""
    mp.setattr(torch.optim.Adam, "step", lambda self, closure=None: None)
