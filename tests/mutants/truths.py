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

@mutant("creation.factories")
def eye_takes_a_shape_tuple(mp: pytest.MonkeyPatch):
    """torch.eye((n, m)) is read as eye(n, m), like zeros((n, m))."""
    @wrap(mp, torch, "eye")
    def eye(orig, *args, **kwargs):
        if args and isinstance(args[0], tuple):
            args = (*args[0], *args[1:])
        return orig(*args, **kwargs)


@mutant("creation.tensor_infers_dtype")
def unsigned_dtypes_refuse_negative_ints(mp: pytest.MonkeyPatch):
    """torch.tensor([-1], dtype=torch.uint8) raises like 256 does, instead of wrapping to 255."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *args, dtype=None, **kwargs):
        if dtype in (torch.uint8, torch.uint16, torch.uint32) and isinstance(data, list) and \
                any(isinstance(v, int) and v < 0 for v in data):
            raise RuntimeError(f"value cannot be converted to type {str(dtype)[6:]} without overflow")
        return orig(data, *args, dtype=dtype, **kwargs)


@mutant("creation.tensor_infers_dtype")
def ndarray_with_dtype_is_range_checked(mp: pytest.MonkeyPatch):
    """torch.tensor(ndarray, dtype=uint8) refuses values out of range instead of wrapping like astype."""
    @wrap(mp, torch, "tensor")
    def tensor(orig, data, *args, dtype=None, **kwargs):
        if isinstance(data, np.ndarray) and dtype is not None and not dtype.is_floating_point and dtype != torch.bool \
                and data.size and data.dtype.kind in "iu":
            info = torch.iinfo(dtype)
            if data.min() < info.min or data.max() > info.max:
                raise RuntimeError(f"value cannot be converted to type {str(dtype)[6:]} without overflow")
        return orig(data, *args, dtype=dtype, **kwargs)


@mutant("creation.as_tensor_accepts")
def as_tensor_reads_numpy_scalars_as_python_ones(mp: pytest.MonkeyPatch):
    """as_tensor(np.int32(2)) is int64, as if the NumPy scalar were a Python int."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, data, *args, **kwargs):
        return orig(data.item() if isinstance(data, np.generic) else data, *args, **kwargs)


@mutant("creation.as_tensor_saves_memory")
def as_tensor_compacts_strided_arrays(mp: pytest.MonkeyPatch):
    """as_tensor of a strided array copies it into a compact buffer of a.nbytes."""
    @wrap(mp, torch, "as_tensor")
    def as_tensor(orig, data, *args, **kwargs):
        if isinstance(data, np.ndarray) and not (data.flags.c_contiguous or data.flags.f_contiguous):
            data = np.ascontiguousarray(data)
        return orig(data, *args, **kwargs)


@mutant("creation.legacy_types")
def long_tensor_casts_a_tensor(mp: pytest.MonkeyPatch):
    """LongTensor(<float tensor>) casts it to int64 instead of refusing it."""
    @wrap(mp, torch, "LongTensor")
    def long_tensor(orig, *args):
        if len(args) == 1 and isinstance(args[0], torch.Tensor):
            return args[0].to(torch.int64)
        return orig(*args)


# ---- bridge -------------------------------------------------------------------------------------

@mutant("bridge.numpy_shares")
def numpy_resolves_negative_views(mp: pytest.MonkeyPatch):
    """t.numpy() of a negative-bit view quietly resolves it (a copy) instead of raising."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *, force=False):
        return orig(self.resolve_neg() if self.is_neg() else self, force=force)


@mutant("bridge.numpy_shares")
def numpy_refuses_grad_even_without_grad_mode(mp: pytest.MonkeyPatch):
    """t.numpy() refuses a tensor requiring grad inside torch.no_grad() too."""
    @wrap(mp, torch.Tensor, "numpy")
    def numpy(orig, self, *, force=False):
        if self.requires_grad and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return orig(self, force=force)


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
