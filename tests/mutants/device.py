"""Mutants of the device claims (and of the quick parts of creation.as_tensor_round_trips and
data.num_workers_speed, whose spec tests live in spec/test_device.py).

Claims checked only on a GPU have no mutant here -- device.cuda_method, device.gpu_not_always_faster,
device.gpu_speeds_training: their tests skip without CUDA, so no mutant could be killed on a CPU
machine.  Every other device claim has a CPU part and a mutant for it.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.utils.data
from torch import nn

from tensorspec.harness.mutation import Mutant

T = "spec/test_device.py"
_device, _zeros, _from_numpy, _as_tensor = torch.device, torch.zeros, torch.from_numpy, torch.as_tensor
_cpu, _add, _module_to, _loader = torch.Tensor.cpu, torch.Tensor.__add__, nn.Module.to, torch.utils.data.DataLoader


def _claim_a_gpu(mp: pytest.MonkeyPatch) -> None:
    """is_available() says True (and the report's GPU name lookup gets an answer, not a crash)."""
    mp.setattr(torch.cuda, "is_available", lambda: True)
    mp.setattr(torch.cuda, "get_device_name", lambda *a: "no GPU (mutant)")


def cuda_always_available(mp: pytest.MonkeyPatch):
    _claim_a_gpu(mp)


def version_cuda_on_a_cpu_build(mp: pytest.MonkeyPatch):
    mp.setattr(torch.version, "cuda", "12.8")


def zeros_default_to_meta(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "zeros", lambda *a, **k: _zeros(*a, **{"device": "meta", **k}))


def from_numpy_follows_the_default_device(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "from_numpy", lambda a: _from_numpy(a).to(torch.get_default_device()))


def device_index_counts_cores(mp: pytest.MonkeyPatch):
    """The notes' guess: the number is not a GPU ordinal (here: it is dropped, 'cuda:n' -> 'cuda')."""
    def device(*args):
        if len(args) == 1 and isinstance(args[0], str) and args[0].startswith("cuda:"):
            int(args[0][5:])  # still refuse what torch refuses
            return _device("cuda")
        return _device(*args)
    mp.setattr(torch, "device", device)


def cpu_always_copies(mp: pytest.MonkeyPatch):
    mp.setattr(torch.Tensor, "cpu", lambda self, *a, **k: _cpu(self, *a, **k).clone())


def module_to_returns_a_copy(mp: pytest.MonkeyPatch):
    mp.setattr(nn.Module, "to", lambda self, *a, **k: _module_to(copy.deepcopy(self), *a, **k))


def module_to_makes_new_parameters(mp: pytest.MonkeyPatch):
    """Module.to rebuilds every Parameter (as torch.__future__.set_overwrite_module_params_on_conversion(True) does)."""
    def to(self, *args, **kwargs):
        out = _module_to(self, *args, **kwargs)
        for module in out.modules():
            for name, p in list(module._parameters.items()):
                if p is not None:
                    module._parameters[name] = nn.Parameter(p.detach().clone(), p.requires_grad)
        return out
    mp.setattr(nn.Module, "to", to)


def device_pick_ignores_availability(mp: pytest.MonkeyPatch):
    """Device-agnostic code that picks cuda on a machine without one."""
    _claim_a_gpu(mp)


def moving_the_network_reinitializes_it(mp: pytest.MonkeyPatch):
    """Code that behaves differently per device: moving a module re-draws its weights."""
    def to(self, *args, **kwargs):
        out = _module_to(self, *args, **kwargs)
        for module in out.modules():
            if hasattr(module, "reset_parameters"):
                module.reset_parameters()
        return out
    mp.setattr(nn.Module, "to", to)


def add_moves_the_other_tensor(mp: pytest.MonkeyPatch):
    """`a + b` silently brings b to a's device."""
    mp.setattr(torch.Tensor, "__add__", lambda self, other: _add(
        self, other.to(self.device) if isinstance(other, torch.Tensor) else other))


def add_refuses_0d_cpu_tensors(mp: pytest.MonkeyPatch):
    """No exception for 0-d CPU tensors: any two devices make `a + b` raise."""
    def add(self, other):
        if isinstance(other, torch.Tensor) and other.device != self.device:
            raise RuntimeError(f"Tensor on device {other.device} is not on the expected device {self.device}! "
                               "Expected all tensors to be on the same device")
        return _add(self, other)
    mp.setattr(torch.Tensor, "__add__", add)


def as_tensor_copies_arrays(mp: pytest.MonkeyPatch):
    mp.setattr(torch, "as_tensor", lambda d, *a, **k: _as_tensor(np.array(d, copy=True), *a, **k)
               if isinstance(d, np.ndarray) else _as_tensor(d, *a, **k))


def workers_are_ignored(mp: pytest.MonkeyPatch):
    """DataLoader loads in the main process whatever num_workers says."""
    mp.setattr(torch.utils.data, "DataLoader", lambda *a, **k: _loader(*a, **{**k, "num_workers": 0}))


def workers_load_one_at_a_time(mp: pytest.MonkeyPatch):
    """Worker processes, but fetching in turn (prefetching off, a lock around every fetch)."""
    import multiprocessing
    lock = multiprocessing.get_context("fork").Lock()

    class Serialized(torch.utils.data.Dataset):
        def __init__(self, inner):
            self.inner = inner

        def __len__(self):
            return len(self.inner)

        def __getitem__(self, i):
            with lock:
                return self.inner[i]

    mp.setattr(torch.utils.data, "DataLoader",
               lambda ds, *a, **k: _loader(Serialized(ds), *a, **{**k, "multiprocessing_context": "fork"}))


MUTANTS = [
    Mutant("cuda_always_available", "device.cuda_is_available", T, "is_available() says True without a GPU"),
    Mutant("version_cuda_on_a_cpu_build", "device.version_cuda", T, "a CPU-only build reports a CUDA version"),
    Mutant("zeros_default_to_meta", "device.default_cpu", T, "torch.zeros creates off the CPU by default"),
    Mutant("from_numpy_follows_the_default_device", "device.default_cpu", T,
           "from_numpy moves to torch.get_default_device()"),
    Mutant("device_index_counts_cores", "device.cuda_arg_index", T, "'cuda:n' loses its ordinal"),
    Mutant("cpu_always_copies", "device.to_cpu", T, "x.cpu() copies a CPU tensor instead of returning it"),
    Mutant("module_to_returns_a_copy", "device.module_to_in_place", T, "Module.to returns a moved copy"),
    Mutant("module_to_makes_new_parameters", "device.module_to_in_place", T,
           "Module.to replaces the Parameter objects (an earlier optimizer is orphaned)"),
    Mutant("device_pick_ignores_availability", "device.agnostic_code", T,
           "the device pick and the GPU count disagree"),
    Mutant("moving_the_network_reinitializes_it", "device.agnostic_code", T,
           "the same code gives other results after moving the network"),
    Mutant("add_moves_the_other_tensor", "device.cross_device_error", T, "a + b moves b to a's device"),
    Mutant("add_refuses_0d_cpu_tensors", "device.cross_device_error", T, "0-d CPU tensors get no exception"),
    Mutant("as_tensor_copies_arrays", "creation.as_tensor_round_trips", T, "as_tensor copies on every round trip"),
    Mutant("workers_are_ignored", "data.num_workers_speed", T, "num_workers is ignored (no worker processes)"),
    Mutant("workers_load_one_at_a_time", "data.num_workers_speed", T, "workers never load at the same time"),
]
