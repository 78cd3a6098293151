"""What the device tests share: the other device (meta everywhere, cuda on a GPU), the seed of the GPU
lesson, and the words of a mixed-device refusal per release."""
from __future__ import annotations

import pytest
import torch

from tensorspec.claims.context import differs
from tensorspec.testing.devices import CUDA

CPU = torch.device("cpu")
SEED = 35  # lesson 35 (the GPU lesson)
# Another device than the CPU: meta (no data, checks devices like CUDA does) everywhere, cuda on a GPU.
ELSEWHERE = [pytest.param("meta", id="meta"), CUDA]


def mixed_devices(device: str, expr: str = "") -> str:
    """What the refusal of ``expr`` to combine a CPU tensor with one on ``device`` says (a fragment of
    torch's message)."""
    if device == "meta" and (not differs("meta_same_device_wording") or expr.startswith("torch.where")):
        return "is not on the expected device"
    return "Expected all tensors to be on the same device"
