"""Planted changes in ONE spelling of an operation: the operator (``Tensor.__add__``, ``__iadd__``,
``__rsub__``...), the method (``Tensor.add``, ``Tensor.sum``, ``Tensor.view``...) or the function
(``torch.sum``, ``torch.reshape``...), the other spellings left as they are.  Each must turn its
claim red, which shows that the spec checks that spelling on its own.

Reductions and shape changes have no operator spelling in torch: their mutants are methods and
functions.
"""
from __future__ import annotations

import torch

from tensorspec.harness.mutation import mutant, wrap


def _reversed_axes(t: torch.Tensor) -> torch.Tensor:
    return t.permute(*reversed(range(t.dim())))


# ---- elementwise ---------------------------------------------------------------------------------

# ---- broadcasting --------------------------------------------------------------------------------

# ---- reduce --------------------------------------------------------------------------------------

# ---- reshape -------------------------------------------------------------------------------------


#: the list the current runner (tests/test_mutations.py) reads; the registry is the source
