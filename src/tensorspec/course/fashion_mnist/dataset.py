"""Fashion-MNIST as a map-style ``torch.utils.data.Dataset``, shaped like torchvision's."""
from __future__ import annotations

import torch
from torch.utils.data import Dataset

from tensorspec.course.fashion_mnist import loading
from tensorspec.course.fashion_mnist.files import CLASSES


def to_unit_float(image: torch.Tensor) -> torch.Tensor:
    """uint8 [28,28] -> float32 [1,28,28] in [0,1]: what ToTensor gives, without a transform."""
    return image.unsqueeze(0).to(torch.float32).div(255)


class FashionMNIST(Dataset):
    """Fashion-MNIST as a map-style Dataset for ``torch.utils.data.DataLoader``.

    A sample is ``(image, label)``: without a ``transform`` the image is float32 [1,28,28] in [0,1]
    (what torchvision's ``ToTensor`` gives) and the label a Python ``int``.  A ``transform`` receives
    the raw uint8 [28,28] tensor (where torchvision hands a PIL image), so
    ``Compose([ToTensor(), Normalize(mean, std)])`` works as in torchvision; ``target_transform``
    receives the ``int`` label.  ``.data`` (uint8 [N,28,28]), ``.targets`` (int64 [N]) and
    ``.classes`` as in torchvision.  Transforms run per sample, as the sample is fetched.
    """

    classes = list(CLASSES)

    def __init__(self, root=None, train: bool = True, transform=None, target_transform=None,
                 download: bool = False, *, verify: bool = True):
        self.root = root
        self.train = train
        self.transform = transform
        self.target_transform = target_transform
        self.data, self.targets = loading.load("train" if train else "test", root, download, verify=verify)

    @classmethod
    def from_tensors(cls, data: torch.Tensor, targets: torch.Tensor, transform=None,
                     target_transform=None, train: bool = True) -> "FashionMNIST":
        """A dataset over given uint8 [N,28,28] images and int64 [N] labels (no files)."""
        if data.dtype != torch.uint8 or data.dim() != 3 or targets.dim() != 1 or len(data) != len(targets):
            raise ValueError(f"from_tensors needs uint8 [N,H,W] images and [N] labels, got "
                             f"{data.dtype} {tuple(data.shape)} and {tuple(targets.shape)}")
        self = cls.__new__(cls)
        self.root, self.train = None, train
        self.transform, self.target_transform = transform, target_transform
        self.data, self.targets = data, targets.to(torch.int64)
        return self

    def __len__(self) -> int:
        return len(self.data)

    def __getitem__(self, index: int):
        image, label = self.data[index], int(self.targets[index])
        image = to_unit_float(image) if self.transform is None else self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    @property
    def class_to_idx(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.classes)}

    def __repr__(self) -> str:
        split = "train" if self.train else "test"
        return (f"FashionMNIST(split={split!r}, samples={len(self)}, transform={self.transform!r}, "
                f"target_transform={self.target_transform!r})")
