"""Mutants of the data claims: each plants the opposite of a recorded truth.

Every one is killed by a spec test that needs no Fashion-MNIST files (synthetic datasets), so the
self-check runs without the data; with the data present the real-data tests go red too.
(``data.normalize_helps`` and ``data.num_workers_speed`` are measured claims owned elsewhere.)
"""
from __future__ import annotations

import torch
from torch.utils.data import DataLoader, RandomSampler

from tensorspec.course import fashion_mnist as fm
from tensorspec.course import transforms
from tensorspec.harness.mutation import mutant, wrap


def _wrap_loader_init(mp, **forced):
    """DataLoader(...) with the keyword arguments ``forced`` whatever the caller passes."""
    @wrap(mp, DataLoader, "__init__")
    def init(orig, self, *args, **kwargs):
        orig(self, *args, **{**kwargs, **forced})


@mutant("data.fashion_mnist")
def reader_swaps_two_classes(mp):
    """The reader swaps the labels of T-shirt/top (0) and Shirt (6)."""
    @wrap(mp, fm, "decode")
    def decode(orig, images_path, labels_path):
        images, labels = orig(images_path, labels_path)
        swap = torch.tensor([6, 1, 2, 3, 4, 5, 0, 7, 8, 9])
        return images, swap[labels]


@mutant("data.etl")
def samples_not_scaled(mp):
    """Images are not divided by 255: no transform gives float pixels 0..255 (ToTensor's division
    forgotten), and so does ToTensor."""
    mp.setattr(fm, "to_unit_float", lambda image: image.unsqueeze(0).to(torch.float32))
    mp.setattr(transforms.ToTensor, "__call__", lambda self, pic: torch.as_tensor(pic).unsqueeze(0).to(torch.float32))


@mutant("data.sample")
def label_is_a_tensor(mp):
    """A sample's label comes back as a 0-d tensor instead of an int."""
    @wrap(mp, fm.FashionMNIST, "__getitem__")
    def getitem(orig, self, index):
        image, label = orig(self, index)
        return image, torch.tensor(label)


@mutant("data.batch")
def loader_drops_last_batch(mp):
    """The loader always drops the last incomplete batch (drop_last forced on)."""
    _wrap_loader_init(mp, drop_last=True)


@mutant("data.shuffle")
def shuffle_does_not_shuffle(mp):
    """shuffle=True delivers the samples in index order every epoch (RandomSampler yields index order)."""
    mp.setattr(RandomSampler, "__iter__", lambda self: iter(range(len(self.data_source))))


@mutant("data.shuffle")
def shuffle_same_order_every_epoch(mp):
    """shuffle=True draws one permutation and repeats it every epoch."""
    @wrap(mp, RandomSampler, "__iter__")
    def once(orig, self):
        if not hasattr(self, "_frozen"):
            self._frozen = list(orig(self))
        return iter(self._frozen)


@mutant("data.normalize")
def normalize_ignores_std(mp):
    """Normalize subtracts the mean but does not divide by the std."""
    @wrap(mp, transforms.Normalize, "__call__")
    def call(orig, self, x):
        return orig(transforms.Normalize(self.mean, 1.0), x)


@mutant("data.normalize")
def mean_std_sample_std(mp):
    """mean_std returns the sample std (N - 1) where the catalog records the population std."""
    @wrap(mp, fm, "pixel_mean_std")
    def pixel_mean_std(orig, images, correction=1):
        return orig(images, correction=correction)


@mutant("data.loader_transforms")
def dataset_caches_transformed_samples(mp):
    """The dataset transforms each sample once and caches it (a second epoch calls no transform)."""
    @wrap(mp, fm.FashionMNIST, "__getitem__")
    def getitem(orig, self, index):
        cache = self.__dict__.setdefault("_cache", {})
        if index not in cache:
            cache[index] = orig(self, index)
        return cache[index]


@mutant("data.loader_transforms")
def loader_prefetches_everything(mp):
    """The loader fetches (and transforms) the whole epoch when its iterator is made."""
    @wrap(mp, DataLoader, "__iter__")
    def iterate(orig, self):
        return iter(list(orig(self)))


@mutant("data.num_workers_same_data")
def workers_reverse_batches(mp):
    """With worker processes the batches arrive in reverse order."""
    @wrap(mp, DataLoader, "__iter__")
    def iterate(orig, self):
        return iter(list(orig(self))[::-1]) if self.num_workers > 0 else orig(self)


@mutant("data.num_workers_same_data")
def workers_share_the_main_rng(mp):
    """Workers are not seeded: random transforms draw the same numbers as in the main process
    (planted by running 'workers' in the main process)."""
    _wrap_loader_init(mp, num_workers=0)
