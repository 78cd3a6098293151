"""Kernels a release may lack: a call that is expected to fail with "... not implemented for 'Half'"
in a release range the catalog names (``[[claim.differs]]``), and to work everywhere else."""
from __future__ import annotations

import torch

#: what the dispatcher calls a dtype in "not implemented for '<name>'"
KERNEL_NAMES = {torch.float16: "Half", torch.bfloat16: "BFloat16"}

MISSING = object()  # returned by ``call_unless_missing`` when the kernel is missing


def call_unless_missing(gap: bool, dtype: torch.dtype, call, *args, **kwargs):
    """``call(*args, **kwargs)``.  Where ``gap`` holds (the test's ``differs(name)`` and the operands'
    device and dtype), the release has no kernel for ``dtype``: the call must then either raise
    RuntimeError '"<kernel>" not implemented for '<dtype>'' (MISSING is returned), or -- on operands
    for which no kernel runs, such as empty ones -- give its result as usual."""
    if not gap:
        return call(*args, **kwargs)
    try:
        return call(*args, **kwargs)
    except RuntimeError as exc:
        name = KERNEL_NAMES.get(dtype, str(dtype))
        if f"not implemented for '{name}'" not in str(exc):
            raise
        return MISSING
