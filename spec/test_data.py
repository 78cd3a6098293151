"""data: Fashion-MNIST, the ETL pipeline, Dataset samples, DataLoader batches, shuffling,
normalization and worker processes (DL14-16, DL34, DL36, DL37).

Claims about the loader run on small synthetic datasets (``FashionMNIST.from_tensors`` with labels
0..N-1, so every sample is identifiable) and need no files; claims about the real data use the
``train_set`` / ``test_set`` fixtures (``needs_data``: skipped with the reason when the files cannot
be found).  The reference for the real files is an independent reader (``gzip`` + ``struct``).
"""
from __future__ import annotations

import functools
import gzip
import itertools
import math
import os
import struct
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st

from tensorspec.course import fashion_mnist as fm
from tensorspec.testing import strategies as S
from tensorspec.course import transforms as T
from tensorspec.testing.assertions import (assert_dtype, assert_equal, assert_shape, assert_values, repro,
                                           source)
from tensorspec.testing.devices import on_devices

TRAIN_MEAN, TRAIN_STD = 0.2860, 0.3530  # the course's figures (4 decimals)


# ---- helpers -------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def reference_idx(path: Path) -> np.ndarray:
    """An IDX file decoded independently of tensorspec (gzip module, struct-parsed header)."""
    raw = gzip.decompress(path.read_bytes())
    zero, dtype, ndim = struct.unpack(">HBB", raw[:4])
    assert (zero, dtype) == (0, 8), f"{path}: not an unsigned-byte IDX file"
    shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    return np.frombuffer(bytearray(raw), np.uint8, offset=4 + 4 * ndim).reshape(shape)  # writable


def reference_split(root: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    images, labels = (reference_idx(root / name) for name in fm.FILES[split])
    return images, labels


def pixel_counts(images: np.ndarray) -> np.ndarray:
    """How many pixels have each value 0..255 (torch.bincount: NumPy's takes seconds on uint8)."""
    return torch.bincount(torch.from_numpy(images).reshape(-1), minlength=256).numpy()


def indexed_dataset(n: int, transform=None, target_transform=None, seed: int = 0) -> fm.FashionMNIST:
    """N random 28x28 images whose label is their index 0..N-1 (so samples are identifiable)."""
    g = torch.Generator().manual_seed(seed)
    images = torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=g)
    images[:, 0, 0] = torch.arange(n) % 256  # the top-left pixel names the sample, for transforms
    return fm.FashionMNIST.from_tensors(images, torch.arange(n), transform, target_transform)


def loader(dataset, **kwargs) -> torch.utils.data.DataLoader:
    return torch.utils.data.DataLoader(dataset, **kwargs)  # looked up at call time (mutants patch it)


def epoch_labels(dl) -> list[int]:
    """The labels of one epoch, in delivery order."""
    return [int(y) for _, labels in dl for y in labels]


def seeded(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# ---- data.fashion_mnist --------------------------------------------------------------------------

@pytest.mark.claim("data.fashion_mnist")
@pytest.mark.needs_data
@pytest.mark.parametrize("split,n", [("train", 60_000), ("test", 10_000)])
def test_fashion_mnist_composition(request, fashion_mnist_root: Path, split: str, n: int, claim_fact):
    """N grayscale 28x28 uint8 images, N labels in 0..9 with N/10 of each, equal to the files' content."""
    ds = request.getfixturevalue(f"{split}_set")
    ref_images, ref_labels = reference_split(fashion_mnist_root, split)
    with repro(f"from tensorspec.course.fashion_mnist import FashionMNIST\nds = FashionMNIST(train={split == 'train'})"):
        assert_equal("len(ds)", len(ds), n, expr=f"FashionMNIST(train={split == 'train'})")
        assert_shape(ds.data, (n, 28, 28), expr="one 28x28 channel: grayscale", name="ds.data.shape")
        assert_dtype(ds.data, torch.uint8, expr="ds.data", name="ds.data.dtype")
        assert_dtype(ds.targets, torch.int64, expr="ds.targets", name="ds.targets.dtype")
        assert np.array_equal(ds.data.numpy(), ref_images), f"{split} images differ from the file's content"
        assert np.array_equal(ds.targets.numpy(), ref_labels), f"{split} labels differ from the file's content"
        per_class = np.bincount(ref_labels, minlength=10).tolist()
        assert_equal("images per class", per_class, [n // 10] * 10, expr=f"np.bincount({split} labels)")
        assert_equal("ds.classes", list(ds.classes), list(fm.CLASSES), expr="ds.classes")
    claim_fact(f"{split} images per class", n // 10)


# ---- data.etl ------------------------------------------------------------------------------------

def assert_unit_image(image, raw: np.ndarray, expr: str) -> None:
    """``image`` is float32 [1,28,28] equal to raw / 255 (what ToTensor gives)."""
    __tracebackhide__ = True
    assert_equal("type", type(image), torch.Tensor, expr=expr)
    assert_dtype(image, torch.float32, expr=expr, name="image.dtype")
    assert_shape(image, (1, 28, 28), expr=expr, name="image.shape")
    assert_values(image, (raw.astype(np.float64) / 255)[None], expr)
    assert 0 <= float(image.min()) and float(image.max()) <= 1, f"{expr} leaves [0, 1]"


@pytest.mark.claim("data.etl")
@given(index=st.integers(0, 9), with_compose=st.booleans())
def test_transform_gives_unit_float_tensors(index: int, with_compose: bool):
    """Extract + transform: a sample's image is float32 [1,28,28] = pixels / 255, with tensorspec's
    default (no transform: ToTensor) and with the course's Compose([ToTensor()]), which receives the
    uint8 [28,28] tensor (torchvision would pass a PIL image)."""
    received = []
    transform = T.Compose([lambda x: received.append(x) or x, T.ToTensor()]) if with_compose else None
    ds = indexed_dataset(10, transform=transform)
    with repro(f"ds = FashionMNIST(..., transform={transform!r}); ds[{index}]"):
        image, label = ds[index]
        assert_unit_image(image, ds.data[index].numpy(), f"ds[{index}][0]")
        assert_equal("type(label)", type(label), int, expr=f"ds[{index}][1]")
        if with_compose:
            given_image = received[-1]
            assert_equal("what the transform receives", (type(given_image), given_image.dtype, tuple(given_image.shape)),
                         (torch.Tensor, torch.uint8, (28, 28)), expr="transform(image) inside ds[i]")


@pytest.mark.claim("data.etl")
@pytest.mark.needs_data
def test_etl_on_fashion_mnist(fashion_mnist_root: Path):
    """The course's pipeline: FashionMNIST(transform=Compose([ToTensor()])) then DataLoader(batch_size=1000,
    shuffle=True): 60 batches of float32 [1000,1,28,28] in [0,1] and int64 [1000] labels."""
    ds = fm.FashionMNIST(fashion_mnist_root, train=True, transform=T.Compose([T.ToTensor()]))
    ref_images, _ = reference_split(fashion_mnist_root, "train")
    with repro("train_loader = DataLoader(FashionMNIST(transform=Compose([ToTensor()])), batch_size=1000, "
               "shuffle=True)"):
        for i in (0, 1, 59_999):
            assert_unit_image(ds[i][0], ref_images[i], f"train_set[{i}][0]")
        train_loader = loader(ds, batch_size=1000, shuffle=True, generator=seeded(0))
        assert_equal("len(train_loader)", len(train_loader), 60, expr="60000 samples / 1000")
        images, labels = next(iter(train_loader))
        assert_equal("(images.dtype, images.shape)", (images.dtype, tuple(images.shape)),
                     (torch.float32, (1000, 1, 28, 28)), expr="first batch")
        assert_equal("(labels.dtype, labels.shape)", (labels.dtype, tuple(labels.shape)),
                     (torch.int64, (1000,)), expr="first batch")
        assert 0 <= float(images.min()) and float(images.max()) <= 1, "batch leaves [0, 1]"


# ---- data.sample ---------------------------------------------------------------------------------

def assert_sample(sample, raw: np.ndarray, label: int, expr: str) -> None:
    __tracebackhide__ = True
    assert_equal("type(sample)", type(sample), tuple, expr=expr)
    image, lab = sample
    assert_unit_image(image, raw, f"{expr}[0]")
    assert_equal("type(label)", type(lab), int, expr=f"{expr}[1]")
    assert_equal("label", lab, label, expr=f"{expr}[1]")
    assert_shape(image.squeeze(), (28, 28), expr=f"{expr}[0].squeeze()", name="image.squeeze().shape")


@pytest.mark.claim("data.sample")
@given(n=st.integers(0, 12))
def test_iterating_a_dataset_gives_samples(n: int):
    """``iter(ds)`` yields (image, int label) samples for indices 0, 1, ... and stops after len(ds)
    (the sequence protocol: Dataset defines no __iter__, __getitem__(len) raises IndexError)."""
    ds = indexed_dataset(n)
    with repro(f"ds = FashionMNIST.from_tensors(...{n} images...); list(iter(ds))"):
        samples = list(iter(ds))
        assert_equal("len(list(iter(ds)))", len(samples), n, expr="iteration stops at len(ds)")
        for i, sample in enumerate(samples):
            assert_sample(sample, ds.data[i].numpy(), i, f"list(iter(ds))[{i}]")
        if n:
            assert_sample(next(iter(ds)), ds.data[0].numpy(), 0, "next(iter(ds))")
        with pytest.raises(IndexError):  # what ends the iteration
            ds[n]


@pytest.mark.claim("data.sample")
@pytest.mark.needs_data
def test_first_training_sample(train_set, fashion_mnist_root: Path, claim_fact):
    """``sample = next(iter(train_set)); image, label = sample``: the first training image, label 9."""
    ref_images, ref_labels = reference_split(fashion_mnist_root, "train")
    with repro("image, label = next(iter(FashionMNIST(train=True)))"):
        sample = next(iter(train_set))
        assert_sample(sample, ref_images[0], int(ref_labels[0]), "next(iter(train_set))")
    claim_fact("first training label", f"{sample[1]} ({fm.CLASSES[sample[1]]})")


# ---- data.batch ----------------------------------------------------------------------------------

@pytest.mark.claim("data.batch")
@given(n=st.integers(0, 40), batch_size=st.integers(1, 12), drop_last=st.booleans(), shuffle=st.booleans())
@example(n=10, batch_size=3, drop_last=False, shuffle=False)
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
        assert_equal("len(loader)", len(dl), count, expr=call)
        batches = list(dl)
        assert_equal("batch sizes", [len(b[1]) for b in batches], sizes, expr=call)
        for images, labels in batches:
            assert_shape(images, (len(labels), 1, 28, 28), expr=call, name="images.shape")
            assert_equal("(images.dtype, labels.dtype)", (images.dtype, labels.dtype),
                         (torch.float32, torch.int64), expr=call)


@pytest.mark.claim("data.batch")
@pytest.mark.needs_data
def test_batches_of_fashion_mnist(train_set, test_set, fashion_mnist_root: Path):
    """``images, labels = next(iter(DataLoader(train_set, batch_size=10)))`` holds the first 10 samples;
    the 10,000 test samples in batches of 3000 make 4 batches, the last of 1000."""
    ref_images, ref_labels = reference_split(fashion_mnist_root, "train")
    with repro("images, labels = next(iter(DataLoader(FashionMNIST(), batch_size=10)))"):
        images, labels = next(iter(loader(train_set, batch_size=10)))
        assert_shape(images, (10, 1, 28, 28), expr="first batch of 10", name="images.shape")
        assert_values(images, ref_images[:10, None] / 255, "first batch of 10")
        assert_values(labels, ref_labels[:10].astype(np.int64), "first batch of 10", exact=True)
        dl = loader(test_set, batch_size=3000)
        assert_equal("len(loader)", len(dl), 4, expr="DataLoader(test_set, batch_size=3000)")
        assert_equal("batch sizes", [len(y) for _, y in dl], [3000, 3000, 3000, 1000],
                     expr="DataLoader(test_set, batch_size=3000)")


# ---- data.shuffle --------------------------------------------------------------------------------

@pytest.mark.claim("data.shuffle")
@given(n=st.integers(1, 40), batch_size=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_shuffle_keeps_every_sample(n: int, batch_size: int, seed: int):
    """With shuffle=True (and drop_last=False) every epoch delivers each sample exactly once."""
    call = f"DataLoader(ds of {n}, batch_size={batch_size}, shuffle=True, generator=seeded({seed}))"
    with repro(call):
        dl = loader(indexed_dataset(n), batch_size=batch_size, shuffle=True, generator=seeded(seed))
        for e in range(3):
            assert_equal(f"sorted(epoch {e} labels)", sorted(epoch_labels(dl)), list(range(n)), expr=call)


@pytest.mark.claim("data.shuffle")
def test_shuffle_draws_a_new_order_each_epoch():
    """Each epoch draws a fresh permutation from the generator: 5 epochs of 50 samples give 5 distinct
    non-identity orders, the same 5 again from the same seed; the global seed serves when no generator
    is given; shuffle=False keeps index order; shuffling an empty dataset is a ValueError."""
    ds, n = indexed_dataset(50), 50
    with repro("dl = DataLoader(ds, batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(0))\n"
               "[epoch_labels(dl) for _ in range(5)]"):
        def orders(**kw):
            dl = loader(ds, batch_size=8, shuffle=True, **kw)
            return [tuple(epoch_labels(dl)) for _ in range(5)]

        first = orders(generator=seeded(0))
        assert_equal("distinct orders in 5 epochs", len(set(first)), 5, expr="shuffle=True, seeded generator")
        assert tuple(range(n)) not in first, "a shuffled epoch came in index order"
        assert_equal("orders", orders(generator=seeded(0)), first, expr="the same seed again")
        torch.manual_seed(1)
        global_seeded = orders()
        torch.manual_seed(1)
        assert_equal("orders", orders(), global_seeded, expr="no generator: torch.manual_seed(1) before each")
        assert_equal("order", epoch_labels(loader(ds, batch_size=8)), list(range(n)), expr="shuffle=False")
        with pytest.raises(ValueError, match="num_samples should be a positive integer value, but got num_samples=0"):
            loader(indexed_dataset(0), batch_size=8, shuffle=True)  # an empty dataset cannot be shuffled


@pytest.mark.claim("data.shuffle")
def test_drop_last_with_shuffle_changes_the_samples_delivered(claim_fact):
    """With drop_last=True the dropped remainder differs per epoch: 10 samples in batches of 3 deliver
    9 distinct samples per epoch, not the same 9 every epoch."""
    dl = loader(indexed_dataset(10), batch_size=3, shuffle=True, drop_last=True, generator=seeded(0))
    with repro("DataLoader(ds of 10, batch_size=3, shuffle=True, drop_last=True)"):
        delivered = [epoch_labels(dl) for _ in range(6)]
        for labels in delivered:
            assert_equal("samples per epoch", (len(labels), len(set(labels))), (9, 9), expr="drop_last=True")
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


@pytest.mark.claim("data.normalize")
@on_devices
@given(case=images_and_stats())
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
        assert_equal("(out.dtype, out.device)", (out.dtype, out.device), (t.dtype, t.device), expr="Normalize(...)(x)")
        assert_values(out, expected, f"Normalize({mean}, {std})(x)")
        assert_values(t, x, "x after Normalize(...)(x)", exact=True)


@pytest.mark.claim("data.normalize")
@given(n_images=st.integers(1, 3), seed=st.integers(0, 2**32 - 1))
def test_normalizing_by_the_data_own_statistics(n_images: int, seed: int):
    """With the data's own mean and POPULATION std (ddof=0, what ``mean_std`` returns) the result has
    mean 0 and population std 1; its sample std (ddof=1, torch.std's default) is sqrt(N/(N-1))."""
    images = np.random.default_rng(seed).integers(0, 256, (n_images, 28, 28), dtype=np.uint8)
    x = images.astype(np.float64) / 255
    with repro(f"images = np.random.default_rng({seed}).integers(0, 256, ({n_images}, 28, 28), dtype=np.uint8)"):
        mean, std = fm.pixel_mean_std(torch.from_numpy(images))
        np.testing.assert_allclose([mean, std], [x.mean(), x.std(ddof=0)], rtol=1e-12,
                                   err_msg="pixel_mean_std(images) vs NumPy mean, std(ddof=0)")
        np.testing.assert_allclose(fm.pixel_mean_std(torch.from_numpy(images), correction=1)[1], x.std(ddof=1),
                                   rtol=1e-12, err_msg="pixel_mean_std(images, correction=1) vs std(ddof=1)")
        out = T.Normalize(mean, std)(torch.from_numpy(x)[:, None])
        n = out.numel()
        np.testing.assert_allclose(
            [float(out.mean()), float(((out - out.mean()) ** 2).mean().sqrt()), float(out.std())],
            [0.0, 1.0, math.sqrt(n / (n - 1))], atol=1e-9, err_msg="mean, population std, sample std after Normalize")


@pytest.mark.claim("data.normalize")
@pytest.mark.needs_data
def test_fashion_mnist_mean_std_and_normalized_statistics(fashion_mnist_root: Path, claim_fact):
    """mean_std() is the training pixels' mean 0.2860 and population std 0.3530; Normalize by them
    (float32, per sample) gives the 47 million training pixels mean 0 and std 1 within 1e-6, the test
    pixels mean 0.0023 and std 0.9984, values in [-0.8103, 2.0224].

    Normalize is elementwise, so the normalized data's statistics follow exactly from the pixel
    histogram and the normalized value of each of the 256 levels."""
    counts = {s: pixel_counts(reference_split(fashion_mnist_root, s)[0]) for s in fm.FILES}

    def stats(values: np.ndarray, c: np.ndarray) -> tuple[float, float]:
        mu = float((c * values).sum() / c.sum())
        return mu, math.sqrt(float((c * (values - mu) ** 2).sum() / c.sum()))

    levels = np.arange(256) / 255
    ref_mean, ref_std = stats(levels, counts["train"])
    with repro("mean, std = mean_std('train'); Compose([ToTensor(), Normalize(mean, std)])"):
        mean, std = fm.mean_std("train", fashion_mnist_root)
        np.testing.assert_allclose([mean, std], [ref_mean, ref_std], rtol=1e-12, err_msg="mean_std('train')")
        assert_equal("(mean, std) to 4 places", (round(mean, 4), round(std, 4)), (TRAIN_MEAN, TRAIN_STD), expr="mean_std()")
        pipeline = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
        normalized = pipeline(torch.arange(256, dtype=torch.uint8).reshape(16, 16)).double().numpy().ravel()
        nmean, nstd = stats(normalized, counts["train"])
        assert abs(nmean) < 1e-6 and abs(nstd - 1) < 1e-6, f"normalized train set: mean {nmean}, std {nstd}"
        ds = fm.FashionMNIST(fashion_mnist_root, transform=pipeline)
        assert_values(ds[0][0], normalized[ds.data[0].numpy()][None], "train_set[0] normalized")
        tmean, tstd = stats(normalized, counts["test"])
        assert_equal("test set normalized by the train figures: mean, std", (round(tmean, 4), round(tstd, 4)),
                     (0.0023, 0.9984), expr="not exactly 0 and 1: other data")
        assert_equal("normalized range", (round(normalized[0], 4), round(normalized[-1], 4)), (-0.8103, 2.0224),
                     expr="pixels 0 and 255 normalized")
    n = int(counts["train"].sum())
    claim_fact("train mean, std (population)", f"{mean:.6f}, {std:.6f}")
    claim_fact("train sample std (N-1)", f"{fm.mean_std('train', fashion_mnist_root, correction=1)[1]:.10f}"
               f" (population {std:.10f}, N={n})")
    claim_fact("normalized train mean, std", f"{nmean:.2e}, {nstd:.8f}")
    claim_fact("normalized range", f"[{normalized[0]:.4f}, {normalized[-1]:.4f}]")
    claim_fact("test set normalized by train stats: mean, std", f"{tmean:.4f}, {tstd:.4f}")


# ---- data.loader_transforms ----------------------------------------------------------------------

class Recording:
    """A transform that records which sample (the top-left pixel) it was applied to."""

    def __init__(self, inner):
        self.inner, self.seen = inner, []

    def __call__(self, image):
        self.seen.append(int(image[0, 0]))
        return self.inner(image)


@pytest.mark.claim("data.loader_transforms")
@given(n=st.integers(1, 30), batch_size=st.integers(1, 8))
def test_loader_transforms_each_sample_as_it_fetches(n: int, batch_size: int):
    """The transform runs in ``ds[i]``, once per sample fetched: none when the loader and its iterator
    are made, exactly the first batch's samples after next(), each sample once per epoch, again
    every epoch (nothing cached); the batch holds the transform's output."""
    mean, std = 0.5, 0.25
    rec = Recording(T.Compose([T.ToTensor(), T.Normalize(mean, std)]))
    ds = indexed_dataset(n, transform=rec)
    call = f"DataLoader(ds of {n} with a counting transform, batch_size={batch_size}, shuffle=True)"
    with repro(call):
        dl = loader(ds, batch_size=batch_size, shuffle=True, generator=seeded(n))
        it = iter(dl)
        assert_equal("transform calls", len(rec.seen), 0, expr="after DataLoader(...) and iter(loader)")
        images, labels = next(it)
        assert_equal("transformed samples", sorted(rec.seen), sorted(labels.tolist()), expr="after the first next()")
        reference = (ds.data[labels].numpy()[:, None] / 255 - mean) / std
        assert_values(images, reference, "first batch vs (pixels / 255 - 0.5) / 0.25")
        list(it)
        assert_equal("transformed samples", sorted(rec.seen), list(range(n)), expr="after one epoch")
        list(dl)
        assert_equal("transform calls", len(rec.seen), 2 * n, expr="after two epochs")


class SharedCount:
    """A transform counting its calls in shared memory, so calls made in worker processes count too."""

    def __init__(self):
        import multiprocessing

        self.calls = multiprocessing.get_context("fork").Value("i", 0)

    def __call__(self, image):
        with self.calls.get_lock():
            self.calls.value += 1
        return image


def settled(count: SharedCount, expected: int, timeout: float = 20.0) -> int:
    """The call count once it reached ``expected`` (or the timeout passed) and then stayed put for 0.3 s."""
    deadline = time.monotonic() + timeout
    while count.calls.value < expected and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # a worker fetching more than asked would show now
    return count.calls.value


@pytest.mark.claim("data.loader_transforms")
@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="the shared counter needs the fork start method")
def test_workers_fetch_ahead_as_soon_as_the_iterator_is_made():
    """With num_workers > 0 the transform runs in the workers, and after iter(loader) they fetch
    min(prefetch_factor (2) x num_workers, len(loader)) batches with no next(); each next() queues one more."""
    count, workers, batch = SharedCount(), 2, 2
    ds = indexed_dataset(40, transform=count)
    dl = loader(ds, batch_size=batch, num_workers=workers, multiprocessing_context="fork")
    assert_equal("transform calls", count.calls.value, 0, expr="after DataLoader(..., num_workers=2)")
    it = iter(dl)
    ahead = 2 * workers * batch  # prefetch_factor defaults to 2
    assert_equal("transform calls", settled(count, ahead), ahead,
                 expr=f"after iter(loader), no next(): prefetch_factor 2 x {workers} workers x batch {batch}")
    next(it)
    assert_equal("transform calls", settled(count, ahead + batch), ahead + batch, expr="after one next(): one more batch")
    del it
    short = SharedCount()  # no more batches than the loader has: min(2 x workers, len(loader))
    it = iter(loader(indexed_dataset(3 * batch, transform=short), batch_size=batch, num_workers=workers,
                     multiprocessing_context="fork"))
    assert_equal("transform calls", settled(short, 3 * batch), 3 * batch,
                 expr=f"after iter(loader) of 3 batches, no next(): all 3, not 2 x {workers}")
    del it


# ---- data.num_workers_same_data ------------------------------------------------------------------

def worker_pid(_label: int) -> int:
    """A target_transform naming the process that fetched the sample."""
    return os.getpid()


class Noisy:
    """A random augmentation: ToTensor, plus noise from torch's RNG."""

    def __call__(self, image):
        return T.ToTensor()(image) + torch.rand(1)


def batches(dataset, num_workers: int, seed: int = 7) -> list:
    return list(loader(dataset, batch_size=5, shuffle=True, generator=seeded(seed), num_workers=num_workers))


def assert_same_batches(a: list, b: list, expr: str) -> None:
    __tracebackhide__ = True
    assert_equal("number of batches", len(a), len(b), expr=expr)
    for i, ((xa, ya), (xb, yb)) in enumerate(zip(a, b)):
        assert_equal(f"labels of batch {i}", ya.tolist(), yb.tolist(), expr=expr)
        assert torch.equal(xa, xb), f"images of batch {i} differ [{expr}]"


@pytest.mark.claim("data.num_workers_same_data")
def test_workers_deliver_the_same_batches():
    """num_workers=0 and 2, same seeded sampler, deterministic transform (a Subset of 32 samples):
    identical batches in the same order; the samples are fetched in worker processes, not threads."""
    ds = torch.utils.data.Subset(indexed_dataset(64, transform=T.Compose([T.ToTensor(), T.Normalize(0.3, 0.35)])),
                                 range(0, 64, 2))
    with repro("DataLoader(Subset(ds, range(0, 64, 2)), batch_size=5, shuffle=True, generator=seeded(7), "
               "num_workers=w) for w in (0, 2)"):
        assert_same_batches(batches(ds, 0), batches(ds, 2), "num_workers=0 vs num_workers=2")
        pids = {int(p) for _, ps in loader(indexed_dataset(8, target_transform=worker_pid), batch_size=2,
                                           num_workers=2) for p in ps}
        assert_equal("worker processes", (len(pids), os.getpid() in pids), (2, False),
                     expr="os.getpid() inside the dataset, num_workers=2")


@pytest.mark.claim("data.num_workers_same_data")
def test_random_transforms_draw_from_per_worker_seeds():
    """A transform that draws random numbers gets different values with num_workers=2 than with 0
    (each worker seeds torch with base_seed + worker_id), reproducibly for a seeded generator; the
    samples and their order are unchanged."""
    ds = indexed_dataset(20, transform=Noisy())
    with repro("DataLoader(ds with a random transform, batch_size=5, shuffle=True, generator=seeded(7), "
               "num_workers=w)"):
        torch.manual_seed(0)
        in_main, in_workers = batches(ds, 0), batches(ds, 2)
        assert_same_batches(in_workers, batches(ds, 2), "num_workers=2, twice with the same seed")
        assert_equal("labels", [y.tolist() for _, y in in_main], [y.tolist() for _, y in in_workers],
                     expr="num_workers=0 vs 2")
        assert not any(torch.equal(a, b) for (a, _), (b, _) in zip(in_main, in_workers)), \
            "random augmentation drew the same numbers in worker processes as in the main process"


# ---- data.num_workers_speed (the speed itself: the num_workers benchmark) -----------------------

class TimedSamples(torch.utils.data.Dataset):
    """Each fetch sleeps ``seconds`` and returns (start, end, pid): when and where it was loaded."""

    def __init__(self, n: int, seconds: float):
        self.n, self.seconds = n, seconds

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, index: int) -> torch.Tensor:
        start = time.monotonic()
        time.sleep(self.seconds)
        return torch.tensor([start, time.monotonic(), os.getpid()], dtype=torch.float64)


def fetches(num_workers: int, n: int = 4, seconds: float = 0.1) -> list[tuple[float, float, int]]:
    loader = torch.utils.data.DataLoader(TimedSamples(n, seconds), batch_size=1, num_workers=num_workers)
    return [(float(b[0, 0]), float(b[0, 1]), int(b[0, 2])) for b in loader]


def overlapping(spans: list[tuple[float, float, int]]) -> int:
    """How many pairs of fetches ran at the same time."""
    return sum(a[0] < b[1] and b[0] < a[1] for a, b in itertools.combinations(spans, 2))


@pytest.mark.claim("data.num_workers_speed")
def test_workers_load_batches_at_the_same_time(claim_fact):
    """num_workers=2 fetches samples in two other processes, at the same time (their fetches overlap);
    num_workers=0 fetches one after another in the main process.  (Whether that is faster depends on
    free CPU cores: see the num_workers benchmark.)"""
    serial, parallel = fetches(0), fetches(2)
    claim_fact("4 fetches of 0.1 s, overlapping pairs (workers 0 / 2)",
               f"{overlapping(serial)} / {overlapping(parallel)}")
    assert_equal("(overlapping fetches, processes)", (overlapping(serial), {p for *_, p in serial}),
                 (0, {os.getpid()}), expr="DataLoader(..., num_workers=0)")
    pids = {p for *_, p in parallel}
    assert_equal("(worker processes, main among them)", (len(pids), os.getpid() in pids), (2, False),
                 expr="DataLoader(..., num_workers=2)")
    assert overlapping(parallel) > 0, f"no two fetches overlapped with num_workers=2: {parallel}"


def usable_cores() -> int:
    """The logical CPUs this process may run on (its affinity where the OS tells it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


@pytest.mark.claim("data.num_workers_speed")
def test_more_workers_than_cores_warns():
    """A DataLoader about to start more workers than the cores this process may use warns with a
    UserWarning (the check its iterator runs first); as many workers as cores pass silently."""
    cores = usable_cores()
    with repro(f"DataLoader(range(4), num_workers={cores + 1}).check_worker_number_rationality()"):
        with pytest.warns(UserWarning, match=f"This DataLoader will create {cores + 1} worker processes"):
            torch.utils.data.DataLoader(range(4), num_workers=cores + 1).check_worker_number_rationality()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.utils.data.DataLoader(range(4), num_workers=cores).check_worker_number_rationality()
