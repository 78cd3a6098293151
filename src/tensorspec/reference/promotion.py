"""Type promotion as stated in plain Python: the dtype torch gives an operation on mixed operands.

The stated rule (torch's documented one, written out independently of ``torch.result_type``):

1. Two dtypes promote by :func:`promote_types`: the higher *category* wins (bool < integer < floating
   < complex); within integers the wider one (uint8 with int8 gives int16); within floats the wider
   one (float16 with bfloat16 gives float32); integer with float gives *that float* (int64 with
   float16 gives float16); complex with float gives the complex type wide enough for both.
2. Operands come in three priority classes: tensors with dimensions, zero-dim tensors, Python
   scalars (bool -> bool, int -> int64, float -> the default dtype, complex -> the default complex
   dtype).  Each class promotes within itself; a lower class only matters when its category is
   higher than the result so far, and then its dtype wins, except that a complex lower class with a
   floating result keeps the float's precision (float64 tensor + 1j -> complex128).
"""
from __future__ import annotations

from functools import reduce

import torch


BOOL, INTEGER, FLOATING, COMPLEX = range(4)

_INT_BITS = {torch.uint8: 8, torch.int8: 8, torch.int16: 16, torch.int32: 32, torch.int64: 64}
_FLOAT_BITS = {torch.float16: 16, torch.bfloat16: 16, torch.float32: 32, torch.float64: 64}
_COMPLEX_OF = {torch.float16: torch.complex32, torch.bfloat16: torch.complex64,
               torch.float32: torch.complex64, torch.float64: torch.complex128}
_REAL_OF = {torch.complex32: torch.float16, torch.complex64: torch.float32,
            torch.complex128: torch.float64}

def complex_keeping(real: torch.dtype, *, bcomplex32: bool) -> torch.dtype:
    """The complex dtype of a float's precision, for a complex scalar joining a floating result; with
    ``bcomplex32`` (the rule of the newest releases: the caller says which rule it asks for) bfloat16 has
    its own, the experimental bcomplex32, else complex64."""
    if real == torch.bfloat16 and bcomplex32:
        return torch.bcomplex32
    return _COMPLEX_OF[real]


PROMOTABLE = [torch.bool, *_INT_BITS, *_FLOAT_BITS, torch.complex64, torch.complex128]
"""The dtypes the rule covers (uint16/32/64 do not promote at all; complex32 is experimental)."""


def category(dtype: torch.dtype) -> int:
    if dtype == torch.bool:
        return BOOL
    if dtype in _INT_BITS:
        return INTEGER
    if dtype in _FLOAT_BITS:
        return FLOATING
    if dtype in _REAL_OF:
        return COMPLEX
    raise ValueError(f"no stated promotion for {dtype}")


def promote_types(a: torch.dtype, b: torch.dtype) -> torch.dtype:
    """Rule 1: the promoted dtype of two dtypes."""
    if a == b:
        return a
    if category(a) < category(b):
        a, b = b, a  # a: the higher category
    ca, cb = category(a), category(b)
    if ca != cb:
        if ca == COMPLEX and cb == FLOATING:
            return _COMPLEX_OF[promote_types(_REAL_OF[a], b)]
        return a
    if ca == INTEGER:
        if torch.uint8 in (a, b):
            signed = b if a == torch.uint8 else a
            return torch.int16 if signed == torch.int8 else signed
        return max(a, b, key=_INT_BITS.__getitem__)
    if ca == FLOATING:
        if {a, b} == {torch.float16, torch.bfloat16}:
            return torch.float32
        return max(a, b, key=_FLOAT_BITS.__getitem__)
    return max(a, b, key=lambda d: _FLOAT_BITS[_REAL_OF[d]])  # both complex


def scalar_dtype(value, default: torch.dtype | None = None) -> torch.dtype:
    """The dtype a Python scalar takes part with."""
    default = default or torch.get_default_dtype()
    if isinstance(value, bool):
        return torch.bool
    if isinstance(value, int):
        return torch.int64
    if isinstance(value, float):
        return default
    if isinstance(value, complex):
        return _COMPLEX_OF[default]
    raise TypeError(f"not a Python scalar: {value!r}")


def result_dtype(*operands, bcomplex32: bool = True) -> torch.dtype:
    """Rule 2: the dtype of an elementwise operation on ``operands`` (tensors and Python scalars);
    ``bcomplex32``: whether bfloat16 with a complex scalar gives bcomplex32 (see :func:`complex_keeping`)."""
    classes: list[list[torch.dtype]] = [[], [], []]  # dimensioned tensors, zero-dim tensors, scalars
    for x in operands:
        if isinstance(x, torch.Tensor):
            classes[0 if x.dim() else 1].append(x.dtype)
        else:
            classes[2].append(scalar_dtype(x))
    result = None
    for members in classes:
        if not members:
            continue
        dtype = reduce(promote_types, members)
        if result is None:
            result = dtype
        elif category(dtype) > category(result):
            keep_precision = category(dtype) == COMPLEX and category(result) == FLOATING
            result = complex_keeping(result, bcomplex32=bcomplex32) if keep_precision else dtype
    return result
