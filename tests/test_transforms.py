"""tensorspec.course.transforms: torchvision's ToTensor / Normalize / Compose semantics, errors included."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.course import transforms as T


@pytest.mark.parametrize("kind", ["ndarray", "tensor"])
def test_to_tensor_layouts_and_scaling(kind: str):
    hw = np.arange(6, dtype=np.uint8).reshape(2, 3)
    hwc = np.arange(12, dtype=np.uint8).reshape(2, 3, 2)
    wrap = (lambda a: a) if kind == "ndarray" else torch.from_numpy
    out = T.ToTensor()(wrap(hw))
    assert (out.dtype, tuple(out.shape)) == (torch.float32, (1, 2, 3))
    np.testing.assert_allclose(out.numpy()[0], hw / 255, rtol=1e-6)
    out = T.ToTensor()(wrap(hwc))
    assert tuple(out.shape) == (2, 2, 3) and out.is_contiguous()
    np.testing.assert_allclose(out.numpy(), hwc.transpose(2, 0, 1) / 255, rtol=1e-6)
    floats = T.ToTensor()(wrap(hw.astype(np.float64)))  # not uint8: transposed, not scaled
    assert floats.dtype == torch.float64 and float(floats.max()) == 5


def test_to_tensor_rejects_other_inputs():
    with pytest.raises(TypeError, match="pic should be an ndarray or a tensor"):
        T.ToTensor()([[1, 2]])
    with pytest.raises(ValueError, match="2 or 3 dimensional"):
        T.ToTensor()(np.zeros(3, np.uint8))


def test_normalize_errors_and_inplace():
    with pytest.raises(TypeError, match="should be a float tensor. Got torch.uint8"):
        T.Normalize(0.5, 0.5)(torch.zeros(1, 2, 2, dtype=torch.uint8))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        T.Normalize([0.5, 0.5], [1.0, 0.0])(torch.zeros(2, 2, 2))
    with pytest.raises(ValueError, match=r"\(\.\.\., C, H, W\)"):
        T.Normalize(0.5, 0.5)(torch.zeros(2, 2))
    x = torch.ones(1, 2, 2)
    assert T.Normalize(0.5, 0.25, inplace=True)(x) is x and float(x[0, 0, 0]) == 2.0


def test_compose_applies_in_order():
    c = T.Compose([lambda v: v + 1, lambda v: v * 10])
    assert c(1) == 20 and "Compose(" in repr(T.Compose([T.ToTensor(), T.Normalize(0.1, 0.2)]))
