"""Mutants of the truths corrected after the last independent audit samples (creation, device, misc,
elementwise, model): each plants the opposite of one condition the catalog now states, so that its
claim must go red."""
from __future__ import annotations

import torch

from tensorspec.harness.mutation import mutant, wrap


