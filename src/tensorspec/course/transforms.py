"""Per-sample transforms with torchvision's semantics (ToTensor, Normalize, Compose), no torchvision.

* ``ToTensor()``: an image H×W or H×W×C (ndarray or tensor; the stand-in for a PIL image) ->
  a tensor C×H×W; uint8 input becomes float32 scaled to [0, 1] (divided by 255), any other dtype is
  only transposed, as torchvision does for ndarrays.
* ``Normalize(mean, std)``: per channel ``(x - mean[c]) / std[c]`` on a float tensor [..., C, H, W];
  a scalar or one value per channel; a new tensor unless ``inplace=True``.
* ``Compose([t1, t2, ...])``: applies them in order.
"""
from __future__ import annotations

from typing import Callable, Iterable, Sequence

import numpy as np
import torch


class ToTensor:
    """H×W[×C] image (uint8 -> float32 in [0, 1]) to a C×H×W tensor."""

    def __call__(self, pic) -> torch.Tensor:
        if isinstance(pic, np.ndarray):
            img = torch.from_numpy(np.ascontiguousarray(pic))
        elif isinstance(pic, torch.Tensor):
            img = pic
        else:
            raise TypeError(f"pic should be an ndarray or a tensor (H×W or H×W×C); got {type(pic).__name__}")
        if img.dim() not in (2, 3):
            raise ValueError(f"pic should be 2 or 3 dimensional (H×W or H×W×C); got {img.dim()} dimensions")
        if img.dim() == 2:
            img = img.unsqueeze(-1)
        img = img.permute(2, 0, 1).contiguous()
        if img.dtype == torch.uint8:
            return img.to(torch.get_default_dtype()).div(255)
        return img

    def __repr__(self) -> str:
        return "ToTensor()"


class Normalize:
    """``(x - mean) / std`` per channel of a float tensor [..., C, H, W]."""

    def __init__(self, mean: float | Sequence[float], std: float | Sequence[float], inplace: bool = False):
        self.mean, self.std, self.inplace = mean, std, inplace

    def __call__(self, tensor: torch.Tensor) -> torch.Tensor:
        if not isinstance(tensor, torch.Tensor):
            raise TypeError(f"Input should be a tensor. Got {type(tensor).__name__}.")
        if not tensor.is_floating_point():
            raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
        if tensor.dim() < 3:
            raise ValueError(f"Expected tensor to be a tensor image of size (..., C, H, W). "
                             f"Got tensor.size() = {tuple(tensor.shape)}")
        mean = torch.as_tensor(self.mean, dtype=tensor.dtype, device=tensor.device)
        std = torch.as_tensor(self.std, dtype=tensor.dtype, device=tensor.device)
        if (std == 0).any():
            raise ValueError(f"std evaluated to zero after conversion to {tensor.dtype}, leading to division by zero.")
        if mean.dim() == 1:
            mean = mean.view(-1, 1, 1)
        if std.dim() == 1:
            std = std.view(-1, 1, 1)
        out = tensor if self.inplace else tensor.clone()
        return out.sub_(mean).div_(std)

    def __repr__(self) -> str:
        return f"Normalize(mean={self.mean}, std={self.std})"


class Compose:
    """Apply transforms in order."""

    def __init__(self, transforms: Iterable[Callable]):
        self.transforms = list(transforms)

    def __call__(self, x):
        for t in self.transforms:
            x = t(x)
        return x

    def __repr__(self) -> str:
        inner = "".join(f"\n    {t!r}" for t in self.transforms)
        return f"Compose({inner}\n)"
