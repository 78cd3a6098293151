"""Group ``model``: the output-size formula of convolution and pooling (claim model.output_size_formula).

Property over input size n, kernel f, padding p, stride s and dilation d, per axis (H and W drawn
independently), against ``nn.Conv2d``, ``F.max_pool2d`` (floor and ceil mode) and TensorFlow's
``conv2d`` / ``max_pool2d`` with explicit, VALID and SAME padding.  The references are the plain
integer formulas of :mod:`tensorspec.reference.convshape`, and the notes' formula evaluated exactly.
"""
from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, strategies as st
from torch import nn

from tensorspec.claims.context import differs
from tensorspec.testing.assertions import assert_equal, repro
from tensorspec.reference.convshape import (conv_output_size, effective_kernel, notes_formula, pool_output_size,
                                  tf_output_size)
from tensorspec.testing.devices import on_devices

CLAIM = "model.output_size_formula"
pytestmark = pytest.mark.claim(CLAIM)


@st.composite
def axis_geometry(draw, pool: bool = False, dilation: bool = True):
    """One axis: (n, f, p, s, d) that the library accepts (pooling: padding at most half the kernel)."""
    f = draw(st.integers(1, 5), label="kernel f")
    d = draw(st.integers(1, 3), label="dilation d") if dilation else 1
    s = draw(st.integers(1, 4), label="stride s")
    p = draw(st.integers(0, f // 2 if pool else 3), label="padding p")
    smallest = max(1, effective_kernel(f, d) - 2 * p)  # the padded input must hold one window
    n = draw(st.integers(smallest, smallest + 12), label="input n")
    return n, f, p, s, d


def _pairs(h, w):
    """Per-axis geometries -> the (H, W) tuples the torch functions take."""
    return [tuple(x) for x in zip(h, w)]


@on_devices
@given(h=axis_geometry(), w=axis_geometry())
@pytest.mark.claim(CLAIM, "conv_floors", "notes_formula_exact_only_when_divisible")
def test_conv2d_output_size_is_the_floored_formula(device, h, w):
    """nn.Conv2d: O = floor((n + 2p - d(f-1) - 1)/s) + 1 per axis; = floor of the notes' (n-f+2p)/s+1 for d=1."""
    (nh, nw), (fh, fw), (ph, pw), (sh, sw), (dh, dw) = _pairs(h, w)
    conv = nn.Conv2d(1, 1, (fh, fw), stride=(sh, sw), padding=(ph, pw), dilation=(dh, dw), device=device)
    expr = f"nn.Conv2d(1, 1, {(fh, fw)}, stride={(sh, sw)}, padding={(ph, pw)}, dilation={(dh, dw)})(torch.zeros(1, 1, {nh}, {nw}))"
    with repro(expr + ".shape"):
        out = conv(torch.zeros(1, 1, nh, nw, device=device))
        expected = (conv_output_size(*h), conv_output_size(*w))
        assert_equal(tuple(out.shape[2:]), expected, expr=expr, name="out.shape[2:]")
        for axis, (n, f, p, s, d) in (("H", h), ("W", w)):
            if d == 1:
                exact = notes_formula(n, f, p, s)
                assert_equal(out.shape[2 if axis == "H" else 3], math.floor(exact),
                             expr=f"floor(({n} - {f} + 2*{p})/{s} + 1) = floor({exact})", name=f"{axis} size")


@on_devices
@given(h=axis_geometry(pool=True), w=axis_geometry(pool=True), ceil_mode=st.booleans())
@pytest.mark.claim(CLAIM, "pool_floors", "ceil_mode_rounds_up", "ceil_mode_drops_a_window_in_the_padding")
def test_max_pool2d_output_size(device, h, w, ceil_mode):
    """F.max_pool2d: the floor formula; ceil_mode=True rounds up, minus one when the last window would
    start in the right padding."""
    (nh, nw), (fh, fw), (ph, pw), (sh, sw), (dh, dw) = _pairs(h, w)
    expr = (f"F.max_pool2d(torch.zeros(1, 1, {nh}, {nw}), {(fh, fw)}, stride={(sh, sw)}, "
            f"padding={(ph, pw)}, dilation={(dh, dw)}, ceil_mode={ceil_mode})")
    with repro(expr + ".shape"):
        out = F.max_pool2d(torch.zeros(1, 1, nh, nw, device=device), (fh, fw), stride=(sh, sw),
                           padding=(ph, pw), dilation=(dh, dw), ceil_mode=ceil_mode)
        expected = (pool_output_size(*h, ceil_mode=ceil_mode), pool_output_size(*w, ceil_mode=ceil_mode))
        assert_equal(tuple(out.shape[2:]), expected, expr=expr, name="out.shape[2:]")


@pytest.mark.parametrize("n, f, p, s, floor_size, ceil_size", [
    (28, 2, 0, 2, 14, 14),  # the course's pools: s divides n - f, the formula is exact
    (5, 2, 0, 2, 2, 3),  # ceil keeps a last window that starts inside the input (at 4)
    (5, 2, 1, 2, 3, 3),  # ceil would start a 4th window at 6 = n + p: in the right padding, dropped
    (6, 3, 1, 2, 3, 4),  # the 4th window starts at 6 < n + p = 7 (covers input 5 and padding): kept
])
@pytest.mark.claim(CLAIM, "pool_floors", "ceil_mode_rounds_up", "ceil_mode_drops_a_window_in_the_padding")
def test_ceil_mode_last_window_rule(n, f, p, s, floor_size, ceil_size):
    """Worked examples of the rounding, including the "last window must start inside" rule."""
    x = torch.zeros(1, 1, n, n)
    for ceil_mode, expected in ((False, floor_size), (True, ceil_size)):
        out = F.max_pool2d(x, f, stride=s, padding=p, ceil_mode=ceil_mode)
        assert_equal(out.shape[-1], expected,
                     expr=f"F.max_pool2d(torch.zeros(1, 1, {n}, {n}), {f}, stride={s}, padding={p}, ceil_mode={ceil_mode})",
                     name="out.shape[-1]")


@given(n=st.integers(1, 12), f=st.integers(1, 5), p=st.integers(0, 2))
@pytest.mark.claim(CLAIM, "pool_stride_defaults_to_the_kernel")
def test_pool_stride_defaults_to_the_kernel(n, f, p):
    """F.max_pool2d(x, f) pools with stride f: the same as stride=f given."""
    p = min(p, f // 2)
    if n + 2 * p < f:
        n = f
    x = torch.arange(n * n, dtype=torch.float32).reshape(1, 1, n, n)
    expr = f"F.max_pool2d(torch.arange({n * n}.).reshape(1, 1, {n}, {n}), {f}, padding={p})"
    with repro(expr):
        assert_equal(F.max_pool2d(x, f, padding=p).tolist(), F.max_pool2d(x, f, stride=f, padding=p).tolist(),
                     expr=f"{expr} vs stride={f}", name="out")


@given(data=st.data())
@pytest.mark.claim(CLAIM, "wide_kernel_refused", "ceil_mode_can_pool_a_wide_kernel", "pool_padding_at_most_half")
def test_invalid_geometries_raise(data):
    """A kernel wider than the padded input is a RuntimeError in conv ("Kernel size can't be greater") and
    in floor-mode pooling ("Output size is too small"), while ceil-mode pooling may still give one window;
    pooling padding over half the (effective) kernel is a RuntimeError too."""
    f = data.draw(st.integers(2, 6), label="kernel f")
    p = data.draw(st.integers(0, 2), label="padding p")
    n = data.draw(st.integers(1, max(1, f - 2 * p - 1)), label="input n") if f - 2 * p > 1 else None
    if n is not None:  # n + 2p < f: no window fits
        x = torch.zeros(1, 1, n, n)
        with pytest.raises(RuntimeError, match="Kernel size can't be greater than actual input size"):
            nn.Conv2d(1, 1, f, padding=p)(x)
        pool_p, s = min(p, f // 2), data.draw(st.integers(1, 3), label="pool stride s")
        with pytest.raises(RuntimeError, match="Output size is too small"):
            F.max_pool2d(x, f, stride=s, padding=pool_p)
        ceil_size = pool_output_size(n, f, pool_p, s, ceil_mode=True)
        expr = f"F.max_pool2d(torch.zeros(1, 1, {n}, {n}), {f}, stride={s}, padding={pool_p}, ceil_mode=True)"
        if ceil_size >= 1:
            assert_equal(F.max_pool2d(x, f, stride=s, padding=pool_p, ceil_mode=True).shape[-1], ceil_size, expr=expr,
                         name="out.shape[-1]")
        else:
            with pytest.raises(RuntimeError, match="Output size is too small"):
                F.max_pool2d(x, f, stride=s, padding=pool_p, ceil_mode=True)
    d = data.draw(st.integers(1, 3), label="pool dilation d")
    bad_p = data.draw(st.integers(f // 2 + 1, f + 2), label="pool padding")
    words = ("pad should be at most half of effective kernel size" if 2 * bad_p > effective_kernel(f, d)
             else "pad should be smaller than or equal to half of kernel size")  # within the dilated span only
    if differs("pool_pad_checked_against_the_kernel"):
        words = "pad should be at most half of kernel size"
    with pytest.raises(RuntimeError, match=words):
        F.max_pool2d(torch.zeros(1, 1, 8, 8), f, padding=bad_p, dilation=d)


@pytest.mark.parametrize("n, f, p, s, d", [(1, 2, 0, 2, 1), (1, 2, 1, 2, 3)])
@pytest.mark.claim(CLAIM, "wide_kernel_refused", "ceil_mode_can_pool_a_wide_kernel")
def test_ceil_mode_can_pool_a_window_wider_than_the_input(n, f, p, s, d):
    """The examples: floor mode refuses, ceil mode returns one window (n=1, f=2, s=2 -> 1x1)."""
    x = torch.zeros(1, 1, n, n)
    with pytest.raises(RuntimeError, match="Output size is too small"):
        F.max_pool2d(x, f, stride=s, padding=p, dilation=d)
    out = F.max_pool2d(x, f, stride=s, padding=p, dilation=d, ceil_mode=True)
    assert_equal(tuple(out.shape[2:]), (1, 1),
                 expr=f"F.max_pool2d(torch.zeros(1, 1, {n}, {n}), {f}, stride={s}, padding={p}, dilation={d}, ceil_mode=True)",
                 name="out.shape[2:]")


# ---- TensorFlow ------------------------------------------------------------------------------------

@st.composite
def tf_padding(draw, n: int, f: int, d: int, explicit: bool):
    kinds = ["VALID", "SAME"] + (["explicit"] if explicit else [])
    kind = draw(st.sampled_from(kinds), label="padding")
    if kind == "VALID" and n < effective_kernel(f, d):
        kind = "SAME"  # VALID needs one whole window inside the input
    if kind != "explicit":
        return kind
    before = draw(st.integers(0, 3), label="pad before")
    least_after = max(0, effective_kernel(f, d) - n - before)
    return before, draw(st.integers(least_after, least_after + 3), label="pad after")


@given(data=st.data(), pool=st.booleans())
@pytest.mark.claim(CLAIM, "tf_valid", "tf_same", "tf_explicit")
def test_tensorflow_output_size(tf, data, pool):
    """tf.nn.conv2d (VALID, SAME, explicit) and tf.nn.max_pool2d (VALID, SAME): VALID is the floor
    formula with p = 0, SAME gives ceil(n/s) whatever the kernel."""
    f = data.draw(st.integers(1, 5), label="kernel f")
    s = data.draw(st.integers(1, 4), label="stride s")
    d = 1 if pool or s > 1 else data.draw(st.integers(1, 3), label="dilation d")  # TF: dilation needs stride 1
    n = data.draw(st.integers(1, 16), label="input n")
    padding = data.draw(tf_padding(n, f, d, explicit=not pool))
    x = tf.zeros((1, n, n, 1))
    tf_pad = padding if isinstance(padding, str) else [[0, 0], list(padding), list(padding), [0, 0]]
    if pool:
        expr = f"tf.nn.max_pool2d(tf.zeros((1, {n}, {n}, 1)), ksize={f}, strides={s}, padding={tf_pad!r})"
        out = tf.nn.max_pool2d(x, ksize=f, strides=s, padding=tf_pad)
    else:
        expr = f"tf.nn.conv2d(tf.zeros((1, {n}, {n}, 1)), tf.zeros(({f}, {f}, 1, 1)), strides={s}, padding={tf_pad!r}, dilations={d})"
        out = tf.nn.conv2d(x, tf.zeros((f, f, 1, 1)), strides=s, padding=tf_pad, dilations=d)
    with repro("import tensorflow as tf\n" + expr + ".shape"):
        expected = tf_output_size(n, f, s, padding, d)
        assert_equal(tuple(out.shape[1:3]), (expected, expected), expr=expr, name="out.shape[1:3]")
        if padding == "SAME":
            assert_equal(expected, math.ceil(n / s), expr=f"ceil({n}/{s})", name="SAME size")
        elif padding == "VALID":
            assert_equal(expected, conv_output_size(n, f, 0, s, d), expr="PyTorch's formula with p=0",
                         name="VALID size")


@pytest.mark.parametrize("op, padding, expected", [
    ("conv2d", "VALID", 3),  # ceil((7 - 2)/2)
    ("conv2d", "SAME", 4),  # ceil(7/2)
    ("conv2d", (1, 2), 4),  # floor((7 + 1 + 2 - 2 - 1)/2) + 1
    ("max_pool2d", "VALID", 3),
    ("max_pool2d", "SAME", 4),
])
@pytest.mark.claim(CLAIM, "tf_valid", "tf_same", "tf_explicit")
def test_tensorflow_output_size_every_form(tf, op, padding, expected):
    """Each op and padding form once, whatever the property test draws: n = 7, f = 3, s = 2."""
    n, f, s = 7, 3, 2
    x = tf.zeros((1, n, n, 1))
    tf_pad = padding if isinstance(padding, str) else [[0, 0], list(padding), list(padding), [0, 0]]
    if op == "conv2d":
        expr = f"tf.nn.conv2d(tf.zeros((1, {n}, {n}, 1)), tf.zeros(({f}, {f}, 1, 1)), strides={s}, padding={tf_pad!r})"
        out = tf.nn.conv2d(x, tf.zeros((f, f, 1, 1)), strides=s, padding=tf_pad)
    else:
        expr = f"tf.nn.max_pool2d(tf.zeros((1, {n}, {n}, 1)), ksize={f}, strides={s}, padding={tf_pad!r})"
        out = tf.nn.max_pool2d(x, ksize=f, strides=s, padding=tf_pad)
    assert_equal(tuple(out.shape[1:3]), (expected, expected), expr=expr, name="out.shape[1:3]")
    assert_equal(tf_output_size(n, f, s, padding, 1), expected, expr=f"tf_output_size({n}, {f}, {s}, {padding!r})",
                 name="the formula")
