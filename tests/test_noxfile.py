"""The release matrix's configurations: every torch release of the supported range once, each with a
NumPy its torch and TensorFlow accept (a configuration that cannot be installed is a hole in the matrix)."""
from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

pytest.importorskip("nox", reason="nox not installed (pip install -e '.[matrix]')")

ROOT = Path(__file__).resolve().parents[1]

# What the packages require of NumPy (their metadata, as uv reports it on a conflict):
TORCH_NEEDS = [(SpecifierSet("<2.3"), SpecifierSet("<2"))]  # torch before 2.3 was built against NumPy 1.x
TENSORFLOW_NEEDS = {"2.18": SpecifierSet(">=1.26.0,<2.1.0"), "2.19": SpecifierSet(">=1.26.0,<2.2.0")}


@functools.cache  # nox registers the sessions on import: once
def load_noxfile():
    spec = importlib.util.spec_from_file_location("tensorspec_noxfile", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_configuration_pins_a_numpy_its_torch_and_tensorflow_accept():
    nox_module = load_noxfile()
    for torch, numpy, tf in nox_module.CONFIGS + nox_module.EVERY_RELEASE:
        for torch_range, numpy_range in TORCH_NEEDS:
            if Version(torch) in torch_range:
                assert Version(numpy) in numpy_range, f"torch {torch} with numpy {numpy}: needs numpy{numpy_range}"
        needs = TENSORFLOW_NEEDS.get(".".join(tf.split(".")[:2])) if tf else None
        if needs is not None:
            assert Version(numpy) in needs, f"tensorflow-cpu {tf} with numpy {numpy}: needs numpy{needs}"


def test_every_torch_release_of_the_supported_range_is_a_configuration_once():
    nox_module = load_noxfile()
    torches = [c[0] for c in nox_module.CONFIGS + nox_module.EVERY_RELEASE]
    assert len(torches) == len(set(torches)), "a torch release configured twice"
    assert all(Version(t) in nox_module.SUPPORTED for t in torches)
    minors = {".".join(t.split(".")[:2]) for t in torches}
    assert minors == {"1.13"} | {f"2.{m}" for m in range(15)}, sorted(minors)
