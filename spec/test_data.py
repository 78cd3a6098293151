"""data: Fashion-MNIST, the ETL pipeline, Dataset samples, DataLoader batches, shuffling and
normalization (DL14-16, DL36); the loader's transforms and worker processes are in
``test_data_workers.py``.

Claims about the loader run on small synthetic datasets (``FashionMNIST.from_tensors`` with labels
0..N-1, so every sample is identifiable) and need no files; claims about the real data use the
``train_set`` / ``test_set`` fixtures (``needs_data``: skipped with the reason when the files cannot
be found).  The reference for the real files is an independent reader (:mod:`tensorspec.reference.idx`).
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from tensorspec.course import fashion_mnist as fm
from tensorspec.testing import strategies as S
from tensorspec.course import transforms as T
from tensorspec.reference import idx
from tensorspec.testing.assertions import (assert_dtype, assert_equal, assert_shape, assert_values, repro,
                                           source)
from tensorspec.testing.datasets import epoch_labels, indexed_dataset, loader, seeded
from tensorspec.testing.devices import on_devices

TRAIN_MEAN, TRAIN_STD = 0.2860, 0.3530  # the course's figures (4 decimals)
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]


# ---- data.fashion_mnist --------------------------------------------------------------------------

@pytest.mark.claim("data.fashion_mnist", "sizes_and_format")
@pytest.mark.needs_data
@pytest.mark.parametrize("split,n", [("train", 60_000), ("test", 10_000)])
def test_fashion_mnist_files(request, fashion_mnist_root: Path, split: str, n: int):
    """N grayscale 28x28 uint8 images and N int64 labels, equal to the files' content."""
    ds = request.getfixturevalue(f"{split}_set")
    ref_images, ref_labels = idx.split(fashion_mnist_root, split)
    with repro(f"from tensorspec.course.fashion_mnist import FashionMNIST\nds = FashionMNIST(train={split == 'train'})"):
        assert_equal(len(ds), n, expr=f"FashionMNIST(train={split == 'train'})", name="len(ds)")
        assert_shape(ds.data, (n, 28, 28), expr="one 28x28 channel: grayscale", name="ds.data.shape")
        assert_dtype(ds.data, torch.uint8, expr="ds.data", name="ds.data.dtype")
        assert_dtype(ds.targets, torch.int64, expr="ds.targets", name="ds.targets.dtype")
        assert np.array_equal(ds.data.numpy(), ref_images), f"{split} images differ from the file's content"
        assert np.array_equal(ds.targets.numpy(), ref_labels), f"{split} labels differ from the file's content"


@pytest.mark.claim("data.fashion_mnist", "balanced_classes")
@pytest.mark.needs_data
@pytest.mark.parametrize("split,n", [("train", 60_000), ("test", 10_000)])
def test_fashion_mnist_classes_are_balanced(request, split: str, n: int, claim_fact):
    """Labels 0..9, N/10 of each."""
    ds = request.getfixturevalue(f"{split}_set")
    per_class = torch.bincount(ds.targets, minlength=10).tolist()
    assert_equal(per_class, [n // 10] * 10, expr=f"torch.bincount({split}_set.targets)", name="images per class")
    claim_fact(f"{split} images per class", n // 10)


@pytest.mark.claim("data.fashion_mnist", "class_names")
def test_fashion_mnist_class_names():
    """The ten class names, by label."""
    assert_equal(list(fm.FashionMNIST.classes), CLASS_NAMES, expr="by label 0..9", name="FashionMNIST.classes")


# ---- data.etl ------------------------------------------------------------------------------------

def assert_unit_image(image, raw: np.ndarray, *, expr: str) -> None:
    """``image`` is float32 [1,28,28] equal to raw / 255 (what ToTensor gives)."""
    __tracebackhide__ = True
    assert_equal(type(image), torch.Tensor, expr=expr, name="type")
    assert_dtype(image, torch.float32, expr=expr, name="image.dtype")
    assert_shape(image, (1, 28, 28), expr=expr, name="image.shape")
    assert_values(image, (raw.astype(np.float64) / 255)[None], expr=expr)
    assert 0 <= float(image.min()) and float(image.max()) <= 1, f"{expr} leaves [0, 1]"


@pytest.mark.parametrize("with_compose", [
    pytest.param(False, id="no-transform", marks=pytest.mark.claim("data.etl", "default_transform", "label_is_int")),
    pytest.param(True, id="Compose-ToTensor",
                 marks=pytest.mark.claim("data.etl", "to_tensor", "transform_receives_uint8", "label_is_int")),
])
@given(index=st.integers(0, 9))
def test_transform_gives_unit_float_tensors(index: int, with_compose: bool):
    """Extract + transform: a sample's image is float32 [1,28,28] = pixels / 255, with tensorspec's
    default (no transform: ToTensor) and with the course's Compose([ToTensor()]), which receives the
    uint8 [28,28] tensor (torchvision would pass a PIL image); the label is an int."""
    received = []
    transform = T.Compose([lambda x: received.append(x) or x, T.ToTensor()]) if with_compose else None
    ds = indexed_dataset(10, transform=transform)
    with repro(f"ds = FashionMNIST(..., transform={transform!r}); ds[{index}]"):
        image, label = ds[index]
        assert_unit_image(image, ds.data[index].numpy(), expr=f"ds[{index}][0]")
        assert_equal(type(label), int, expr=f"ds[{index}][1]", name="type(label)")
        if with_compose:
            given_image = received[-1]
            assert_equal((type(given_image), given_image.dtype, tuple(given_image.shape)),
                         (torch.Tensor, torch.uint8, (28, 28)), expr="transform(image) inside ds[i]",
                         name="what the transform receives")


@pytest.mark.claim("data.etl", "extract", "load_in_batches")
@pytest.mark.needs_data
def test_etl_on_fashion_mnist(fashion_mnist_root: Path):
    """The course's pipeline: FashionMNIST(transform=Compose([ToTensor()])) then DataLoader(batch_size=1000,
    shuffle=True): 60 batches of float32 [1000,1,28,28] in [0,1] and int64 [1000] labels."""
    ds = fm.FashionMNIST(fashion_mnist_root, train=True, transform=T.Compose([T.ToTensor()]))
    ref_images, _ = idx.split(fashion_mnist_root, "train")
    with repro("train_loader = DataLoader(FashionMNIST(transform=Compose([ToTensor()])), batch_size=1000, "
               "shuffle=True)"):
        for i in (0, 1, 59_999):
            assert_unit_image(ds[i][0], ref_images[i], expr=f"train_set[{i}][0]")
        train_loader = loader(ds, batch_size=1000, shuffle=True, generator=seeded(0))
        assert_equal(len(train_loader), 60, expr="60000 samples / 1000", name="len(train_loader)")
        images, labels = next(iter(train_loader))
        assert_equal((images.dtype, tuple(images.shape)), (torch.float32, (1000, 1, 28, 28)), expr="first batch",
                     name="(images.dtype, images.shape)")
        assert_equal((labels.dtype, tuple(labels.shape)), (torch.int64, (1000,)), expr="first batch",
                     name="(labels.dtype, labels.shape)")
        assert 0 <= float(images.min()) and float(images.max()) <= 1, "batch leaves [0, 1]"


# ---- data.sample ---------------------------------------------------------------------------------

def assert_sample(sample, raw: np.ndarray, *, label: int, expr: str) -> None:
    __tracebackhide__ = True
    assert_equal(type(sample), tuple, expr=expr, name="type(sample)")
    image, lab = sample
    assert_unit_image(image, raw, expr=f"{expr}[0]")
    assert_equal(type(lab), int, expr=f"{expr}[1]", name="type(label)")
    assert_equal(lab, label, expr=f"{expr}[1]", name="label")
    assert_shape(image.squeeze(), (28, 28), expr=f"{expr}[0].squeeze()", name="image.squeeze().shape")


@pytest.mark.claim("data.sample", "image_and_int_label", "squeeze", "sequence_protocol")
@given(n=st.integers(0, 12))
@example(n=0)
@example(n=1)
def test_iterating_a_dataset_gives_samples(n: int):
    """``iter(ds)`` yields (image, int label) samples for indices 0, 1, ... and stops after len(ds)
    (the sequence protocol: Dataset defines no __iter__, __getitem__(len) raises IndexError)."""
    ds = indexed_dataset(n)
    assert_equal([hasattr(c, "__iter__") for c in (torch.utils.data.Dataset, fm.FashionMNIST)], [False, False],
                 expr="Dataset, FashionMNIST", name="__iter__ defined")
    with repro(f"ds = FashionMNIST.from_tensors(...{n} images...); list(iter(ds))"):
        samples = list(iter(ds))
        assert_equal(len(samples), n, expr="iteration stops at len(ds)", name="len(list(iter(ds)))")
        for i, sample in enumerate(samples):
            assert_sample(sample, ds.data[i].numpy(), label=i, expr=f"list(iter(ds))[{i}]")
        if n:
            assert_sample(next(iter(ds)), ds.data[0].numpy(), label=0, expr="next(iter(ds))")
        with pytest.raises(IndexError):  # what ends the iteration
            ds[n]


@pytest.mark.claim("data.sample", "image_and_int_label", "squeeze")
@pytest.mark.claim("data.fashion_mnist", "first_sample")
@pytest.mark.needs_data
def test_first_training_sample(train_set, fashion_mnist_root: Path, claim_fact):
    """``sample = next(iter(train_set)); image, label = sample``: the first training image, label 9
    (Ankle boot)."""
    ref_images, _ = idx.split(fashion_mnist_root, "train")
    with repro("image, label = next(iter(FashionMNIST(train=True)))"):
        sample = next(iter(train_set))
        assert_sample(sample, ref_images[0], label=9, expr="next(iter(train_set))")
        assert_equal(train_set.classes[sample[1]], "Ankle boot", expr="train_set.classes[label]", name="class name")
    claim_fact("first training label", f"{sample[1]} ({fm.CLASSES[sample[1]]})", claim="data.sample")


# ---- data.batch ----------------------------------------------------------------------------------

@pytest.mark.claim("data.batch", "images_and_labels", "ceil_batches", "drop_last")
@given(n=st.integers(0, 40), batch_size=st.integers(1, 12), drop_last=st.booleans(), shuffle=st.booleans())
@example(n=10, batch_size=3, drop_last=False, shuffle=False)
@example(n=10, batch_size=3, drop_last=True, shuffle=True)
def test_batches_shapes_and_count(n: int, batch_size: int, drop_last: bool, shuffle: bool):
    """ceil(N/B) batches (floor with drop_last); each (images [b,1,28,28], labels int64 [b]), b = B
    except a shorter last batch N - (ceil(N/B) - 1) * B."""
    ds = indexed_dataset(n)
    shuffle = shuffle and n > 0  # shuffling an empty dataset is an error (see data.shuffle)
    call = f"DataLoader(ds of {n}, batch_size={batch_size}, drop_last={drop_last}, shuffle={shuffle})"
    with repro(call):
        dl = loader(ds, batch_size=batch_size, drop_last=drop_last, shuffle=shuffle, generator=seeded(0))
        count = n // batch_size if drop_last else math.ceil(n / batch_size)
        sizes = [batch_size] * (n // batch_size) + ([] if drop_last or n % batch_size == 0 else [n % batch_size])
        assert_equal(len(dl), count, expr=call, name="len(loader)")
        batches = list(dl)
        assert_equal([len(b[1]) for b in batches], sizes, expr=call, name="batch sizes")
        for images, labels in batches:
            assert_shape(images, (len(labels), 1, 28, 28), expr=call, name="images.shape")
            assert_equal((images.dtype, labels.dtype), (torch.float32, torch.int64), expr=call,
                         name="(images.dtype, labels.dtype)")


@pytest.mark.claim("data.batch", "images_and_labels", "ceil_batches")
@pytest.mark.needs_data
def test_batches_of_fashion_mnist(train_set, test_set, fashion_mnist_root: Path):
    """``images, labels = next(iter(DataLoader(train_set, batch_size=10)))`` holds the first 10 samples;
    the 10,000 test samples in batches of 3000 make 4 batches, the last of 1000."""
    ref_images, ref_labels = idx.split(fashion_mnist_root, "train")
    with repro("images, labels = next(iter(DataLoader(FashionMNIST(), batch_size=10)))"):
        images, labels = next(iter(loader(train_set, batch_size=10)))
        assert_shape(images, (10, 1, 28, 28), expr="first batch of 10", name="images.shape")
        assert_values(images, ref_images[:10, None] / 255, expr="first batch of 10")
        assert_values(labels, ref_labels[:10].astype(np.int64), expr="first batch of 10", exact=True)
        dl = loader(test_set, batch_size=3000)
        assert_equal(len(dl), 4, expr="DataLoader(test_set, batch_size=3000)", name="len(loader)")
        assert_equal([len(y) for _, y in dl], [3000, 3000, 3000, 1000], expr="DataLoader(test_set, batch_size=3000)",
                     name="batch sizes")


# ---- data.shuffle --------------------------------------------------------------------------------

@pytest.mark.claim("data.shuffle", "every_sample_once")
@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_shuffle_keeps_every_sample(n: int, batch_size: int, seed: int):
    """With shuffle=True (and drop_last=False) every epoch delivers each sample exactly once."""
    call = f"DataLoader(ds of {n}, batch_size={batch_size}, shuffle=True, generator=seeded({seed}))"
    with repro(call):
        dl = loader(indexed_dataset(n), batch_size=batch_size, shuffle=True, generator=seeded(seed))
        for e in range(3):
            assert_equal(sorted(epoch_labels(dl)), list(range(n)), expr=call, name=f"sorted(epoch {e} labels)")


SHUFFLED = 50  # samples in the epoch-order tests


def epoch_orders(**kwargs) -> list[tuple[int, ...]]:
    """The delivery order of 5 epochs of DataLoader(50 samples, batch_size=8, shuffle=True, **kwargs)."""
    dl = loader(indexed_dataset(SHUFFLED), batch_size=8, shuffle=True, **kwargs)
    return [tuple(epoch_labels(dl)) for _ in range(5)]


@pytest.mark.claim("data.shuffle", "new_order_each_epoch")
def test_shuffle_draws_a_new_order_each_epoch():
    """Each epoch draws a fresh permutation: 5 epochs of 50 samples give 5 distinct non-identity orders."""
    with repro("dl = DataLoader(ds, batch_size=8, shuffle=True, generator=seeded(0)); [epoch_labels(dl) for _ in range(5)]"):
        first = epoch_orders(generator=seeded(0))
        assert_equal(len(set(first)), 5, expr="shuffle=True, seeded generator", name="distinct orders in 5 epochs")
        assert tuple(range(SHUFFLED)) not in first, "a shuffled epoch came in index order"


@pytest.mark.claim("data.shuffle", "seeded_generator")
def test_shuffle_order_follows_the_generator():
    """The same seeded generator gives the same sequence of epoch orders (and another seed another)."""
    with repro("DataLoader(ds, batch_size=8, shuffle=True, generator=seeded(s)) for s in (0, 0, 1)"):
        first = epoch_orders(generator=seeded(0))
        assert_equal(epoch_orders(generator=seeded(0)), first, expr="the same seed again", name="orders")
        assert epoch_orders(generator=seeded(1)) != first, "seeds 0 and 1 gave the same epoch orders"


@pytest.mark.claim("data.shuffle", "global_rng")
def test_shuffle_without_a_generator_follows_the_global_seed():
    """Without generator= the orders come from torch's global RNG: torch.manual_seed reproduces them."""
    with repro("torch.manual_seed(1); DataLoader(ds, batch_size=8, shuffle=True) (twice)"):
        torch.manual_seed(1)
        global_seeded = epoch_orders()
        torch.manual_seed(1)
        assert_equal(epoch_orders(), global_seeded, expr="no generator: torch.manual_seed(1) before each",
                     name="orders")


@pytest.mark.claim("data.shuffle", "no_shuffle_keeps_order")
def test_no_shuffle_keeps_index_order():
    dl = loader(indexed_dataset(SHUFFLED), batch_size=8)
    for e in range(2):
        assert_equal(epoch_labels(dl), list(range(SHUFFLED)), expr=f"shuffle=False, epoch {e}", name="order")


@pytest.mark.claim("data.shuffle", "empty_refused")
def test_shuffling_an_empty_dataset_is_an_error():
    with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
        loader(indexed_dataset(0), batch_size=8, shuffle=True)


@pytest.mark.claim("data.shuffle", "drop_last_changes_the_samples")
def test_drop_last_with_shuffle_changes_the_samples_delivered(claim_fact):
    """With drop_last=True the dropped remainder differs per epoch: 10 samples in batches of 3 deliver
    9 distinct samples per epoch, not the same 9 every epoch."""
    dl = loader(indexed_dataset(10), batch_size=3, shuffle=True, drop_last=True, generator=seeded(0))
    with repro("DataLoader(ds of 10, batch_size=3, shuffle=True, drop_last=True)"):
        delivered = [epoch_labels(dl) for _ in range(6)]
        for labels in delivered:
            assert_equal((len(labels), len(set(labels))), (9, 9), expr="drop_last=True", name="samples per epoch")
        sets = {frozenset(labels) for labels in delivered}
        assert len(sets) > 1, f"every epoch delivered the same samples {sorted(sets.pop())}"
    claim_fact("distinct sample sets in 6 epochs (N=10, B=3, drop_last)", len(sets))


# ---- data.normalize ------------------------------------------------------------------------------

@st.composite
def images_and_stats(draw):
    """A float image tensor [C,H,W] or [B,C,H,W] as NumPy, with a mean and a nonzero std per channel
    (lists) or one for all (floats)."""
    channels = draw(st.integers(1, 3), label="channels")
    lead = draw(st.sampled_from([(), (0,), (1,), (2,)]), label="batch dims")
    hw = draw(st.tuples(st.integers(1, 4), st.integers(1, 4)), label="H, W")
    dtype = draw(st.sampled_from([np.float32, np.float64]), label="dtype")
    x = draw(S.arrays(dtype, lead + (channels,) + hw, special=False, bound=10), label="x")
    per_channel = draw(st.booleans(), label="per-channel")
    n = channels if per_channel else 1
    mean = draw(st.lists(st.floats(-2, 2), min_size=n, max_size=n), label="mean")
    std = draw(st.lists(st.floats(0.05, 3), min_size=n, max_size=n), label="std")
    return x, (mean if per_channel else mean[0]), (std if per_channel else std[0])


@pytest.mark.claim("data.normalize", "per_channel")
@on_devices
@given(case=images_and_stats())
@example(case=(np.arange(8, dtype=np.float32).reshape(2, 2, 2), [1.0, -1.0], [2.0, 0.5]))
@example(case=(np.arange(8, dtype=np.float64).reshape(2, 1, 2, 2), 0.5, 0.25))
def test_normalize_is_per_channel_standardization(device: str, case):
    """Normalize(mean, std)(x) = (x - mean[c]) / std[c] per channel (scalars for all channels), as a
    new tensor of x's dtype on x's device; x is left unchanged."""
    x, mean, std = case
    with repro(f"x = torch.from_numpy({source(x)}); T.Normalize({mean}, {std})(x)"):
        m = np.asarray(mean, np.float64).reshape(-1, 1, 1)
        s = np.asarray(std, np.float64).reshape(-1, 1, 1)
        expected = ((x.astype(np.float64) - m) / s).astype(x.dtype)
        t = torch.from_numpy(x.copy()).to(device)
        out = T.Normalize(mean, std)(t)
        assert_equal((out.dtype, out.device), (t.dtype, t.device), expr="Normalize(...)(x)",
                     name="(out.dtype, out.device)")
        assert_values(out, expected, expr=f"Normalize({mean}, {std})(x)")
        assert_values(t, x, expr="x after Normalize(...)(x)", exact=True)


@pytest.mark.claim("data.normalize", "own_statistics")
@given(n_images=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_normalizing_by_the_data_own_statistics(n_images: int, seed: int):
    """With the data's own mean and POPULATION std (ddof=0, what ``mean_std`` returns) the result has
    mean 0 and population std 1; its sample std (ddof=1, torch.std's default) is sqrt(N/(N-1))."""
    images = np.random.default_rng(seed).integers(0, 256, (n_images, 28, 28), dtype=np.uint8)
    x = images.astype(np.float64) / 255
    with repro(f"images = np.random.default_rng({seed}).integers(0, 256, ({n_images}, 28, 28), dtype=np.uint8)"):
        mean, std = fm.pixel_mean_std(torch.from_numpy(images))
        assert_values([mean, std], [x.mean(), x.std(ddof=0)], expr="pixel_mean_std(images) vs NumPy mean, std(ddof=0)",
                      rtol=1e-12, atol=0)
        assert_values(fm.pixel_mean_std(torch.from_numpy(images), correction=1)[1], x.std(ddof=1),
                      expr="pixel_mean_std(images, correction=1) vs std(ddof=1)", rtol=1e-12, atol=0)
        out = T.Normalize(mean, std)(torch.from_numpy(x)[:, None])
        n = out.numel()
        assert_values([float(out.mean()), float(((out - out.mean()) ** 2).mean().sqrt()), float(out.std())],
                      [0.0, 1.0, math.sqrt(n / (n - 1))], expr="mean, population std, sample std after Normalize",
                      rtol=1e-7, atol=1e-9)


def stats(values: np.ndarray, counts: np.ndarray) -> tuple[float, float]:
    """Mean and population std of data holding ``counts[k]`` pixels of value ``values[k]``."""
    mu = float((counts * values).sum() / counts.sum())
    return mu, math.sqrt(float((counts * (values - mu) ** 2).sum() / counts.sum()))


@pytest.mark.claim("data.normalize", "training_figures", "population_std")
@pytest.mark.needs_data
def test_fashion_mnist_mean_and_std(fashion_mnist_root: Path, claim_fact):
    """mean_std() is the training pixels' mean 0.286041 and POPULATION std 0.353024 (round: 0.2860,
    0.3530); the sample std (N-1) is 0.3530242483, the population std 0.3530242445."""
    counts = idx.pixel_counts(idx.split(fashion_mnist_root, "train")[0])
    ref_mean, ref_std = stats(np.arange(256) / 255, counts)
    with repro("mean, std = mean_std('train')"):
        mean, std = fm.mean_std("train", fashion_mnist_root)
        assert_values([mean, std], [ref_mean, ref_std], expr="mean_std('train')", rtol=1e-12, atol=0)
        assert_equal((round(mean, 6), round(std, 6)), (0.286041, 0.353024), expr="mean_std()",
                     name="(mean, std) to 6 places")
        assert_equal((round(mean, 4), round(std, 4)), (TRAIN_MEAN, TRAIN_STD), expr="mean_std()",
                     name="(mean, std) to 4 places")
        sample_std = fm.mean_std("train", fashion_mnist_root, correction=1)[1]
        assert_equal((f"{sample_std:.10f}", f"{std:.10f}"), ("0.3530242483", "0.3530242445"),
                     expr="mean_std(correction=1), mean_std()", name="sample std, population std")
    claim_fact("train mean, std (population)", f"{mean:.6f}, {std:.6f}")
    claim_fact("train sample std (N-1)", f"{sample_std:.10f} (population {std:.10f}, N={int(counts.sum())})")


@pytest.mark.claim("data.normalize", "training_set_mean_0_std_1", "test_set", "range")
@pytest.mark.needs_data
def test_fashion_mnist_normalized_statistics(fashion_mnist_root: Path, claim_fact):
    """ToTensor + Normalize by mean_std() (float32, per sample) gives the 47 million training pixels
    mean 0 and std 1 within 1e-6, the test pixels mean 0.0023 and std 0.9984, values in
    [-0.8103, 2.0224].

    Normalize is elementwise, so the normalized data's statistics follow exactly from the pixel
    histogram and the normalized value of each of the 256 levels."""
    train_counts = idx.pixel_counts(idx.split(fashion_mnist_root, "train")[0])
    test_counts = idx.pixel_counts(fm.FashionMNIST(fashion_mnist_root, train=False).data.numpy())
    with repro("mean, std = mean_std('train'); Compose([ToTensor(), Normalize(mean, std)])"):
        pipeline = T.Compose([T.ToTensor(), T.Normalize(*fm.mean_std("train", fashion_mnist_root))])
        normalized = pipeline(torch.arange(256, dtype=torch.uint8).reshape(16, 16)).double().numpy().ravel()
        nmean, nstd = stats(normalized, train_counts)
        assert abs(nmean) < 1e-6 and abs(nstd - 1) < 1e-6, f"normalized train set: mean {nmean}, std {nstd}"
        ds = fm.FashionMNIST(fashion_mnist_root, transform=pipeline)
        assert_values(ds[0][0], normalized[ds.data[0].numpy()][None], expr="train_set[0] normalized")
        tmean, tstd = stats(normalized, test_counts)
        assert_equal((round(tmean, 4), round(tstd, 4)), (0.0023, 0.9984), expr="not exactly 0 and 1: other data",
                     name="test set normalized by the train figures: mean, std")
        assert_equal((round(normalized.min(), 4), round(normalized.max(), 4)), (-0.8103, 2.0224),
                     expr="pixels 0 and 255 normalized", name="normalized range")
    claim_fact("normalized train mean, std", f"{nmean:.2e}, {nstd:.8f}")
    claim_fact("normalized range", f"[{normalized.min():.4f}, {normalized.max():.4f}]")
    claim_fact("test set normalized by train stats: mean, std", f"{tmean:.4f}, {tstd:.4f}")
