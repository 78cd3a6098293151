"""The output-size formula of convolution and pooling (lesson 25), as the libraries compute it.

The notes give ``O = (n - f + 2p) / s + 1`` (input size n, kernel f, padding p, stride s).  The
libraries round it, and generalize it to dilation d (effective kernel ``d*(f-1) + 1``):

* PyTorch ``nn.Conv2d`` and ``F.max_pool2d`` (default): ``floor((n + 2p - d*(f-1) - 1) / s) + 1``.
* ``F.max_pool2d(..., ceil_mode=True)``: the same with ``ceil``, then one less when the last window
  would start at or beyond ``n + p`` (it must start inside the input or the left padding).
* TensorFlow ``padding="VALID"``: ``ceil((n - d*(f-1)) / s)``, the same as PyTorch with p = 0;
  ``padding="SAME"``: ``ceil(n / s)``, whatever the kernel; explicit ``[before, after]`` padding:
  ``floor((n + before + after - d*(f-1) - 1) / s) + 1``.

These are plain-integer references for the spec (``spec/test_conv_output_size.py``), never computed
with the libraries they check.
"""
from __future__ import annotations

from fractions import Fraction


def notes_formula(n: int, f: int, p: int = 0, s: int = 1) -> Fraction:
    """The notes' formula, evaluated exactly (a fraction when s does not divide n - f + 2p)."""
    return Fraction(n - f + 2 * p, s) + 1


def effective_kernel(f: int, d: int = 1) -> int:
    """The span of a kernel of size f with dilation d."""
    return d * (f - 1) + 1


def _floor_div(a: int, b: int) -> int:
    return a // b


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def conv_output_size(n: int, f: int, p: int = 0, s: int = 1, d: int = 1) -> int:
    """PyTorch convolution (and default pooling): floor((n + 2p - d(f-1) - 1)/s) + 1."""
    return _floor_div(n + 2 * p - effective_kernel(f, d), s) + 1


def pool_output_size(n: int, f: int, p: int = 0, s: int | None = None, d: int = 1,
                     ceil_mode: bool = False) -> int:
    """PyTorch pooling; ``s`` defaults to the kernel size, as in ``F.max_pool2d``."""
    s = f if s is None else s
    if not ceil_mode:
        return conv_output_size(n, f, p, s, d)
    out = _ceil_div(n + 2 * p - effective_kernel(f, d), s) + 1
    if (out - 1) * s >= n + p:  # the last window would start in the right padding: dropped
        out -= 1
    return out


def tf_output_size(n: int, f: int, s: int = 1, padding: str | tuple[int, int] = "VALID", d: int = 1) -> int:
    """TensorFlow ``conv2d`` / ``max_pool2d`` along one axis: "VALID", "SAME" or (before, after)."""
    if padding == "SAME":
        return _ceil_div(n, s)
    if padding == "VALID":
        return _ceil_div(n - effective_kernel(f, d) + 1, s)
    before, after = padding
    return _floor_div(n + before + after - effective_kernel(f, d), s) + 1


def tf_same_padding(n: int, f: int, s: int = 1, d: int = 1) -> tuple[int, int]:
    """The (before, after) padding TensorFlow adds for "SAME": the total that makes ``ceil(n/s)``
    windows fit, with the odd element after."""
    total = max((_ceil_div(n, s) - 1) * s + effective_kernel(f, d) - n, 0)
    return total // 2, total - total // 2
