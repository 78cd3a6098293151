"""Memory layouts the spec draws tensors and NumPy arrays in: one name for each arrangement of memory.

A tensor is drawn as a *recipe* (:func:`tensors_in_layouts` gives a :class:`TensorRecipe`): the values
plus how to lay them out.  A test builds the tensor on its device (``recipe.tensor(device)``), compares
with ``recipe.reference()`` (the same values as a NumPy array, row-major) and prints
``recipe.source(device)`` in its reproducer.  An array is laid out at once (:func:`array_in_layout`), or
drawn with the name of its layout (:func:`arrays_in_layouts`).

===============  ===========================================  ==========================================
layout           tensor (:data:`TENSOR_LAYOUTS`)              array (:data:`ARRAY_LAYOUTS`)
===============  ===========================================  ==========================================
contiguous       row-major, as created                        row-major (C order)
fortran          - (a ``permuted`` one, axes reversed)        column-major (``order="F"``)
permuted         permute() of a contiguous tensor of the      -
                 permuted shape (transposes included)
stepped          every other element along one axis of a      every other element along the last axis
                 twice-as-long tensor, from offset 0 or 1     of a twice-as-long array (rank 0: a copy)
expanded         expand() of a length-1 axis (stride 0:       -
                 several indices name one memory element)
readonly         -                                            a copy with the write flag off
byteswapped      -                                            non-native byte order (same values)
negative_stride  -                                            the last axis reversed in memory, a
                                                              negative stride (rank 0: a copy)
===============  ===========================================  ==========================================

Every one of them is what PyTorch calls *strided* (``torch.strided``, every dense layout), so no recipe
here is named "strided".  Unknown names are refused when a strategy is built, at collection.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorspec.testing.dtypes import ALL, TORCH_REAL, storage_dtype
from tensorspec.testing.strategies import arrays, check, elements, shapes

TENSOR_LAYOUTS = ("contiguous", "permuted", "stepped", "expanded")
WRITABLE_LAYOUTS = ("contiguous", "permuted", "stepped")  # each element has its own memory
ARRAY_LAYOUTS = ("contiguous", "fortran", "stepped", "readonly", "byteswapped", "negative_stride")


def _check_layouts(caller: str, layouts: list, known: tuple, kind: str) -> None:
    unknown = [name for name in layouts if name not in known]
    check(bool(layouts) and not unknown,
          f"{caller}: unknown layout(s) {unknown or layouts!r}; the {kind} layouts are {', '.join(known)}")


def has_internal_overlap(t: torch.Tensor) -> bool:
    """Do two indices of ``t`` name one memory element (a stride-0 axis of length > 1, from expand)?"""
    return t.numel() > 0 and any(s == 0 and n > 1 for n, s in zip(t.shape, t.stride()))


def to_tensor(values: np.ndarray, dtype: torch.dtype, device) -> torch.Tensor:
    return torch.from_numpy(np.array(values, order="C")).to(device=device, dtype=dtype)  # ndim kept


def literal(values: np.ndarray) -> str:
    """Python source for the flat list of ``values`` (NaN and infinities spelled as float(...))."""
    text = repr(np.ravel(values).tolist())
    for word in ("nan", "inf"):
        text = text.replace(word, f"float('{word}')")
    return text


def tensor_source(values: np.ndarray, dtype: torch.dtype, device) -> str:
    return (f"torch.tensor({literal(values)}, dtype={dtype}, device={str(device)!r})"
            f".reshape({tuple(values.shape)})")


def _step_index(axis: int, start: int) -> tuple:
    return (slice(None),) * axis + (slice(start, None, 2),)


@dataclass(frozen=True, eq=False)
class TensorRecipe:
    values: np.ndarray  # the logical values, row-major (float32 holding bfloat16-rounded values)
    dtype: torch.dtype
    layout: str
    param: tuple = ()  # permutation (permuted); (axis, start) (stepped); (axis,) (expanded)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.values.shape)

    @property
    def numel(self) -> int:
        return math.prod(self.shape)

    def _base(self) -> np.ndarray:
        """The contiguous values the layout is made from."""
        if self.layout == "permuted":
            return np.transpose(self.values, self.param)
        if self.layout == "stepped":
            return np.repeat(self.values, 2, axis=self.param[0])
        if self.layout == "expanded":
            return np.take(self.values, [0], axis=self.param[0])
        return self.values

    def tensor(self, device) -> torch.Tensor:
        base = to_tensor(self._base(), self.dtype, device)
        if self.layout == "permuted":
            return base.permute(*np.argsort(self.param).tolist())
        if self.layout == "stepped":
            return base[_step_index(*self.param)]
        if self.layout == "expanded":
            return base.expand(*self.shape)
        return base

    def reference(self) -> np.ndarray:
        return self.values

    def source(self, device="cpu") -> str:
        base = tensor_source(self._base(), self.dtype, device)
        if self.layout == "permuted":
            return f"{base}.permute{tuple(np.argsort(self.param).tolist())}"
        if self.layout == "stepped":
            axis, start = self.param
            return f"{base}[{', '.join([':'] * axis + [f'{start}::2'])}]"
        if self.layout == "expanded":
            return f"{base}.expand{self.shape}"
        return base


def _round_to(values: np.ndarray, dtype: torch.dtype) -> np.ndarray:
    if dtype == torch.bfloat16:  # keep only values bfloat16 can hold, so reference and tensor agree
        return torch.from_numpy(values.copy()).to(dtype).float().numpy()
    return values


def tensors_in_layouts(*, dtypes=TORCH_REAL, shape=None, layouts=TENSOR_LAYOUTS, special: bool = True,
                       bound: float | None = None, fill=None) -> st.SearchStrategy[TensorRecipe]:
    """A :class:`TensorRecipe`; ``dtypes`` a list of torch dtypes, ``shape`` a tuple or a strategy,
    ``layouts`` names of :data:`TENSOR_LAYOUTS`; ``fill`` a strategy for the elements, replacing
    ``elements(dtype, special=..., bound=...)``.  Checked when built."""
    dtypes, layouts = list(dtypes), list(layouts)
    check(bool(dtypes) and all(isinstance(d, torch.dtype) for d in dtypes),
          f"tensors_in_layouts: dtypes must be a non-empty list of torch dtypes, not {dtypes!r}")
    _check_layouts("tensors_in_layouts", layouts, TENSOR_LAYOUTS, "tensor")
    check(shape is None or isinstance(shape, (st.SearchStrategy, tuple, list)),
          f"tensors_in_layouts: shape must be a tuple or a strategy, not {shape!r}")
    return _tensors_in_layouts(dtypes, shape, layouts, special, bound, fill)


@st.composite
def _tensors_in_layouts(draw, dtypes, shape, layouts, special, bound, fill) -> TensorRecipe:
    dtype = draw(st.sampled_from(list(dtypes)), label="dtype")
    if shape is None:
        shp = draw(shapes(), label="shape")
    elif isinstance(shape, st.SearchStrategy):
        shp = draw(shape, label="shape")
    else:
        shp = tuple(shape)
    layout = draw(st.sampled_from(list(layouts)), label="layout") if shp else "contiguous"
    if layout == "expanded" and not any(shp):
        layout = "contiguous"  # expand() needs an axis of length >= 1 to repeat
    np_dtype = storage_dtype(dtype)
    fill = fill if fill is not None else elements(np_dtype, special=special, bound=bound)
    param: tuple = ()
    if layout == "expanded":
        axis = draw(st.sampled_from([i for i, n in enumerate(shp) if n]), label="expanded axis")
        small = draw(hnp.arrays(np_dtype, shp[:axis] + (1,) + shp[axis + 1:], elements=fill))
        values, param = np.broadcast_to(small, shp).copy(), (axis,)
    else:
        values = draw(hnp.arrays(np_dtype, shp, elements=fill))
        if layout == "permuted":
            param = tuple(draw(st.permutations(range(len(shp))), label="permutation"))
        elif layout == "stepped":
            param = (draw(st.integers(0, len(shp) - 1), label="stepped axis"),
                     draw(st.integers(0, 1), label="offset"))
    return TensorRecipe(_round_to(values, dtype), dtype, layout, param)


def array_in_layout(base: np.ndarray, layout: str) -> np.ndarray:
    """An array equal to ``base`` in values, in the given layout of :data:`ARRAY_LAYOUTS`."""
    # np.array(order=...) rather than np.ascontiguousarray / np.asfortranarray: those make 0-d arrays 1-d.
    if layout == "contiguous":
        return np.array(base, order="C")
    if layout == "fortran":
        return np.array(base, order="F")
    if layout == "stepped":  # every other element of a twice-as-long buffer: non-contiguous
        if base.ndim == 0:
            return base.copy()
        wide = np.repeat(base, 2, axis=-1)
        return wide[..., ::2]
    if layout == "readonly":
        out = base.copy()
        out.setflags(write=False)
        return out
    if layout == "byteswapped":  # same values, non-native byte order
        return base.astype(base.dtype.newbyteorder())
    if layout == "negative_stride":
        if base.ndim == 0:
            return base.copy()
        return np.flip(np.flip(base, -1).copy(), -1)
    raise ValueError(f"unknown layout {layout!r}; the array layouts are {', '.join(ARRAY_LAYOUTS)}")


def arrays_in_layouts(*, dtypes=ALL, shape=None, layouts=ARRAY_LAYOUTS) -> st.SearchStrategy[tuple[np.ndarray, str]]:
    """(array, layout): an array of one of ``dtypes`` (NumPy dtypes) and ``shape`` (a tuple or a
    strategy; any shape by default) in one of ``layouts`` (names of :data:`ARRAY_LAYOUTS`).  Checked
    when built."""
    dtypes, layouts = list(dtypes), list(layouts)
    check(bool(dtypes), "arrays_in_layouts: dtypes=[]: no dtype to draw")
    _check_layouts("arrays_in_layouts", layouts, ARRAY_LAYOUTS, "array")
    return st.tuples(arrays(st.sampled_from(dtypes), shape), st.sampled_from(layouts)).map(
        lambda al: (array_in_layout(*al), al[1]))


def same_kind_scalars(dtype: torch.dtype, *, special: bool = True) -> st.SearchStrategy:
    """Python scalars (bool, int or float) that ``dtype`` holds exactly, so that an operation with a
    tensor of ``dtype`` means the same whether the scalar is cast first or not."""
    if dtype == torch.bool:
        return st.booleans()
    if not dtype.is_floating_point:
        info = torch.iinfo(dtype)
        return st.integers(info.min, info.max)
    np_dtype = storage_dtype(dtype)
    return elements(np_dtype, special=special).map(
        lambda v: float(_round_to(np.array([v], dtype=np_dtype), dtype)[0]))
