"""Mutants of the bridge claims: each plants the opposite of one statement of a recorded truth.

Where a statement covers several layouts or forms, one mutant per form (``planted`` names and
documents each generated one)."""
from __future__ import annotations

import numpy as np
import torch

from tensorspec.harness.mutation import mutant, planted, wrap


def _numpy_for(mp, when, change):
    """Tensor.numpy() with ``change(orig, t, force)`` where ``when(t)``, the real one otherwise."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *, force=False):
        return change(orig, self, force) if when(self) else orig(self, force=force)


# ---- bridge.numpy_shares ------------------------------------------------------------------------

@mutant("bridge.numpy_shares", "a_view_of_a_cpu_tensor")
def numpy_copies(mp):
    """t.numpy() returns a copy."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *a, **k):
        return orig(self, *a, **k).copy()


def _axes_reversed(t: torch.Tensor) -> bool:
    return not t.is_contiguous() and t.permute(tuple(reversed(range(t.dim())))).is_contiguous()


# The tensor views the statement names (as spec/test_bridge.py builds them), told apart by their strides.
TENSOR_VIEWS = {
    "contiguous": lambda t: t.dim() > 0 and t.is_contiguous(),
    "permuted": _axes_reversed,
    "stepped": lambda t: not t.is_contiguous() and not _axes_reversed(t),
}

for _name, _is in TENSOR_VIEWS.items():
    @planted("bridge.numpy_shares", "a_view_of_a_cpu_tensor", f"numpy_copies_{_name}_tensors",
             f"t.numpy() of a {_name} tensor is a row-major copy (the other layouts are shared).")
    def _copies_layout(mp, _is=_is):
        _numpy_for(mp, lambda t: t.numel() > 0 and _is(t),
                   lambda orig, t, force: np.ascontiguousarray(orig(t, force=force)).copy())


@mutant("bridge.numpy_shares", "an_empty_tensor")
def numpy_of_an_empty_tensor_is_float64(mp):
    """t.numpy() of an empty tensor is an empty float64 array, whatever t's dtype."""
    _numpy_for(mp, lambda t: t.numel() == 0, lambda orig, t, force: np.empty(tuple(t.shape)))


@mutant("bridge.numpy_shares", "refuses_a_tensor_requiring_grad")
def numpy_detaches_a_tensor_requiring_grad(mp):
    """t.numpy() of a tensor requiring grad quietly detaches it instead of raising."""
    _numpy_for(mp, lambda t: t.requires_grad, lambda orig, t, force: orig(t.detach(), force=force))


@mutant("bridge.numpy_shares", "allowed_without_grad_mode")
def numpy_refuses_grad_even_without_grad_mode(mp):
    """t.numpy() refuses a tensor requiring grad inside torch.no_grad() too."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *, force=False):
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return orig(self, force=force)


@mutant("bridge.numpy_shares", "refuses_conjugate_and_negative_views")
def numpy_resolves_negative_views(mp):
    """t.numpy() of a negative-bit view quietly resolves it (a copy) instead of raising."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *, force=False):
        return orig(self.resolve_neg() if self.is_neg() else self, force=force)


@mutant("bridge.numpy_shares", "refuses_conjugate_and_negative_views")
def numpy_resolves_conjugate_views(mp):
    """t.numpy() of a conjugate view quietly resolves it (a copy) instead of raising."""
    _numpy_for(mp, lambda t: t.is_conj(), lambda orig, t, force: orig(t.resolve_conj(), force=force))


@mutant("bridge.numpy_shares", "refuses_dtypes_numpy_lacks")
def numpy_of_bfloat16_is_float32(mp):
    """t.numpy() of a bfloat16 tensor gives a float32 array instead of raising."""
    _numpy_for(mp, lambda t: t.dtype == torch.bfloat16, lambda orig, t, force: orig(t.float(), force=force))


@mutant("bridge.numpy_shares", "refuses_dtypes_numpy_lacks")
def numpy_of_a_quantized_tensor_is_dequantized(mp):
    """t.numpy() of a quantized tensor gives its dequantized float32 values instead of raising."""
    _numpy_for(mp, lambda t: t.is_quantized, lambda orig, t, force: orig(t.dequantize(), force=force))


@mutant("bridge.numpy_shares", "refuses_sparse_tensors")
def numpy_of_a_sparse_tensor_is_dense(mp):
    """t.numpy() of a sparse COO tensor gives its dense values instead of raising."""
    _numpy_for(mp, lambda t: t.layout == torch.sparse_coo, lambda orig, t, force: orig(t.to_dense(), force=force))


@mutant("bridge.numpy_shares", "refuses_sparse_tensors")
def numpy_of_a_csr_tensor_is_dense(mp):
    """t.numpy() of a sparse CSR tensor gives its dense values instead of raising."""
    _numpy_for(mp, lambda t: t.layout == torch.sparse_csr, lambda orig, t, force: orig(t.to_dense(), force=force))


# ---- bridge.numpy_to_tensor_reflects ------------------------------------------------------------

@mutant("bridge.numpy_to_tensor_reflects", "a_cpu_view_of_the_array")
def from_numpy_copies(mp):
    """torch.from_numpy copies the array."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a).clone()


ARRAY_LAYOUTS = {
    "C_contiguous": ("C-contiguous", lambda a: a.ndim > 0 and a.flags.c_contiguous and a.flags.writeable),
    "Fortran_ordered": ("Fortran-ordered", lambda a: a.flags.f_contiguous and not a.flags.c_contiguous),
    "stepped": ("stepped", lambda a: not a.flags.c_contiguous and not a.flags.f_contiguous),
    "read_only": ("read-only", lambda a: not a.flags.writeable),
}

for _name, (_words, _is) in ARRAY_LAYOUTS.items():
    @planted("bridge.numpy_to_tensor_reflects", "a_cpu_view_of_the_array", f"from_numpy_copies_{_name}_arrays",
             f"torch.from_numpy(a) copies a {_words} array (the other layouts are shared).")
    def _from_numpy_copies_layout(mp, _is=_is):
        @wrap(mp, torch, "from_numpy")
        def from_numpy(orig, a):
            return orig(a).clone() if isinstance(a, np.ndarray) and a.size and _is(a) else orig(a)


@mutant("bridge.numpy_to_tensor_reflects", "refuses_negative_strides_and_foreign_byte_order")
def from_numpy_copies_negative_strided_arrays(mp):
    """torch.from_numpy of an array with a negative stride copies it instead of raising."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a.copy() if any(s < 0 for s in a.strides) else a)


@mutant("bridge.numpy_to_tensor_reflects", "refuses_negative_strides_and_foreign_byte_order")
def from_numpy_converts_foreign_byte_order(mp):
    """torch.from_numpy of a non-native byte order array converts it instead of raising."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a if a.dtype.isnative else a.astype(a.dtype.newbyteorder("=")))


@mutant("bridge.numpy_to_tensor_reflects", "refuses_dtypes_torch_lacks")
def from_numpy_converts_longdouble(mp):
    """torch.from_numpy of a longdouble array converts it to float64 instead of raising."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a.astype(np.float64) if a.dtype == np.longdouble else a)


@mutant("bridge.numpy_to_tensor_reflects", "refuses_dtypes_torch_lacks")
def from_numpy_converts_datetime64(mp):
    """torch.from_numpy of a datetime64 array reads it as int64 instead of raising."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a.view(np.int64) if a.dtype.kind == "M" else a)


# ---- bridge.round_trip --------------------------------------------------------------------------

@mutant("bridge.round_trip", "array_round_trip_keeps_the_bits")
def numpy_widens_to_float64(mp):
    """t.numpy() always gives float64."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *a, **k):
        return orig(self, *a, **k).astype(np.float64)


@mutant("bridge.round_trip", "array_round_trip_keeps_the_bits")
def from_numpy_clears_the_sign_of_zeros(mp):
    """torch.from_numpy(a) of a floating array adds 0.0 (a copy in which -0.0 becomes 0.0)."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        t = orig(a)
        return t + 0.0 if t.is_floating_point() else t


@mutant("bridge.round_trip", "array_round_trip_keeps_the_bits")
def tensor_of_an_array_clears_the_sign_of_zeros(mp):
    """torch.tensor(a) of a floating array adds 0.0 (-0.0 becomes 0.0)."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, **k):
        t = orig(d, *a, **k)
        return t + 0.0 if isinstance(d, np.ndarray) and t.is_floating_point() else t


@mutant("bridge.round_trip", "tensor_round_trip_keeps_dtype_and_values")
def numpy_widens_small_ints(mp):
    """t.numpy() of an int8 or int16 tensor gives an int32 array."""
    _numpy_for(mp, lambda t: t.dtype in (torch.int8, torch.int16),
               lambda orig, t, force: orig(t, force=force).astype(np.int32))


# ---- bridge.matplotlib_needs_numpy --------------------------------------------------------------

@mutant("bridge.matplotlib_needs_numpy", "plots_cpu_tensors")
def tensors_are_not_array_like(mp):
    """np.asarray(tensor) fails, so matplotlib needs .numpy() (what the note says)."""
    def refuse(self, *args, **kwargs):
        raise TypeError("a tensor cannot be converted; call .numpy() first")
    mp.setattr(torch.Tensor, "__array__", refuse)


@mutant("bridge.matplotlib_needs_numpy", "refuses_a_tensor_requiring_grad")
def array_of_a_tensor_detaches(mp):
    """np.asarray(t) of a tensor requiring grad detaches it, so matplotlib plots it."""
    @wrap(mp, torch.Tensor, "__array__")
    def array(orig, self, *a, **k):
        return orig(self.detach(), *a, **k)
