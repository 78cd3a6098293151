"""Mutants of the exact truths of audit a2 (elementwise, reduce, concat, autograd, misc): each plants the
opposite of one condition the catalog now states, so that its claim must go red."""
from __future__ import annotations


import numpy as np
import torch

from tensorspec.harness.mutation import mutant, wrap


@mutant("concat.cat_existing_axis")
def legacy_empty_skip_accepts_any_dim(mp):
    """torch.cat with a skipped 1-D empty tensor accepts a dim out of the other tensors' range."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, dim=0, **kwargs):
        tensors = list(tensors)
        rest = [t for t in tensors if t.shape != (0,)]
        if rest and len(rest) < len(tensors) and not -rest[0].dim() <= dim < rest[0].dim():
            dtype = tensors[0].dtype
            for t in tensors[1:]:
                dtype = torch.promote_types(dtype, t.dtype)
            return orig([t.to(dtype) for t in rest], dim=0, **kwargs)
        return orig(tensors, dim=dim, **kwargs)


@mutant("concat.frameworks_agree")
def numpy_raises_axis_error_for_mixed_ranks(mp):
    """np.concatenate of arrays of different ranks raises AxisError whatever the axis."""
    @wrap(mp, np, "concatenate")
    def concatenate(orig, arrays, axis=0, **kwargs):
        arrays = list(arrays)
        if len({np.ndim(a) for a in arrays}) > 1:
            raise np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension 1")
        return orig(arrays, axis=axis, **kwargs)


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
