"""Mutants for the corrected truths of the audit "Every truth exact": each plants the opposite of one
sentence a truth gained, so the test that now asserts it must go red."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import mutant, wrap


# ---- device -------------------------------------------------------------------------------------

# ---- tensor -------------------------------------------------------------------------------------

# ---- creation -----------------------------------------------------------------------------------

# ---- bridge -------------------------------------------------------------------------------------

# ---- data ---------------------------------------------------------------------------------------

# ---- model --------------------------------------------------------------------------------------

# ---- experiments --------------------------------------------------------------------------------

