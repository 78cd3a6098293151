"""Mutants of the device claims, one per statement and spelling (and of the quick, CPU part of the
speed claim creation.as_tensor_round_trips; data.num_workers_speed's are in data.py).

Statements checked only on a GPU have no mutant (the catalog says so with no_mutant): their tests skip
without CUDA, so no mutant could be killed on a CPU machine.
"""
from __future__ import annotations

import copy

import numpy as np
import torch
import torch.utils.data
from torch import nn

from tensorspec.harness.mutation import mutant, per_spelling, raising, when, wrap


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


# ---- device.cuda_is_available --------------------------------------------------------------------

@mutant("device.cuda_is_available", "available_implies_devices")
def cuda_always_available(mp):
    """is_available() says True without a GPU (device_count() still 0)."""
    _claim_a_gpu(mp)


@mutant("device.cuda_is_available", "cpu_build_false_and_zero")
def device_count_counts_one(mp):
    """device_count() says 1 on a build without CUDA (is_available() still False)."""
    mp.setattr(torch.cuda, "device_count", lambda: 1)


for _name, _form, _spelling, _what, _case in (
        ("cuda_without_index_says_no_accelerator", "t.cuda()", "Tensor.cuda", "t.cuda()",
         lambda self, *args, **kwargs: not args and not kwargs),
        ("to_cuda_says_no_accelerator", "t.to('cuda')", "Tensor.to", "t.to('cuda')",
         lambda self, *args, **kwargs: bool(args) and args[0] == "cuda"),
        ("empty_on_cuda_says_no_accelerator", "torch.empty(..., device='cuda')", "torch.empty", "torch.empty",
         lambda *args, **kwargs: kwargs.get("device") == "cuda")):
    per_spelling("device.cuda_is_available", "cpu_build_not_compiled", _name,
                 '{form} raises RuntimeError "Cannot access accelerator device" instead of AssertionError.',
                 {_form: _spelling})(
        when(_case, raising(RuntimeError, f"{_what}: Cannot access accelerator device when none is available.")))


@mutant("device.cuda_is_available", "cpu_build_no_accelerator")
def cuda_index_says_not_compiled(mp):
    """t.cuda(0) raises the AssertionError of t.cuda() instead of RuntimeError "Cannot access accelerator"."""
    @wrap(mp, torch.Tensor, "cuda")
    def cuda(orig, self, *args, **kwargs):
        raise AssertionError("Torch not compiled with CUDA enabled")


@mutant("device.cuda_is_available", "cpu_build_no_accelerator")
def pin_memory_says_not_compiled(mp):
    """t.pin_memory() raises AssertionError "Torch not compiled with CUDA enabled" instead of RuntimeError."""
    @wrap(mp, torch.Tensor, "pin_memory")
    def pin_memory(orig, self, *args, **kwargs):
        raise AssertionError("Torch not compiled with CUDA enabled")


@mutant("device.cuda_is_available", "cuda_build_without_gpu")
def a_cuda_build_says_not_compiled(mp):
    """A CUDA build (is_built() True) without a GPU still raises AssertionError "Torch not compiled with CUDA enabled"."""
    mp.setattr(torch.backends.cuda, "is_built", lambda: True)


# ---- device.version_cuda ------------------------------------------------------------------------

@mutant("device.version_cuda", "not_pytorch_version")
def version_cuda_is_the_torch_version(mp):
    """torch.version.cuda holds PyTorch's own version (the notes' reading)."""
    mp.setattr(torch.version, "cuda", torch.__version__.split("+")[0])


@mutant("device.version_cuda", "cuda_build_version_string")
def cuda_build_reports_a_word(mp):
    """A CUDA build (is_built() True, no HIP) reports torch.version.cuda 'twelve', not a version number."""
    mp.setattr(torch.version, "cuda", "twelve")
    mp.setattr(torch.backends.cuda, "is_built", lambda: True)


@mutant("device.version_cuda", "none_without_cuda_toolkit")
def version_cuda_on_a_cpu_build(mp):
    """A CPU-only build reports a CUDA version."""
    mp.setattr(torch.version, "cuda", "12.8")


@mutant("device.version_cuda", "none_without_cuda_toolkit")
def rocm_build_reports_a_cuda_version(mp):
    """A ROCm build (torch.version.hip set, is_built() True) reports a CUDA version too."""
    mp.setattr(torch.version, "hip", "6.2.41133")
    mp.setattr(torch.version, "cuda", "12.8")
    mp.setattr(torch.backends.cuda, "is_built", lambda: True)


@mutant("device.version_cuda", "usable_nvidia_gpu_implies_cuda_build")
def gpu_without_a_cuda_version(mp):
    """is_available() says True on a build whose torch.version.cuda and hip are None."""
    _claim_a_gpu(mp)


# ---- device.default_cpu -------------------------------------------------------------------------

FACTORY_NAMES = ("tensor", "as_tensor", "zeros", "ones", "rand", "empty", "full", "arange", "eye")


def _factory_mutant(name: str, statement: str, device_of, doc: str):
    def plant(mp):
        @wrap(mp, torch, name)
        def factory(orig, *args, **kwargs):
            return orig(*args, **{"device": device_of(), **kwargs})
    plant.__name__ = doc.format(name=name).split(":")[0]
    plant.__doc__ = doc.format(name=name).split(":", 1)[1]
    return mutant("device.default_cpu", statement)(plant)


for _name in FACTORY_NAMES:
    _factory_mutant(_name, "factories_on_cpu", lambda: "meta",
                    "{name}_defaults_to_meta: torch.{name} creates on meta when no device is named.")
    _factory_mutant(_name, "default_device_moves_factories", lambda: "cpu",
                    "{name}_ignores_the_default_device: torch.{name} creates on the CPU whatever torch.set_default_device says.")


@mutant("device.default_cpu", "factories_on_cpu")
def from_numpy_lands_on_meta(mp):
    """torch.from_numpy gives a meta tensor."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a).to("meta")


def _legacy_constructor_moving_to(mp, device_of) -> None:
    """torch.Tensor(data) (the legacy constructor) makes its tensor on ``device_of()``."""
    import torch._dynamo  # noqa: F401  (imported under set_default_device; it indexes torch.Tensor's methods once)

    legacy_new = torch.Tensor.__new__

    def new(cls, *args, **kwargs):
        out = legacy_new(cls, *args, **kwargs)
        return out.to(device_of()) if cls is torch.Tensor and args else out

    mp.setattr(torch.Tensor, "__new__", new)


@mutant("device.default_cpu", "factories_on_cpu")
def legacy_constructor_lands_on_meta(mp):
    """torch.Tensor(list) gives a meta tensor."""
    _legacy_constructor_moving_to(mp, lambda: "meta")


@mutant("device.default_cpu", "from_numpy_and_legacy_stay")
def from_numpy_follows_the_default_device(mp):
    """from_numpy moves to torch.get_default_device()."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a).to(torch.get_default_device())


@mutant("device.default_cpu", "from_numpy_and_legacy_stay")
def legacy_constructor_follows_the_default_device(mp):
    """torch.Tensor(list) moves to torch.get_default_device()."""
    _legacy_constructor_moving_to(mp, torch.get_default_device)


# ---- device.cuda_arg_index ----------------------------------------------------------------------

def _device_patch(mp, change) -> None:
    """torch.device(*args) is torch.device(*change(args)) (None: unchanged)."""
    @wrap(mp, torch, "device")
    def device(orig, *args):
        changed = change(args)
        return orig(*(args if changed is None else changed))


@mutant("device.cuda_arg_index", "device_ordinal")
def device_index_counts_cores(mp):
    """The notes' guess: the number is not a GPU ordinal (here: it is dropped, 'cuda:n' -> 'cuda')."""
    def drop(args):
        if len(args) == 1 and isinstance(args[0], str) and args[0].startswith("cuda:"):
            int(args[0][5:])  # still refuse what torch refuses
            return ("cuda",)
    _device_patch(mp, drop)


@mutant("device.cuda_arg_index", "device_ordinal")
def device_type_and_index_drops_the_index(mp):
    """torch.device('cuda', n) is bare 'cuda' (index None)."""
    _device_patch(mp, lambda args: ("cuda",) if len(args) == 2 and args[0] == "cuda" and args[1] >= 0 else None)


@mutant("device.cuda_arg_index", "wraps_as_int8")
def device_string_refuses_big_indices(mp):
    """'cuda:n' with n > 127 raises RuntimeError instead of wrapping."""
    def refuse(args):
        if len(args) == 1 and isinstance(args[0], str) and args[0].startswith("cuda:") and args[0][5:].isdigit() \
                and int(args[0][5:]) > 127:
            raise RuntimeError(f"Device index {args[0][5:]} is too large")
    _device_patch(mp, refuse)


@mutant("device.cuda_arg_index", "wraps_as_int8")
def device_index_saturates(mp):
    """torch.device('cuda', n) with n > 127 is cuda:127 (saturates instead of wrapping)."""
    _device_patch(mp, lambda args: ("cuda", 127) if len(args) == 2 and args[0] == "cuda" and args[1] > 127 else None)


@mutant("device.cuda_arg_index", "invalid_strings")
def malformed_strings_mean_the_current_device(mp):
    """'cuda:x', 'cuda:-1', 'cuda:n.5' and 'cuda:n:0' are read as bare 'cuda'."""
    def lenient(args):
        if len(args) == 1 and isinstance(args[0], str) and args[0].startswith("cuda:") and not args[0][5:].isdigit():
            return ("cuda",)
    _device_patch(mp, lenient)


@mutant("device.cuda_arg_index", "negative_index")
def negative_index_means_the_current_device(mp):
    """torch.device('cuda', -k) is bare 'cuda'."""
    _device_patch(mp, lambda args: ("cuda",) if len(args) == 2 and args[0] == "cuda" and args[1] < 0 else None)


@mutant("device.cuda_arg_index", "unknown_types")
def gpu_and_core_mean_cuda(mp):
    """'gpu:n' and 'core:n' are read as 'cuda:n'."""
    def alias(args):
        if len(args) == 1 and isinstance(args[0], str) and args[0].split(":")[0] in ("gpu", "core"):
            return ("cuda:" + args[0].split(":", 1)[1],)
    _device_patch(mp, alias)


# ---- device.to_cpu ------------------------------------------------------------------------------

def _off(t: torch.Tensor) -> torch.Tensor:
    """Other values: negated for bool, plus one otherwise."""
    return t.logical_not() if t.dtype == torch.bool else t + 1


def _to_cpu_patch(mp, applies, change) -> None:
    @wrap(mp, torch.Tensor, "to")
    def to(orig, self, *args, **kwargs):
        out = orig(self, *args, **kwargs)
        return change(out) if args and applies(args[0]) else out


@mutant("device.to_cpu", "cpu_tensor_with_the_values")
def cpu_changes_the_values(mp):
    """x.cpu() gives other values."""
    @wrap(mp, torch.Tensor, "cpu")
    def cpu(orig, self, *a, **k):
        return _off(orig(self, *a, **k))


@mutant("device.to_cpu", "cpu_tensor_with_the_values")
def to_cpu_string_changes_the_values(mp):
    """x.to('cpu') gives other values."""
    _to_cpu_patch(mp, lambda where: where == "cpu", _off)


@mutant("device.to_cpu", "cpu_tensor_with_the_values")
def to_cpu_device_changes_the_values(mp):
    """x.to(torch.device('cpu')) gives other values."""
    _to_cpu_patch(mp, lambda where: isinstance(where, torch.device) and where.type == "cpu", _off)


@mutant("device.to_cpu", "cpu_x_returned_itself")
def cpu_always_copies(mp):
    """x.cpu() copies a CPU tensor instead of returning it."""
    @wrap(mp, torch.Tensor, "cpu")
    def cpu(orig, self, *a, **k):
        return orig(self, *a, **k).clone()


@mutant("device.to_cpu", "cpu_x_returned_itself")
def to_cpu_string_always_copies(mp):
    """x.to('cpu') copies a CPU tensor instead of returning it."""
    _to_cpu_patch(mp, lambda where: where == "cpu", torch.clone)


@mutant("device.to_cpu", "cpu_x_returned_itself")
def to_cpu_device_always_copies(mp):
    """x.to(torch.device('cpu')) copies a CPU tensor instead of returning it."""
    _to_cpu_patch(mp, lambda where: isinstance(where, torch.device) and where.type == "cpu", torch.clone)


@mutant("device.to_cpu", "device_tells_where")
def everything_is_cuda(mp):
    """x.is_cuda is True for every tensor."""
    mp.setattr(torch.Tensor, "is_cuda", property(lambda self: True))


# ---- device.module_to_in_place ------------------------------------------------------------------

@mutant("device.module_to_in_place", "returns_the_module")
def module_to_returns_a_copy(mp):
    """Module.to returns a moved copy."""
    @wrap(mp, nn.Module, "to")
    def to(orig, self, *a, **k):
        return orig(copy.deepcopy(self), *a, **k)


@mutant("device.module_to_in_place", "keeps_parameter_objects")
def module_to_makes_new_parameters(mp):
    """Module.to replaces the Parameter objects (an earlier optimizer is orphaned), as
    torch.__future__.set_overwrite_module_params_on_conversion(True) does."""
    def renew(module):
        for name, p in list(module._parameters.items()):
            if p is not None:
                module._parameters[name] = nn.Parameter(p.detach().clone(), p.requires_grad)
    _after_module_to(mp, renew)


@mutant("device.module_to_in_place", "buffers")
def module_to_converts_integer_buffers(mp):
    """Module.to(torch.float64) converts the integer buffers (num_batches_tracked) too."""
    def convert(module):
        for name, b in list(module._buffers.items()):
            if b is not None and not b.is_floating_point() and b.device.type == "cpu":
                module._buffers[name] = b.double()
    _after_module_to(mp, convert)


@mutant("device.module_to_in_place", "meta_replaces_parameters")
def module_to_meta_does_nothing(mp):
    """Module.to('meta') leaves the module on the CPU."""
    @wrap(mp, nn.Module, "to")
    def to(orig, self, *a, **k):
        return self if "meta" in a or k.get("device") == "meta" else orig(self, *a, **k)


@mutant("device.module_to_in_place", "overwrite_flag_replaces_parameters")
def overwrite_flag_is_ignored(mp):
    """Module.to ignores torch.__future__.set_overwrite_module_params_on_conversion(True)."""
    mp.setattr(torch.__future__, "get_overwrite_module_params_on_conversion", lambda: False)


@mutant("device.module_to_in_place", "tensor_to_contrast")
def tensor_to_always_copies(mp):
    """Tensor.to copies even when nothing changes."""
    @wrap(mp, torch.Tensor, "to")
    def to(orig, self, *a, **k):
        out = orig(self, *a, **k)
        return out.clone() if out is self else out


@mutant("device.module_to_in_place", "tensor_to_contrast")
def tensor_to_ignores_copy_true(mp):
    """Tensor.to(..., copy=True) returns the tensor itself when nothing changes."""
    @wrap(mp, torch.Tensor, "to")
    def to(orig, self, *a, **k):
        k.pop("copy", None)
        return orig(self, *a, **k)


# ---- device.agnostic_code -----------------------------------------------------------------------

@mutant("device.agnostic_code", "picks_cuda_when_visible")
def device_pick_ignores_availability(mp):
    """Device-agnostic code that picks cuda on a machine without one: the device pick and the GPU
    count disagree."""
    _claim_a_gpu(mp)


@mutant("device.agnostic_code", "same_results_on_the_cpu")
def moving_the_network_reinitializes_it(mp):
    """Code that behaves differently per device: moving a module re-draws its weights, so the same
    code gives other results after moving the network."""
    _after_module_to(mp, lambda module: module.reset_parameters() if hasattr(module, "reset_parameters") else None)


# ---- device.cross_device_error ------------------------------------------------------------------

def _tensors(args) -> list[torch.Tensor]:
    return [a for a in args if isinstance(a, torch.Tensor)]


SPELLINGS = {"a + b": "Tensor.__add__", "a * b": "Tensor.__mul__", "a == b": "Tensor.__eq__",
             "torch.maximum(a, b)": "torch.maximum", "torch.where(c, a, b)": "torch.where"}


@per_spelling("device.cross_device_error", "elementwise_raise", "{op}_moves_the_other_tensor",
              "{spelling} silently brings the other tensors to the first one's device.", SPELLINGS)
def _moves_to_the_first_device(orig, *args, **kwargs):
    """The wrapped op brings every tensor argument to the first one's device instead of raising."""
    first = _tensors(args)[0]
    return orig(*(a.to(first.device) if isinstance(a, torch.Tensor) else a for a in args), **kwargs)


@per_spelling("device.cross_device_error", "zero_d_cpu_tensor_passes", "{op}_refuses_0d_cpu_tensors",
              "No exception for 0-d CPU tensors: {spelling} raises for any two devices.", SPELLINGS)
@per_spelling("device.cross_device_error", "meta_matrix_products_quirk", "meta_{op}_raises",
              "{form} of a CPU and a meta tensor raises like the element-wise ops.",
              {"__matmul__": "Tensor.__matmul__", "mm": "torch.mm", "bmm": "torch.bmm",
               "linear": "torch.nn.functional.linear"})
def _refuses_two_devices(orig, *args, **kwargs):
    """The wrapped op raises for tensors on two devices, 0-d CPU tensors included."""
    devices = {t.device for t in _tensors(args)}
    if len(devices) > 1:
        raise RuntimeError("Tensor on device meta is not on the expected device cpu! "
                           "Expected all tensors to be on the same device")
    return orig(*args, **kwargs)


@mutant("device.cross_device_error", "cat_raises")
def cat_moves_to_the_first_device(mp):
    """torch.cat brings every tensor to the first one's device instead of raising."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, *args, **kwargs):
        tensors = list(tensors)
        return orig([t.to(tensors[0].device) for t in tensors], *args, **kwargs)


@mutant("device.cross_device_error", "matmul_raises")
def matmul_moves_the_other_operand(mp):
    """matmul moves its second operand to the first one's device instead of raising."""
    @wrap(mp, torch.Tensor, "__matmul__")
    def matmul(orig, self, other):
        return orig(self, other.to(self.device))


@mutant("device.cross_device_error", "messages")
def add_says_other_words(mp):
    """`a + b` across devices raises RuntimeError with other words ("cannot combine ...")."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, self, other):
        if isinstance(other, torch.Tensor) and other.dim() and self.dim() and other.device != self.device:
            raise RuntimeError(f"cannot combine a tensor on {self.device} with one on {other.device}")
        return orig(self, other)


@mutant("device.cross_device_error", "meta_in_place_quirk")
def in_place_add_checks_meta_devices(mp):
    """An in-place add between a CPU and a meta tensor raises, as the out-of-place one does."""
    @wrap(mp, torch.Tensor, "add_")
    def add_(orig, self, other, *args, **kwargs):
        if isinstance(other, torch.Tensor) and other.dim() and other.device != self.device:
            raise RuntimeError(f"Tensor on device {other.device} is not on the expected device {self.device}!")
        return orig(self, other, *args, **kwargs)


@mutant("device.cross_device_error", "zero_d_elsewhere_no_pass")
def add_lets_0d_tensors_elsewhere_pass(mp):
    """A 0-d tensor on another device joins `a + b` like a Python number (here: as 0)."""
    @wrap(mp, torch.Tensor, "__add__")
    def add(orig, self, other):
        if isinstance(other, torch.Tensor) and other.dim() == 0 and other.device != self.device:
            other = torch.zeros((), dtype=other.dtype, device=self.device)
        return orig(self, other)


@mutant("device.cross_device_error", "dtypes_combine")
def mul_keeps_the_first_dtype(mp):
    """`a * b` has a's dtype (no type promotion)."""
    @wrap(mp, torch.Tensor, "__mul__")
    def mul(orig, self, other):
        out = orig(self, other)
        return out.to(self.dtype) if isinstance(other, torch.Tensor) else out


@mutant("creation.as_tensor_round_trips", "round_trips_keep_one_buffer")
def as_tensor_copies_arrays(mp):
    """as_tensor copies an ndarray on every round trip."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, d, *a, **k):
        return orig(np.array(d, copy=True) if isinstance(d, np.ndarray) else d, *a, **k)
