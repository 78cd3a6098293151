"""device: tensors on two devices in one operation (refused, the 0-d exception, meta's quirks, dtypes that do combine), and the GPU-only speed claims (MF, DL35; figures: bench/)."""
from __future__ import annotations

import time

import numpy as np
import pytest
import torch
from hypothesis import example, given
from hypothesis import strategies as st
from torch import nn

from tensorspec.claims.context import differs
from tensorspec.course import network, training
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import assert_dtype, assert_equal, assert_tensor, assert_values, repro, source
from tensorspec.testing.device_cases import CPU, ELSEWHERE, SEED, mixed_devices
from tensorspec.testing.devices import (
    on_cuda,
    on_devices,
    synchronize,
)

# ---- device.cross_device_error --------------------------------------------------------------------

# Ops that combine two tensors (called at call time, so mutants can patch the operators).
ELEMENTWISE = {
    "a + b": lambda a, b: a + b,
    "a * b": lambda a, b: a * b,
    "a == b": lambda a, b: a == b,
    "torch.maximum(a, b)": lambda a, b: torch.maximum(a, b),
    "torch.where(a > 0, a, b)": lambda a, b: torch.where(a > 0, a, b),
}
COMBINING = {**ELEMENTWISE, "torch.cat([a, b])": lambda a, b: torch.cat([a.reshape(-1), b.reshape(-1)]),
             "a @ b (1-D)": lambda a, b: a.reshape(-1).float() @ b.reshape(-1).float(),
             "a @ b (2-D)": lambda a, b: a.reshape(-1, 1).float() @ b.reshape(1, -1).float()}
operands = st.tuples(S.arrays(st.sampled_from([np.float32, np.int64]), S.shapes(min_dims=1, max_dims=3), special=False,
                              bound=100), st.booleans())


def on(device: str, arr: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(arr).to(device)


@pytest.mark.claim("device.cross_device_error", "elementwise_raise", "cat_raises", "matmul_raises", "messages",
                   "meta_in_place_quirk")
@pytest.mark.parametrize("device", ELSEWHERE)
@given(arg=operands)
@example(arg=(np.zeros((0,), np.float32), True))  # an empty CPU tensor
@example(arg=(np.arange(6, dtype=np.int64).reshape(2, 3), False))
def test_tensors_on_two_devices_cannot_be_combined(device, arg):
    """A CPU tensor (rank >= 1, empty too) and a tensor on another device: every op raises RuntimeError,
    whichever comes first."""
    arr, cpu_first = arg
    a, b = on("cpu", arr), on(device, arr)
    if not cpu_first:
        a, b = b, a
    with repro(f"a, b = torch.from_numpy({source(arr)}), torch.from_numpy(...).to({device!r})"):
        for expr, op in COMBINING.items():
            if expr == "a @ b (2-D)" and device == "meta":
                continue  # matrix products raise nothing on meta: test_meta_matrix_products_raise_nothing
            if expr.startswith("torch.cat") and device == "meta" and differs("cat_cpu_and_meta_combine"):
                assert_equal(op(a, b).device.type, "meta", expr=f"{expr}, CPU and meta", name="torch.cat device")
                continue
            if expr.startswith("a @ b") and device == "meta" and differs("matmul_cpu_and_meta_combine"):
                assert_equal(op(a, b).device.type, a.device.type, expr=f"{expr}, CPU and meta", name="a @ b device")
                continue
            with pytest.raises(RuntimeError, match=mixed_devices(device, expr)):
                op(a, b)
                pytest.fail(f"{expr} combined {a.device} and {b.device}")
        before = a.clone()
        # the meta quirk: in-place ops raise nothing, and a CPU target is left unchanged
        if device == "meta" and not differs("meta_in_place_raises"):
            assert a.add_(b) is a, "a.add_(b) returns a"
            if a.device == CPU:
                assert_values(a, before, expr="c.add_(m): the CPU tensor after an in-place add of a meta tensor",
                              exact=True)
        else:
            with pytest.raises(RuntimeError, match=mixed_devices(device)):
                a.add_(b)
                pytest.fail(f"a.add_(b) combined {a.device} and {b.device}")


META_MATRIX_PRODUCTS = {  # (a, b) -> the product; a and b each a CPU or a meta tensor
    "a @ b (2-D)": (lambda a, b: a @ b, (2, 3), (3, 2)),
    "a @ b (vector @ matrix)": (lambda a, b: a @ b, (3,), (3, 2)),
    "torch.mm(a, b)": (lambda a, b: torch.mm(a, b), (2, 3), (3, 2)),
    "torch.bmm(a, b)": (lambda a, b: torch.bmm(a, b), (1, 2, 3), (1, 3, 2)),
    "F.linear(x, w)": (lambda a, b: nn.functional.linear(a, b), (2, 3), (4, 3)),
}


@pytest.mark.claim("device.cross_device_error", "meta_matrix_products_quirk", "matmul_raises", "messages")
@pytest.mark.parametrize("cpu_first", [True, False], ids=["cpu-meta", "meta-cpu"])
def test_meta_matrix_products_raise_nothing(cpu_first, claim_fact):
    """A meta quirk: a matrix-matrix product of a CPU and a meta tensor raises nothing; the result
    lands on one of the two devices (which one is recorded); dot and matrix @ vector raise."""
    first, second = ("cpu", "meta") if cpu_first else ("meta", "cpu")
    for expr, (op, shape_a, shape_b) in META_MATRIX_PRODUCTS.items():
        a, b = torch.ones(shape_a, device=first), torch.ones(shape_b, device=second)
        out = op(a, b)
        assert out.device.type in ("cpu", "meta"), f"{expr}: {out.device}"
        claim_fact(f"{expr} of {a.device.type} and {b.device.type}: the result's device", out.device.type)
    if not differs("matmul_cpu_and_meta_combine"):
        for shape_a in ((2, 3), (3,)):  # matrix @ vector, dot
            a, b = torch.ones(shape_a, device=first), torch.ones(3, device=second)
            with pytest.raises(RuntimeError, match=mixed_devices("meta")):
                a @ b

@pytest.mark.claim("device.cross_device_error", "zero_d_cpu_tensor_passes", "zero_d_elsewhere_no_pass")
@pytest.mark.parametrize("device", ELSEWHERE)
@given(arg=operands, value=st.floats(-100, 100, allow_nan=False, width=32), zero_d_other=st.booleans())
@example(arg=(np.ones((2, 3), np.float32), True), value=-2.5, zero_d_other=True)
@example(arg=(np.zeros((0, 2), np.int64), False), value=1.0, zero_d_other=False)
def test_a_0d_cpu_tensor_combines_with_any_device(device, arg, value, zero_d_other):
    """The exception: a 0-d CPU tensor joins element-wise ops on any device, like a Python number; the
    result is on the other device.  A 0-d tensor on another device gets no such pass with CPU tensors."""
    arr, cpu_first = arg
    other = np.asarray(arr.reshape(-1)[0] if arr.size else 3, dtype=arr.dtype) if zero_d_other else arr
    b = on(device, other)
    s = torch.tensor(value)
    with repro(f"s = torch.tensor({value!r}); b = torch.from_numpy(...).to({device!r}); s + b"):
        for expr, op in ELEMENTWISE.items():
            out = op(s, b) if cpu_first else op(b, s)
            follows_condition = (expr.startswith("torch.where") and cpu_first and device == "meta"
                                 and differs("where_result_on_the_condition_device"))
            assert_equal((out.device.type, out.shape), ("cpu" if follows_condition else device, b.shape),
                         expr=f"{expr}, a 0-d CPU tensor", name="(device, shape)")
            if device != "meta":
                expected = op(s, b.cpu()) if cpu_first else op(b.cpu(), s)
                assert_tensor(out.cpu(), expected, expr=f"{expr}, a 0-d CPU tensor, vs on the CPU", equal_nan=False)
        cpu_tensor, zero_d_elsewhere = on("cpu", arr), torch.tensor(value, device=device)
        with pytest.raises(RuntimeError, match=mixed_devices(device)):
            cpu_tensor + zero_d_elsewhere
            pytest.fail(f"a rank-{arr.ndim} CPU tensor + a 0-d {device} tensor should raise")


@pytest.mark.claim("device.cross_device_error", "dtypes_combine")
@on_devices
@given(dtypes=st.tuples(S.torch_dtypes(D.REAL), S.torch_dtypes(D.REAL)))
def test_different_dtypes_do_combine(device, dtypes):
    """The notes' other reading of "type": tensors of different dtypes on one device DO combine, by
    type promotion (torch.result_type), e.g. int64 + float32 -> float32."""
    d1, d2 = dtypes
    a, b = torch.ones(3, dtype=d1, device=device), torch.ones(3, dtype=d2, device=device)
    with repro(f"torch.ones(3, dtype={d1}) * torch.ones(3, dtype={d2})"):
        assert_dtype(a * b, torch.promote_types(d1, d2), expr=f"{d1} * {d2}", name="dtype")


# ---- device.gpu_not_always_faster / device.gpu_speeds_training (GPU only; figures: bench/) -------


def best_seconds(fn, device: str, repeats: int) -> float:
    """The fastest of ``repeats`` timed calls, the GPU synchronized inside the timing; one warm-up call."""
    fn()
    synchronize(device)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.claim("device.gpu_not_always_faster", "gpu_gives_the_cpu_values", "decided_by_the_benchmark")
@on_cuda
def test_tiny_and_big_work_on_the_gpu(device, claim_fact):
    """A 16-element addition (result needed back on the CPU) and a 4096x4096 matmul on the GPU give
    the CPU's values; their best times on both devices are facts of the report, not conditions (the
    verdict rests on the gpu-ops benchmark: a timing bound fails on a busy machine)."""
    tiny = torch.rand(16), torch.rand(16)
    tiny_gpu = [t.cuda() for t in tiny]
    cpu_s = best_seconds(lambda: (tiny[0] + tiny[1]).tolist(), "cpu", 50)
    gpu_s = best_seconds(lambda: (tiny_gpu[0] + tiny_gpu[1]).tolist(), "cuda", 50)
    claim_fact("16-element add: cpu / cuda µs",
               f"{cpu_s * 1e6:.1f} / {gpu_s * 1e6:.1f}")
    assert_values((tiny_gpu[0] + tiny_gpu[1]).cpu(), tiny[0] + tiny[1], expr="16-element add on cuda vs cpu")
    big = torch.rand(4096, 4096)
    big_gpu = big.cuda()
    cpu_s = best_seconds(lambda: big @ big, "cpu", 2)
    gpu_s = best_seconds(lambda: big_gpu @ big_gpu, "cuda", 5)
    claim_fact("4096² matmul: cpu / cuda ms", f"{cpu_s * 1e3:.2f} / {gpu_s * 1e3:.2f}")
    assert_tensor((big_gpu @ big_gpu).cpu(), big @ big, expr="4096² matmul on cuda vs cpu", rtol=1e-3, atol=1e-2,
                  equal_nan=False)


@pytest.mark.claim("device.gpu_speeds_training", "gpu_step_runs", "decided_by_the_benchmark")
@on_cuda
def test_a_training_step_of_the_course_network_on_the_gpu(device, claim_fact):
    """One training step of the course network on a batch of 1000 images held on the device: the best
    step time on the CPU and the GPU are facts of the report (the verdict rests on the gpu-training
    benchmark); the step gives a finite loss on both."""
    seconds = {}
    for dev in ("cpu", "cuda"):
        net = network.build("plain", seed=SEED).to(dev)
        optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
        images, labels = torch.rand(1000, 1, 28, 28, device=dev), torch.randint(0, 10, (1000,), device=dev)
        seconds[dev] = best_seconds(lambda: training.train_step(net, optimizer, images, labels), dev, 5)
        loss, _ = training.train_step(net, optimizer, images, labels)
        assert torch.isfinite(loss).item(), f"{dev}: loss={loss.item()}, but should be finite"
    claim_fact("step at batch 1000: cpu / cuda ms",
               f"{seconds['cpu'] * 1e3:.2f} / {seconds['cuda'] * 1e3:.2f}")
