"""reshape: reshape, squeeze, unsqueeze, flatten and view (DL10, DL11, MF) - the elements they keep,
the shapes they give, the dims they accept and when they share memory with their input (where NumPy
and TensorFlow differ on the same inputs: spec/test_reshape_frameworks.py).

Inputs are tensor recipes (``tensorspec.testing.layouts``): every real dtype incl. bfloat16, ranks
0-5 with zero-size axes, contiguous, permuted, stepped and expanded layouts.  References: NumPy on
the same values and plain-Python shapes (``tensorspec.reference.shapes``).
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.reference import shapes as ref
from tensorspec.testing.assertions import (assert_copies, assert_device, assert_dtype, assert_equal, assert_shape,
    assert_shares, assert_values, repro)
from tensorspec.testing.devices import on_devices
from tensorspec.testing.layouts import tensors_in_layouts
from tensorspec.testing.shape_strategies import (
    invalid_reshape_targets,
    reshape_targets,
    unit_axis_shapes,
)
from tensorspec.testing.spellings import spellings
from tensorspec.testing.strategies import dims, shapes

VIEW_ERROR = (re.escape("view size is not compatible with input tensor's size and stride")
              + r" .*" + re.escape("Use .reshape(...) instead."))
RESHAPE = "reshape.preserves_elements"


def check_result(out: torch.Tensor, t: torch.Tensor, expected: np.ndarray, expr: str) -> None:
    """A shape manipulation's result: NumPy's shape and values (exactly), t's dtype and device."""
    __tracebackhide__ = True
    assert_shape(out, expected.shape, expr=expr)
    assert_dtype(out, t.dtype, expr=expr)
    assert_device(out, t.device, expr=expr)
    assert_values(out, expected, expr=expr, exact=True)


def viewable(t: torch.Tensor, shape: tuple[int, ...]) -> bool:
    return ref.can_view(tuple(t.shape), t.stride(), shape)


# ---- reshape.preserves_elements ------------------------------------------------------------------

@pytest.mark.claim(RESHAPE, "row_major_order", "infers_minus_one")
@on_devices
@given(data=st.data())
def test_reshape_keeps_the_elements_in_row_major_order(device, data):
    """reshape to any shape of the same size (one side maybe -1, inferred), as t.reshape(...) and as
    torch.reshape(t, shape), gives np.reshape's result: the elements in C order, on every layout;
    dtype and device kept."""
    recipe = data.draw(tensors_in_layouts(), label="t")
    target = data.draw(reshape_targets(recipe.numel), label="shape")
    forms = spellings("reshape", str(target))
    if target:  # the note's t.reshape(xx, xx, xx); torch.reshape takes the shape as one argument
        forms[f"t.reshape({', '.join(map(str, target))})"] = lambda t, shape: t.reshape(*shape)
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        for expr, call in forms.items():
            out = call(t, target)
            check_result(out, t, np.reshape(recipe.reference(), target), expr)
            assert_equal(tuple(out.shape), ref.inferred(recipe.numel, target), expr=expr, name="out.shape")


@pytest.mark.claim(RESHAPE, "row_major_order")
@pytest.mark.parametrize("layout", ["contiguous", "permuted"])
def test_reshape_worked_example_is_row_major(layout):
    """Always run, whatever Hypothesis draws: a (2, 3) tensor of distinct values, contiguous
    (arange(6).reshape(2, 3)) or permuted (arange(6).reshape(3, 2).t()), reshaped to (3, 2) in every
    spelling, is np.reshape's C-order result (column-major order would give other rows)."""
    t = torch.arange(6).reshape(2, 3) if layout == "contiguous" else torch.arange(6).reshape(3, 2).t()
    source = "torch.arange(6).reshape(2, 3)" if layout == "contiguous" else "torch.arange(6).reshape(3, 2).t()"
    forms = spellings("reshape", "(3, 2)")
    forms["t.reshape(3, 2)"] = lambda t, shape: t.reshape(*shape)
    for expr, call in forms.items():
        assert_values(call(t, (3, 2)), np.reshape(np.array(t.tolist()), (3, 2)), expr=f"t = {source}; {expr}", exact=True)


@pytest.mark.claim(RESHAPE, "infers_minus_one")
@pytest.mark.parametrize("shape,target,inferred", [((2, 3), (-1, 2), (3, 2)), ((2, 3), (1, -1, 1), (1, 6, 1)),
                                                   ((0, 3), (-1, 3), (0, 3)), ((), (-1,), (1,)), ((), (1, -1), (1, 1))])
def test_reshape_infers_one_minus_one(shape, target, inferred):
    """Worked cases always run: a -1 first, in the middle, on an empty tensor, on a rank-0 tensor."""
    for expr, call in spellings("reshape", str(target)).items():
        assert_equal(tuple(call(torch.zeros(shape), target).shape), inferred, expr=f"t = torch.zeros({shape}); {expr}",
                     name="out.shape")


@st.composite
def unfillable(draw, numel: int, kind: str):
    """A target shape reshape must refuse for the reason ``kind``, and the regex of torch's message."""
    if kind == "wrong size":
        target = draw(invalid_reshape_targets(numel))
        return target, re.escape(f"shape '{list(target)}' is invalid for input of size {numel}")
    sides = list(draw(reshape_targets(numel, minus_one=False), label="sides"))
    if kind == "two -1":
        sides = [1, 1] + sides
        i, j = draw(st.lists(st.integers(0, len(sides) - 1), min_size=2, max_size=2, unique=True))
        sides[i] = sides[j] = -1
        return tuple(sides), "only one dimension can be inferred"
    sides.insert(draw(st.integers(0, len(sides)), label="-1 at"), -1)  # others hold a 0: any size fits
    return tuple(sides), re.escape(f"cannot reshape tensor of 0 elements into shape {list(sides)} because "
                                   "the unspecified dimension size -1 can be any value and is ambiguous")


def _with_a_zero(shape_and_at):
    shape, at = shape_and_at
    return shape[:at] + (0,) + shape[at:]


@pytest.mark.parametrize("kind", [
    pytest.param(kind, marks=pytest.mark.claim(RESHAPE, statement, "numpy_value_error"), id=kind) for kind, statement in
    (("wrong size", "wrong_count_refused"), ("two -1", "two_minus_ones_refused"), ("ambiguous -1", "ambiguous_minus_one_refused"))])
@on_devices
@given(data=st.data())
def test_reshape_refuses_a_shape_it_cannot_fill(kind, device, data):
    """Wrong element count, two -1s, or a -1 on an empty tensor whose other sides multiply to 0:
    RuntimeError with the reason, from t.reshape and torch.reshape alike (NumPy raises ValueError for
    all three)."""
    empty = st.tuples(shapes(max_dims=4), st.integers(0, 4)).map(_with_a_zero)
    recipe = data.draw(tensors_in_layouts(shape=empty) if kind == "ambiguous -1" else tensors_in_layouts(), label="t")
    target, message = data.draw(unfillable(recipe.numel, kind), label="shape")
    forms = spellings("reshape", str(target))
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        for call in forms.values():
            with pytest.raises(RuntimeError, match=message):
                call(t, target)
        with pytest.raises(ValueError):
            np.reshape(recipe.reference(), target)


@pytest.mark.claim(RESHAPE, "sparse_refused")
@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")
@on_devices
def test_reshape_refuses_sparse_tensors(device):
    """reshape is for strided tensors: a sparse COO tensor raises RuntimeError "reshape is not
    implemented for sparse tensors", a sparse CSR one RuntimeError "Sparse CSR tensors do not have
    is_contiguous"; t.reshape and torch.reshape alike."""
    for call in spellings("reshape", "(-1,)").values():
        with pytest.raises(RuntimeError, match="reshape is not implemented for sparse tensors"):
            call(torch.eye(3, device=device).to_sparse(), (-1,))
        strides = differs("csr_reshape_says_strides") or differs("csr_reshape_says_strides_in_2_8")
        csr_words = "strides" if strides else "is_contiguous"
        with pytest.raises(RuntimeError, match=f"Sparse CSR tensors do not have {csr_words}"):
            call(torch.eye(3, device=device).to_sparse_csr(), (-1,))


# ---- reshape.squeeze ----------------------------------------------------------------------------

@pytest.mark.claim("reshape.squeeze", "drops_all_unit_axes")
@on_devices
@given(data=st.data())
def test_squeeze_removes_every_length_one_axis(device, data):
    """squeeze() (method or function) drops all axes of length 1 and keeps the values, as np.squeeze."""
    recipe = data.draw(tensors_in_layouts(shape=unit_axis_shapes()), label="t")
    forms = spellings("squeeze")
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        for expr, call in forms.items():
            out = call(t)
            check_result(out, t, np.squeeze(recipe.reference()), expr)
            assert_equal(tuple(out.shape), ref.squeezed(recipe.shape), expr=expr, name="out.shape")


@pytest.mark.claim("reshape.squeeze", "drops_named_unit_axes", "keeps_named_non_unit_axis")
@on_devices
@given(data=st.data())
def test_squeeze_dim_removes_a_named_axis_only_if_its_length_is_one(device, data):
    """squeeze(d) / squeeze((d1, d2, ...)), method or function, positional or dim=, drop the named axes
    of length 1 and silently keep the others; NumPy raises ValueError for a named axis of another length."""
    recipe = data.draw(tensors_in_layouts(shape=unit_axis_shapes()), label="t")
    ndim = len(recipe.shape)
    named = data.draw(st.one_of(dims(ndim), st.lists(dims(ndim), max_size=ndim,
                                                      unique_by=lambda d: ref.wrap_dim(d, ndim)).map(tuple)),
                      label="dim")
    axes = named if isinstance(named, tuple) else (named,)
    expected_shape = ref.squeezed(recipe.shape, axes)
    forms = spellings("squeeze", str(named))
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        if isinstance(named, tuple) and differs("squeeze_tuple_missing"):
            for call in forms.values():
                with pytest.raises(TypeError, match=r"squeeze\(\) received an invalid combination of arguments"):
                    call(t, named)
            return
        for expr, call in forms.items():
            for out in (call(t, named), call(t, dim=named)):
                check_result(out, t, np.reshape(recipe.reference(), expected_shape), f"{expr} (positional or dim=)")
        all_length_one = ndim == 0 or all(recipe.shape[ref.wrap_dim(d, ndim)] == 1 for d in axes)
        if all_length_one:  # NumPy agrees
            assert_values(np.squeeze(recipe.reference(), named), out, expr=f"np.squeeze(a, {named})", exact=True)
        else:
            with pytest.raises(ValueError, match="cannot select an axis to squeeze out which has size not equal to one"):
                np.squeeze(recipe.reference(), named)


@pytest.mark.claim("reshape.squeeze", "drops_named_unit_axes", "keeps_named_non_unit_axis")
@on_devices
def test_squeeze_of_several_named_axes(device):
    """Worked example on shape (1, 2, 1, 1): squeeze((d1, d2, ...)) drops every named axis of length 1,
    not only the first, and keeps a named axis of another length; method and function alike.  A rank-0
    tensor accepts d = 0 and d = -1."""
    t = torch.arange(2, device=device).reshape(1, 2, 1, 1)
    for axes, shape in (((0, 2), (2, 1)), ((1, 3), (1, 2, 1)), ((-1, 0, 2), (2,)), (1, (1, 2, 1, 1))):
        for expr, call in spellings("squeeze", str(axes)).items():
            if isinstance(axes, tuple) and differs("squeeze_tuple_missing"):
                with pytest.raises(TypeError, match=r"squeeze\(\) received an invalid combination of arguments"):
                    call(t, axes)
                continue
            for out in (call(t, axes), call(t, dim=axes)):
                assert_equal(tuple(out.shape), shape, expr="t = torch.arange(2).reshape(1, 2, 1, 1)",
                             name=f"({expr}).shape (positional or dim=)")
    for d in (0, -1):
        for expr, call in spellings("squeeze", str(d)).items():
            assert_equal(tuple(call(torch.tensor(5.0, device=device), d).shape), (), expr="t = torch.tensor(5.0)",
                         name=f"({expr}).shape")


DIM_OPS = [  # (method, how many more dims it accepts than the rank, NumPy's counterpart)
    pytest.param("squeeze", 0, np.squeeze, marks=pytest.mark.claim("reshape.squeeze", "dim_out_of_range"), id="squeeze"),
    pytest.param("unsqueeze", 1, np.expand_dims, marks=pytest.mark.claim("reshape.unsqueeze", "dim_out_of_range"),
                 id="unsqueeze"),
    pytest.param("flatten", 0, None, marks=pytest.mark.claim("reshape.flatten_start_dim", "dim_out_of_range"), id="flatten"),
]


@pytest.mark.parametrize("op,extra,numpy_op", DIM_OPS)
@on_devices
@given(shape=shapes(), data=st.data())
def test_an_out_of_range_dim_is_an_index_error(op, extra, numpy_op, device, shape, data):
    """A dim outside [-n, n-1] (n = max(rank + extra, 1)): IndexError "Dimension out of range (expected
    to be in range of [lo, hi], but got d)", method and function alike; NumPy raises AxisError (a
    ValueError and an IndexError); flatten's end_dim as its start_dim."""
    lo, hi = ref.dim_bounds(len(shape), extra)
    dim = data.draw(st.one_of(st.integers(hi + 1, hi + 4), st.integers(lo - 4, lo - 1)), label="dim")
    forms = spellings(op, str(dim))
    with repro(f"t = torch.zeros({shape}, device={device!r})\n{'; '.join(forms)}"):
        for call in forms.values():
            with pytest.raises(IndexError, match=ref.dim_error(len(shape), dim, extra)):
                call(torch.zeros(shape, device=device), dim)
            if op == "flatten":  # as end_dim too
                with pytest.raises(IndexError, match=ref.dim_error(len(shape), dim, extra)):
                    call(torch.zeros(shape, device=device), 0, dim)
        if numpy_op is not None:
            with pytest.raises(np.exceptions.AxisError):
                numpy_op(np.zeros(shape), dim)


# ---- reshape.unsqueeze --------------------------------------------------------------------------

@pytest.mark.claim("reshape.unsqueeze", "inserts_at_dim")
@on_devices
@given(data=st.data())
def test_unsqueeze_inserts_a_length_one_axis_at_dim(device, data):
    """unsqueeze(d), d in [-rank-1, rank], puts a new axis of length 1 at position d of the result
    (negative d counts from its end), values unchanged - as np.expand_dims; t.unsqueeze(d),
    torch.unsqueeze(t, d) and their dim=d forms alike."""
    recipe = data.draw(tensors_in_layouts(), label="t")
    dim = data.draw(st.integers(*ref.dim_bounds(len(recipe.shape), extra=1)), label="dim")
    forms = spellings("unsqueeze", f"dim={dim}")
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        for expr, call in forms.items():
            for out in (call(t, dim=dim), call(t, dim)):
                check_result(out, t, np.expand_dims(recipe.reference(), dim), f"{expr} (dim= or positional)")
                assert_equal(tuple(out.shape), ref.unsqueezed(recipe.shape, dim), expr=expr, name="out.shape")


# ---- reshape.flatten_forms ----------------------------------------------------------------------

FLATTEN_FORMS = {  # the note's four forms and their torch functions: (call, shape of the result for n elements)
    "t.reshape(1, -1)": (lambda t: t.reshape(1, -1), lambda n: (1, n)),
    "torch.reshape(t, (1, -1))": (lambda t: torch.reshape(t, (1, -1)), lambda n: (1, n)),
    "t.reshape(-1)": (lambda t: t.reshape(-1), lambda n: (n,)),
    "torch.reshape(t, (-1,))": (lambda t: torch.reshape(t, (-1,)), lambda n: (n,)),
    "t.view(t.numel())": (lambda t: t.view(t.numel()), lambda n: (n,)),  # view has no torch function
    "t.flatten()": (lambda t: t.flatten(), lambda n: (n,)),
    "torch.flatten(t)": (lambda t: torch.flatten(t), lambda n: (n,)),
}


@pytest.mark.parametrize("form", [
    pytest.param(form, marks=pytest.mark.claim("reshape.flatten_forms", "leading_axis_of_one" if "1, -1" in form
                                               else "one_axis_row_major"), id=form) for form in FLATTEN_FORMS])
@on_devices
@given(data=st.data())
def test_the_flatten_forms_give_every_element_in_row_major_order(form, device, data):
    """Each form lays all elements on one axis in C order (reshape(1, -1) under a leading axis of 1);
    a rank-0 tensor gives shape (1,).  view() needs a compatible layout: drawn contiguous here."""
    call, shape_of = FLATTEN_FORMS[form]
    layouts = ["contiguous"] if "view" in form else None
    recipe = data.draw(tensors_in_layouts(**({"layouts": layouts} if layouts else {})), label="t")
    with repro(f"t = {recipe.source(device)}\nout = {form}"):
        t = recipe.tensor(device)
        out = call(t)
        assert_shape(out, shape_of(recipe.numel), expr=form)
        check_result(out, t, np.reshape(recipe.reference(), shape_of(recipe.numel)), form)


# ---- reshape.flatten_start_dim ------------------------------------------------------------------

@pytest.mark.claim("reshape.flatten_start_dim", "merges_start_to_end", "start_after_end_refused")
@on_devices
@given(data=st.data())
def test_flatten_from_start_dim_keeps_the_axes_before_it(device, data):
    """flatten(start_dim=s[, end_dim=e]), method or function, merges axes s..e into one and keeps the
    others as they are; end before start (after wrapping): RuntimeError."""
    recipe = data.draw(tensors_in_layouts(), label="t")
    ndim = len(recipe.shape)
    start = data.draw(dims(ndim), label="start_dim")
    end = data.draw(st.one_of(st.none(), dims(ndim)), label="end_dim")
    kwargs = {"start_dim": start} | ({} if end is None else {"end_dim": end})
    expr = f"t.flatten({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
    with repro(f"t = {recipe.source(device)}\nout = {expr}"):
        t = recipe.tensor(device)
        if end is not None and ref.wrap_dim(start, ndim) > ref.wrap_dim(end, ndim):
            for call in (t.flatten, lambda **k: torch.flatten(t, **k)):
                with pytest.raises(RuntimeError, match=re.escape("flatten() has invalid args: start_dim cannot come after end_dim")):
                    call(**kwargs)
            return
        expected_shape = ref.flattened(recipe.shape, start, -1 if end is None else end)
        out = t.flatten(**kwargs)
        check_result(out, t, np.reshape(recipe.reference(), expected_shape), expr)
        assert_values(torch.flatten(t, **kwargs), out, expr=f"torch.flatten(t, **{kwargs})", exact=True)


@pytest.mark.claim("reshape.flatten_start_dim", "batch_rows")
@on_devices
def test_flatten_start_dim_1_flattens_each_image_of_a_batch(device):
    """The note's use: a batch (N, C, H, W).flatten(start_dim=1) is (N, C*H*W), row i = image i."""
    images = np.arange(3 * 1 * 28 * 28, dtype=np.float32).reshape(3, 1, 28, 28)
    out = torch.from_numpy(images).to(device).flatten(start_dim=1)
    assert_shape(out, (3, 784), expr="batch.flatten(start_dim=1)")
    for i in range(3):
        assert_values(out[i], images[i].ravel(), expr=f"batch.flatten(start_dim=1)[{i}]", exact=True)


# ---- reshape.view_shares ------------------------------------------------------------------------

@pytest.mark.claim("reshape.view_shares", "view_shares_when_possible", "view_refuses_otherwise")
@on_devices
@given(data=st.data())
def test_view_shares_memory_or_refuses_a_layout_it_cannot_view(device, data):
    """t.view(shape) succeeds exactly when the strides allow it (NumPy's no-copy reshape of the same
    strides decides; always for a contiguous tensor) and then shares t's memory; otherwise
    RuntimeError "view size is not compatible with input tensor's size and stride"."""
    recipe = data.draw(tensors_in_layouts(), label="t")
    target = data.draw(reshape_targets(recipe.numel), label="shape")
    with repro(f"t = {recipe.source(device)}\nout = t.view({target})"):
        t = recipe.tensor(device)
        possible = viewable(t, ref.inferred(recipe.numel, target))
        if recipe.layout == "contiguous":
            assert_equal(possible, True, expr=f"NumPy no-copy reshape of a contiguous {recipe.shape}", name="viewable")
        if not possible:
            with pytest.raises(RuntimeError, match=VIEW_ERROR):
                t.view(target)
            return
        out = t.view(target)
        check_result(out, t, np.reshape(recipe.reference(), target), f"t.view({target})")
        assert_shares(out, t, expr=f"t.view({target})")


@pytest.mark.claim("reshape.view_shares", "reshape_flatten_view_or_copy")
@pytest.mark.parametrize("op", ["reshape", "flatten"])
@on_devices
@given(data=st.data())
def test_reshape_and_flatten_share_exactly_when_a_view_is_possible(op, device, data):
    """reshape(shape) and flatten(start_dim), method or function, return a view (shared memory) when
    the strides allow one, and otherwise a new contiguous tensor that shares nothing with t."""
    recipe = data.draw(tensors_in_layouts(), label="t")
    if op == "reshape":
        arg = data.draw(reshape_targets(recipe.numel), label="shape")
        new_shape = ref.inferred(recipe.numel, arg)
    else:
        arg = data.draw(dims(len(recipe.shape)), label="start_dim")
        new_shape = ref.flattened(recipe.shape, arg)
    forms = spellings(op, str(arg))
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        for expr, call in forms.items():
            out = call(t, arg)
            check_result(out, t, np.reshape(recipe.reference(), new_shape), expr)
            if recipe.numel == 0:
                continue  # nothing to share or copy
            if viewable(t, new_shape):
                assert_shares(out, t, expr=expr)
            else:
                assert_equal(out.is_contiguous(), True, expr=expr, name="out.is_contiguous()")
                assert_copies(out, t, expr=expr)


@pytest.mark.claim("reshape.view_shares", "flatten_returns_itself")
@on_devices
@given(data=st.data())
def test_flatten_returns_the_input_itself_when_there_is_nothing_to_merge(device, data):
    """flatten(s, e) (method or function) with s == e after wrapping (so any 1-D tensor's flatten())
    returns t itself, the same Python object, on any layout; otherwise (rank 0 included) a new tensor
    object."""
    recipe = data.draw(tensors_in_layouts(), label="t")
    ndim = len(recipe.shape)
    start = data.draw(dims(ndim), label="start_dim")
    end = data.draw(dims(ndim).filter(lambda e: ref.wrap_dim(e, ndim) >= ref.wrap_dim(start, ndim)),
                    label="end_dim")
    forms = spellings("flatten", f"{start}, {end}")
    with repro(f"t = {recipe.source(device)}\n{'; '.join(f'{expr} is t' for expr in forms)}"):
        t = recipe.tensor(device)
        same = ndim >= 1 and ref.wrap_dim(start, ndim) == ref.wrap_dim(end, ndim)
        for expr, call in forms.items():
            assert_equal(call(t, start, end) is t, same, expr=expr, name="out is t")


SQUEEZE_LIKE = {  # ops that never copy, as methods and as torch functions: expression -> call
    "t.squeeze()": lambda t, d: t.squeeze(),
    "torch.squeeze(t)": lambda t, d: torch.squeeze(t),
    "t.squeeze(d)": lambda t, d: t.squeeze(d),
    "torch.squeeze(t, d)": lambda t, d: torch.squeeze(t, d),
    "t.unsqueeze(d)": lambda t, d: t.unsqueeze(d),
    "torch.unsqueeze(t, d)": lambda t, d: torch.unsqueeze(t, d),
    "t.view_as(t)": lambda t, d: t.view_as(t),  # view_as has no torch function
    "t.reshape(t.shape)": lambda t, d: t.reshape(t.shape),
    "torch.reshape(t, t.shape)": lambda t, d: torch.reshape(t, t.shape),
}


@pytest.mark.claim("reshape.view_shares", "squeeze_unsqueeze_always_views")
@pytest.mark.parametrize("op", SQUEEZE_LIKE)
@on_devices
@given(data=st.data())
def test_squeeze_unsqueeze_and_same_shape_reshape_always_return_a_new_view(op, device, data):
    """squeeze/unsqueeze on any layout, and view/reshape to t's own shape, return a new tensor object
    that shares t's memory (never a copy, never t itself)."""
    recipe = data.draw(tensors_in_layouts(shape=unit_axis_shapes()), label="t")
    dim = data.draw(st.integers(*ref.dim_bounds(len(recipe.shape), extra="unsqueeze" in op)), label="d")
    with repro(f"t = {recipe.source(device)}\nd = {dim}\nout = {op}"):
        t = recipe.tensor(device)
        out = SQUEEZE_LIKE[op](t, dim)
        assert_equal(out is t, False, expr=op, name="out is t")
        assert_shares(out, t, expr=op)
