"""Mutants of the exact truths of audit a2 (elementwise, reduce, concat, autograd, misc): each plants the
opposite of one condition the catalog now states, so that its claim must go red."""
from __future__ import annotations


import torch

from tensorspec.harness.mutation import mutant, wrap

