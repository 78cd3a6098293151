"""The Fashion-MNIST data layer (tensorspec.course.fashion_mnist): locating, verifying, downloading, decoding,
and every bad input with its own error naming the file and the remedy.

Synthetic IDX files under tmp_path stand in for the real ones; downloads go to a local HTTP server on
127.0.0.1 (no outside network).  The real files are used only through the ``fashion_mnist_root``
fixture (decode speed).
"""
from __future__ import annotations

import gzip
import hashlib
import http.server
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from tensorspec.course import fashion_mnist as fm
from tensorspec.testing.assertions import assert_equal, assert_values, repro, source

N = 12  # synthetic samples per split


# ---- synthetic files -----------------------------------------------------------------------------

def _arrays(n: int = N, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def make_split(folder: Path, split: str = "train", n: int = N, seed: int = 0):
    """Write a synthetic split's two files into ``folder``; return the arrays written."""
    folder.mkdir(parents=True, exist_ok=True)
    images, labels = _arrays(n, seed)
    fm.write_idx(folder / fm.FILES[split][0], images)
    fm.write_idx(folder / fm.FILES[split][1], labels)
    return images, labels


def make_all(folder: Path) -> Path:
    make_split(folder, "train", seed=1)
    make_split(folder, "test", n=5, seed=2)
    return folder


def gz_bytes(payload: bytes) -> bytes:
    return gzip.compress(payload, mtime=0)


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No $TENSORSPEC_DATA_DIR, and a private per-user cache under tmp_path (returned)."""
    monkeypatch.delenv(fm.ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "tensorspec" / "fashion-mnist"


def assert_mentions(exc: BaseException, *fragments) -> None:
    __tracebackhide__ = True
    text = str(exc)
    missing = [f for f in fragments if str(f) not in text]
    assert not missing, f"error message lacks {missing}:\n{text}"


# ---- locating ------------------------------------------------------------------------------------

def test_default_cache_dir_follows_xdg(no_env: Path):
    assert fm.default_cache_dir() == no_env


def test_default_cache_dir_without_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert fm.default_cache_dir() == tmp_path / ".cache" / "tensorspec" / "fashion-mnist"


@pytest.mark.parametrize("layout", ["flat", "torchvision"])
def test_locate_accepts_flat_and_torchvision_layouts(tmp_path: Path, no_env, layout: str):
    folder = tmp_path / "d" if layout == "flat" else tmp_path / "d" / "FashionMNIST" / "raw"
    make_all(folder)
    assert fm.locate(tmp_path / "d", verify=False) == folder


def test_locate_order_root_then_env_then_cache(tmp_path: Path, no_env: Path, monkeypatch: pytest.MonkeyPatch):
    for name in ("root", "env"):
        make_all(tmp_path / name)
    make_all(no_env)
    assert fm.locate(verify=False) == no_env
    monkeypatch.setenv(fm.ENV_VAR, str(tmp_path / "env"))
    assert fm.locate(verify=False) == tmp_path / "env"
    assert fm.locate(tmp_path / "root", verify=False) == tmp_path / "root"


def test_locate_one_split_needs_only_its_files(tmp_path: Path, no_env):
    make_split(tmp_path, "test")
    assert fm.locate(tmp_path, files=fm.FILES["test"], verify=False) == tmp_path
    with pytest.raises(fm.DataNotFoundError):
        fm.locate(tmp_path, verify=False)


def test_nothing_found_says_where_it_looked_and_how_to_fix(tmp_path: Path, no_env):
    with pytest.raises(fm.DataNotFoundError) as info:
        fm.locate(tmp_path / "empty")
    assert_mentions(info.value, tmp_path / "empty", tmp_path / "empty" / "FashionMNIST" / "raw",
                    "the root argument", fm.ENV_VAR, "--data-dir", "--download-data", *fm.MD5S)


def test_cache_is_named_when_nothing_is_set(no_env: Path):
    with pytest.raises(fm.DataNotFoundError) as info:
        fm.locate()
    assert_mentions(info.value, no_env, "per-user cache", fm.ENV_VAR)


def test_missing_file_is_named(tmp_path: Path, no_env):
    make_all(tmp_path)
    (tmp_path / "train-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(fm.DataNotFoundError) as info:
        fm.locate(tmp_path, verify=False)
    assert_mentions(info.value, "missing train-labels-idx1-ubyte.gz", "(has train-images", "Fix:")


def test_read_idx_of_a_missing_file(tmp_path: Path):
    with pytest.raises(fm.DataNotFoundError) as info:
        fm.read_idx(tmp_path / "nope.gz")
    assert_mentions(info.value, tmp_path / "nope.gz", "no such file", fm.ENV_VAR)


# ---- MD5 -----------------------------------------------------------------------------------------

def test_wrong_md5_names_file_and_remedy(tmp_path: Path, no_env):
    make_all(tmp_path)
    with pytest.raises(fm.DataCorruptError) as info:
        fm.locate(tmp_path)
    assert_mentions(info.value, tmp_path / "train-images-idx3-ubyte.gz", "wrong MD5",
                    fm.MD5S["train-images-idx3-ubyte.gz"], "Remedy: delete", "download it again")


def test_md5_is_computed_once_per_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    calls = []
    real = fm.checksums._hash_file
    monkeypatch.setattr(fm.checksums, "_hash_file", lambda p: calls.append(p) or real(p))
    path = tmp_path / "f.gz"
    path.write_bytes(b"abc")
    for _ in range(3):
        fm.check_md5(path, md5(b"abc"))
    assert len(calls) == 1
    path.write_bytes(b"abcd")  # changed size (and mtime): checked again
    with pytest.raises(fm.DataCorruptError, match="wrong MD5"):
        fm.check_md5(path, md5(b"abc"))
    assert len(calls) == 2


# ---- decoding and bad files ----------------------------------------------------------------------

def test_decode_round_trip(tmp_path: Path):
    images, labels = make_split(tmp_path)
    x, y = fm.decode(tmp_path / fm.FILES["train"][0], tmp_path / fm.FILES["train"][1])
    assert (x.dtype, tuple(x.shape), y.dtype, tuple(y.shape)) == (torch.uint8, (N, 28, 28), torch.int64, (N,))
    np.testing.assert_array_equal(x.numpy(), images)
    np.testing.assert_array_equal(y.numpy(), labels)
    x[0, 0, 0] += 1  # writable, not a view of read-only bytes


def _bad_labels(tmp_path: Path, packed: bytes) -> Path:
    """A train split whose labels file holds ``packed`` bytes."""
    make_split(tmp_path)
    path = tmp_path / fm.FILES["train"][1]
    path.write_bytes(packed)
    return path


def _idx_payload(array: np.ndarray, magic: bytes | None = None) -> bytes:
    head = magic if magic is not None else bytes([0, 0, 8, array.ndim])
    return head + np.asarray(array.shape, ">u4").tobytes() + array.astype(np.uint8).tobytes()


LABELS = np.arange(N, dtype=np.uint8) % 10
BAD_FILES = {
    "truncated gzip": (lambda: gz_bytes(_idx_payload(LABELS))[:-12], "truncated gzip data"),
    "not gzip": (lambda: _idx_payload(LABELS), "not valid gzip data"),
    "damaged deflate data": (lambda: (lambda b: b[:15] + bytes(x ^ 0xFF for x in b[15:25]) + b[25:])(
        gz_bytes(_idx_payload(LABELS))), "not valid gzip data"),
    "wrong magic": (lambda: gz_bytes(_idx_payload(LABELS, magic=b"\x08\x01\x00\x00")), "wrong magic number"),
    "wrong element type": (lambda: gz_bytes(_idx_payload(LABELS, magic=b"\x00\x00\x0d\x01")), "element type 0x0d"),
    "wrong rank": (lambda: gz_bytes(_idx_payload(LABELS.reshape(3, 4))), "wrong IDX magic: 2 dimensions, expected 1"),
    "short payload": (lambda: gz_bytes(_idx_payload(LABELS)[:-1]), "IDX size mismatch"),
    "trailing bytes": (lambda: gz_bytes(_idx_payload(LABELS) + b"\0"), "IDX size mismatch"),
    "label out of range": (lambda: gz_bytes(_idx_payload(LABELS + 5)), "label 14 out of range 0..9"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_file_names_file_problem_and_remedy(tmp_path: Path, case: str, no_env):
    build, problem = BAD_FILES[case]
    path = _bad_labels(tmp_path, build())
    with pytest.raises(fm.DataCorruptError) as info:
        fm.load("train", tmp_path, verify=False)
    assert info.value.path == path
    assert_mentions(info.value, path, problem, "Remedy: delete", "download it again")


def test_image_label_count_mismatch(tmp_path: Path, no_env):
    make_split(tmp_path)
    fm.write_idx(tmp_path / fm.FILES["train"][1], LABELS[:-1])
    with pytest.raises(fm.DataCorruptError) as info:
        fm.load("train", tmp_path, verify=False)
    assert_mentions(info.value, "count mismatch", f"{N} images but {N - 1} labels",
                    *(tmp_path / f for f in fm.FILES["train"]), "delete both")


def test_wrong_image_size(tmp_path: Path, no_env):
    make_split(tmp_path)
    fm.write_idx(tmp_path / fm.FILES["train"][0], np.zeros((N, 28, 27), np.uint8))
    with pytest.raises(fm.DataCorruptError, match="28x27, expected 28x28"):
        fm.load("train", tmp_path, verify=False)


def test_load_validates_split(tmp_path: Path):
    with pytest.raises(ValueError, match=r"split='val', but should be one of \['test', 'train'\]"):
        fm.load("val", tmp_path)


def test_load_decodes_once_and_notices_changed_files(tmp_path: Path, no_env):
    make_split(tmp_path, seed=3)
    first = fm.load("train", tmp_path, verify=False)
    assert fm.load("train", tmp_path, verify=False)[0] is first[0]
    time.sleep(0.01)
    images, _ = make_split(tmp_path, n=N + 1, seed=4)  # rewritten: new size and mtime
    again = fm.load("train", tmp_path, verify=False)
    np.testing.assert_array_equal(again[0].numpy(), images)


# ---- the Dataset ---------------------------------------------------------------------------------

def test_dataset_samples_and_attributes(tmp_path: Path, no_env):
    images, labels = make_split(tmp_path, "test")
    ds = fm.FashionMNIST(tmp_path, train=False, verify=False)
    assert len(ds) == N and ds.classes == list(fm.CLASSES) and len(ds.classes) == 10
    assert ds.class_to_idx["Ankle boot"] == 9
    image, label = ds[3]
    assert type(label) is int and label == labels[3]
    assert (image.dtype, tuple(image.shape)) == (torch.float32, (1, 28, 28))
    np.testing.assert_allclose(image.numpy()[0], images[3] / 255, rtol=1e-6)


def test_dataset_hands_transforms_the_raw_image_and_int_label(tmp_path: Path, no_env):
    make_split(tmp_path)
    seen = []
    ds = fm.FashionMNIST(tmp_path, verify=False, transform=lambda im: seen.append(im) or "img",
                         target_transform=lambda y: ("label", y))
    image, label = ds[0]
    assert image == "img" and label[0] == "label" and type(label[1]) is int
    assert (seen[0].dtype, tuple(seen[0].shape)) == (torch.uint8, (28, 28))


def test_from_tensors_checks_its_inputs():
    with pytest.raises(ValueError, match="uint8"):
        fm.FashionMNIST.from_tensors(torch.zeros(2, 28, 28), torch.zeros(2))
    ds = fm.FashionMNIST.from_tensors(torch.zeros(2, 28, 28, dtype=torch.uint8), torch.tensor([1, 2]))
    assert len(ds) == 2 and ds[1][1] == 2 and "samples=2" in repr(ds)


# ---- downloading ---------------------------------------------------------------------------------

class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict[str, tuple[str, bytes]] = {}  # path -> (mode, body); set per server

    def do_GET(self):  # noqa: N802 - http.server's name
        mode, body = self.server.routes.get(self.path, ("missing", b""))
        if mode == "missing":
            self.send_error(404, "Not Found")
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if mode == "truncated":  # promise the whole file, send half, hang up
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def server():
    """A local HTTP server: ``server.routes[path] = (mode, body)``; ``server.url`` is its base URL."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.routes = {}
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}/"
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(5)


FILE = "t10k-labels-idx1-ubyte.gz"
GOOD = gz_bytes(_idx_payload(LABELS))


def assert_nothing_written(dest: Path) -> None:
    __tracebackhide__ = True
    left = sorted(p.name for p in dest.iterdir()) if dest.exists() else []
    assert left == [], f"a failed download left {left} in {dest}"


def test_download_good_file(server, tmp_path: Path):
    server.routes["/m/" + FILE] = ("good", GOOD)
    fm.download(tmp_path / "dest", mirrors=[server.url + "m"], files={FILE: md5(GOOD)})
    assert [p.name for p in (tmp_path / "dest").iterdir()] == [FILE]
    assert (tmp_path / "dest" / FILE).read_bytes() == GOOD


@pytest.mark.parametrize("mode,why", [("corrupt", "MD5"), ("truncated", "transfer cut short: received 20 of 40 bytes"),
                                      ("missing", "404")])
def test_failed_download_leaves_nothing(server, tmp_path: Path, mode: str, why: str):
    body = GOOD[:-3] + b"xyz" if mode == "corrupt" else GOOD
    server.routes["/" + FILE] = (mode, body)
    dest = tmp_path / "fresh" / "cache"
    with pytest.raises(fm.DownloadError) as info:
        fm.download(dest, mirrors=[server.url], files={FILE: md5(GOOD)})
    assert_mentions(info.value, server.url + FILE, why, f"could not download {FILE} into {dest}",
                    fm.ENV_VAR)
    assert isinstance(info.value, fm.DataNotFoundError)  # what the pytest fixture turns into a skip
    assert_nothing_written(tmp_path)  # not even the folders it made for the download


def test_download_falls_back_to_the_next_mirror(server, tmp_path: Path):
    server.routes["/good/" + FILE] = ("good", GOOD)
    server.routes["/bad/" + FILE] = ("corrupt", b"junk")
    fm.download(tmp_path, mirrors=[server.url + "bad/", server.url + "good/"], files={FILE: md5(GOOD)})
    assert (tmp_path / FILE).read_bytes() == GOOD


def test_failed_download_keeps_the_previous_file(server, tmp_path: Path):
    (tmp_path / FILE).write_bytes(b"previous")
    server.routes["/" + FILE] = ("truncated", GOOD)
    with pytest.raises(fm.DownloadError):
        fm.download(tmp_path, mirrors=[server.url], files={FILE: md5(GOOD)})
    assert [p.name for p in tmp_path.iterdir()] == [FILE]
    assert (tmp_path / FILE).read_bytes() == b"previous"


def test_interrupted_download_leaves_nothing(tmp_path: Path):
    """A KeyboardInterrupt mid-stream propagates, and the partial temp file is removed."""

    class Interrupted:
        def __init__(self, url, timeout):
            self.chunks = [b"x" * 100]

        def read(self, n):
            if self.chunks:
                return self.chunks.pop()
            raise KeyboardInterrupt

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    with pytest.raises(KeyboardInterrupt):
        fm.download(tmp_path, mirrors=["http://example.invalid/"], files={FILE: md5(GOOD)}, opener=Interrupted)
    assert_nothing_written(tmp_path)


def test_dead_network_fails_fast(tmp_path: Path):
    """A closed local port and an unresolvable host both fail (each attempt bounded by ``timeout``; the
    time it takes is not asserted: wall-clock bounds fail on a busy machine)."""
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(fm.DownloadError) as info:
        fm.download(tmp_path, mirrors=[f"http://127.0.0.1:{port}/", "http://fashion-mnist.invalid/"],
                    files={FILE: md5(GOOD)}, timeout=3)
    assert_mentions(info.value, f"127.0.0.1:{port}", "fashion-mnist.invalid")
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize("how", ["under a file", "read-only"])
def test_unwritable_cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str):
    monkeypatch.delenv(fm.ENV_VAR, raising=False)
    if how == "under a file":  # works even as root, who may write anywhere
        (tmp_path / "file").write_text("")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "file" / "cache"))
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "ro"))
        (tmp_path / "ro").mkdir(mode=0o500)
        monkeypatch.setattr(os, "access", lambda p, mode: False)  # as a non-root user would see it
    with pytest.raises(fm.CacheNotWritableError) as info:
        fm.locate(download=True, mirrors=["http://127.0.0.1:9/"])
    assert_mentions(info.value, fm.default_cache_dir(), "cannot be created or written", "XDG_CACHE_HOME",
                    fm.ENV_VAR, "writable folder")


def test_locate_downloads_only_the_missing_files(server, tmp_path: Path, no_env, monkeypatch: pytest.MonkeyPatch):
    make_split(tmp_path / "d", "train")
    for name in fm.FILES["test"]:
        server.routes["/" + name] = ("good", GOOD)
    monkeypatch.setitem(fm.MD5S, fm.FILES["test"][0], md5(GOOD))
    monkeypatch.setitem(fm.MD5S, fm.FILES["test"][1], md5(GOOD))
    requested = []
    real = fm.downloading.download
    monkeypatch.setattr(fm.downloading, "download",
                        lambda dest, **kw: requested.append(sorted(kw["files"])) or real(dest, **kw))
    assert fm.locate(tmp_path / "d", download=True, verify=False, mirrors=[server.url]) == tmp_path / "d"
    assert requested == [sorted(fm.FILES["test"])]
    assert sorted(p.name for p in (tmp_path / "d").iterdir()) == sorted(fm.MD5S)


# ---- the reader on synthetic files ----------------------------------------------------------------

@given(n=st.integers(0, 30), seed=st.integers(0, 2**16))
def test_reader_returns_the_files_content(tmp_path_factory, n: int, seed: int):
    """The reader hands back exactly the images and labels stored in the IDX files (synthetic files)."""
    folder = tmp_path_factory.mktemp("idx")
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, n, dtype=np.uint8)
    fm.write_idx(folder / fm.FILES["test"][0], images)
    fm.write_idx(folder / fm.FILES["test"][1], labels)
    with repro(f"labels = {source(labels)}"):
        ds = fm.FashionMNIST(folder, train=False, verify=False)
        assert np.array_equal(ds.data.numpy(), images), "images differ from the file's content"
        assert_values(ds.targets, labels.astype(np.int64), expr="FashionMNIST(...).targets", exact=True)
        assert_equal([ds[i][1] for i in range(n)], labels.tolist(), expr="[ds[i][1] for i in range(n)]", name="targets")
