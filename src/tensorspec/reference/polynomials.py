"""Polynomials with drawn coefficients, for checking derivatives against exact ones.

``polynomials()`` draws the coefficients (highest degree first, NumPy's order), ``horner`` evaluates
them with tensor operations (what autograd differentiates), ``derivative`` gives the exact n-th
derivative with ``numpy.polyder`` (the independent reference).
"""
from __future__ import annotations

import numpy as np
import torch
from hypothesis import strategies as st


def polynomials(max_degree: int = 5, bound: float = 5.0) -> st.SearchStrategy[list[float]]:
    """Coefficients of a polynomial of degree 0..max_degree, highest first, each within ±bound."""
    coefficient = st.floats(-bound, bound, allow_nan=False, allow_infinity=False)
    return st.lists(coefficient, min_size=1, max_size=max_degree + 1)


def horner(coefficients: list[float], x: torch.Tensor) -> torch.Tensor:
    """p(x) element-wise, by Horner's rule; always connected to ``x`` (a constant gives 0 * x + c)."""
    y = x * 0 + coefficients[0]
    for c in coefficients[1:]:
        y = y * x + c
    return y


def derivative(coefficients: list[float], x: np.ndarray, order: int = 1) -> np.ndarray:
    """The exact ``order``-th derivative of the polynomial at ``x``."""
    return np.polyval(np.polyder(np.asarray(coefficients, dtype=np.float64), order), x)


def source(coefficients: list[float]) -> str:
    """The polynomial as a Python expression in ``x``, for reproducers."""
    return " + ".join(f"{c!r} * x**{len(coefficients) - 1 - i}" for i, c in enumerate(coefficients))
