"""Mutants of the data claims: each plants the opposite of one statement of a recorded truth.

The statements about the loader are killed by spec tests on synthetic datasets; those about the real
files (data.fashion_mnist, data.etl's extract and load, data.normalize's figures) need the
Fashion-MNIST files (TENSORSPEC_DATA_DIR).  data.normalize_helps is measured by the full training
run: its mutant is in train.py, with the other mutants that need the slow run.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.utils.data
from torch.utils.data import DataLoader, RandomSampler, SequentialSampler

from tensorspec.course import fashion_mnist as fm
from tensorspec.course import transforms
from tensorspec.harness.mutation import mutant, planted, when, wrap


def _wrap_loader_init(mp, **forced):
    """DataLoader(...) with the keyword arguments ``forced`` whatever the caller passes."""
    @wrap(mp, DataLoader, "__init__")
    def init(orig, self, *args, **kwargs):
        orig(self, *args, **{**kwargs, **forced})


def _wrap_decode(mp, change):
    """The IDX reader's (images, labels) pass through ``change`` before the dataset sees them."""
    @wrap(mp, fm.decoding, "decode", also=[fm])
    def decode(orig, images_path, labels_path):
        return change(*orig(images_path, labels_path))


# ---- data.fashion_mnist -------------------------------------------------------------------------

@mutant("data.fashion_mnist", "sizes_and_format")
def reader_drops_the_last_sample(mp):
    """The reader loses each split's last image and label (59,999 and 9,999)."""
    _wrap_decode(mp, lambda images, labels: (images[:-1], labels[:-1]))


@mutant("data.fashion_mnist", "sizes_and_format")
def reader_swaps_two_classes(mp):
    """The reader swaps the labels of T-shirt/top (0) and Shirt (6)."""
    swap = torch.tensor([6, 1, 2, 3, 4, 5, 0, 7, 8, 9])
    _wrap_decode(mp, lambda images, labels: (images, swap[labels]))


@mutant("data.fashion_mnist", "balanced_classes")
def reader_reads_shirts_as_t_shirts(mp):
    """The reader gives label 0 (T-shirt/top) to every Shirt (6): 12,000 of one class, none of the other."""
    _wrap_decode(mp, lambda images, labels: (images, torch.where(labels == 6, 0, labels)))


@mutant("data.fashion_mnist", "class_names")
def class_names_swapped(mp):
    """The dataset's class names swap Sneaker and Sandal."""
    names = list(fm.FashionMNIST.classes)
    names[5], names[7] = names[7], names[5]
    mp.setattr(fm.FashionMNIST, "classes", names)


@mutant("data.fashion_mnist", "first_sample")
def reader_reverses_the_order(mp):
    """The reader returns the samples last first (the first training label becomes 5, Sandal)."""
    _wrap_decode(mp, lambda images, labels: (images.flip(0), labels.flip(0)))


# ---- data.etl -----------------------------------------------------------------------------------

@mutant("data.etl", "extract")
def reader_mirrors_the_images(mp):
    """The reader flips every image left to right."""
    _wrap_decode(mp, lambda images, labels: (images.flip(-1), labels))


@mutant("data.etl", "to_tensor")
def to_tensor_does_not_scale(mp):
    """ToTensor forgets to divide by 255: float pixels 0..255."""
    mp.setattr(transforms.ToTensor, "__call__", lambda self, pic: torch.as_tensor(pic).unsqueeze(0).to(torch.float32))


@mutant("data.etl", "default_transform")
def default_transform_does_not_scale(mp):
    """Without a transform the dataset forgets to divide by 255: float pixels 0..255."""
    @wrap(mp, fm.dataset, "to_unit_float", also=[fm])
    def to_unit_float(orig, image):
        return image.unsqueeze(0).to(torch.float32)


@mutant("data.etl", "transform_receives_uint8")
def dataset_hands_transforms_float_images(mp):
    """tensorspec's dataset passes its transform the float [0, 1] image instead of the uint8 tensor."""
    @wrap(mp, fm.FashionMNIST, "__getitem__")
    def getitem(orig, self, index):
        if self.transform is None:
            return orig(self, index)
        image, label = self.data[index], int(self.targets[index])
        return self.transform(image.float() / 255), label


def _wrap_label(mp, change):
    """A sample's label passes through ``change`` before the dataset returns it."""
    @wrap(mp, fm.FashionMNIST, "__getitem__")
    def getitem(orig, self, index):
        image, label = orig(self, index)
        return image, change(label)


@mutant("data.etl", "label_is_int")
def label_is_a_numpy_integer(mp):
    """A sample's label comes back as a NumPy int64 instead of a Python int."""
    _wrap_label(mp, np.int64)


@mutant("data.etl", "load_in_batches")
def loader_halves_the_batch_size(mp):
    """DataLoader(batch_size=B) delivers batches of B // 2 (120 batches of 500)."""
    @wrap(mp, DataLoader, "__init__")
    def init(orig, self, *args, **kwargs):
        if kwargs.get("batch_size", 1) > 1:
            kwargs["batch_size"] //= 2
        orig(self, *args, **kwargs)


# ---- data.sample --------------------------------------------------------------------------------

@mutant("data.sample", "image_and_int_label")
def label_is_a_tensor(mp):
    """A sample's label comes back as a 0-d tensor instead of an int."""
    _wrap_label(mp, torch.tensor)


@mutant("data.sample", "squeeze")
def squeeze_keeps_unit_axes(mp):
    """Tensor.squeeze() without a dim drops no axis."""
    wrap(mp, torch.Tensor, "squeeze")(when(lambda self, *a, **k: not a and not k,
                                           lambda orig, self: self.view(self.shape)))


@mutant("data.sample", "sequence_protocol")
def dataset_ends_one_early(mp):
    """The dataset raises IndexError at len(ds) - 1: iteration stops one sample early."""
    @wrap(mp, fm.FashionMNIST, "__getitem__")
    def getitem(orig, self, index):
        if index >= len(self) - 1:
            raise IndexError(index)
        return orig(self, index)


# ---- data.batch ---------------------------------------------------------------------------------

@mutant("data.batch", "images_and_labels")
def labels_collated_as_int32(mp):
    """The loader collates the int labels into an int32 tensor."""
    def collate(samples):
        images, labels = torch.utils.data.default_collate(samples)
        return images, labels.to(torch.int32)

    _wrap_loader_init(mp, collate_fn=collate)


for _statement, _name, _forced, _doc in (
        ("ceil_batches", "loader_drops_last_batch", True,
         "The loader always drops the last incomplete batch (drop_last forced on)."),
        ("drop_last", "loader_ignores_drop_last", False,
         "drop_last=True is ignored: the short last batch is delivered.")):
    @planted("data.batch", _statement, _name, _doc)
    def _forces_drop_last(mp, _forced=_forced):
        _wrap_loader_init(mp, drop_last=_forced)


# ---- data.shuffle -------------------------------------------------------------------------------

@mutant("data.shuffle", "new_order_each_epoch")
def shuffle_does_not_shuffle(mp):
    """shuffle=True delivers the samples in index order every epoch (RandomSampler yields index order)."""
    mp.setattr(RandomSampler, "__iter__", lambda self: iter(range(len(self.data_source))))


@mutant("data.shuffle", "new_order_each_epoch")
def shuffle_same_order_every_epoch(mp):
    """shuffle=True draws one permutation and repeats it every epoch."""
    @wrap(mp, RandomSampler, "__iter__")
    def once(orig, self):
        if not hasattr(self, "_frozen"):
            self._frozen = list(orig(self))
        return iter(self._frozen)


@mutant("data.shuffle", "seeded_generator")
def sampler_ignores_its_generator(mp):
    """RandomSampler draws from the global RNG even when given generator=."""
    @wrap(mp, RandomSampler, "__iter__")
    def iterate(orig, self):
        self.generator = None
        return orig(self)


@mutant("data.shuffle", "global_rng")
def sampler_without_generator_seeds_from_the_os(mp):
    """Without generator=, RandomSampler seeds a fresh generator from the OS, not from torch's global RNG."""
    @wrap(mp, RandomSampler, "__iter__")
    def iterate(orig, self):
        if self.generator is None:
            g = torch.Generator()
            g.seed()
            return iter(torch.randperm(len(self.data_source), generator=g).tolist())
        return orig(self)


@mutant("data.shuffle", "every_sample_once")
def shuffle_draws_with_replacement(mp):
    """shuffle=True draws N indices with replacement: some samples twice, some never."""
    @wrap(mp, RandomSampler, "__iter__")
    def iterate(orig, self):
        n = len(self.data_source)
        return iter(torch.randint(n, (n,), generator=self.generator).tolist())


@mutant("data.shuffle", "drop_last_changes_the_samples")
def shuffle_keeps_the_last_sample_last(mp):
    """shuffle=True permutes all samples but the last, which always comes last (so drop_last always
    drops the same remainder)."""
    @wrap(mp, RandomSampler, "__iter__")
    def iterate(orig, self):
        n = len(self.data_source)
        return iter([*torch.randperm(n - 1, generator=self.generator).tolist(), n - 1])


@mutant("data.shuffle", "no_shuffle_keeps_order")
def sequential_sampler_reversed(mp):
    """shuffle=False delivers the samples in reverse index order."""
    mp.setattr(SequentialSampler, "__iter__", lambda self: iter(range(len(self.data_source) - 1, -1, -1)))


@mutant("data.shuffle", "empty_refused")
def shuffle_of_nothing_accepted(mp):
    """DataLoader(empty dataset, shuffle=True) quietly turns shuffling off instead of raising."""
    @wrap(mp, DataLoader, "__init__")
    def init(orig, self, dataset, *args, **kwargs):
        if len(dataset) == 0:
            kwargs["shuffle"] = False
        orig(self, dataset, *args, **kwargs)


# ---- data.normalize -----------------------------------------------------------------------------

@mutant("data.normalize", "training_figures")
def pixels_scaled_by_256(mp):
    """pixel_mean_std scales the pixels by 1/256 instead of 1/255 (mean 0.2849)."""
    @wrap(mp, fm.stats, "pixel_mean_std", also=[fm])
    def pixel_mean_std(orig, images, correction=0):
        mean, std = orig(images, correction=correction)
        return mean * 255 / 256, std * 255 / 256


@mutant("data.normalize", "population_std")
def mean_std_gives_the_sample_std(mp):
    """mean_std() returns the sample std (N - 1) where the catalog records the population std."""
    @wrap(mp, fm.stats, "mean_std", also=[fm])
    def mean_std(orig, split="train", root=None, *, correction=1):
        return orig(split, root, correction=correction)


@mutant("data.normalize", "per_channel")
def normalize_ignores_std(mp):
    """Normalize subtracts the mean but does not divide by the std."""
    @wrap(mp, transforms.Normalize, "__call__")
    def call(orig, self, x):
        return orig(transforms.Normalize(self.mean, 1.0), x)


@mutant("data.normalize", "per_channel")
def normalize_uses_the_first_channel_for_all(mp):
    """Normalize applies the first channel's mean and std to every channel."""
    @wrap(mp, transforms.Normalize, "__call__")
    def call(orig, self, x):
        first = lambda v: v[0] if isinstance(v, (list, tuple)) else v  # noqa: E731
        return orig(transforms.Normalize(first(self.mean), first(self.std)), x)


@mutant("data.normalize", "per_channel")
def normalize_ignores_a_scalar_std(mp):
    """Normalize(mean, std) with one std for all channels does not divide by it (per-channel lists do)."""
    @wrap(mp, transforms.Normalize, "__call__")
    def call(orig, self, x):
        std = self.std if isinstance(self.std, (list, tuple)) else 1.0
        return orig(transforms.Normalize(self.mean, std), x)


@mutant("data.normalize", "per_channel")
def normalize_in_place(mp):
    """Normalize writes into its input (inplace=True always) instead of making a new tensor."""
    @wrap(mp, transforms.Normalize, "__init__")
    def init(orig, self, mean, std, inplace=False):
        orig(self, mean, std, True)


@mutant("data.normalize", "training_set_mean_0_std_1")
def mean_std_gives_the_rounded_figures(mp):
    """mean_std() returns the course's rounded 0.2860 / 0.3530 (normalized mean 1.2e-4, not within 1e-6 of 0)."""
    @wrap(mp, fm.stats, "mean_std", also=[fm])
    def mean_std(orig, split="train", root=None, *, correction=0):
        return 0.2860, 0.3530


@mutant("data.normalize", "test_set")
def test_split_reads_the_training_files(mp):
    """The test split is read from the training files."""
    @wrap(mp, fm.loading, "load", also=[fm])
    def load(orig, split="train", *a, **k):
        return orig("train", *a, **k)


@mutant("data.normalize", "range")
def normalize_clamps_to_unit_range(mp):
    """Normalize clamps its output to [-1, 1]."""
    @wrap(mp, transforms.Normalize, "__call__")
    def call(orig, self, x):
        return orig(self, x).clamp(-1, 1)


@mutant("data.normalize", "own_statistics")
def pixel_mean_std_sample_std(mp):
    """pixel_mean_std returns the sample std (N - 1) where the catalog records the population std."""
    @wrap(mp, fm.stats, "pixel_mean_std", also=[fm])
    def pixel_mean_std(orig, images, correction=1):
        return orig(images, correction=correction)


# ---- data.loader_transforms ---------------------------------------------------------------------

@mutant("data.loader_transforms", "per_sample")
def transform_output_discarded(mp):
    """The dataset calls its transform but returns the image as ToTensor alone gives it."""
    @wrap(mp, fm.FashionMNIST, "__getitem__")
    def getitem(orig, self, index):
        orig(self, index)
        return fm.to_unit_float(self.data[index]), int(self.targets[index])


@mutant("data.loader_transforms", "every_epoch_again")
def dataset_caches_transformed_samples(mp):
    """The dataset transforms each sample once and caches it (a second epoch calls no transform)."""
    @wrap(mp, fm.FashionMNIST, "__getitem__")
    def getitem(orig, self, index):
        cache = self.__dict__.setdefault("_cache", {})
        if index not in cache:
            cache[index] = orig(self, index)
        return cache[index]


@mutant("data.loader_transforms", "lazy_without_workers")
def loader_prefetches_everything(mp):
    """The loader fetches (and transforms) the whole epoch when its iterator is made."""
    @wrap(mp, DataLoader, "__iter__")
    def iterate(orig, self):
        return iter(list(orig(self)))


@mutant("data.loader_transforms", "workers_fetch_ahead")
def workers_prefetch_one_batch_each(mp):
    """DataLoader's workers fetch one batch ahead each (prefetch_factor 1), not two."""
    @wrap(mp, torch.utils.data, "DataLoader")
    def data_loader(orig, *args, **kwargs):
        if kwargs.get("num_workers", 0) > 0:
            kwargs.setdefault("prefetch_factor", 1)
        return orig(*args, **kwargs)


# ---- data.num_workers_same_data -----------------------------------------------------------------

@mutant("data.num_workers_same_data", "processes")
def workers_run_in_the_main_process(mp):
    """num_workers is ignored: every sample is fetched in the main process."""
    _wrap_loader_init(mp, num_workers=0)


@mutant("data.num_workers_same_data", "same_batches")
def workers_reverse_batches(mp):
    """With worker processes the batches arrive in reverse order."""
    @wrap(mp, DataLoader, "__iter__")
    def iterate(orig, self):
        return iter(list(orig(self))[::-1]) if self.num_workers > 0 else orig(self)


@mutant("data.num_workers_same_data", "worker_seeds")
def workers_share_one_seed(mp):
    """Every worker seeds torch with base_seed alone (no + worker_id)."""
    _wrap_loader_init(mp, worker_init_fn=lambda worker_id: torch.manual_seed(torch.initial_seed() - worker_id))


@mutant("data.num_workers_same_data", "random_transforms_differ")
def workers_seeded_like_the_main_process(mp):
    """Every worker seeds torch with 0, the seed the main process was given: random transforms draw the
    same numbers in the workers as in the main process."""
    _wrap_loader_init(mp, worker_init_fn=lambda worker_id: torch.manual_seed(0))


# ---- data.num_workers_speed ---------------------------------------------------------------------

@mutant("data.num_workers_speed", "fetches_overlap")
def one_worker_whatever_asked(mp):
    """DataLoader starts one worker process whatever num_workers > 0 asks: fetches never overlap."""
    @wrap(mp, DataLoader, "__init__")
    def init(orig, self, *args, **kwargs):
        if kwargs.get("num_workers", 0) > 1:
            kwargs["num_workers"] = 1
        orig(self, *args, **kwargs)


@mutant("data.num_workers_speed", "fetches_overlap")
def workers_are_ignored(mp):
    """DataLoader loads in the main process whatever num_workers says (no worker processes)."""
    wrap(mp, torch.utils.data, "DataLoader")(lambda orig, *a, **k: orig(*a, **{**k, "num_workers": 0}))


@mutant("data.num_workers_speed", "fetches_overlap")
def workers_load_one_at_a_time(mp):
    """Worker processes, but fetching in turn (prefetching off, a lock around every fetch): workers
    never load at the same time."""
    import multiprocessing

    lock = multiprocessing.get_context("fork").Lock()

    class Serialized(torch.utils.data.Dataset):
        def __init__(self, inner):
            self.inner = inner

        def __len__(self):
            return len(self.inner)

        def __getitem__(self, i):
            with lock:
                return self.inner[i]

    @wrap(mp, torch.utils.data, "DataLoader")
    def loader(orig, dataset, *a, **k):
        return orig(Serialized(dataset), *a, **{**k, "multiprocessing_context": "fork"})


@mutant("data.num_workers_speed", "too_many_workers_warn")
def no_warning_for_too_many_workers(mp):
    """DataLoader never warns about more workers than cores."""
    mp.setattr(DataLoader, "check_worker_number_rationality", lambda self: None)
