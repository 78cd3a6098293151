"""Mutants of the creation claims: each plants the opposite of one statement of a recorded truth.

Where a statement covers several spellings, argument forms or array layouts, one mutant per form
(made by a small factory below: ``planted`` names and documents each one).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from tensorspec.harness.mutation import mutant, per_spelling, planted, wrap


def _wrap_as_tensor(mp, kind: type, change):
    """torch.as_tensor with ``change(orig, data, *a, **k)`` for data of ``kind``, the real one otherwise."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, d, *a, **k):
        return change(orig, d, *a, **k) if isinstance(d, kind) else orig(d, *a, **k)


def _wrap_tensor_new(mp, change):
    """torch.Tensor(...) (its ``__new__``) with its result passed through ``change(orig, cls, *a, **k)``."""
    orig = torch._C.TensorBase.__new__
    mp.setattr(torch.Tensor, "__new__", staticmethod(lambda cls, *a, **k: change(orig, cls, *a, **k)))


def _tensor_new_for(mp, when, change):
    """torch.Tensor(data) with ``change(orig, cls, data)`` where ``when(data)``, the real one otherwise."""
    def new(orig, cls, *a, **k):
        if len(a) == 1 and not k and when(a[0]):
            return change(orig, cls, a[0])
        return orig(cls, *a, **k)
    _wrap_tensor_new(mp, new)


# The array layouts a statement names, told apart by their flags (as spec/test_creation.py builds them).
LAYOUTS = {
    "C_contiguous": ("C-contiguous", lambda a: a.ndim > 0 and a.flags.c_contiguous and a.flags.writeable),
    "Fortran_ordered": ("Fortran-ordered", lambda a: a.flags.f_contiguous and not a.flags.c_contiguous),
    "stepped": ("stepped (neither C- nor Fortran-contiguous)",
                lambda a: not a.flags.c_contiguous and not a.flags.f_contiguous),
    "read_only": ("read-only", lambda a: not a.flags.writeable),
    "0d": ("0-d", lambda a: a.ndim == 0),
}


def _is_array(pred):
    return lambda d: isinstance(d, np.ndarray) and d.size > 0 and pred(d)


def _negative_strides(d) -> bool:
    return isinstance(d, np.ndarray) and any(s < 0 for s in d.strides)


def _foreign(d) -> bool:
    return isinstance(d, np.ndarray) and not d.dtype.isnative


def _native(a: np.ndarray) -> np.ndarray:
    return a.astype(a.dtype.newbyteorder("="))


# ---- creation.factories -------------------------------------------------------------------------

@mutant("creation.factories", "sizes_tuple_or_list")
def zeros_of_sizes_adds_an_axis(mp):
    """torch.zeros(2, 3) (sizes) gives shape (2, 3, 1); the tuple and list forms are right."""
    @wrap(mp, torch, "zeros")
    def zeros(orig, *a, **k):
        if a and all(isinstance(n, int) for n in a):
            return orig(*a, 1, **k)
        return orig(*a, **k)


@mutant("creation.factories", "sizes_tuple_or_list")
def ones_of_a_tuple_is_zeros(mp):
    """torch.ones((2, 3)) (one shape tuple) is filled with zeros."""
    @wrap(mp, torch, "ones")
    def ones(orig, *a, **k):
        if len(a) == 1 and isinstance(a[0], tuple):
            return torch.zeros(*a, **k)
        return orig(*a, **k)


@per_spelling("creation.factories", "sizes_tuple_or_list", "{op}_of_a_list_is_flat",
              "{form} (one shape list) gives a flat tensor of 6 elements.",
              {"torch.zeros([2, 3])": "torch.zeros", "torch.rand([2, 3])": "torch.rand"})
def _a_list_is_flat(orig, *a, **k):
    if len(a) == 1 and isinstance(a[0], list):
        return orig(math.prod(a[0]), **k)
    return orig(*a, **k)


@per_spelling("creation.factories", "zero_d_needs_the_empty_tuple", "{op}_without_sizes_is_0d",
              "{form} with no size at all is a 0-d tensor, like {op}(()).",
              {"torch.zeros()": "torch.zeros", "torch.rand()": "torch.rand"})
def _no_sizes_is_0d(orig, *a, **k):
    return orig(*(a or ((),)), **k)


@mutant("creation.factories", "rand_in_unit_interval")
def rand_reaches_two(mp):
    """rand draws from [0, 2)."""
    @wrap(mp, torch, "rand")
    def rand(orig, *a, **k):
        return orig(*a, **k) * 2


@per_spelling("creation.factories", "default_dtype", "{op}_is_float64",
              "{form} gives float64, whatever the default dtype.", {"torch.rand": "torch.rand"})
@per_spelling("creation.factories", "default_dtype", "{op}_is_float64",
              "{form} gives float64, as NumPy's eye does.", {"torch.eye": "torch.eye"})
def _float64_by_default(orig, *a, **k):
    return orig(*a, **{"dtype": torch.float64, **k})


@mutant("creation.factories", "eye_values")
def eye_is_mirrored(mp):
    """torch.eye(n, m) has its ones on the anti-diagonal."""
    @wrap(mp, torch, "eye")
    def eye(orig, *a, **k):
        return orig(*a, **k).flip(-1)


@mutant("creation.factories", "eye_takes_ints_only")
def eye_takes_a_shape_tuple(mp):
    """torch.eye((n, m)) is read as eye(n, m), like zeros((n, m))."""
    @wrap(mp, torch, "eye")
    def eye(orig, *args, **kwargs):
        if args and isinstance(args[0], tuple):
            args = (*args[0], *args[1:])
        return orig(*args, **kwargs)


# ---- creation.like ------------------------------------------------------------------------------

LIKES = ("zeros_like", "ones_like", "empty_like", "full_like")

for _name in LIKES:
    @planted("creation.like", "keeps_shape_dtype_device", f"{_name}_forgets_the_models_dtype",
             f"torch.{_name}(x) has float64 (float32 for a float64 x), not x's dtype; dtype= still works.")
    def _forgets_dtype(mp, _name=_name):
        @wrap(mp, torch, _name)
        def like(orig, x, *a, **k):
            k.setdefault("dtype", torch.float32 if x.dtype == torch.float64 else torch.float64)
            return orig(x, *a, **k)

    @planted("creation.like", "keeps_strides", f"{_name}_is_contiguous",
             f"torch.{_name}(x) of a non-contiguous x is row-major contiguous (contiguous_format).")
    def _contiguous(mp, _name=_name):
        @wrap(mp, torch, _name)
        def like(orig, x, *a, **k):
            return orig(x, *a, memory_format=torch.contiguous_format, **k)

    @planted("creation.like", "dtype_overrides", f"{_name}_ignores_dtype",
             f"torch.{_name}(x, dtype=...) drops its dtype= and keeps x's.")
    def _ignores_dtype(mp, _name=_name):
        @wrap(mp, torch, _name)
        def like(orig, x, *a, dtype=None, **k):
            return orig(x, *a, **k)


@mutant("creation.like", "rand_like_floating_models")
def rand_like_refuses_complex_models(mp):
    """rand_like of a complex model raises, as for an integer one."""
    @wrap(mp, torch, "rand_like")
    def rand_like(orig, model, *a, **k):
        if model.is_complex() and k.get("dtype") is None:
            raise NotImplementedError('"check_uniform_bounds" not implemented for \'ComplexFloat\'')
        return orig(model, *a, **k)


@mutant("creation.like", "rand_like_refuses_other_models")
def rand_like_of_an_integer_model_is_zeros(mp):
    """rand_like of an integer or bool model without dtype= gives zeros instead of raising."""
    @wrap(mp, torch, "rand_like")
    def rand_like(orig, model, *a, **k):
        if k.get("dtype") is None and not (model.is_floating_point() or model.is_complex()):
            return torch.zeros_like(model)
        return orig(model, *a, **k)


# ---- creation.Tensor_default_dtype --------------------------------------------------------------

@mutant("creation.Tensor_default_dtype", "follows_the_default_dtype")
def Tensor_of_a_list_is_float32(mp):
    """torch.Tensor(list) is float32 whatever the default dtype."""
    _tensor_new_for(mp, lambda d: isinstance(d, list), lambda orig, cls, d: orig(cls, d).float())


@mutant("creation.Tensor_default_dtype", "follows_the_default_dtype")
def Tensor_of_an_array_is_float32(mp):
    """torch.Tensor(ndarray) is float32 whatever the default dtype."""
    _tensor_new_for(mp, lambda d: isinstance(d, np.ndarray), lambda orig, cls, d: orig(cls, d).float())


@mutant("creation.Tensor_default_dtype", "only_floating_defaults")
def set_default_dtype_ignores_integer_dtypes(mp):
    """torch.set_default_dtype(torch.int64) is silently ignored instead of raising TypeError."""
    @wrap(mp, torch, "set_default_dtype")
    def set_default_dtype(orig, d):
        if d.is_floating_point:
            orig(d)


@mutant("creation.Tensor_default_dtype", "a_tensor_keeps_its_dtype")
def Tensor_of_a_tensor_takes_the_default_dtype(mp):
    """torch.Tensor(int64 tensor) converts it to the default dtype."""
    _tensor_new_for(mp, lambda d: isinstance(d, torch.Tensor),
                    lambda orig, cls, d: orig(cls, d).to(torch.get_default_dtype()))


# ---- creation.Tensor_no_dtype -------------------------------------------------------------------

@mutant("creation.Tensor_no_dtype", "dtype_keyword_refused")
def Tensor_accepts_dtype(mp):
    """torch.Tensor takes dtype=."""
    def new(orig, cls, *a, dtype=None, **k):
        t = orig(cls, *a, **k)
        return t if dtype is None else t.to(dtype)
    _wrap_tensor_new(mp, new)


@mutant("creation.Tensor_no_dtype", "tensor_takes_the_dtype")
def tensor_ignores_dtype_for_lists(mp):
    """torch.tensor(list, dtype=...) drops its dtype= and infers one."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, dtype=None, **k):
        return orig(d, *a, **k) if isinstance(d, list) else orig(d, *a, dtype=dtype, **k)


# ---- creation.Tensor_copies ---------------------------------------------------------------------

@mutant("creation.Tensor_copies", "copies_lists")
def Tensor_caches_lists(mp):
    """torch.Tensor(list) hands out one tensor per equal list (no new buffer)."""
    cache: dict[str, torch.Tensor] = {}
    _tensor_new_for(mp, lambda d: isinstance(d, list), lambda orig, cls, d: cache.setdefault(repr(d), orig(cls, d)))


@mutant("creation.Tensor_copies", "copies_arrays_of_other_dtypes")
def Tensor_wraps_arrays_of_other_dtypes(mp):
    """torch.Tensor(a) of an array not of the default dtype wraps it as it is (from_numpy: shared, its dtype kept)."""
    _tensor_new_for(mp, lambda d: isinstance(d, np.ndarray) and d.dtype != torch.empty(0).numpy().dtype
                    and d.dtype.isnative and not _negative_strides(d) and d.ndim > 0,
                    lambda orig, cls, d: torch.from_numpy(d))


for _name, (_words, _is) in LAYOUTS.items():
    @planted("creation.Tensor_copies", "shares_arrays_of_the_default_dtype", f"Tensor_copies_{_name}_arrays",
             f"torch.Tensor(a) copies a {_words} array of the default dtype (shares the other layouts).")
    def _copies_layout(mp, _is=_is):
        _tensor_new_for(mp, _is_array(_is), lambda orig, cls, d: orig(cls, d).clone())


@mutant("creation.Tensor_copies", "shares_arrays_of_the_default_dtype")
def Tensor_shares_only_float32_arrays(mp):
    """torch.Tensor(a) copies a float64 array even when float64 is the default dtype (shares float32 only)."""
    _tensor_new_for(mp, lambda d: isinstance(d, np.ndarray) and d.dtype == np.float64,
                    lambda orig, cls, d: orig(cls, d).clone())


@mutant("creation.Tensor_copies", "shares_tensors")
def Tensor_copies_tensors(mp):
    """torch.Tensor(t) of a tensor is a copy."""
    _tensor_new_for(mp, lambda d: isinstance(d, torch.Tensor), lambda orig, cls, d: orig(cls, d).clone())


@mutant("creation.Tensor_copies", "refuses_negative_strides_and_foreign_byte_order")
def Tensor_copies_negative_strided_arrays(mp):
    """torch.Tensor(a) of an array with a negative stride copies it instead of raising."""
    _tensor_new_for(mp, _negative_strides, lambda orig, cls, d: orig(cls, d.copy()))


@mutant("creation.Tensor_copies", "refuses_negative_strides_and_foreign_byte_order")
def Tensor_converts_foreign_byte_order(mp):
    """torch.Tensor(a) of a non-native byte order array converts it instead of raising."""
    _tensor_new_for(mp, _foreign, lambda orig, cls, d: orig(cls, _native(d)))


SIZES = {
    "an_int": ("an int (torch.Tensor(3))", lambda d: isinstance(d, int) and not isinstance(d, bool)),
    "a_numpy_int": ("a NumPy integer scalar (np.int64(3))", lambda d: isinstance(d, np.integer)),
    "a_0d_int_array": ("a 0-d integer ndarray", lambda d: isinstance(d, np.ndarray) and d.ndim == 0
                       and d.dtype.kind in "iu"),
    "a_Size": ("a torch.Size", lambda d: isinstance(d, torch.Size)),
}

for _name, (_words, _is) in SIZES.items():
    @planted("creation.Tensor_copies", "an_integer_is_a_size", f"Tensor_of_{_name}_is_data",
             f"torch.Tensor of {_words} is data, not a size.")
    def _is_data(mp, _is=_is):
        _tensor_new_for(mp, _is, lambda orig, cls, d: orig(cls, list(d) if isinstance(d, tuple) else [int(d)]))


SCALARS = {
    "a_float": ("a Python float (2.5)", lambda d: isinstance(d, float)),
    "a_numpy_float": ("a NumPy float scalar (np.float32(2.5))", lambda d: isinstance(d, np.floating)),
    "a_numpy_bool": ("a NumPy bool scalar (np.bool_(True))", lambda d: isinstance(d, np.bool_)),
}

for _name, (_words, _is) in SCALARS.items():
    @planted("creation.Tensor_copies", "a_float_or_bool_scalar_is_refused", f"Tensor_of_{_name}_is_data",
             f"torch.Tensor of {_words} is a 1-element tensor instead of a TypeError.")
    def _scalar_is_data(mp, _is=_is):
        _tensor_new_for(mp, _is, lambda orig, cls, d: orig(cls, [float(d)]))


# ---- creation.tensor_infers_dtype ---------------------------------------------------------------

def _python_data(d) -> bool:
    return not isinstance(d, (np.ndarray, np.generic, torch.Tensor))


def _retyped(mp, inferred: torch.dtype, instead: torch.dtype):
    """torch.tensor(Python data) gives ``instead`` where it infers ``inferred`` (no dtype= given)."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, **k):
        t = orig(d, *a, **k)
        return t.to(instead) if t.dtype == inferred and "dtype" not in k and _python_data(d) else t


for _name, _inferred, _instead, _doc in (
        ("tensor_ints_are_int32", torch.int64, torch.int32, "Python ints become int32."),
        ("tensor_bools_are_uint8", torch.bool, torch.uint8, "Python bools become uint8."),
        ("tensor_floats_are_float64", torch.float32, torch.float64,
         "Python floats become float64, whatever the default dtype."),
        ("tensor_complex_is_complex128", torch.complex64, torch.complex128,
         "Python complex numbers become complex128.")):
    @planted("creation.tensor_infers_dtype", "python_data_dtypes", _name, _doc)
    def _retypes(mp, _inferred=_inferred, _instead=_instead):
        _retyped(mp, _inferred, _instead)


@per_spelling("creation.tensor_infers_dtype", "numpy_data_keeps_its_dtype", "tensor_of_an_array_reads_python_values",
              "{form} reads it as the Python list a.tolist() (int32 becomes int64, float64 float32).",
              {"torch.tensor(ndarray)": "torch.tensor"})
def _arrays_read_as_lists(orig, d, *a, **k):  # also planted on torch.as_tensor, below
    return orig(d.tolist() if isinstance(d, np.ndarray) and d.ndim else d, *a, **k)


@per_spelling("creation.tensor_infers_dtype", "numpy_data_keeps_its_dtype",
              "tensor_of_a_numpy_scalar_reads_a_python_value",
              "{form} reads it as a Python float (the default dtype).",
              {"torch.tensor(np.float64(2.0))": "torch.tensor"})
def _numpy_scalars_read_as_python_ones(orig, d, *a, **k):  # also planted on torch.as_tensor, below
    return orig(d.item() if isinstance(d, np.generic) else d, *a, **k)


@mutant("creation.tensor_infers_dtype", "dtype_honoured")
def tensor_ignores_a_floating_dtype(mp):
    """torch.tensor(list, dtype=<floating>) drops the dtype and infers one."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, dtype=None, **k):
        if isinstance(d, list) and dtype is not None and dtype.is_floating_point:
            dtype = None
        return orig(d, *a, dtype=dtype, **k)


def _one_int_value(d, dtype) -> bool:
    return (isinstance(d, list) and len(d) == 1 and dtype is not None and not dtype.is_floating_point
            and not dtype.is_complex and dtype != torch.bool and dtype != getattr(torch, "uint64", None))


def _one_int_value_becomes(mp, case, change) -> None:
    """torch.tensor([v], dtype=<an integer dtype>) gives ``change(make, v, dtype)`` where ``case(v, dtype)``,
    ``make(values, dtype)`` calling the real torch.tensor; any other call is the real one."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, dtype=None, **k):
        if _one_int_value(d, dtype) and case(d[0], dtype):
            return change(lambda values, as_dtype=dtype: orig(values, *a, dtype=as_dtype, **k), d[0], dtype)
        return orig(d, *a, dtype=dtype, **k)


def _finite_float(v) -> bool:
    return isinstance(v, float) and math.isfinite(v)


def _wraps_through_int64(make, v, dtype):
    return make([v], torch.int64).to(dtype)


@mutant("creation.tensor_infers_dtype", "integer_dtype_truncates_within_range")
def tensor_rounds_floats(mp):
    """torch.tensor([1.7], dtype=torch.int64) rounds to nearest (2) instead of truncating (1)."""
    _one_int_value_becomes(mp, lambda v, dtype: _finite_float(v), lambda make, v, dtype: make([float(round(v))]))


@mutant("creation.tensor_infers_dtype", "integer_dtype_truncates_within_range")
def tensor_wraps_too_large_ints(mp):
    """torch.tensor([128], dtype=torch.int8) wraps (-128) instead of raising."""
    _one_int_value_becomes(mp, lambda v, dtype: isinstance(v, int) and torch.iinfo(dtype).max < v < 2**63,
                           _wraps_through_int64)


@mutant("creation.tensor_infers_dtype", "integer_dtype_truncates_within_range")
def tensor_truncates_floats_before_the_range_check(mp):
    """torch.tensor([-0.5], dtype=torch.uint8) truncates first (0) instead of raising."""
    _one_int_value_becomes(mp, lambda v, dtype: _finite_float(v) and abs(v) < 2**62,
                           lambda make, v, dtype: make([math.trunc(v)]))


@mutant("creation.tensor_infers_dtype", "negative_ints_wrap_into_unsigned")
def unsigned_dtypes_refuse_negative_ints(mp):
    """torch.tensor([-1], dtype=torch.uint8) raises like 256 does, instead of wrapping to 255."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *args, dtype=None, **kwargs):
        if dtype in (torch.uint8, torch.uint16, torch.uint32) and isinstance(data, list) and \
                any(isinstance(v, int) and v < 0 for v in data):
            raise RuntimeError(f"value cannot be converted to type {str(dtype)[6:]} without overflow")
        return orig(data, *args, dtype=dtype, **kwargs)


@mutant("creation.tensor_infers_dtype", "negative_ints_wrap_into_unsigned")
def unsigned_dtypes_wrap_every_negative_int(mp):
    """torch.tensor([-256], dtype=torch.uint8) wraps (0) instead of raising."""
    _one_int_value_becomes(mp, lambda v, dtype: isinstance(v, int) and torch.iinfo(dtype).min == 0
                           and -2**63 <= v < -torch.iinfo(dtype).max, _wraps_through_int64)


@mutant("creation.tensor_infers_dtype", "ints_beyond_int64_overflow")
def ints_beyond_int64_become_floats(mp):
    """torch.tensor([2**63]) (and with an integer dtype=) reads the int as a float instead of raising."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, dtype=None, **k):
        if isinstance(d, list) and any(isinstance(x, int) and not -2**63 <= x < 2**63 for x in d) \
                and dtype != getattr(torch, "uint64", None):
            t = orig([float(x) for x in d], *a, **k)
            return t if dtype is None else t.to(dtype)
        return orig(d, *a, dtype=dtype, **k)


@mutant("creation.tensor_infers_dtype", "ints_beyond_int64_convert_to_floats")
def big_ints_overflow_whatever_the_dtype(mp):
    """An int beyond int64 raises even with a floating dtype or beside a float."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *a, **k):
        if isinstance(data, list) and any(isinstance(x, int) and abs(x) >= 2**63 for x in data):
            raise ValueError("Overflow when unpacking long long")
        return orig(data, *a, **k)


@mutant("creation.tensor_infers_dtype", "uint64_takes_ints_only")
def uint64_truncates_floats(mp):
    """torch.tensor([2.0], dtype=torch.uint64) truncates the float instead of raising TypeError."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, dtype=None, **k):
        if dtype == getattr(torch, "uint64", None) and isinstance(d, list) and len(d) == 1 \
                and isinstance(d[0], float) and 0 <= d[0] < 2**63:
            d = [math.trunc(d[0])]
        return orig(d, *a, dtype=dtype, **k)


@mutant("creation.tensor_infers_dtype", "ndarray_cast_like_astype")
def ndarray_with_dtype_is_range_checked(mp):
    """torch.tensor(ndarray, dtype=uint8) refuses values out of range instead of wrapping like astype."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *args, dtype=None, **kwargs):
        if isinstance(data, np.ndarray) and dtype is not None and not dtype.is_floating_point and dtype != torch.bool \
                and data.size and data.dtype.kind in "iu":
            info = torch.iinfo(dtype)
            if data.min() < info.min or data.max() > info.max:
                raise RuntimeError(f"value cannot be converted to type {str(dtype)[6:]} without overflow")
        return orig(data, *args, dtype=dtype, **kwargs)


# ---- creation.tensor_copies ---------------------------------------------------------------------

@mutant("creation.tensor_copies", "copies_lists")
def tensor_caches_lists(mp):
    """torch.tensor(list) hands out one tensor per equal list (no new buffer)."""
    cache: dict[str, torch.Tensor] = {}

    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, **k):
        return cache.setdefault(repr((d, a, k)), orig(d, *a, **k)) if isinstance(d, list) else orig(d, *a, **k)


for _name, (_words, _is) in LAYOUTS.items():
    if _name == "0d":
        continue

    @planted("creation.tensor_copies", "copies_arrays", f"tensor_shares_{_name}_arrays",
             f"torch.tensor(a) of a {_words} array wraps it (as torch.as_tensor does) instead of copying.")
    def _shares_layout(mp, _is=_is):
        as_tensor = torch.as_tensor

        @wrap(mp, torch, "tensor")
        def tensor(orig, d, *a, **k):
            return as_tensor(d, *a, **k) if _is_array(_is)(d) else orig(d, *a, **k)


@mutant("creation.tensor_copies", "copies_tensors")
def tensor_of_a_tensor_is_a_view(mp):
    """torch.tensor(t) warns, then returns t.detach(): the same memory."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, **k):
        t = orig(d, *a, **k)
        return d.detach() if isinstance(d, torch.Tensor) and t.dtype == d.dtype else t


@mutant("creation.tensor_copies", "warns_on_tensors")
def tensor_of_a_tensor_is_silent(mp):
    """torch.tensor(t) copies a tensor without the 'copy construct' UserWarning."""
    import warnings

    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, **k):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return orig(d, *a, **k)


@mutant("creation.tensor_copies", "refuses_negative_strides_and_foreign_byte_order")
def tensor_copies_negative_strided_arrays(mp):
    """torch.tensor(a) of an array with a negative stride copies it instead of raising."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, **k):
        return orig(d.copy() if _negative_strides(d) else d, *a, **k)


@mutant("creation.tensor_copies", "refuses_negative_strides_and_foreign_byte_order")
def tensor_converts_foreign_byte_order(mp):
    """torch.tensor(a) of a non-native byte order array converts it instead of raising."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, d, *a, **k):
        return orig(_native(d) if _foreign(d) else d, *a, **k)


# ---- creation.as_tensor_accepts -----------------------------------------------------------------

KINDS = {
    "lists": list, "tuples": tuple, "python_scalars": (bool, int, float, complex), "numpy_scalars": np.generic,
    "ndarrays": np.ndarray, "tensors": torch.Tensor,
}

for _name, _kind in KINDS.items():
    @planted("creation.as_tensor_accepts", "accepts_array_likes", f"as_tensor_refuses_{_name}",
             f"torch.as_tensor refuses {_name.replace('_', ' ')} (TypeError).")
    def _refuses(mp, _kind=_kind, _name=_name):
        def refuse(orig, d, *a, **k):
            raise TypeError(f"as_tensor(): {_name} not accepted")
        _wrap_as_tensor(mp, _kind, refuse)


@mutant("creation.as_tensor_accepts", "a_matching_tensor_is_returned_itself")
def as_tensor_copies_tensors(mp):
    """as_tensor(t) is a copy, not t."""
    _wrap_as_tensor(mp, torch.Tensor, lambda orig, d, *a, **k: orig(d, *a, **k).clone())


for _name, _kind in (("lists", list), ("tuples", tuple), ("python_scalars", (bool, int, float, complex))):
    @planted("creation.as_tensor_accepts", "python_data_dtypes", f"as_tensor_of_{_name}_widens_floats",
             f"torch.as_tensor of {_name.replace('_', ' ')} of floats gives float64, not the default dtype.")
    def _widens(mp, _kind=_kind):
        def widen(orig, d, *a, **k):
            t = orig(d, *a, **k)
            return t.to(torch.float64) if t.dtype == torch.float32 and "dtype" not in k else t
        _wrap_as_tensor(mp, _kind, widen)


per_spelling("creation.as_tensor_accepts", "numpy_data_keeps_its_dtype", "as_tensor_reads_numpy_scalars_as_python_ones",
             "{form} is int64, as if the NumPy scalar were a Python int.",
             {"as_tensor(np.int32(2))": "torch.as_tensor"})(
    _numpy_scalars_read_as_python_ones)
per_spelling("creation.as_tensor_accepts", "numpy_data_keeps_its_dtype", "as_tensor_reads_arrays_as_lists",
             "{form} reads it as the Python list a.tolist() (int32 becomes int64, float64 float32).",
             {"as_tensor(ndarray)": "torch.as_tensor"})(_arrays_read_as_lists)


@mutant("creation.as_tensor_accepts", "refuses_negative_strides")
def as_tensor_copies_negative_strided_arrays(mp):
    """as_tensor takes a non-empty ndarray with a negative stride (as a copy)."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: orig(
        d.copy() if d.size and _negative_strides(d) else d, *a, **k))


@mutant("creation.as_tensor_accepts", "refuses_negative_strides")
def empty_arrays_pass_whatever_their_strides(mp):
    """as_tensor takes an empty ndarray with a negative stride (as a copy)."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, data, *a, **k):
        if isinstance(data, np.ndarray) and data.size == 0 and any(s < 0 for s in data.strides):
            data = data.copy()
        return orig(data, *a, **k)


@mutant("creation.as_tensor_accepts", "refuses_foreign_byte_order")
def as_tensor_converts_foreign_byte_order(mp):
    """as_tensor converts a non-empty array of non-native byte order instead of raising."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: orig(
        _native(d) if d.size and _foreign(d) else d, *a, **k))


@mutant("creation.as_tensor_accepts", "refuses_foreign_byte_order")
def as_tensor_converts_empty_foreign_arrays(mp):
    """as_tensor takes an empty array of non-native byte order (nothing to convert) instead of raising."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: orig(
        _native(d) if not d.size and _foreign(d) else d, *a, **k))


# ---- creation.as_tensor_shares ------------------------------------------------------------------

@mutant("creation.as_tensor_shares", "shares_every_dtype_and_layout")
def as_tensor_copies_arrays(mp):
    """as_tensor copies ndarrays."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: orig(d, *a, **k).clone())


for _name in ("C_contiguous", "Fortran_ordered", "stepped"):
    _words, _is = LAYOUTS[_name]

    @planted("creation.as_tensor_shares", "shares_every_dtype_and_layout", f"as_tensor_copies_{_name}_arrays",
             f"torch.as_tensor(a) copies a {_words} array (shares the other layouts).")
    def _as_tensor_copies_layout(mp, _is=_is):
        _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: (
            orig(d, *a, **k).clone() if _is_array(_is)(d) else orig(d, *a, **k)))


@mutant("creation.as_tensor_shares", "shares_every_dtype_and_layout")
def as_tensor_copies_when_given_the_arrays_dtype(mp):
    """as_tensor(a, dtype=<a's own dtype>) copies (as_tensor(a) still shares)."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: (
        orig(d, *a, **k).clone() if k.get("dtype") is not None else orig(d, *a, **k)))


@mutant("creation.as_tensor_shares", "shares_read_only_arrays")
def as_tensor_copies_read_only_arrays(mp):
    """as_tensor copies a read-only array (shares writable ones)."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: (
        orig(d.copy(), *a, **k) if not d.flags.writeable else orig(d, *a, **k)))


@mutant("creation.as_tensor_shares", "another_dtype_copies")
def as_tensor_ignores_dtype(mp):
    """as_tensor ignores its dtype=."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, d, dtype=None, device=None):
        return orig(d, device=device)


# ---- creation.as_tensor_saves_memory / list_copies / round_trips --------------------------------

@mutant("creation.as_tensor_saves_memory", "storage_is_the_arrays_memory")
def as_tensor_allocates(mp):
    """as_tensor copies an ndarray into a new buffer."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: orig(np.array(d, copy=True), *a, **k))


@mutant("creation.as_tensor_saves_memory", "storage_is_the_arrays_memory")
def as_tensor_compacts_strided_arrays(mp):
    """as_tensor of a strided array copies it into a compact buffer of a.nbytes."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, data, *args, **kwargs):
        if isinstance(data, np.ndarray) and not (data.flags.c_contiguous or data.flags.f_contiguous):
            data = np.ascontiguousarray(data)
        return orig(data, *args, **kwargs)


_AS_TENSOR = torch.as_tensor


@per_spelling("creation.as_tensor_saves_memory", "tensor_allocates", "tensor_wraps_arrays",
              "{form} wraps the array's buffer (as torch.as_tensor does).", {"torch.tensor(ndarray)": "torch.tensor"})
def _tensor_wraps_arrays(orig, d, *a, **k):  # also planted for creation.as_tensor_round_trips, below
    return _AS_TENSOR(d, *a, **k) if isinstance(d, np.ndarray) else orig(d, *a, **k)


@mutant("creation.as_tensor_list_copies", "a_list_is_copied")
def as_tensor_caches_lists(mp):
    """as_tensor(list) reuses one buffer for equal lists."""
    cache: dict[str, torch.Tensor] = {}
    _wrap_as_tensor(mp, list, lambda orig, d, *a, **k: cache.setdefault(repr(d), orig(d, *a, **k)))


@per_spelling("creation.as_tensor_round_trips", "round_trips_keep_one_buffer", "numpy_copies", "{form} copies.",
              {"Tensor.numpy()": "Tensor.numpy"})
@per_spelling("creation.as_tensor_round_trips", "round_trips_keep_one_buffer", "from_numpy_copies_on_the_way",
              "{form} is a copy (as_tensor still shares).", {"torch.from_numpy": "torch.from_numpy"})
def _a_copy(orig, *a, **k):
    out = orig(*a, **k)
    return out.copy() if isinstance(out, np.ndarray) else out.clone()


@mutant("creation.as_tensor_round_trips", "round_trips_keep_one_buffer")
def as_tensor_copies_on_the_way(mp):
    """torch.as_tensor(ndarray) is a copy (from_numpy still shares)."""
    _wrap_as_tensor(mp, np.ndarray, lambda orig, d, *a, **k: orig(d, *a, **k).clone())


per_spelling("creation.as_tensor_round_trips", "round_trips_keep_one_buffer", "tensor_reuses_the_buffer",
             "{form} wraps the array (no new buffer per trip).", {"torch.tensor(ndarray)": "torch.tensor"})(
    _tensor_wraps_arrays)


# ---- creation.from_numpy_only_ndarray / from_numpy_shares ---------------------------------------

NOT_ARRAYS = {"lists": list, "tuples": tuple, "tensors": torch.Tensor,
              "python_scalars": (bool, int, float, complex), "numpy_scalars": np.generic}

for _name, _kind in NOT_ARRAYS.items():
    @planted("creation.from_numpy_only_ndarray", "refuses_anything_else", f"from_numpy_accepts_{_name}",
             f"torch.from_numpy converts {_name.replace('_', ' ')} (np.asarray) instead of raising TypeError.")
    def _accepts(mp, _kind=_kind):
        @wrap(mp, torch, "from_numpy")
        def from_numpy(orig, a):
            return orig(np.asarray(a.numpy() if isinstance(a, torch.Tensor) else a) if isinstance(a, _kind) else a)


@mutant("creation.from_numpy_only_ndarray", "accepts_a_0d_array")
def from_numpy_refuses_0d_arrays(mp):
    """torch.from_numpy refuses a 0-d ndarray (TypeError), as it refuses scalars."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        if isinstance(a, np.ndarray) and a.ndim == 0:
            raise TypeError("expected np.ndarray (got a 0-d array)")
        return orig(a)


@mutant("creation.from_numpy_only_ndarray", "refuses_unsupported_dtypes")
def from_numpy_converts_object_arrays(mp):
    """torch.from_numpy converts an object array to float64 instead of raising."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a.astype(np.float64) if isinstance(a, np.ndarray) and a.dtype == object else a)


@mutant("creation.from_numpy_only_ndarray", "refuses_unsupported_dtypes")
def from_numpy_converts_str_arrays(mp):
    """torch.from_numpy of a str array gives its string lengths instead of raising."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(np.char.str_len(a) if isinstance(a, np.ndarray) and a.dtype.kind == "U" else a)


@mutant("creation.from_numpy_shares", "shares_every_dtype_and_layout")
def from_numpy_copies(mp):
    """torch.from_numpy returns a copy."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a).clone()


for _name in ("C_contiguous", "Fortran_ordered", "stepped", "read_only"):
    _words, _is = LAYOUTS[_name]

    @planted("creation.from_numpy_shares", "shares_every_dtype_and_layout", f"from_numpy_copies_{_name}_arrays",
             f"torch.from_numpy(a) copies a {_words} array (shares the other layouts).")
    def _from_numpy_copies_layout(mp, _is=_is):
        @wrap(mp, torch, "from_numpy")
        def from_numpy(orig, a):
            return orig(a).clone() if _is_array(_is)(a) else orig(a)


@mutant("creation.from_numpy_shares", "refuses_negative_strides_and_foreign_byte_order")
def from_numpy_copies_negative_strided_arrays(mp):
    """torch.from_numpy of an array with a negative stride copies it instead of raising."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(a.copy() if _negative_strides(a) else a)


@mutant("creation.from_numpy_shares", "refuses_negative_strides_and_foreign_byte_order")
def from_numpy_converts_foreign_byte_order(mp):
    """torch.from_numpy of a non-native byte order array converts it instead of raising."""
    @wrap(mp, torch, "from_numpy")
    def from_numpy(orig, a):
        return orig(_native(a) if _foreign(a) else a)


# ---- creation.legacy_types ----------------------------------------------------------------------

for _ctor, _instead in (("FloatTensor", torch.float64), ("LongTensor", torch.int32),
                        ("DoubleTensor", torch.float32), ("IntTensor", torch.int64)):
    @planted("creation.legacy_types", "dtypes", f"{_ctor}_makes_{str(_instead)[6:]}",
             f"torch.{_ctor}(data) makes {_instead}.")
    def _legacy_dtype(mp, _ctor=_ctor, _instead=_instead):
        @wrap(mp, torch, _ctor)
        def ctor(orig, *a):
            return orig(*a).to(_instead)


@mutant("creation.legacy_types", "list_values_convert_as_tensor_does")
def LongTensor_rounds_list_floats(mp):
    """torch.LongTensor(list of floats) rounds to nearest instead of truncating toward zero."""
    @wrap(mp, torch, "LongTensor")
    def long_tensor(orig, *a):
        if len(a) == 1 and isinstance(a[0], list):
            t = torch.tensor(a[0])
            if t.is_floating_point():
                return t.double().round().long()
        return orig(*a)


@mutant("creation.legacy_types", "out_of_range_values_refused")
def IntTensor_wraps_out_of_range_ints(mp):
    """torch.IntTensor([2**31]) wraps to -2**31 instead of raising."""
    @wrap(mp, torch, "IntTensor")
    def int_tensor(orig, *a):
        if len(a) == 1 and isinstance(a[0], list) and all(isinstance(x, int) and -2**63 <= x < 2**63 for x in a[0]):
            return torch.tensor(a[0], dtype=torch.int64).to(torch.int32)
        return orig(*a)


@mutant("creation.legacy_types", "out_of_range_values_refused")
def LongTensor_reads_ints_beyond_int64_as_floats(mp):
    """torch.LongTensor([2**63]) converts through float64 instead of raising."""
    @wrap(mp, torch, "LongTensor")
    def long_tensor(orig, *a):
        if len(a) == 1 and isinstance(a[0], list) and any(isinstance(x, int) and x >= 2**63 for x in a[0]):
            return torch.tensor([float(x) for x in a[0]]).long()
        return orig(*a)


@mutant("creation.legacy_types", "ndarray_cast_like_astype")
def LongTensor_of_an_array_rounds(mp):
    """torch.LongTensor(float ndarray) rounds to nearest instead of casting like astype (toward zero)."""
    @wrap(mp, torch, "LongTensor")
    def long_tensor(orig, *a):
        if len(a) == 1 and isinstance(a[0], np.ndarray) and a[0].dtype.kind == "f":
            return orig(np.round(a[0]))
        return orig(*a)


for _name, (_words, _is) in {k: SIZES[k] for k in ("an_int", "a_numpy_int", "a_0d_int_array")}.items():
    @planted("creation.legacy_types", "an_integer_is_a_size", f"FloatTensor_of_{_name}_is_data",
             f"torch.FloatTensor of {_words} is data, not a size.")
    def _legacy_is_data(mp, _is=_is):
        @wrap(mp, torch, "FloatTensor")
        def ctor(orig, *a):
            return orig([int(a[0])]) if len(a) == 1 and _is(a[0]) else orig(*a)


@mutant("creation.legacy_types", "a_float_scalar_is_refused")
def FloatTensor_of_a_float_is_data(mp):
    """torch.FloatTensor(2.5) is tensor([2.5]) instead of a TypeError."""
    @wrap(mp, torch, "FloatTensor")
    def ctor(orig, *a):
        return orig([a[0]]) if len(a) == 1 and isinstance(a[0], float) else orig(*a)


@mutant("creation.legacy_types", "another_dtypes_tensor_refused")
def long_tensor_casts_a_tensor(mp):
    """LongTensor(<float tensor>) casts it to int64 instead of refusing it."""
    @wrap(mp, torch, "LongTensor")
    def long_tensor(orig, *args):
        if len(args) == 1 and isinstance(args[0], torch.Tensor):
            return args[0].to(torch.int64)
        return orig(*args)


@mutant("creation.legacy_types", "another_dtypes_tensor_refused")
def FloatTensor_refusal_names_double(mp):
    """FloatTensor(<tensor of another dtype>) is refused with DoubleTensor's words (dtype=double)."""
    @wrap(mp, torch, "FloatTensor")
    def float_tensor(orig, *args):
        if len(args) == 1 and isinstance(args[0], torch.Tensor) and args[0].dtype != torch.float32:
            raise TypeError("expected TensorOptions(dtype=double, device=cpu, layout=Strided) (got float64)")
        return orig(*args)
