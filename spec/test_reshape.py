"""reshape: reshape, squeeze, unsqueeze, flatten and view (DL10, DL11, MF) - the elements they keep,
the shapes they give, the dims they accept, when they share memory with their input, and where
NumPy and TensorFlow differ on the same inputs.

Inputs are strided recipes (``tensorspec.testing.layouts``): every real dtype incl. bfloat16, ranks
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
from tensorspec.testing.assertions import (assert_copies, assert_device, assert_dtype, assert_equal,
                                           assert_shape, assert_shares, assert_values, repro)
from tensorspec.testing.devices import on_devices
from tensorspec.testing.shape_strategies import invalid_reshape_targets, reshape_targets, unit_axis_shapes
from tensorspec.testing.spellings import spellings
from tensorspec.testing.strategies import dims, shapes
from tensorspec.testing.dtypes import TORCH_REAL
from tensorspec.testing.layouts import strided_tensors

VIEW_ERROR = re.escape("view size is not compatible with input tensor's size and stride")


def check_result(out: torch.Tensor, t: torch.Tensor, expected: np.ndarray, expr: str) -> None:
    """A shape manipulation's result: NumPy's shape and values (exactly), t's dtype and device."""
    __tracebackhide__ = True
    assert_shape(out, expected.shape, expr=expr)
    assert_dtype(out, t.dtype, expr=expr)
    assert_device(out, t.device, expr=expr)
    assert_values(out, expected, expr, exact=True)


def viewable(t: torch.Tensor, shape: tuple[int, ...]) -> bool:
    return ref.can_view(tuple(t.shape), t.stride(), shape)


# ---- reshape.preserves_elements ------------------------------------------------------------------

@pytest.mark.claim("reshape.preserves_elements")
@on_devices
@given(data=st.data())
def test_reshape_keeps_the_elements_in_row_major_order(device, data):
    """reshape to any shape of the same size (one side maybe -1, inferred), as t.reshape(...) and as
    torch.reshape(t, shape), gives np.reshape's result: the elements in C order, on every layout;
    dtype and device kept."""
    recipe = data.draw(strided_tensors(), label="t")
    target = data.draw(reshape_targets(recipe.numel), label="shape")
    varargs = bool(target) and data.draw(st.booleans(), label="as varargs")
    forms = spellings("reshape", str(target), method=not varargs)
    if varargs:  # the note's t.reshape(xx, xx, xx); torch.reshape takes the shape as one argument
        forms[f"t.reshape({', '.join(map(str, target))})"] = lambda t, shape: t.reshape(*shape)
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        for expr, call in forms.items():
            out = call(t, target)
            check_result(out, t, np.reshape(recipe.reference(), target), expr)
            assert_equal("out.shape", tuple(out.shape), ref.inferred(recipe.numel, target), expr=expr)


@st.composite
def unfillable(draw, numel: int):
    """A target shape reshape must refuse, and the regex of torch's message."""
    kinds = ["wrong size", "two -1"] + (["ambiguous -1"] if numel == 0 else [])
    kind = draw(st.sampled_from(kinds), label="why")
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


@pytest.mark.claim("reshape.preserves_elements")
@on_devices
@given(data=st.data())
def test_reshape_refuses_a_shape_it_cannot_fill(device, data):
    """Wrong element count, two -1s, or a -1 on an empty tensor whose other sides multiply to 0:
    RuntimeError with the reason, from t.reshape and torch.reshape alike (NumPy raises ValueError for
    all three)."""
    recipe = data.draw(strided_tensors(), label="t")
    target, message = data.draw(unfillable(recipe.numel), label="shape")
    forms = spellings("reshape", str(target))
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        for call in forms.values():
            with pytest.raises(RuntimeError, match=message):
                call(t, target)
        with pytest.raises(ValueError):
            np.reshape(recipe.reference(), target)


@pytest.mark.claim("reshape.preserves_elements")
@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")
@on_devices
def test_reshape_refuses_sparse_tensors(device):
    """reshape is for strided tensors: a sparse COO tensor raises RuntimeError "reshape is not
    implemented for sparse tensors", a sparse CSR one RuntimeError as well."""
    coo = torch.eye(3, device=device).to_sparse()
    with pytest.raises(RuntimeError, match="reshape is not implemented for sparse tensors"):
        coo.reshape(-1)
    with pytest.raises(RuntimeError):
        torch.eye(3, device=device).to_sparse_csr().reshape(-1)


# ---- reshape.squeeze ----------------------------------------------------------------------------

@pytest.mark.claim("reshape.squeeze")
@on_devices
@given(data=st.data())
def test_squeeze_removes_every_length_one_axis(device, data):
    """squeeze() (method or function) drops all axes of length 1 and keeps the values, as np.squeeze."""
    recipe = data.draw(strided_tensors(shape=unit_axis_shapes()), label="t")
    forms = spellings("squeeze")
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        for expr, call in forms.items():
            out = call(t)
            check_result(out, t, np.squeeze(recipe.reference()), expr)
            assert_equal("out.shape", tuple(out.shape), ref.squeezed(recipe.shape), expr=expr)


@pytest.mark.claim("reshape.squeeze")
@on_devices
@given(data=st.data())
def test_squeeze_dim_removes_a_named_axis_only_if_its_length_is_one(device, data):
    """squeeze(d) / squeeze((d1, d2, ...)), method or function, drop the named axes of length 1 and
    silently keep the others; NumPy raises ValueError for a named axis of another length."""
    recipe = data.draw(strided_tensors(shape=unit_axis_shapes()), label="t")
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
            out = call(t, named)
            check_result(out, t, np.reshape(recipe.reference(), expected_shape), expr)
        all_length_one = ndim == 0 or all(recipe.shape[ref.wrap_dim(d, ndim)] == 1 for d in axes)
        if all_length_one:  # NumPy agrees
            assert_values(np.squeeze(recipe.reference(), named), out, f"np.squeeze(a, {named})", exact=True)
        else:
            with pytest.raises(ValueError, match="cannot select an axis to squeeze out which has size not equal to one"):
                np.squeeze(recipe.reference(), named)


@pytest.mark.claim("reshape.squeeze")
@on_devices
def test_squeeze_of_several_named_axes(device):
    """Worked example on shape (1, 2, 1, 1): squeeze((d1, d2, ...)) drops every named axis of length 1,
    not only the first, and keeps a named axis of another length; method and function alike."""
    t = torch.arange(2, device=device).reshape(1, 2, 1, 1)
    for axes, shape in (((0, 2), (2, 1)), ((1, 3), (1, 2, 1)), ((-1, 0, 2), (2,))):
        for expr, call in spellings("squeeze", str(axes)).items():
            if differs("squeeze_tuple_missing"):
                with pytest.raises(TypeError, match=r"squeeze\(\) received an invalid combination of arguments"):
                    call(t, axes)
                continue
            assert_equal(f"({expr}).shape", tuple(call(t, axes).shape), shape, expr="t = torch.arange(2).reshape(1, 2, 1, 1)")


DIM_OPS = [  # (method, how many more dims it accepts than the rank, NumPy's counterpart)
    pytest.param("squeeze", 0, np.squeeze, marks=pytest.mark.claim("reshape.squeeze"), id="squeeze"),
    pytest.param("unsqueeze", 1, np.expand_dims, marks=pytest.mark.claim("reshape.unsqueeze"), id="unsqueeze"),
    pytest.param("flatten", 0, None, marks=pytest.mark.claim("reshape.flatten_start_dim"), id="flatten"),
]


@pytest.mark.parametrize("op,extra,numpy_op", DIM_OPS)
@on_devices
@given(shape=shapes(), data=st.data())
def test_an_out_of_range_dim_is_an_index_error(op, extra, numpy_op, device, shape, data):
    """A dim outside [-n, n-1] (n = max(rank + extra, 1)): IndexError "Dimension out of range (expected
    to be in range of [lo, hi], but got d)", method and function alike; NumPy raises AxisError (a
    ValueError and an IndexError)."""
    lo, hi = ref.dim_bounds(len(shape), extra)
    dim = data.draw(st.one_of(st.integers(hi + 1, hi + 4), st.integers(lo - 4, lo - 1)), label="dim")
    forms = spellings(op, str(dim))
    with repro(f"t = torch.zeros({shape}, device={device!r})\n{'; '.join(forms)}"):
        for call in forms.values():
            with pytest.raises(IndexError, match=ref.dim_error(len(shape), dim, extra)):
                call(torch.zeros(shape, device=device), dim)
        if numpy_op is not None:
            with pytest.raises(np.exceptions.AxisError):
                numpy_op(np.zeros(shape), dim)


# ---- reshape.unsqueeze --------------------------------------------------------------------------

@pytest.mark.claim("reshape.unsqueeze")
@on_devices
@given(data=st.data())
def test_unsqueeze_inserts_a_length_one_axis_at_dim(device, data):
    """unsqueeze(d), d in [-rank-1, rank], puts a new axis of length 1 at position d of the result
    (negative d counts from its end), values unchanged - as np.expand_dims; t.unsqueeze(dim=d) and
    torch.unsqueeze(t, dim=d) alike."""
    recipe = data.draw(strided_tensors(), label="t")
    dim = data.draw(st.integers(*ref.dim_bounds(len(recipe.shape), extra=1)), label="dim")
    forms = spellings("unsqueeze", f"dim={dim}")
    with repro(f"t = {recipe.source(device)}\n{'; '.join(forms)}"):
        t = recipe.tensor(device)
        for expr, call in forms.items():
            out = call(t, dim=dim)
            check_result(out, t, np.expand_dims(recipe.reference(), dim), expr)
            assert_equal("out.shape", tuple(out.shape), ref.unsqueezed(recipe.shape, dim), expr=expr)


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


@pytest.mark.claim("reshape.flatten_forms")
@pytest.mark.parametrize("form", FLATTEN_FORMS)
@on_devices
@given(data=st.data())
def test_the_flatten_forms_give_every_element_in_row_major_order(form, device, data):
    """Each form lays all elements on one axis in C order (reshape(1, -1) under a leading axis of 1);
    a rank-0 tensor gives shape (1,).  view() needs a compatible layout: drawn contiguous here."""
    call, shape_of = FLATTEN_FORMS[form]
    layouts = ["contiguous"] if "view" in form else None
    recipe = data.draw(strided_tensors(**({"layouts": layouts} if layouts else {})), label="t")
    with repro(f"t = {recipe.source(device)}\nout = {form}"):
        t = recipe.tensor(device)
        out = call(t)
        assert_shape(out, shape_of(recipe.numel), expr=form)
        check_result(out, t, np.reshape(recipe.reference(), shape_of(recipe.numel)), form)


# ---- reshape.flatten_start_dim ------------------------------------------------------------------

@pytest.mark.claim("reshape.flatten_start_dim")
@on_devices
@given(data=st.data())
def test_flatten_from_start_dim_keeps_the_axes_before_it(device, data):
    """flatten(start_dim=s[, end_dim=e]) merges axes s..e into one and keeps the others as they are;
    end before start (after wrapping): RuntimeError."""
    recipe = data.draw(strided_tensors(), label="t")
    ndim = len(recipe.shape)
    start = data.draw(dims(ndim), label="start_dim")
    end = data.draw(st.one_of(st.none(), dims(ndim)), label="end_dim")
    kwargs = {"start_dim": start} | ({} if end is None else {"end_dim": end})
    expr = f"t.flatten({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
    with repro(f"t = {recipe.source(device)}\nout = {expr}"):
        t = recipe.tensor(device)
        if end is not None and ref.wrap_dim(start, ndim) > ref.wrap_dim(end, ndim):
            with pytest.raises(RuntimeError, match="start_dim cannot come after end_dim"):
                t.flatten(**kwargs)
            return
        expected_shape = ref.flattened(recipe.shape, start, -1 if end is None else end)
        out = t.flatten(**kwargs)
        check_result(out, t, np.reshape(recipe.reference(), expected_shape), expr)
        assert_values(torch.flatten(t, **kwargs), out, f"torch.flatten(t, **{kwargs})", exact=True)


@pytest.mark.claim("reshape.flatten_start_dim")
@on_devices
def test_flatten_start_dim_1_flattens_each_image_of_a_batch(device):
    """The note's use: a batch (N, C, H, W).flatten(start_dim=1) is (N, C*H*W), row i = image i."""
    images = np.arange(3 * 1 * 28 * 28, dtype=np.float32).reshape(3, 1, 28, 28)
    out = torch.from_numpy(images).to(device).flatten(start_dim=1)
    assert_shape(out, (3, 784), expr="batch.flatten(start_dim=1)")
    for i in range(3):
        assert_values(out[i], images[i].ravel(), f"batch.flatten(start_dim=1)[{i}]", exact=True)


# ---- reshape.view_shares ------------------------------------------------------------------------

@pytest.mark.claim("reshape.view_shares")
@on_devices
@given(data=st.data())
def test_view_shares_memory_or_refuses_a_layout_it_cannot_view(device, data):
    """t.view(shape) succeeds exactly when the strides allow it (NumPy's no-copy reshape of the same
    strides decides; always for a contiguous tensor) and then shares t's memory; otherwise
    RuntimeError "view size is not compatible with input tensor's size and stride"."""
    recipe = data.draw(strided_tensors(), label="t")
    target = data.draw(reshape_targets(recipe.numel), label="shape")
    with repro(f"t = {recipe.source(device)}\nout = t.view({target})"):
        t = recipe.tensor(device)
        possible = viewable(t, ref.inferred(recipe.numel, target))
        if recipe.layout == "contiguous":
            assert_equal("viewable", possible, True, expr=f"NumPy no-copy reshape of a contiguous {recipe.shape}")
        if not possible:
            with pytest.raises(RuntimeError, match=VIEW_ERROR):
                t.view(target)
            return
        out = t.view(target)
        check_result(out, t, np.reshape(recipe.reference(), target), f"t.view({target})")
        assert_shares(out, t, expr=f"t.view({target})")


@pytest.mark.claim("reshape.view_shares")
@pytest.mark.parametrize("op", ["reshape", "flatten"])
@on_devices
@given(data=st.data())
def test_reshape_and_flatten_share_exactly_when_a_view_is_possible(op, device, data):
    """reshape(shape) and flatten(start_dim), method or function, return a view (shared memory) when
    the strides allow one, and otherwise a new contiguous tensor that shares nothing with t."""
    recipe = data.draw(strided_tensors(), label="t")
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
                assert_equal("out.is_contiguous()", out.is_contiguous(), True, expr=expr)
                assert_copies(out, t, expr=expr)


@pytest.mark.claim("reshape.view_shares")
@on_devices
@given(data=st.data())
def test_flatten_returns_the_input_itself_when_there_is_nothing_to_merge(device, data):
    """flatten(s, e) (method or function) with s == e after wrapping (so any 1-D tensor's flatten())
    returns t itself, the same Python object, on any layout; otherwise (rank 0 included) a new tensor
    object."""
    recipe = data.draw(strided_tensors(), label="t")
    ndim = len(recipe.shape)
    start = data.draw(dims(ndim), label="start_dim")
    end = data.draw(dims(ndim).filter(lambda e: ref.wrap_dim(e, ndim) >= ref.wrap_dim(start, ndim)),
                    label="end_dim")
    forms = spellings("flatten", f"{start}, {end}")
    with repro(f"t = {recipe.source(device)}\n{'; '.join(f'{expr} is t' for expr in forms)}"):
        t = recipe.tensor(device)
        same = ndim >= 1 and ref.wrap_dim(start, ndim) == ref.wrap_dim(end, ndim)
        for expr, call in forms.items():
            assert_equal("out is t", call(t, start, end) is t, same, expr=expr)


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


@pytest.mark.claim("reshape.view_shares")
@pytest.mark.parametrize("op", SQUEEZE_LIKE)
@on_devices
@given(data=st.data())
def test_squeeze_unsqueeze_and_same_shape_reshape_always_return_a_new_view(op, device, data):
    """squeeze/unsqueeze on any layout, and view/reshape to t's own shape, return a new tensor object
    that shares t's memory (never a copy, never t itself)."""
    recipe = data.draw(strided_tensors(shape=unit_axis_shapes()), label="t")
    dim = data.draw(st.integers(*ref.dim_bounds(len(recipe.shape), extra="unsqueeze" in op)), label="d")
    with repro(f"t = {recipe.source(device)}\nd = {dim}\nout = {op}"):
        t = recipe.tensor(device)
        out = SQUEEZE_LIKE[op](t, dim)
        assert_equal("out is t", out is t, False, expr=op)
        assert_shares(out, t, expr=op)


# ---- NumPy and TensorFlow on the same inputs ----------------------------------------------------

OUTCOMES = {  # situation -> what (torch, NumPy, TensorFlow) do: "ok" or the exception's class name
    "reshape": ("ok", "ok", "ok"),
    "reshape, wrong size": ("RuntimeError", "ValueError", "InvalidArgumentError"),
    "reshape, -1 ambiguous on an empty tensor": ("RuntimeError", "ValueError", "ok"),
    "flatten(start_dim)": ("ok", "ok", "ok"),  # NumPy and TF: reshape to the flattened shape
    "squeeze()": ("ok", "ok", "ok"),
    "squeeze(d), length 1": ("ok", "ok", "ok"),
    "squeeze(d), length not 1": ("ok", "ValueError", "InvalidArgumentError"),  # torch: a no-op
    "squeeze(d), rank 0": ("ok", "ok", "InvalidArgumentError"),
    "squeeze(d), d out of range": ("IndexError", "AxisError", "InvalidArgumentError"),
    "unsqueeze(d), d in [-rank-1, rank]": ("ok", "ok", "ok"),
    "unsqueeze(d), d out of range": ("IndexError", "AxisError", "InvalidArgumentError"),
}
TF_OPS = [  # op -> claim
    pytest.param("reshape", marks=pytest.mark.claim("reshape.preserves_elements"), id="reshape"),
    pytest.param("flatten", marks=pytest.mark.claim("reshape.flatten_start_dim"), id="flatten"),
    pytest.param("squeeze", marks=pytest.mark.claim("reshape.squeeze"), id="squeeze"),
    pytest.param("unsqueeze", marks=pytest.mark.claim("reshape.unsqueeze"), id="unsqueeze"),
]


@st.composite
def cross_framework_case(draw, op: str, shape: tuple[int, ...]):
    """(situation, argument, expected shape or None) for one op on one shape."""
    ndim, numel = len(shape), int(np.prod(shape))
    if op == "reshape":
        kind = draw(st.sampled_from(["reshape", "reshape, wrong size"] + (
            ["reshape, -1 ambiguous on an empty tensor"] if numel == 0 else [])), label="situation")
        if kind == "reshape":
            target = draw(reshape_targets(numel), label="shape")
            return kind, target, ref.inferred(numel, target)
        if kind == "reshape, wrong size":
            return kind, draw(invalid_reshape_targets(numel), label="shape"), None
        sides = list(draw(reshape_targets(0, minus_one=False), label="sides"))
        sides.insert(draw(st.integers(0, len(sides)), label="-1 at"), -1)
        return kind, tuple(sides), None
    if op == "flatten":
        start = draw(dims(ndim), label="start_dim")
        return "flatten(start_dim)", start, ref.flattened(shape, start)
    extra = 1 if op == "unsqueeze" else 0
    lo, hi = ref.dim_bounds(ndim, extra)
    dim = draw(st.one_of(st.integers(lo, hi), st.integers(lo - 2, lo - 1), st.integers(hi + 1, hi + 2),
                         *([st.none()] if op == "squeeze" else [])), label="dim")
    if dim is None:
        return "squeeze()", None, ref.squeezed(shape)
    if not lo <= dim <= hi:
        return f"{op}(d), d out of range", dim, None
    if op == "unsqueeze":
        return "unsqueeze(d), d in [-rank-1, rank]", dim, ref.unsqueezed(shape, dim)
    if ndim == 0:
        return "squeeze(d), rank 0", dim, ()
    length_one = shape[ref.wrap_dim(dim, ndim)] == 1
    return f"squeeze(d), length {'1' if length_one else 'not 1'}", dim, ref.squeezed(shape, [dim])


def _outcome(call):
    """("ok", result as an ndarray) or (the exception's class name, None)."""
    try:
        out = call()
    except Exception as exc:  # noqa: BLE001 - which exception is what is compared
        return type(exc).__name__, None
    if isinstance(out, torch.Tensor):
        out = out.cpu()
    return "ok", np.array(out.numpy() if hasattr(out, "numpy") else out)  # a writable copy


def _calls(op, arg, t, a, tf, x, shape_after):
    """The same operation in torch, NumPy and TensorFlow."""
    if op == "reshape":
        return (lambda: t.reshape(arg)), (lambda: np.reshape(a, arg)), (lambda: tf.reshape(x, arg))
    if op == "flatten":
        return (lambda: t.flatten(arg)), (lambda: np.reshape(a, shape_after)), (lambda: tf.reshape(x, shape_after))
    if op == "unsqueeze":
        return (lambda: t.unsqueeze(arg)), (lambda: np.expand_dims(a, arg)), (lambda: tf.expand_dims(x, arg))
    if arg is None:
        return (lambda: t.squeeze()), (lambda: np.squeeze(a)), (lambda: tf.squeeze(x))
    return (lambda: t.squeeze(arg)), (lambda: np.squeeze(a, arg)), (lambda: tf.squeeze(x, arg))


@pytest.mark.parametrize("op", TF_OPS)
@on_devices
@given(data=st.data())
def test_torch_numpy_and_tensorflow_agree_or_differ_as_stated(op, device, tf, data):
    """The same drawn input through torch, NumPy and TensorFlow: each does what OUTCOMES states for the
    situation (result, or which exception), and every result holds the row-major values."""
    recipe = data.draw(strided_tensors(dtypes=[d for d in TORCH_REAL if d != torch.bfloat16]), label="t")
    situation, arg, shape_after = data.draw(cross_framework_case(op, recipe.shape), label="case")
    a = recipe.reference()
    with repro(f"t = {recipe.source(device)}\na = t.cpu().numpy()\nx = tf.constant(a)\n# {situation}: {op}({arg})"):
        t, x = recipe.tensor(device), tf.constant(a)
        calls = _calls(op, arg, t, a, tf, x, shape_after)
        for library, call, expected in zip(("torch", "NumPy", "TensorFlow"), calls, OUTCOMES[situation]):
            got, out = _outcome(call)
            assert_equal(f"{library} outcome", got, expected, expr=f"{situation}: {op}({arg})")
            if got != "ok":
                continue
            if shape_after is None:  # TF's reshape of an empty tensor with an ambiguous -1: its own rule
                nonzero = int(np.prod([s for s in recipe.shape if s])) // int(np.prod([s for s in arg if s not in (0, -1)]))
                want = tuple(nonzero if s == -1 else s for s in arg)
                assert_equal(f"{library} result shape", out.shape, want, expr=f"{op}({arg}): -1 = non-zero input sizes // others")
                continue
            assert_shape(out, shape_after, expr=f"{op}({arg})", name=f"{library} result shape")
            assert_values(out, np.reshape(a, shape_after), f"{library}: {op}({arg})", exact=True)
