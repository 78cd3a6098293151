"""pytest plugin: where the Fashion-MNIST files are, and fixtures for the data-dependent claims.

Options:

* ``--data-dir PATH``: the folder holding the four ``.gz`` files (flat or ``FashionMNIST/raw/``);
  overrides ``$TENSORSPEC_DATA_DIR``; without either, the per-user cache folder is used.
* ``--download-data`` / ``--no-download-data``: allow (or forbid) downloading missing files into that
  folder.  Default: allowed, except when the environment variable ``CI`` is set to a true value
  (CI runs should provide the files or say ``--download-data`` explicitly).  Without network a
  download attempt fails within seconds.

Session fixtures: ``fashion_mnist_root`` (the folder, a ``Path``), ``train_set`` and ``test_set``
(:class:`~tensorspec.course.fashion_mnist.FashionMNIST` without a transform).  When the files can be neither
found nor downloaded, every test using them is skipped with the reason (where it looked, how to fix
it), so its claims come out ``not run``, never failed.  Mark such tests ``@pytest.mark.needs_data``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tensorspec.course import fashion_mnist as fm
from tensorspec.harness.ci import under_ci


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tensorspec-data", "tensorspec Fashion-MNIST data")
    group.addoption("--data-dir", metavar="PATH", default=None,
                    help=f"folder with the Fashion-MNIST .gz files (overrides ${fm.ENV_VAR}; "
                         f"default: ${fm.ENV_VAR}, else {fm.default_cache_dir()})")
    group.addoption("--download-data", dest="download_data", action="store_true", default=None,
                    help="download missing Fashion-MNIST files (default: yes, unless $CI is set)")
    group.addoption("--no-download-data", dest="download_data", action="store_false",
                    help="never download; data-dependent tests are skipped when the files are missing")


def download_allowed(config: pytest.Config) -> bool:
    """The command line decides; else download unless running under CI (``$CI`` set and true)."""
    chosen = config.getoption("download_data")
    if chosen is not None:
        return chosen
    return not under_ci()


@pytest.fixture(scope="session")
def fashion_mnist_root(pytestconfig: pytest.Config) -> Path:
    """The folder holding the four verified Fashion-MNIST files; skips (with the reason) without them."""
    download = download_allowed(pytestconfig)
    try:
        return fm.locate(pytestconfig.getoption("data_dir"), download=download)
    except fm.DataNotFoundError as exc:  # DownloadError / CacheNotWritableError included
        pytest.skip(f"Fashion-MNIST not available: {exc}")
    except fm.DataCorruptError as exc:
        pytest.skip(f"Fashion-MNIST file unusable: {exc}")


@pytest.fixture(scope="session")
def train_set(fashion_mnist_root: Path) -> fm.FashionMNIST:
    """The 60,000 training samples, no transform (images float32 [1,28,28] in [0,1], int labels)."""
    return _dataset(fashion_mnist_root, train=True)


@pytest.fixture(scope="session")
def test_set(fashion_mnist_root: Path) -> fm.FashionMNIST:
    """The 10,000 test samples, no transform."""
    return _dataset(fashion_mnist_root, train=False)


def _dataset(root: Path, train: bool) -> fm.FashionMNIST:
    try:
        return fm.FashionMNIST(root, train=train)
    except (fm.DataNotFoundError, fm.DataCorruptError) as exc:
        pytest.skip(f"Fashion-MNIST not usable: {exc}")
