"""Mutants of the data claims: each plants the opposite of a recorded truth.

Every one is killed by a spec test that needs no Fashion-MNIST files (synthetic datasets), so the
self-check runs without the data; with the data present the real-data tests go red too.
(``data.normalize_helps`` and ``data.num_workers_speed`` are measured claims owned elsewhere.)
"""
from __future__ import annotations

import pytest
import torch
from torch.utils.data import DataLoader, RandomSampler

from tensorspec.course import fashion_mnist as fm
from tensorspec.course import transforms as T
from tensorspec.harness.mutation import Mutant

SPEC = "spec/test_data.py"
_decode, _getitem, _loader_init, _loader_iter = fm.decode, fm.FashionMNIST.__getitem__, DataLoader.__init__, DataLoader.__iter__
_normalize_call, _pixel_mean_std = T.Normalize.__call__, fm.pixel_mean_std


def reader_swaps_two_classes(mp: pytest.MonkeyPatch):
    """The reader swaps the labels of T-shirt/top (0) and Shirt (6)."""
    def decode(images_path, labels_path):
        images, labels = _decode(images_path, labels_path)
        swap = torch.tensor([6, 1, 2, 3, 4, 5, 0, 7, 8, 9])
        return images, swap[labels]
    mp.setattr(fm, "decode", decode)


def samples_not_scaled(mp: pytest.MonkeyPatch):
    """No transform gives float pixels 0..255 (ToTensor's division by 255 forgotten), and so does ToTensor."""
    mp.setattr(fm, "to_unit_float", lambda image: image.unsqueeze(0).to(torch.float32))
    mp.setattr(T.ToTensor, "__call__", lambda self, pic: torch.as_tensor(pic).unsqueeze(0).to(torch.float32))


def label_is_a_tensor(mp: pytest.MonkeyPatch):
    """A sample's label comes back as a 0-d tensor instead of an int."""
    def getitem(self, index):
        image, label = _getitem(self, index)
        return image, torch.tensor(label)
    mp.setattr(fm.FashionMNIST, "__getitem__", getitem)


def loader_drops_last_batch(mp: pytest.MonkeyPatch):
    """The loader always drops the last incomplete batch (drop_last forced on)."""
    def init(self, *args, **kwargs):
        kwargs["drop_last"] = True
        _loader_init(self, *args, **kwargs)
    mp.setattr(DataLoader, "__init__", init)


def shuffle_does_not_shuffle(mp: pytest.MonkeyPatch):
    """shuffle=True delivers the samples in index order every epoch."""
    mp.setattr(RandomSampler, "__iter__", lambda self: iter(range(len(self.data_source))))


def shuffle_same_order_every_epoch(mp: pytest.MonkeyPatch):
    """shuffle=True draws one permutation and repeats it every epoch."""
    real = RandomSampler.__iter__

    def once(self):
        if not hasattr(self, "_frozen"):
            self._frozen = list(real(self))
        return iter(self._frozen)
    mp.setattr(RandomSampler, "__iter__", once)


def normalize_ignores_std(mp: pytest.MonkeyPatch):
    """Normalize subtracts the mean but does not divide by the std."""
    mp.setattr(T.Normalize, "__call__", lambda self, x: _normalize_call(T.Normalize(self.mean, 1.0), x))


def mean_std_sample_std(mp: pytest.MonkeyPatch):
    """mean_std returns the sample std (N - 1) where the catalog records the population std."""
    mp.setattr(fm, "pixel_mean_std", lambda images, correction=1: _pixel_mean_std(images, correction=correction))


def dataset_caches_transformed_samples(mp: pytest.MonkeyPatch):
    """The dataset transforms each sample once and caches it (a second epoch calls no transform)."""
    def getitem(self, index):
        cache = self.__dict__.setdefault("_cache", {})
        if index not in cache:
            cache[index] = _getitem(self, index)
        return cache[index]
    mp.setattr(fm.FashionMNIST, "__getitem__", getitem)


def loader_prefetches_everything(mp: pytest.MonkeyPatch):
    """The loader fetches (and transforms) the whole epoch when its iterator is made."""
    mp.setattr(DataLoader, "__iter__", lambda self: iter(list(_loader_iter(self))))


def workers_reverse_batches(mp: pytest.MonkeyPatch):
    """With worker processes the batches arrive in reverse order."""
    mp.setattr(DataLoader, "__iter__", lambda self: iter(list(_loader_iter(self))[::-1])
               if self.num_workers > 0 else _loader_iter(self))


def workers_share_the_main_rng(mp: pytest.MonkeyPatch):
    """Workers are not seeded: random transforms draw the same numbers as in the main process
    (planted by running 'workers' in the main process)."""
    def init(self, *args, **kwargs):
        kwargs["num_workers"] = 0
        _loader_init(self, *args, **kwargs)
    mp.setattr(DataLoader, "__init__", init)


MUTANTS = [
    Mutant("reader_swaps_two_classes", "data.fashion_mnist", SPEC, "labels 0 and 6 swapped by the reader"),
    Mutant("samples_not_scaled", "data.etl", SPEC, "images not divided by 255"),
    Mutant("label_is_a_tensor", "data.sample", SPEC, "label is a tensor, not an int"),
    Mutant("loader_drops_last_batch", "data.batch", SPEC, "drop_last always on"),
    Mutant("shuffle_does_not_shuffle", "data.shuffle", SPEC, "RandomSampler yields index order"),
    Mutant("shuffle_same_order_every_epoch", "data.shuffle", SPEC, "one permutation for all epochs"),
    Mutant("normalize_ignores_std", "data.normalize", SPEC, "Normalize does not divide by std"),
    Mutant("mean_std_sample_std", "data.normalize", SPEC, "mean_std gives the N-1 std"),
    Mutant("dataset_caches_transformed_samples", "data.loader_transforms", SPEC, "transform once, cached"),
    Mutant("loader_prefetches_everything", "data.loader_transforms", SPEC, "whole epoch fetched at iter()"),
    Mutant("workers_reverse_batches", "data.num_workers_same_data", SPEC, "worker batches out of order"),
    Mutant("workers_share_the_main_rng", "data.num_workers_same_data", SPEC, "no per-worker processes/seeds"),
]
