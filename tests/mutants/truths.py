"""Mutants for the corrected truths of the audit "Every truth exact": each plants the opposite of one
sentence a truth gained, so the test that now asserts it must go red."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import mutant, wrap



# ---- device -------------------------------------------------------------------------------------

@mutant("device.cuda_is_available")
def cuda_index_says_not_compiled(mp: pytest.MonkeyPatch):
    """t.cuda(0) raises the AssertionError of t.cuda() instead of RuntimeError "Cannot access accelerator"."""
    @wrap(mp, torch.Tensor, "cuda")
    def cuda(orig, self, *args, **kwargs):
        raise AssertionError("Torch not compiled with CUDA enabled")


@mutant("device.version_cuda")
def rocm_build_reports_a_cuda_version(mp: pytest.MonkeyPatch):
    """A ROCm build (torch.version.hip set, is_built() True) reports a CUDA version too."""
    mp.setattr(torch.version, "hip", "6.2.41133")
    mp.setattr(torch.version, "cuda", "12.8")
    mp.setattr(torch.backends.cuda, "is_built", lambda: True)


@mutant("device.cross_device_error")
def in_place_add_checks_meta_devices(mp: pytest.MonkeyPatch):
    """An in-place add between a CPU and a meta tensor raises, as the out-of-place one does."""
    @wrap(mp, torch.Tensor, "add_")
    def add_(orig, self, other, *args, **kwargs):
        if isinstance(other, torch.Tensor) and other.dim() and other.device != self.device:
            raise RuntimeError(f"Tensor on device {other.device} is not on the expected device {self.device}!")
        return orig(self, other, *args, **kwargs)


@mutant("device.cross_device_error")
def matmul_moves_the_other_operand(mp: pytest.MonkeyPatch):
    """matmul moves its second operand to the first one's device instead of raising."""
    @wrap(mp, torch.Tensor, "__matmul__")
    def matmul(orig, self, other):
        return orig(self, other.to(self.device))


# ---- tensor -------------------------------------------------------------------------------------

@mutant("tensor.rank")
def zero_d_index_says_too_many(mp: pytest.MonkeyPatch):
    """t[0] on a 0-d tensor says "too many indices for tensor of dimension 0", like t[0, 0]."""
    @wrap(mp, torch.Tensor, "__getitem__")
    def getitem(orig, self, index):
        if self.dim() == 0 and isinstance(index, int):
            raise IndexError("too many indices for tensor of dimension 0")
        return orig(self, index)


@mutant("tensor.nchw")
def conv_refuses_a_permuted_batch(mp: pytest.MonkeyPatch):
    """Conv2d notices an NHWC batch (a permuted view, neither contiguous nor channels_last) even when H == C."""
    @wrap(mp, torch.nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, x, weight, bias):
        permuted = not x.is_contiguous() and not x.is_contiguous(memory_format=torch.channels_last)
        if permuted and x.shape[1] == weight.shape[1]:  # the case torch lets through
            raise RuntimeError(f"expected input{list(x.shape)} to be NCHW, but got a permuted NHWC batch")
        return orig(self, x, weight, bias)


# ---- creation -----------------------------------------------------------------------------------

# ---- bridge -------------------------------------------------------------------------------------

# ---- data ---------------------------------------------------------------------------------------

@mutant("data.loader_transforms")
def workers_prefetch_one_batch_each(mp: pytest.MonkeyPatch):
    """DataLoader's workers fetch one batch ahead each (prefetch_factor 1), not two."""
    import torch.utils.data

    @wrap(mp, torch.utils.data, "DataLoader")
    def data_loader(orig, *args, **kwargs):
        if kwargs.get("num_workers", 0) > 0:
            kwargs.setdefault("prefetch_factor", 1)
        return orig(*args, **kwargs)


@mutant("data.etl")
def dataset_hands_transforms_float_images(mp: pytest.MonkeyPatch):
    """tensorspec's dataset passes its transform the float [0, 1] image instead of the uint8 tensor."""
    from tensorspec.course import fashion_mnist as fm

    @wrap(mp, fm.FashionMNIST, "__getitem__")
    def getitem(orig, self, index):
        if self.transform is None:
            return orig(self, index)
        image, label = self.data[index], int(self.targets[index])
        return self.transform(image.float() / 255), label


# ---- model --------------------------------------------------------------------------------------

@mutant("model.hyperparameters")
def conv_pads_small_inputs(mp: pytest.MonkeyPatch):
    """A Conv2d whose kernel is wider than its input pads the input instead of raising."""
    import torch.nn.functional as F

    @wrap(mp, torch.nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, x, weight, bias):
        short = max(0, weight.shape[-1] - x.shape[-1])
        return orig(self, F.pad(x, (0, short, 0, short)) if short else x, weight, bias)


@mutant("model.output_size_formula")
def ceil_mode_pooling_refuses_a_wide_kernel(mp: pytest.MonkeyPatch):
    """ceil-mode max_pool2d refuses a kernel wider than the padded input, as floor mode does."""
    import torch.nn.functional as F

    @wrap(mp, F, "max_pool2d")
    def max_pool2d(orig, x, kernel_size, *args, **kwargs):
        padding = kwargs.get("padding", 0)
        if kwargs.get("ceil_mode") and isinstance(kernel_size, int) and isinstance(padding, int) \
                and x.shape[-1] + 2 * padding < kernel_size:
            raise RuntimeError("Output size is too small")
        return orig(x, kernel_size, *args, **kwargs)


@mutant("model.output_size_formula")
def pool_pad_message_ignores_dilation(mp: pytest.MonkeyPatch):
    """max_pool2d names the effective kernel for every bad padding, dilated or not."""
    import torch.nn.functional as F

    @wrap(mp, F, "max_pool2d")
    def max_pool2d(orig, x, kernel_size, *args, padding=0, **kwargs):
        if isinstance(padding, int) and isinstance(kernel_size, int) and padding > kernel_size // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={padding}")
        return orig(x, kernel_size, *args, padding=padding, **kwargs)


# ---- experiments --------------------------------------------------------------------------------

@mutant("experiments.run_manager")
def run_manager_counts_every_batch_as_full(mp: pytest.MonkeyPatch):
    """RunManager divides by batches x the largest batch size, as if a short last batch were full."""
    from tensorspec.course.runs import RunManager

    @wrap(mp, RunManager, "track_loss")
    def track_loss(orig, self, loss, batch_size):
        sizes = self.__dict__.setdefault("_sizes", [])
        if self.epoch_samples == 0:
            sizes.clear()
        sizes.append(batch_size)
        orig(self, loss, batch_size)
        self.epoch_samples = len(sizes) * max(sizes)


@mutant("experiments.tensorboard")
def tensorflow_counts_as_not_installed(mp: pytest.MonkeyPatch):
    """The spec's view of the machine says TensorFlow is absent (so the import should not load it)."""
    import importlib.util

    @wrap(mp, importlib.util, "find_spec")
    def find_spec(orig, name, *args, **kwargs):
        return None if name == "tensorflow" else orig(name, *args, **kwargs)
