"""device: where tensors live -- CPU, CUDA, and the ``meta`` device as a stand-in (DL3, DL4, DL35, MF, CH).

Whatever can be decided without a GPU is decided here on the CPU: device strings and ordinals, the
default device, ``.to``/``.cpu``, ``Module.to`` in place, and the cross-device error, shown with the
``meta`` device (a device without data that checks devices like CUDA does).  The GPU halves run as
``cuda`` variants (``pytest -m cuda``) and skip with "CUDA not available" elsewhere.  Speed claims
have quick GPU checks here; their measured figures come from ``bench/`` (``pytest bench``).
"""
from __future__ import annotations

import copy
import os
import subprocess
import sys
from contextlib import contextmanager

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from torch import nn

from tensorspec.course import network, training
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import assert_device, assert_equal, assert_tensor, assert_values, repro, source
from tensorspec.testing.defaults import default_device
from tensorspec.testing.device_cases import CPU, ELSEWHERE, SEED
from tensorspec.testing.devices import (
    cuda_naming,
    on_cuda,
    synchronize,
)

# ---- device.cuda_is_available / device.version_cuda ----------------------------------------------


# Every way the notes make a CUDA tensor, and what a build without CUDA answers (type, message fragment).
MAKE_CUDA = {
    "t.cuda()": (lambda t: t.cuda(), AssertionError, "Torch not compiled with CUDA enabled"),
    "t.to('cuda')": (lambda t: t.to("cuda"), AssertionError, "Torch not compiled with CUDA enabled"),
    "torch.empty(1, device='cuda')": (lambda t: torch.empty(1, device="cuda"), AssertionError,
                                      "Torch not compiled with CUDA enabled"),
    "t.cuda(0)": (lambda t: t.cuda(0), RuntimeError, "Cannot access accelerator device"),
    "t.pin_memory()": (lambda t: t.pin_memory(), RuntimeError, "Cannot access accelerator device"),
}


@pytest.mark.claim("device.cuda_is_available", "available_implies_devices", "cpu_build_false_and_zero",
                   "cpu_build_not_compiled", "cpu_build_no_accelerator", "cuda_build_without_gpu")
def test_is_available_agrees_with_device_count(claim_fact):
    """is_available() True implies device_count() > 0; a build without CUDA reports False and 0, and every
    way of making a CUDA tensor raises there (AssertionError or RuntimeError, by the way it is asked)."""
    available, count = torch.cuda.is_available(), torch.cuda.device_count()
    claim_fact("is_available(), device_count()", f"{available}, {count}")
    if available:
        assert count > 0, f"torch.cuda.is_available() is True but torch.cuda.device_count() == {count}"
        names = [torch.cuda.get_device_name(i) for i in range(count)]
        claim_fact("GPUs", ", ".join(names))
        assert_equal(torch.empty(1, device="cuda").device.type, "cuda", expr="torch.empty(1, device='cuda')",
                     name="device")
        return
    t = torch.ones(2)
    if not torch.backends.cuda.is_built():
        assert_equal((available, count), (False, 0),
                     expr="a build without CUDA (torch.backends.cuda.is_built() is False)",
                     name="is_available(), device_count()")
        for expr, (make, error, words) in MAKE_CUDA.items():
            with pytest.raises(error, match=words):
                make(t)
                pytest.fail(f"{expr} made a CUDA tensor on a build without CUDA")
    else:  # a CUDA build that finds no usable GPU
        for expr, (make, _, _) in MAKE_CUDA.items():
            with pytest.raises(RuntimeError) as info:
                make(t)
                pytest.fail(f"{expr} made a CUDA tensor without a usable GPU")
            claim_fact(f"{expr} without a GPU", str(info.value).splitlines()[0][:120])


@pytest.mark.claim("device.cuda_is_available", "hidden_gpu")
@on_cuda
def test_a_gpu_hidden_by_cuda_visible_devices_is_not_available(device):
    """With CUDA_VISIBLE_DEVICES="" a GPU machine reports is_available() False and 0 devices."""
    code = "import torch; print(torch.cuda.is_available(), torch.cuda.device_count())"
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": ""}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert_equal(out.stdout.split(), ["False", "0"],
                 expr=f"CUDA_VISIBLE_DEVICES='' python -c {code!r}  (stderr: {out.stderr[-300:]})",
                 name="is_available(), device_count()")


@pytest.mark.claim("device.version_cuda", "not_pytorch_version", "cuda_build_version_string", "none_without_cuda_toolkit",
                   "usable_nvidia_gpu_implies_cuda_build")
def test_version_cuda_names_the_build_not_the_machine(claim_fact):
    """torch.version.cuda is the CUDA version of a CUDA build ('12.8'), None on every build without the CUDA
    toolkit (CPU-only, and ROCm, which sets torch.version.hip) -- not PyTorch's own version (the notes'
    label), which is torch.__version__."""
    version, hip, built = torch.version.cuda, torch.version.hip, torch.backends.cuda.is_built()
    claim_fact("torch.version.cuda", repr(version))
    claim_fact("torch.version.hip", repr(hip))
    claim_fact("torch.__version__", str(torch.__version__))  # plain str for xdist
    assert_equal(version is None, not built or hip is not None,
                 expr=f"torch.backends.cuda.is_built() == {built}, torch.version.hip == {hip!r}",
                 name="torch.version.cuda is None")
    if version is not None:
        assert version.replace(".", "").isdigit() and version.count(".") >= 1, f"torch.version.cuda={version!r}"
    assert version != torch.__version__.split("+")[0], "torch.version.cuda should not be PyTorch's version"
    if torch.__version__.endswith("+cpu"):
        assert_equal((version, hip, built), (None, None, False), expr=f"a CPU-only build ({torch.__version__})",
                     name="torch.version.cuda, torch.version.hip, is_built()")
    if torch.cuda.is_available() and hip is None:
        assert version is not None, "a usable NVIDIA GPU implies a CUDA build"


# ---- device.default_cpu -----------------------------------------------------------------------

# Every way the notes make a tensor, with no device named (called at call time, so mutants can patch).
FACTORIES = {
    "torch.tensor(list)": lambda a: torch.tensor(a.tolist()),
    "torch.Tensor(list)": lambda a: torch.Tensor(a.reshape(-1).tolist()),
    "torch.as_tensor(ndarray)": lambda a: torch.as_tensor(a),
    "torch.from_numpy(ndarray)": lambda a: torch.from_numpy(a),
    "torch.zeros(shape)": lambda a: torch.zeros(a.shape),
    "torch.ones(shape)": lambda a: torch.ones(a.shape),
    "torch.rand(shape)": lambda a: torch.rand(a.shape),
    "torch.empty(shape)": lambda a: torch.empty(a.shape),
    "torch.full(shape, 7)": lambda a: torch.full(a.shape, 7),
    "torch.arange(n)": lambda a: torch.arange(a.size),
    "torch.eye(n)": lambda a: torch.eye(a.size),
}
# Under torch.set_default_device(d) these still give CPU tensors: from_numpy wraps the array's own
# memory, and the legacy constructor torch.Tensor is not one of the factories the default device reaches.
STAY_ON_CPU = {"torch.from_numpy(ndarray)", "torch.Tensor(list)"}
float_arrays = S.arrays(np.float32, S.shapes(max_dims=3), special=False)


@pytest.mark.claim("device.default_cpu", "factories_on_cpu")
@given(arr=float_arrays)
def test_a_new_tensor_lives_on_the_cpu(arr):
    """Every creation function gives a CPU tensor when no device is named."""
    with repro(f"a = {source(arr)}\ntorch.tensor(a.tolist()).device"):
        for expr, make in FACTORIES.items():
            t = make(arr)
            assert_equal((t.device, t.is_cuda), (CPU, False), expr=expr, name="(device, is_cuda)")


@pytest.mark.claim("device.default_cpu", "default_device_moves_factories", "from_numpy_and_legacy_stay")
@pytest.mark.parametrize("device", ELSEWHERE)
@given(arr=float_arrays)
def test_set_default_device_moves_the_factories_but_not_from_numpy(device, arr):
    """Under torch.set_default_device(d) factories create on d -- as_tensor(ndarray) then copies --
    but from_numpy and the legacy torch.Tensor(...) still give CPU tensors; restoring brings back the CPU."""
    with repro(f"torch.set_default_device({device!r}); torch.zeros({arr.shape}).device"):
        with default_device(device):
            made = {expr: make(arr) for expr, make in FACTORIES.items()}
        for expr, t in made.items():
            expected = "cpu" if expr in STAY_ON_CPU else device
            assert_device(t, expected, expr=f"{expr} under set_default_device({device!r})", name="device")
        assert_device(torch.zeros(1), CPU, expr="torch.zeros(1) after restoring the default", name="device")


# ---- device.cuda_method (GPU only) -------------------------------------------------------------

real_arrays = S.arrays(S.numpy_dtypes(D.REAL), S.shapes(max_dims=4))


@pytest.mark.claim("device.cuda_method", "copy_on_the_current_gpu", "gpu_tensor_returned_itself")
@on_cuda
@given(arr=real_arrays)
def test_cuda_and_to_cuda_give_an_equal_copy_on_the_gpu(device, arr):
    """t.cuda() / t.to('cuda') return a new GPU tensor with equal values; t itself stays on the CPU
    (hence the notes' ``t = t.cuda()``); on a GPU tensor both return the tensor itself."""
    t = torch.from_numpy(arr)
    with repro(f"t = torch.from_numpy({source(arr)}); g = t.cuda()"):
        for expr, g in (("t.cuda()", t.cuda()), ("t.to('cuda')", t.to("cuda")),
                        ("t.to(torch.device('cuda'))", t.to(torch.device("cuda")))):
            assert_device(g, torch.device("cuda", torch.cuda.current_device()), expr=expr, name="device")
            assert_equal((g.dtype, g.shape), (t.dtype, t.shape), expr=expr, name="(dtype, shape)")
            assert_values(g, arr, expr=expr, exact=True)
            assert_device(t, CPU, expr=f"t after {expr}", name="t.device")
            assert g.cuda() is g and g.to("cuda") is g, f"moving a GPU tensor to the GPU should return it [{expr}]"
            if g.numel():
                g.view(-1)[0] = not bool(g.view(-1)[0]) if g.dtype == torch.bool else g.view(-1)[0] + 1
                assert_values(t, arr, expr=f"t after writing into {expr}", exact=True)


# ---- device.cuda_arg_index ----------------------------------------------------------------------


def wrapped_index(n: int) -> int | None:
    """What torch stores for index ``n``: a signed 8-bit integer (c10::DeviceIndex), so ``n`` wraps
    modulo 256 and -1 (from 255) means "no index", the current device."""
    w = (n + 128) % 256 - 128
    return None if w == -1 else w


@pytest.mark.claim("device.cuda_arg_index", "device_ordinal", "wraps_as_int8", "invalid_strings", "negative_index",
                   "unknown_types")
@given(n=st.integers(0, 127), big=st.integers(128, 2**15))
@example(n=0, big=128)
@example(n=127, big=255)
@example(n=1, big=256)
def test_the_index_in_cuda_n_is_a_device_ordinal(n, big):
    """'cuda:n' and torch.device('cuda', n) name device number n (type 'cuda', index n) for n in 0..127;
    bare 'cuda' means the current device (index None).  Larger indices silently wrap around (int8);
    negative or malformed ones are refused."""
    with repro(f"torch.device('cuda:{n}'); torch.device('cuda:{big}').index"):
        d = torch.device(f"cuda:{n}")
        assert_equal((d.type, d.index), ("cuda", n), expr=f"torch.device('cuda:{n}')", name="(type, index)")
        assert_equal(torch.device("cuda", n), d, expr=f"torch.device('cuda', {n})", name="device")
        assert_equal(str(d), f"cuda:{n}", expr=f"str(torch.device('cuda:{n}'))", name="str")
        assert_equal(torch.device("cuda").index, None, expr="torch.device('cuda').index", name="index")
        for expr, wrapped in ((f"torch.device('cuda:{big}')", torch.device(f"cuda:{big}")),
                              (f"torch.device('cuda', {big})", torch.device("cuda", big))):
            assert_equal(wrapped.index, wrapped_index(big), expr=f"{expr}.index (no error, wraps as int8)",
                         name="index")
        for bad in ("cuda:-1", f"cuda:{n}.5", "cuda:x", f"cuda:{n}:0"):
            with pytest.raises(RuntimeError, match="Invalid device string"):
                torch.device(bad)
        with pytest.raises(RuntimeError, match="Device index must not be negative"):
            torch.device("cuda", -1 - n)
        for bad in (f"core:{n}", f"gpu:{n}"):
            with pytest.raises(RuntimeError, match="Expected one of cpu, cuda"):
                torch.device(bad)


@pytest.mark.claim("device.cuda_arg_index", "gpu_ordinals")
@on_cuda
def test_cuda_n_picks_gpu_n_of_device_count(device, claim_fact):
    """t.cuda(i) lands on GPU i for every i < device_count(); i == device_count() is an invalid device
    ordinal, though one GPU has hundreds of multiprocessors (and thousands of cores)."""
    count = torch.cuda.device_count()
    sms = torch.cuda.get_device_properties(0).multi_processor_count
    claim_fact("device_count(), multiprocessors of GPU 0", f"{count}, {sms}")
    for i in range(count):
        assert_device(torch.ones(1).cuda(i), torch.device("cuda", i), expr=f"torch.ones(1).cuda({i})", name="device")
        assert_equal(torch.ones(1, device=f"cuda:{i}").device.index, i, expr=f"device='cuda:{i}'", name="device")
    with pytest.raises(RuntimeError, match="(?i)invalid device ordinal"):
        torch.ones(1).cuda(count)
        torch.cuda.synchronize()


# ---- device.to_cpu ----------------------------------------------------------------------------


@pytest.mark.claim("device.to_cpu", "cpu_tensor_with_the_values", "cpu_x_returned_itself", "device_tells_where")
@pytest.mark.parametrize("device", ["cpu", cuda_naming("device.to_cpu", "gpu_x_copied")])
@given(arr=real_arrays)
def test_to_cpu_is_cpu_and_device_tells_where(device, arr):
    """x.to('cpu') and x.cpu() agree: a CPU tensor with x's values -- x itself when x is already on the
    CPU, a copy from the GPU; x.device names where x is."""
    x = torch.from_numpy(arr).to(device)
    with repro(f"x = torch.from_numpy({source(arr)}).to({device!r}); x.cpu(), x.to('cpu')"):
        assert_device(x, device, expr=f"torch.from_numpy(a).to({device!r})", name="x.device")
        assert_equal(x.is_cuda, device == "cuda", expr="x.is_cuda", name="x.is_cuda")
        for expr, y in (("x.cpu()", x.cpu()), ("x.to('cpu')", x.to("cpu")), ("x.to(torch.device('cpu'))", x.to(CPU))):
            assert_device(y, CPU, expr=expr, name="device")
            assert_values(y, arr, expr=expr, exact=True)
            assert_equal(y is x, device == "cpu", expr="a CPU tensor is returned itself, a GPU one copied",
                         name=f"{expr} is x")
        assert_device(x, device, expr="x after x.cpu() (not in place)", name="x.device")


# ---- device.module_to_in_place ----------------------------------------------------------------


def small_module() -> nn.Module:
    """Parameters and buffers (BatchNorm's running statistics, an int64 batch counter)."""
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.Flatten(), nn.Linear(2, 3))


def module_state(m: nn.Module) -> tuple[list, list]:
    return list(m.parameters()), list(m.buffers())


@pytest.mark.claim("device.module_to_in_place", "returns_the_module", "keeps_parameter_objects", "buffers",
                   "tensor_to_contrast")
def test_module_to_returns_the_same_module_and_keeps_its_parameter_objects():
    """net.to(dtype) returns net itself and converts the SAME Parameter objects in place (an optimizer
    made before keeps working); floating buffers are replaced, integer ones left; Tensor.to, by contrast,
    returns a new tensor -- or the tensor itself when nothing changes."""
    net = small_module()
    params, buffers = module_state(net)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.5)
    returned = net.to(torch.float64)
    assert returned is net, "net.to(torch.float64) should return net itself"
    now_params, now_buffers = module_state(net)
    assert_equal([p is q for p, q in zip(params, now_params)], [True] * len(params), expr="net.to(torch.float64)",
                 name="same Parameter objects")
    assert_equal({p.dtype for p in net.parameters()}, {torch.float64}, expr="net.to(torch.float64)", name="dtypes")
    assert_equal([b.dtype for b in now_buffers], [torch.float64, torch.float64, torch.int64],
                 expr="running_mean, running_var, num_batches_tracked after net.to(torch.float64)",
                 name="buffer dtypes")
    # the Linear bias: its gradient of a sum is the batch size (BatchNorm makes the weight's exactly 0)
    before = net[3].bias.detach().clone()
    net(torch.rand(4, 1, 3, 3, dtype=torch.float64)).sum().backward()
    optimizer.step()
    assert_values(net[3].bias, before - 0.5 * 4,
                  expr="net[3].bias after optimizer.step() (optimizer built before net.to)", exact=True)
    t = torch.ones(3)
    assert t.to(torch.float64) is not t and t.dtype == torch.float32, "Tensor.to(new dtype) should copy, t unchanged"
    assert t.to(torch.float32) is t and t.to("cpu") is t, "Tensor.to(what t already is) should return t itself"
    assert t.to("cpu", copy=True) is not t, "Tensor.to(..., copy=True) should copy"


@pytest.mark.claim("device.module_to_in_place", "overwrite_flag_replaces_parameters")
def test_the_overwrite_flag_makes_module_to_replace_the_parameters():
    """Under torch.__future__.set_overwrite_module_params_on_conversion(True) net.to(torch.float64) puts new
    Parameter objects in place of the old ones (restored afterwards)."""
    net = small_module()
    params, _ = module_state(net)
    saved = torch.__future__.get_overwrite_module_params_on_conversion()
    torch.__future__.set_overwrite_module_params_on_conversion(True)
    try:
        assert net.to(torch.float64) is net, "net.to(torch.float64) should return net itself"
    finally:
        torch.__future__.set_overwrite_module_params_on_conversion(saved)
    assert_equal([p is q for p, q in zip(params, net.parameters())], [False] * len(params),
                 expr="net.to(torch.float64) under set_overwrite_module_params_on_conversion(True)",
                 name="same Parameter objects")
    assert_equal({p.dtype for p in net.parameters()}, {torch.float64}, expr="net.to(torch.float64)", name="dtypes")


@pytest.mark.claim("device.module_to_in_place", "returns_the_module")
@pytest.mark.parametrize("device", [pytest.param("meta", id="meta", marks=pytest.mark.claim("device.module_to_in_place",
                                                                                             "meta_replaces_parameters")),
                                    cuda_naming("device.module_to_in_place", "cuda_moves_in_place")])
def test_module_to_a_device_moves_it_in_place(device):
    """net.to(device) returns net itself, with every parameter and buffer on the device.  To meta the
    Parameter objects are replaced (the old ones stay on the CPU); to cuda the same objects are moved."""
    net = small_module()
    params, _ = module_state(net)
    returned = net.to(device)
    assert returned is net, f"net.to({device!r}) should return net itself"
    assert_equal({t.device.type for t in [*net.parameters(), *net.buffers()]}, {device},
                 expr=f"parameters and buffers after net.to({device!r})", name="devices")
    kept = [p is q for p, q in zip(params, net.parameters())]
    assert_equal(kept, [device == "cuda"] * len(params), expr=f"net.to({device!r})", name="same Parameter objects")
    if device == "meta":
        assert_equal({p.device.type for p in params}, {"cpu"}, expr="the Parameters net had before net.to('meta')",
                     name="devices of the old Parameter objects")
    if device == "cuda":
        assert net.cuda() is net and net.cpu() is net, "net.cuda() / net.cpu() should return net itself"


# ---- device.agnostic_code -----------------------------------------------------------------------


@pytest.mark.claim("device.agnostic_code", "picks_cuda_when_visible")
def test_the_course_device_pick():
    """``torch.device('cuda' if torch.cuda.is_available() else 'cpu')`` picks cuda exactly when a GPU
    exists, and ``if torch.cuda.is_available(): t = t.to('cuda')`` (CH) puts t there."""
    picked = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert_equal(picked.type, "cuda" if torch.cuda.device_count() > 0 else "cpu",
                 expr=f"torch.cuda.device_count() == {torch.cuda.device_count()}", name="picked device")
    t = torch.ones(2)
    if torch.cuda.is_available():
        t = t.to("cuda")
    assert_device(t, picked.type, expr="the CH snippet", name="t.device")


@contextmanager
def ieee_float32():
    """No TF32 in cuDNN convolutions or matmuls for the block (cuDNN allows it by default): a GPU
    result then differs from the CPU's only by float32 rounding.  The flags are restored."""
    saved = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    try:
        yield
    finally:
        torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = saved


def forward_and_step(net: nn.Module, device: str, dtype: torch.dtype, batch: int = 16) -> dict[str, torch.Tensor]:
    """The course's device-agnostic code: move the network and a batch to ``device``, run one training
    step (tensorspec.course.training.train_step); everything it produced, back on the CPU in float64."""
    net = net.to(device=device, dtype=dtype)
    gen = torch.Generator().manual_seed(SEED)
    images = torch.rand(batch, 1, 28, 28, generator=gen).to(device=device, dtype=dtype)
    labels = torch.randint(0, 10, (batch,), generator=gen).to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.1)
    loss, preds = training.train_step(net, optimizer, images, labels)
    synchronize(device)
    out = {"logits": preds, "loss": loss}
    out.update({f"{name}.grad": p.grad for name, p in net.named_parameters()})
    out.update({f"{name} after the step": p for name, p in net.named_parameters()})
    return {k: v.detach().to("cpu", torch.float64) for k, v in out.items()}


# float32 on a device vs float64 on the CPU: measured on the CPU, at most 2e-7 absolute apart (the
# gradients are ~1e-3); cuDNN's algorithms sum in other orders, so the GPU gets ten times the room.
AGREEMENT = {"cpu": (1e-4, 1e-6), "cuda": (1e-3, 1e-5)}


@pytest.mark.claim("device.agnostic_code")
@pytest.mark.parametrize("device", [pytest.param("cpu", id="cpu", marks=pytest.mark.claim("device.agnostic_code",
                                                                                           "same_results_on_the_cpu")),
                                    cuda_naming("device.agnostic_code", "same_results_on_cuda")])
def test_the_course_network_trains_the_same_on_every_device(device):
    """The course network's forward pass and one SGD step in float32 on ``device`` match the same code
    run in float64 on the CPU (logits, loss, every gradient and updated weight)."""
    net = network.build("plain", seed=SEED)
    reference = forward_and_step(copy.deepcopy(net), "cpu", torch.float64)
    with ieee_float32():
        result = forward_and_step(net, device, torch.float32)
    assert_equal(list(result), list(reference), expr="forward_and_step", name="keys")
    rtol, atol = AGREEMENT[device]
    for name, value in result.items():
        assert_tensor(value, reference[name], expr=f"forward_and_step on {device} (float32) vs cpu (float64)",
                      name=name, rtol=rtol, atol=atol, equal_nan=False)


