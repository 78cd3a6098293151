"""data: the loader's transforms and its worker processes (DL34, DL37), on small synthetic datasets
(``indexed_dataset``: labels 0..N-1 and the top-left pixel name each sample)."""
from __future__ import annotations

import itertools
import os
import time
import warnings

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.course import transforms as T
from tensorspec.testing.assertions import assert_equal, assert_values, repro
from tensorspec.testing.datasets import indexed_dataset, loader, seeded


# ---- data.loader_transforms ----------------------------------------------------------------------

class Recording:
    """A transform that records which sample (the top-left pixel) it was applied to."""

    def __init__(self, inner):
        self.inner, self.seen = inner, []

    def __call__(self, image):
        self.seen.append(int(image[0, 0]))
        return self.inner(image)


@pytest.mark.claim("data.loader_transforms", "per_sample", "every_epoch_again", "lazy_without_workers")
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
        assert_equal(len(rec.seen), 0, expr="after DataLoader(...) and iter(loader)", name="transform calls")
        images, labels = next(it)
        assert_equal(sorted(rec.seen), sorted(labels.tolist()), expr="after the first next()",
                     name="transformed samples")
        reference = (ds.data[labels].numpy()[:, None] / 255 - mean) / std
        assert_values(images, reference, expr="first batch vs (pixels / 255 - 0.5) / 0.25")
        list(it)
        assert_equal(sorted(rec.seen), list(range(n)), expr="after one epoch", name="transformed samples")
        list(dl)
        assert_equal(len(rec.seen), 2 * n, expr="after two epochs", name="transform calls")


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


@pytest.mark.claim("data.loader_transforms", "workers_fetch_ahead")
@pytest.mark.skipif("fork" not in __import__("multiprocessing").get_all_start_methods(),
                    reason="the shared counter needs the fork start method")
def test_workers_fetch_ahead_as_soon_as_the_iterator_is_made():
    """With num_workers > 0 the transform runs in the workers, and after iter(loader) they fetch
    min(prefetch_factor (2) x num_workers, len(loader)) batches with no next(); each next() queues one more."""
    count, workers, batch = SharedCount(), 2, 2
    ds = indexed_dataset(40, transform=count)
    dl = loader(ds, batch_size=batch, num_workers=workers, multiprocessing_context="fork")
    assert_equal(count.calls.value, 0, expr="after DataLoader(..., num_workers=2)", name="transform calls")
    it = iter(dl)
    ahead = 2 * workers * batch  # prefetch_factor defaults to 2
    assert_equal(settled(count, ahead), ahead,
                 expr=f"after iter(loader), no next(): prefetch_factor 2 x {workers} workers x batch {batch}",
                 name="transform calls")
    next(it)
    assert_equal(settled(count, ahead + batch), ahead + batch, expr="after one next(): one more batch",
                 name="transform calls")
    del it
    short = SharedCount()  # no more batches than the loader has: min(2 x workers, len(loader))
    it = iter(loader(indexed_dataset(3 * batch, transform=short), batch_size=batch, num_workers=workers,
                     multiprocessing_context="fork"))
    assert_equal(settled(short, 3 * batch), 3 * batch,
                 expr=f"after iter(loader) of 3 batches, no next(): all 3, not 2 x {workers}", name="transform calls")
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


def assert_same_batches(a: list, b: list, *, expr: str) -> None:
    __tracebackhide__ = True
    assert_equal(len(a), len(b), expr=expr, name="number of batches")
    for i, ((xa, ya), (xb, yb)) in enumerate(zip(a, b)):
        assert_equal(ya.tolist(), yb.tolist(), expr=expr, name=f"labels of batch {i}")
        assert torch.equal(xa, xb), f"images of batch {i} differ [{expr}]"


@pytest.mark.claim("data.num_workers_same_data", "processes")
def test_workers_are_processes():
    """num_workers=2: the samples are fetched in two worker processes, not threads of this one."""
    pids = {int(p) for _, ps in loader(indexed_dataset(8, target_transform=worker_pid), batch_size=2,
                                       num_workers=2) for p in ps}
    assert_equal((len(pids), os.getpid() in pids), (2, False), expr="os.getpid() inside the dataset, num_workers=2",
                 name="worker processes")


@pytest.mark.claim("data.num_workers_same_data", "same_batches")
def test_workers_deliver_the_same_batches():
    """num_workers=0 and 2, same seeded sampler, deterministic transform (a Subset of 32 samples):
    identical batches in the same order."""
    ds = torch.utils.data.Subset(indexed_dataset(64, transform=T.Compose([T.ToTensor(), T.Normalize(0.3, 0.35)])),
                                 range(0, 64, 2))
    with repro("DataLoader(Subset(ds, range(0, 64, 2)), batch_size=5, shuffle=True, generator=seeded(7), "
               "num_workers=w) for w in (0, 2)"):
        assert_same_batches(batches(ds, 0), batches(ds, 2), expr="num_workers=0 vs num_workers=2")


def worker_seed(_label: int) -> tuple[int, int]:
    """A target_transform naming the worker that fetched the sample and its torch seed."""
    return torch.utils.data.get_worker_info().id, torch.initial_seed()


@pytest.mark.claim("data.num_workers_same_data", "worker_seeds")
def test_workers_seed_torch_with_base_seed_plus_worker_id():
    """In worker i, torch.initial_seed() is base_seed + i, base_seed the first int64 drawn from the
    loader's generator."""
    base_seed = int(torch.empty((), dtype=torch.int64).random_(generator=seeded(7)))
    dl = loader(indexed_dataset(8, target_transform=worker_seed), batch_size=2, num_workers=2, generator=seeded(7))
    seen = {(int(w), int(s)) for _, (ws, ss) in dl for w, s in zip(ws, ss)}
    assert_equal(sorted(seen), [(0, base_seed), (1, base_seed + 1)],
                 expr=f"base_seed = {base_seed} (first int64 of torch.Generator().manual_seed(7))",
                 name="(worker id, torch.initial_seed())")


@pytest.mark.claim("data.num_workers_same_data", "random_transforms_differ")
def test_random_transforms_draw_from_per_worker_seeds():
    """A transform that draws random numbers gets different values with num_workers=2 than with 0
    (each worker seeds torch with base_seed + worker_id), reproducibly for a seeded generator; the
    samples and their order are unchanged."""
    ds = indexed_dataset(20, transform=Noisy())
    with repro("DataLoader(ds with a random transform, batch_size=5, shuffle=True, generator=seeded(7), "
               "num_workers=w)"):
        torch.manual_seed(0)
        in_main, in_workers = batches(ds, 0), batches(ds, 2)
        assert_same_batches(in_workers, batches(ds, 2), expr="num_workers=2, twice with the same seed")
        assert_equal([y.tolist() for _, y in in_main], [y.tolist() for _, y in in_workers], expr="num_workers=0 vs 2",
                     name="labels")
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


@pytest.mark.claim("data.num_workers_speed", "fetches_overlap")
def test_workers_load_batches_at_the_same_time(claim_fact):
    """num_workers=2 fetches samples in two other processes, at the same time (their fetches overlap);
    num_workers=0 fetches one after another in the main process.  (Whether that is faster depends on
    free CPU cores: see the num_workers benchmark.)"""
    serial, parallel = fetches(0), fetches(2)
    claim_fact("4 fetches of 0.1 s, overlapping pairs (workers 0 / 2)",
               f"{overlapping(serial)} / {overlapping(parallel)}")
    assert_equal((overlapping(serial), {p for *_, p in serial}), (0, {os.getpid()}),
                 expr="DataLoader(..., num_workers=0)", name="(overlapping fetches, processes)")
    pids = {p for *_, p in parallel}
    assert_equal((len(pids), os.getpid() in pids), (2, False), expr="DataLoader(..., num_workers=2)",
                 name="(worker processes, main among them)")
    assert overlapping(parallel) > 0, f"no two fetches overlapped with num_workers=2: {parallel}"


def usable_cores() -> int:
    """The logical CPUs this process may run on (its affinity where the OS tells it)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()


@pytest.mark.claim("data.num_workers_speed", "too_many_workers_warn")
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
