"""Mutants for the corrected truths of the audit "Every truth exact": each plants the opposite of one
sentence a truth gained, so the test that now asserts it must go red."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import mutant, wrap


# ---- device -------------------------------------------------------------------------------------

@mutant("device.cuda_is_available")
def cuda_index_says_not_compiled(mp: pytest.MonkeyPatch):
    """t.cuda(0) raises the AssertionError of t.cuda() instead of RuntimeError "Cannot access accelerator"."""
    @wrap(mp, torch.Tensor, "cuda")
    def cuda(orig, self, *args, **kwargs):
        raise AssertionError("Torch not compiled with CUDA enabled")


@mutant("device.version_cuda")
def rocm_build_reports_a_cuda_version(mp: pytest.MonkeyPatch):
    """A ROCm build (torch.version.hip set, is_built() True) reports a CUDA version too."""
    mp.setattr(torch.version, "hip", "6.2.41133")
    mp.setattr(torch.version, "cuda", "12.8")
    mp.setattr(torch.backends.cuda, "is_built", lambda: True)


@mutant("device.cross_device_error")
def in_place_add_checks_meta_devices(mp: pytest.MonkeyPatch):
    """An in-place add between a CPU and a meta tensor raises, as the out-of-place one does."""
    @wrap(mp, torch.Tensor, "add_")
    def add_(orig, self, other, *args, **kwargs):
        if isinstance(other, torch.Tensor) and other.dim() and other.device != self.device:
            raise RuntimeError(f"Tensor on device {other.device} is not on the expected device {self.device}!")
        return orig(self, other, *args, **kwargs)


@mutant("device.cross_device_error")
def matmul_moves_the_other_operand(mp: pytest.MonkeyPatch):
    """matmul moves its second operand to the first one's device instead of raising."""
    @wrap(mp, torch.Tensor, "__matmul__")
    def matmul(orig, self, other):
        return orig(self, other.to(self.device))


# ---- tensor -------------------------------------------------------------------------------------

@mutant("tensor.rank")
def zero_d_index_says_too_many(mp: pytest.MonkeyPatch):
    """t[0] on a 0-d tensor says "too many indices for tensor of dimension 0", like t[0, 0]."""
    @wrap(mp, torch.Tensor, "__getitem__")
    def getitem(orig, self, index):
        if self.dim() == 0 and isinstance(index, int):
            raise IndexError("too many indices for tensor of dimension 0")
        return orig(self, index)


@mutant("tensor.nchw")
def conv_refuses_a_permuted_batch(mp: pytest.MonkeyPatch):
    """Conv2d notices an NHWC batch (a permuted view, neither contiguous nor channels_last) even when H == C."""
    @wrap(mp, torch.nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, x, weight, bias):
        permuted = not x.is_contiguous() and not x.is_contiguous(memory_format=torch.channels_last)
        if permuted and x.shape[1] == weight.shape[1]:  # the case torch lets through
            raise RuntimeError(f"expected input{list(x.shape)} to be NCHW, but got a permuted NHWC batch")
        return orig(self, x, weight, bias)


# ---- creation -----------------------------------------------------------------------------------

# ---- bridge -------------------------------------------------------------------------------------

# ---- data ---------------------------------------------------------------------------------------

# ---- model --------------------------------------------------------------------------------------

# ---- experiments --------------------------------------------------------------------------------

