"""elementwise.index_assign: ``t[:, j] = v`` writes into the tensor itself (BZ, CH2.4).

t is a tensor recipe (``tensorspec.testing.layouts``, the writable layouts) of any dtype of the
table; v a Python scalar, a tensor (0-d, broadcast or the slice's shape) or a NumPy value.  NumPy's
``a[:, j] = v`` on the same values is the reference where both take v.
"""
from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.testing.assertions import assert_equal, assert_values, repro
from tensorspec.testing.devices import on_devices
from tensorspec.testing.elementwise import build
from tensorspec.testing.layouts import WRITABLE_LAYOUTS, same_kind_scalars, tensors_in_layouts
from tensorspec.testing.strategies import shapes

CLAIM = "elementwise.index_assign"

INTEGERS = [torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64]


def alias_of(t: torch.Tensor) -> torch.Tensor:
    """Another tensor object over t's memory, made before the assignment."""
    return t.as_strided(t.size(), t.stride(), t.storage_offset())


@pytest.mark.claim(CLAIM, "writes_into_t", "numpy_values")
@on_devices
@given(data=st.data())
def test_slice_assignment_writes_into_the_tensor_itself(device, data):
    """t[:, j] = v writes v (a scalar, or a tensor of the slice's shape) into t's own memory, cast to
    t's dtype, exactly as NumPy's a[:, j] = v; other tensors over that memory see it."""
    shape = data.draw(shapes(min_dims=2).filter(lambda s: s[1] > 0), label="shape")
    x = data.draw(tensors_in_layouts(shape=shape, layouts=WRITABLE_LAYOUTS), label="t")
    j = data.draw(st.integers(-shape[1], shape[1] - 1), label="j")
    slice_shape = shape[:1] + shape[2:]
    v = data.draw(st.one_of(same_kind_scalars(x.dtype),
                            tensors_in_layouts(dtypes=[x.dtype], shape=slice_shape)), label="v")
    value, v_source, v_ref = build(v, device)
    with repro(f"t = {x.source(device)}\nv = {v_source}\nt[:, {j}] = v"):
        t = x.tensor(device)
        alias, ptr = alias_of(t), t.data_ptr()
        expected = x.reference().copy()
        expected[:, j] = v_ref
        t[:, j] = value
        assert_equal(t.data_ptr(), ptr, expr=f"t[:, {j}] = v", name="t.data_ptr()")
        assert_values(t, expected, expr=f"t after t[:, {j}] = v", exact=True)
        assert_values(alias, expected, expr=f"another tensor over t's memory, after t[:, {j}] = v", exact=True)


@pytest.mark.claim(CLAIM, "numpy_values", "index_out_of_range")
@on_devices
def test_the_notes_example_and_an_index_past_the_end(device):
    """tensor = ones(4, 4); tensor[:, 1] = 0 zeroes column 1; an index past the end is an IndexError."""
    tensor = torch.ones(4, 4, device=device)
    tensor[:, 1] = 0
    expected = np.ones((4, 4))
    expected[:, 1] = 0
    assert_values(tensor, expected, expr="tensor[:, 1] = 0", exact=True)
    for j in (4, -5):
        with pytest.raises(IndexError, match=f"index {j} is out of bounds for dimension 1 with size 4"):
            tensor[:, j] = 0


def _fractions():
    """Python floats with a fractional part, of either sign (2.7 and -2.7 in every run)."""
    return st.floats(-100, 100).filter(lambda v: v != int(v))


@pytest.mark.claim(CLAIM, "python_floats_truncate")
@on_devices
@given(dtype=st.sampled_from(INTEGERS), v=_fractions(), numpy_scalar=st.booleans())
@example(dtype=torch.int64, v=2.7, numpy_scalar=False)
@example(dtype=torch.int64, v=-2.7, numpy_scalar=False)
@example(dtype=torch.int32, v=-2.7, numpy_scalar=True)
def test_a_python_float_into_an_integer_tensor_is_truncated(device, dtype, v, numpy_scalar):
    """t[:, 1] = v for a Python float v (or an np.float64, a float subclass) truncates toward zero,
    as NumPy's a[:, 1] = v."""
    if dtype == torch.uint8 and v < 0:
        v = -v
    value = np.float64(v) if numpy_scalar else v
    with repro(f"t = torch.zeros(2, 3, dtype={dtype}); t[:, 1] = {value!r}"):
        t = torch.zeros(2, 3, dtype=dtype, device=device)
        t[:, 1] = value
        a = np.zeros((2, 3), str(dtype).removeprefix("torch."))
        a[:, 1] = v
        assert_values(t, a, expr=f"t after t[:, 1] = {value!r}", exact=True)
        assert_values(t[:, 1], [int(v)] * 2, expr=f"t[:, 1] after t[:, 1] = {value!r} (truncated)", exact=True)


TENSOR_FORMS = {  # how v reads: v from its two values (the slice's [v0, v1])
    "0-d tensor": lambda v0, v1, dtype: torch.tensor(v0, dtype=dtype),
    "shape (1,), broadcast": lambda v0, v1, dtype: torch.tensor([v0], dtype=dtype),
    "the slice's shape (2,)": lambda v0, v1, dtype: torch.tensor([v0, v1], dtype=dtype),
}


@pytest.mark.claim(CLAIM, "float_tensors_truncate")
@pytest.mark.parametrize("form", TENSOR_FORMS)
@on_devices
@given(dtype=st.sampled_from(INTEGERS), v_dtype=st.sampled_from([torch.float32, torch.float64]),
       v0=_fractions(), v1=_fractions())
@example(dtype=torch.int64, v_dtype=torch.float32, v0=2.7, v1=-2.7)
@example(dtype=torch.int64, v_dtype=torch.float64, v0=-2.7, v1=2.5)
def test_a_float_tensor_into_an_integer_tensor_is_truncated(form, device, dtype, v_dtype, v0, v1):
    """t[:, 1] = v for a float tensor v, 0-d, broadcast from (1,) or of the slice's shape, writes
    v.to(t.dtype): truncated toward zero."""
    if dtype == torch.uint8:
        v0, v1 = abs(v0), abs(v1)
    v = TENSOR_FORMS[form](v0, v1, v_dtype).to(device)
    with repro(f"t = torch.zeros(2, 3, dtype={dtype}); t[:, 1] = {v!r}"):
        t = torch.zeros(2, 3, dtype=dtype, device=device)
        t[:, 1] = v
        column = v.expand(2).to(dtype)
        assert_values(t[:, 1], column, expr=f"t[:, 1] after t[:, 1] = {form} (v.to(t.dtype))", exact=True)
        truncated = [int(float(x)) for x in v.expand(2).cpu()]
        assert_values(t[:, 1], torch.tensor(truncated, dtype=dtype), expr=f"t[:, 1] after t[:, 1] = {form} (truncated)",
                      exact=True)
        assert_values(t[:, [0, 2]], torch.zeros(2, 2, dtype=dtype), expr="the other columns", exact=True)


NUMPY_VALUES = {  # how v reads: (v, t's dtype, the column written, or the TypeError's numpy type name)
    "np.float64(-2.7) into int64": (np.float64(-2.7), torch.int64, [-2, -2]),
    "np.int64(5) into float32": (np.int64(5), torch.float32, [5.0, 5.0]),
    "np.float32(2.5) into float32": (np.float32(2.5), torch.float32, "numpy.float32"),
    "np.array(2.5) into float32": (np.array(2.5), torch.float32, "numpy.ndarray"),
    "np.array([1., 2.]) into float32": (np.array([1.0, 2.0]), torch.float32, "numpy.ndarray"),
    "np.array([1, 2]) into int64": (np.array([1, 2]), torch.int64, "numpy.ndarray"),
}


@pytest.mark.claim(CLAIM, "numpy_objects")
@pytest.mark.parametrize("case", NUMPY_VALUES)
@on_devices
def test_numpy_values_are_taken_only_as_python_numbers(case, device):
    """np.float64 and np.int64 scalars are taken as the Python numbers they subclass or convert to; an
    np.float32 scalar or any ndarray raises TypeError "can't assign a numpy.... to a torch.FloatTensor"."""
    v, dtype, outcome = NUMPY_VALUES[case]
    t = torch.zeros(2, 3, dtype=dtype, device=device)
    if isinstance(outcome, str):
        with pytest.raises(TypeError, match=f"can't assign a {outcome} to a torch"):
            t[:, 1] = v
        assert_values(t, torch.zeros(2, 3, dtype=dtype), expr=f"t after the refused t[:, 1] = {case}", exact=True)
        return
    t[:, 1] = v
    assert_values(t[:, 1], torch.tensor(outcome, dtype=dtype), expr=f"t[:, 1] after t[:, 1] = {case}", exact=True)


UNHOLDABLE = [  # (dtype, v, torch's column after t[:, 1] = v or the regex of its RuntimeError, NumPy's exception)
    ("uint8", -1, [255, 255], OverflowError),
    ("uint8", -129, [127, 127], OverflowError),
    ("uint8", 300, "value cannot be converted to type uint8_t without overflow", OverflowError),
    ("int8", 200, "value cannot be converted to type int8_t without overflow", OverflowError),
    ("int64", float("nan"), "value cannot be converted to type int64_t without overflow", ValueError),
    ("float32", 1j, "value cannot be converted to type float without overflow", TypeError),
]


@pytest.mark.claim(CLAIM, "unholdable_values")
@pytest.mark.parametrize("dtype,v,torch_result,numpy_error", UNHOLDABLE, ids=[f"{d} = {v}" for d, v, *_ in UNHOLDABLE])
@on_devices
def test_assigning_a_value_the_dtype_cannot_hold(dtype, v, torch_result, numpy_error, device):
    """A negative int wraps into an unsigned tensor; a too-large int, NaN into an integer tensor or a
    complex into a real one raise RuntimeError; NumPy raises (OverflowError/ValueError/TypeError) for all."""
    t = torch.zeros(2, 3, dtype=getattr(torch, dtype), device=device)
    if isinstance(torch_result, str):
        with pytest.raises(RuntimeError, match=torch_result):
            t[:, 1] = v
    else:
        t[:, 1] = v
        assert_values(t[:, 1], torch.tensor(torch_result, dtype=t.dtype), expr=f"t[:, 1] = {v!r} into {dtype}",
                      exact=True)
    a = np.zeros((2, 3), dtype)
    if numpy_error is OverflowError and differs("numpy_wraps_out_of_bound_ints"):
        with pytest.warns(DeprecationWarning, match="out-of-bound Python integers"):
            a[:, 1] = v
        assert_values(a[:, 1], np.array(v).astype(dtype).repeat(2), expr=f"NumPy a[:, 1] = {v!r} into {dtype}",
                      exact=True)
        return
    with pytest.raises(numpy_error):
        a[:, 1] = v


@pytest.mark.claim(CLAIM, "value_broadcasts")
@pytest.mark.parametrize("v_shape", [(1,), (1, 2), (1, 1), (2, 1), (3,)], ids=str)
@on_devices
def test_the_value_broadcasts_to_the_slice(v_shape, device):
    """v may have any shape that broadcasts to the slice's (2,): (1,), (1, 2), (1, 1); others raise
    RuntimeError in torch and ValueError "could not broadcast" in NumPy."""
    t, a = torch.zeros(2, 3, device=device), np.zeros((2, 3))
    if v_shape in ((2, 1), (3,)):
        with pytest.raises(RuntimeError):
            t[:, 1] = torch.ones(v_shape, device=device)
        with pytest.raises(ValueError, match="could not broadcast"):
            a[:, 1] = np.ones(v_shape)
        return
    t[:, 1] = torch.ones(v_shape, device=device)
    a[:, 1] = np.ones(v_shape)
    assert_values(t, a, expr=f"t[:, 1] = torch.ones({v_shape})", exact=True)


@pytest.mark.claim(CLAIM, "expanded_refused")
@on_devices
def test_assignment_into_an_expanded_tensor(device):
    """An expanded tensor holds one element under several indices: e[:, 1] = 0 raises RuntimeError
    (in the range expanded_assignment_writes, it writes the shared element)."""
    e = torch.ones(1, 3, device=device).expand(2, 3)
    if differs("expanded_assignment_writes"):
        e[:, 1] = 0
        assert_values(e, [[1, 0, 1], [1, 0, 1]], expr="e[:, 1] = 0 into ones(1, 3).expand(2, 3)", exact=True)
        return
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor refers to a single"):
        e[:, 1] = 0


@pytest.mark.claim(CLAIM, "leaf_refused")
@on_devices
def test_assignment_into_a_leaf_that_requires_grad_raises(device):
    """A leaf requiring grad may not be changed in place: t[:, 1] = 0 raises RuntimeError."""
    leaf = torch.zeros(2, 3, device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="a view of a leaf Variable that requires grad is being used in an in-place"):
        leaf[:, 1] = 0
    whole = "^a view of a leaf" if differs("whole_slice_of_a_leaf_says_view") else "^a leaf"
    for expr, assign, words in (("t[:] = 0", lambda t: t.__setitem__(slice(None), 0), whole),
                                ("t[[0, 1]] = 0", lambda t: t.__setitem__([0, 1], 0), "^a leaf")):
        with repro(expr), pytest.raises(RuntimeError, match=f"{words} Variable that requires grad is being used in an in-place"):
            assign(leaf)


@pytest.mark.claim(CLAIM, "chained_index")
@on_devices
def test_assignment_into_a_chained_index_writes_through_only_a_view(device):
    """t[0:2][:, 1] = 0 writes into t (basic indexing gives a view); t[[0, 1]][:, 1] = 0 does not
    (advanced indexing gives a copy, and the assignment lands in that copy)."""
    t = torch.ones(3, 3, device=device)
    t[[0, 1]][:, 1] = 0
    assert_values(t, np.ones((3, 3)), expr="t after t[[0, 1]][:, 1] = 0", exact=True)
    t[0:2][:, 1] = 0
    assert_values(t, [[1, 0, 1], [1, 0, 1], [1, 1, 1]], expr="t after t[0:2][:, 1] = 0", exact=True)
