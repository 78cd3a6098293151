"""Mutants of the exact truths of audit a2 (elementwise, reduce, concat, autograd, misc): each plants the
opposite of one condition the catalog now states, so that its claim must go red."""
from __future__ import annotations


import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("misc.missing_features")
def ifft_resolves_the_conjugate(mp):
    """torch.fft.ifft of a real tensor returns a resolved tensor (no conjugate bit; .numpy() works)."""
    @wrap(mp, torch.fft, "ifft")
    def ifft(orig, *args, **kwargs):
        return orig(*args, **kwargs).resolve_conj()


@mutant("misc.overfitting")
def sine_inputs_spread_over_ten(mp):
    """The noisy sine's inputs are spread over [-10, 10] instead of [-1, 1]."""
    from tensorspec.course import toy_problems

    @wrap(mp, toy_problems, "noisy_sine")
    def noisy_sine(orig, *args, **kwargs):
        p = orig(*args, **kwargs)
        return toy_problems.Problem(p.x * 10, p.y, p.x_test * 10, p.y_test)
