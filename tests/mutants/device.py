"""Mutants of the device claims (and of the quick, CPU part of the speed claim
creation.as_tensor_round_trips; data.num_workers_speed's are in data.py).

Claims checked only on a GPU have no mutant here -- device.cuda_method, device.gpu_not_always_faster,
device.gpu_speeds_training: their tests skip without CUDA, so no mutant could be killed on a CPU
machine.  Every other device claim has a CPU part and a mutant for it.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
import torch.utils.data
from torch import nn

from tensorspec.harness.mutation import mutant, wrap


def _claim_a_gpu(mp) -> None:
    """is_available() says True (and the report's GPU name lookup gets an answer, not a crash)."""
    mp.setattr(torch.cuda, "is_available", lambda: True)
    mp.setattr(torch.cuda, "get_device_name", lambda *a: "no GPU (mutant)")


def _after_module_to(mp, change) -> None:
    """Module.to, then ``change(module)`` on every submodule of the result."""
    @wrap(mp, nn.Module, "to")
    def to(orig, self, *args, **kwargs):
        out = orig(self, *args, **kwargs)
        for module in out.modules():
            change(module)
        return out


@mutant("device.cuda_is_available")
def cuda_always_available(mp):
    """is_available() says True without a GPU."""
    _claim_a_gpu(mp)


@mutant("device.version_cuda")
def version_cuda_on_a_cpu_build(mp):
    """A CPU-only build reports a CUDA version."""
    mp.setattr(torch.version, "cuda", "12.8")


@mutant("device.default_cpu")
def zeros_default_to_meta(mp):
    """torch.zeros creates off the CPU by default."""
    @wrap(mp, torch, "zeros")
    def zeros(orig, *a, **k):
        return orig(*a, **{"device": "meta", **k})


@mutant("device.default_cpu")
def from_numpy_follows_the_default_device(mp):
    """from_numpy moves to torch.get_default_device()."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a).to(torch.get_default_device())


@mutant("device.cuda_arg_index")
def device_index_counts_cores(mp):
    """The notes' guess: the number is not a GPU ordinal (here: it is dropped, 'cuda:n' -> 'cuda')."""
    @wrap(mp, torch, "device")
    def device(orig, *args):
        if len(args) == 1 and isinstance(args[0], str) and args[0].startswith("cuda:"):
            int(args[0][5:])  # still refuse what torch refuses
            return orig("cuda")
        return orig(*args)


@mutant("device.to_cpu")
def cpu_always_copies(mp):
    """x.cpu() copies a CPU tensor instead of returning it."""
    @wrap(mp, torch.Tensor, "cpu")
    def cpu(orig, self, *a, **k):
        return orig(self, *a, **k).clone()


@mutant("device.module_to_in_place")
def module_to_returns_a_copy(mp):
    """Module.to returns a moved copy."""
    @wrap(mp, nn.Module, "to")
    def to(orig, self, *a, **k):
        return orig(copy.deepcopy(self), *a, **k)


@mutant("device.module_to_in_place")
def module_to_makes_new_parameters(mp):
    """Module.to replaces the Parameter objects (an earlier optimizer is orphaned), as
    torch.__future__.set_overwrite_module_params_on_conversion(True) does."""
    def renew(module):
        for name, p in list(module._parameters.items()):
            if p is not None:
                module._parameters[name] = nn.Parameter(p.detach().clone(), p.requires_grad)
    _after_module_to(mp, renew)


@mutant("device.agnostic_code")
def device_pick_ignores_availability(mp):
    """Device-agnostic code that picks cuda on a machine without one: the device pick and the GPU
    count disagree."""
    _claim_a_gpu(mp)


@mutant("device.agnostic_code")
def moving_the_network_reinitializes_it(mp):
    """Code that behaves differently per device: moving a module re-draws its weights, so the same
    code gives other results after moving the network."""
    _after_module_to(mp, lambda module: module.reset_parameters() if hasattr(module, "reset_parameters") else None)


@mutant("device.cross_device_error")
def add_moves_the_other_tensor(mp):
    """`a + b` silently brings b to a's device."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, self, other):
        return orig(self, other.to(self.device) if isinstance(other, torch.Tensor) else other)


@mutant("device.cross_device_error")
def add_refuses_0d_cpu_tensors(mp):
    """No exception for 0-d CPU tensors: any two devices make `a + b` raise."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, self, other):
        if isinstance(other, torch.Tensor) and other.device != self.device:
            raise RuntimeError(f"Tensor on device {other.device} is not on the expected device {self.device}! "
                               "Expected all tensors to be on the same device")
        return orig(self, other)


@mutant("creation.as_tensor_round_trips", "round_trips_keep_one_buffer")
def as_tensor_copies_arrays(mp):
    """as_tensor copies an ndarray on every round trip."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, d, *a, **k):
        return orig(np.array(d, copy=True) if isinstance(d, np.ndarray) else d, *a, **k)
