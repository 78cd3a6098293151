"""The layouts of tensorspec.testing.layouts: one vocabulary for tensors and arrays, every name doing
what the module's table says, unknown names refused when a strategy is built."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis.errors import InvalidArgument

from tensorspec.testing import layouts as L
from tensorspec.testing.dtypes import ALL

BASE = np.arange(12, dtype=np.int32).reshape(3, 4)


def test_the_table_names_every_layout_once():
    rows = {line.split()[0] for line in L.__doc__.splitlines() if line[:1].isalpha() and "  " in line}
    assert set(L.TENSOR_LAYOUTS) | set(L.ARRAY_LAYOUTS) <= rows
    assert set(L.WRITABLE_LAYOUTS) <= set(L.TENSOR_LAYOUTS)
    assert "strided" not in rows  # PyTorch's name for every dense layout (torch.strided), not one recipe


@pytest.mark.parametrize("strategy, known", [(L.tensors_in_layouts, L.TENSOR_LAYOUTS),
                                             (L.arrays_in_layouts, L.ARRAY_LAYOUTS)])
@pytest.mark.parametrize("names", [["strided"], ["contiguous", "sliced"], []])
def test_unknown_layouts_are_refused_when_built(strategy, known, names):
    with pytest.raises(InvalidArgument, match=f"the {'tensor' if known is L.TENSOR_LAYOUTS else 'array'} "
                                              f"layouts are {', '.join(known)}"):
        strategy(layouts=names)


ARRAY_FLAGS = {  # what each array layout is, by NumPy's own flags
    "contiguous": lambda a: a.flags.c_contiguous,
    "fortran": lambda a: a.flags.f_contiguous and not a.flags.c_contiguous,
    "stepped": lambda a: a.strides[-1] == 2 * a.itemsize,
    "readonly": lambda a: not a.flags.writeable,
    "byteswapped": lambda a: not a.dtype.isnative,
    "negative_stride": lambda a: a.strides[-1] < 0,
}


@pytest.mark.parametrize("layout", L.ARRAY_LAYOUTS)
def test_array_in_layout_keeps_the_values(layout):
    a = L.array_in_layout(BASE, layout)
    assert ARRAY_FLAGS[layout](a), f"{layout}: strides {a.strides}, flags {a.flags}"
    np.testing.assert_array_equal(a, BASE)
    assert L.array_in_layout(np.array(5), layout).shape == ()
    with pytest.raises(ValueError, match="the array layouts are contiguous, fortran, stepped"):
        L.array_in_layout(BASE, "strided")


@given(al=L.arrays_in_layouts(dtypes=[d for d in ALL if d.itemsize > 1], shape=BASE.shape))  # with a byte order
def test_arrays_in_layouts_draws_arrays_in_the_layout_it_names(al):
    a, layout = al
    assert a.shape == BASE.shape and ARRAY_FLAGS[layout](a), f"{layout}: strides {a.strides}, flags {a.flags}"


TENSOR_STRIDES = {  # what each tensor layout is, for a (3, 4) tensor, by its strides
    "contiguous": lambda t: t.is_contiguous(),
    "permuted": lambda t: t.is_contiguous() or t.t().is_contiguous(),  # the two orders of two axes
    "stepped": lambda t: not t.is_contiguous() and not t.t().is_contiguous(),
    "expanded": L.has_internal_overlap,
}


@given(recipe=L.tensors_in_layouts(dtypes=[torch.int32], shape=BASE.shape))
def test_a_recipe_builds_its_values_in_its_layout(recipe):
    t = recipe.tensor("cpu")
    np.testing.assert_array_equal(t.numpy(), recipe.reference())
    assert TENSOR_STRIDES[recipe.layout](t), f"{recipe.layout}: strides {t.stride()} [{recipe.source()}]"
