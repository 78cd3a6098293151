"""misc: claims of the overview chapters - which ranks PyTorch handles, which features it lacks, and
three small learning problems (MF, CH1.1, CH1.2).

The learning problems are seeded with a local ``torch.Generator`` and run in well under 2 s each;
their thresholds are stated in the tests.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tensorspec.claims.context import differs
from tensorspec.course import toy_problems as T
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import assert_equal, assert_shape, assert_tensor, assert_values, repro, source
from tensorspec.testing.devices import on_devices


@pytest.mark.claim("misc.only_2d", "elementwise_any_rank", "reduction_any_rank", "batched_matmul")
@on_devices
@given(a=S.arrays(np.float64, S.shapes(), special=False, bound=100), data=st.data())
def test_tensors_and_ops_of_every_rank(device, a, data):
    """Element-wise ops, reductions along a dim and batched matmul work at rank 0 to 5, as in NumPy."""
    t = torch.from_numpy(a).to(device)
    dim = data.draw(S.dims(a.ndim), label="dim")
    with repro(f"t = torch.tensor({source(a)})  # rank {a.ndim}"):
        assert_values(t * 2 + 1, a * 2 + 1, expr="t * 2 + 1")
        assert_values(torch.exp(t / 100), np.exp(a / 100), expr="torch.exp(t / 100)")
        assert_values(t.sum(dim), a.sum(axis=dim) if a.ndim else a, expr=f"t.sum({dim})")
        if a.ndim >= 2:  # batched matrix product over all leading axes
            k = a.shape[-1]
            b = np.arange(k * 2, dtype=np.float64).reshape(k, 2)
            assert_values(t @ torch.from_numpy(b).to(device), a @ b, expr="t @ b (batched)")


@pytest.mark.claim("misc.only_2d", "zero_d_own_lane", "numpy_zero_d")
@on_devices
def test_a_0d_tensor_is_its_own_lane(device):
    """Rank 0: torch reduces a 0-d tensor along dim 0 or -1 (the tensor is its own lane, the result
    0-d); NumPy's sum/prod/max/min/argmax agree, but its mean/std/var raise AxisError and its cumsum
    gives shape (1,)."""
    t, a = torch.tensor(3.0, device=device), np.array(3.0)
    for name in ("sum", "prod", "amax", "amin", "argmax", "mean", "cumsum"):
        for dim in (0, -1):
            assert_shape(getattr(torch, name)(t, dim), (), expr=f"torch.{name}(torch.tensor(3.), {dim})")
        assert_equal(torch.sum(t, dim).item(), 3.0, expr=f"torch.sum(torch.tensor(3.), {dim})",
                     name="torch.sum(t, dim).item()")
    for name in ("sum", "prod", "max", "min", "argmax"):
        assert_equal(np.shape(getattr(np, name)(a, axis=0)), (), expr="a = np.array(3.)", name=f"np.{name}(a, axis=0)")
    for name in ("mean", "std", "var"):
        with pytest.raises(np.exceptions.AxisError if hasattr(np, "exceptions") else np.AxisError):
            getattr(np, name)(a, axis=0)
    assert_equal(np.cumsum(a, axis=0).shape, (1,), expr="a = np.array(3.)", name="np.cumsum(a, axis=0).shape")

@pytest.mark.claim("misc.only_2d", "linear_any_leading_axes")
@on_devices
@given(batch=S.shapes(max_dims=4, max_size=24), sizes=st.tuples(st.integers(1, 4), st.integers(1, 4)),
       seed=st.integers(0, 2**32 - 1))
def test_linear_layers_take_any_number_of_leading_axes(device, batch, sizes, seed):
    """nn.Linear(i, o) maps input of shape (*batch, i) - 1-D included - to (*batch, o): x @ W.T + b."""
    g = torch.Generator().manual_seed(seed)
    layer = T.seeded_init(torch.nn.Linear(*sizes, dtype=torch.float64), g).to(device)
    x = torch.randn(*batch, sizes[0], generator=g, dtype=torch.float64)
    w, b = layer.weight.detach().cpu().numpy(), layer.bias.detach().cpu().numpy()
    with repro(f"torch.nn.Linear{sizes}(torch.randn({batch + (sizes[0],)}))"):
        with torch.no_grad():
            out = layer(x.to(device))
        assert_shape(out, batch + (sizes[1],),
                     expr=f"Linear{sizes} of input shape {batch + (sizes[0],)}")
        assert_values(out, x.numpy() @ w.T + b, expr="x @ W.T + b")


@pytest.mark.claim("misc.only_2d", "unsqueeze_makes_samples", "elementwise_any_rank")
@on_devices
def test_the_notes_unsqueeze_makes_a_batch_of_one_feature_samples(device):
    """The note's example: 100 scalars in a 1-D tensor are ONE sample of 100 features for nn.Linear;
    unsqueeze(1) makes them 100 samples of 1 feature.  Rank 8 works as well as rank 2."""
    x = torch.linspace(-1, 1, 100, device=device)
    layer = torch.nn.Linear(1, 10, device=device)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(1x100 and 1x10\)"):
        layer(x)
    with torch.no_grad():
        assert_shape(layer(x.unsqueeze(1)), (100, 10), expr="Linear(1, 10)(x.unsqueeze(1))", name="shape")
        assert_shape(torch.nn.Linear(100, 10, device=device)(x), (10,), expr="Linear(100, 10)(x)", name="shape")
    high = torch.ones([2] * 8, device=device)
    assert_equal((high + 1).sum().item(), 2.0 * 2 ** 8, expr="torch.ones([2] * 8)", name="(high + 1).sum()")


FFT_DTYPES = [np.dtype(d) for d in (np.float32, np.float64, np.complex64, np.complex128)]


@pytest.mark.claim("misc.missing_features", "fft_agrees_with_numpy", "fft_half_refused_on_cpu")
@on_devices
@given(a=S.arrays(S.numpy_dtypes(FFT_DTYPES), S.shapes(min_dims=1, max_dims=3, min_side=1), special=False, bound=10),
       data=st.data())
def test_fft_exists_and_agrees_with_numpy(device, a, data):
    """torch.fft.fft / ifft along a dim agree with numpy.fft; float16 is refused on the CPU."""
    dim = data.draw(S.dims(a.ndim), label="dim")
    t = torch.from_numpy(a).to(device)
    scale = max(1.0, float(np.abs(a).sum()))  # error grows with the sum of magnitudes
    single = a.dtype in (np.float32, np.complex64)
    tol = dict(rtol=1e-4, atol=1e-5 * scale) if single else dict(rtol=1e-9, atol=1e-12 * scale)
    with repro(f"torch.fft.fft(torch.tensor({source(a)}), dim={dim})"):
        spectrum = torch.fft.fft(t, dim=dim)
        assert_tensor(spectrum.cpu(), torch.from_numpy(np.fft.fft(a, axis=dim)).to(spectrum.dtype),
                      expr=f"torch.fft.fft(t, dim={dim}) vs np.fft.fft", equal_nan=False, **tol)
        assert_tensor(torch.fft.ifft(spectrum, dim=dim).cpu(), torch.from_numpy(a).to(spectrum.dtype),
                      expr=f"torch.fft.ifft(torch.fft.fft(t, dim={dim}), dim={dim}) vs t", equal_nan=False, **tol)
    if device == "cpu":
        with pytest.raises(RuntimeError, match="Unsupported dtype Half"):
            torch.fft.fft(torch.ones(a.shape, dtype=torch.float16), dim=dim)


FFT_REFUSED = {torch.float16: "Unsupported dtype Half", torch.bfloat16: "Unsupported dtype BFloat16",
               torch.complex32: "MKL FFT doesn't support tensors of type: Half"}  # on the CPU


@pytest.mark.claim("misc.missing_features", "fft_of_integers_is_complex64", "fft_half_refused_on_cpu")
@on_devices
def test_fft_of_integers_is_complex64_and_half_precision_is_refused_on_the_cpu(device):
    """Integer and bool input gives complex64; float16, bfloat16 and complex32 are refused on the CPU."""
    for dtype in (torch.int64, torch.uint8, torch.bool):
        assert_equal(torch.fft.fft(torch.ones(4, dtype=dtype, device=device)).dtype, torch.complex64,
                     expr=f"torch.fft.fft(torch.ones(4, dtype={dtype}))", name="fft dtype")
    if device == "cpu":
        for dtype, message in FFT_REFUSED.items():
            with pytest.raises(RuntimeError, match=message):
                torch.fft.fft(torch.ones(4, dtype=dtype))
                pytest.fail(f"torch.fft.fft of {dtype} gave a result on the CPU")


@pytest.mark.claim("misc.missing_features", "ifft_conjugate_bit")
@on_devices
def test_ifft_of_a_real_tensor_is_a_conjugate_view(device):
    """ifft of a real tensor has the conjugate bit set, so .numpy() needs .resolve_conj() first (complex
    input: no conjugate bit)."""
    for dtype in (torch.float32, torch.float64):
        inverse = torch.fft.ifft(torch.arange(4.0, dtype=dtype, device=device))
        assert_equal(inverse.is_conj(), True, expr=f"torch.fft.ifft(real {dtype})", name="is_conj()")
        if device == "cpu":
            with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that has conjugate bit set"):
                inverse.numpy()
            assert_values(inverse.resolve_conj().numpy(), np.fft.ifft(np.arange(4.0)),
                          expr="ifft(...).resolve_conj().numpy()")
    complex_input = torch.ones(4, dtype=torch.complex64, device=device)
    assert_equal(torch.fft.ifft(complex_input).is_conj(), False, expr="torch.fft.ifft(complex64)", name="is_conj()")


@pytest.mark.claim("misc.missing_features", "isposinf_refuses_complex")
@on_devices
@pytest.mark.parametrize("name", ["isposinf", "isneginf"])
def test_isposinf_and_isneginf_refuse_complex_tensors(device, name):
    """isposinf/isneginf have no meaning for complex numbers and say so."""
    with pytest.raises(RuntimeError, match=f"{name} does not support complex inputs"):
        getattr(torch, name)(torch.ones(4, dtype=torch.complex64, device=device))
        pytest.fail(f"torch.{name} of a complex64 tensor gave a result")


@pytest.mark.claim("misc.missing_features", "flip_agrees_with_numpy", "flip_bad_dims")
@on_devices
@given(a=S.arrays(S.numpy_dtypes(D.REAL), S.shapes()), data=st.data())
def test_flip_along_dims_exists_and_agrees_with_numpy(device, a, data):
    """torch.flip(t, dims) is np.flip(a, axis=dims), for any set of dims (negative ones too); a dim
    given twice is a RuntimeError, one out of range an IndexError."""
    n = a.ndim
    dims = data.draw(st.lists(st.integers(-n, n - 1), unique_by=lambda d: d % n, max_size=n) if n else st.just([]),
                     label="dims")
    t = torch.from_numpy(a).to(device)
    with repro(f"torch.flip(torch.tensor({source(a)}), {dims})"):
        assert_values(torch.flip(t, dims), np.flip(a, axis=tuple(dims)).copy(), expr=f"torch.flip(t, {dims})",
                      exact=True)
        if n:
            with pytest.raises(RuntimeError, match=f"dim {(dims or [0])[0] % n} appears multiple times"):
                torch.flip(t, (dims or [0]) * 2)
            bad = data.draw(S.out_of_range_dims(n), label="bad dim")
            with pytest.raises(IndexError, match="Dimension out of range"):
                torch.flip(t, [bad])


# torch.flip has no CPU kernel for these (where this torch has them).
FLOAT8 = D.available("float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz", "float8_e8m0fnu")
WIDE_UNSIGNED = [getattr(torch, d.name) for d in D.LIMITED_UINT]  # uint16/32/64, where this torch has them
FLIP_REFUSED = [*WIDE_UNSIGNED, *FLOAT8]


@pytest.mark.claim("misc.missing_features", "flip_refused_dtypes")
@pytest.mark.parametrize("dtype", FLIP_REFUSED, ids=str)
def test_flip_refuses_the_limited_unsigned_and_float8_dtypes_on_the_cpu(dtype):
    """The float8 dtypes have no flip kernel on the CPU; uint16/32/64 have one since torch 2.14 (none in
    the range flip_wide_unsigned_missing)."""
    t = torch.zeros(3).to(dtype)
    if dtype in WIDE_UNSIGNED and not differs("flip_wide_unsigned_missing"):
        values = torch.tensor([1, 2, 3]).to(dtype)
        assert_equal(torch.flip(values, [0]).tolist(), [3, 2, 1], expr=f"torch.flip(t, [0]), t {dtype}",
                     name=f"torch.flip(<{dtype} [1, 2, 3]>, [0])")
        return
    with pytest.raises(missing_kernel_error(), match='"flip_cpu" not implemented for'):
        torch.flip(t, [0])
        pytest.fail(f"torch.flip of a {dtype} tensor gave a result")


INF_CHECKS = ("isinf", "isnan", "isfinite", "isposinf", "isneginf")
SPECIAL = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 1.5, -2.0])


@pytest.mark.claim("misc.missing_features", "inf_nan_checks_agree")
@on_devices
@given(a=S.arrays(S.numpy_dtypes(D.REAL + D.LIMITED_UINT), S.shapes()), bfloat16=st.booleans())
@example(a=SPECIAL.astype(np.float32), bfloat16=False)
@example(a=SPECIAL.astype(np.float16).reshape(7, 1), bfloat16=False)
@example(a=SPECIAL.astype(np.float32), bfloat16=True)
@example(a=np.array([True, False]), bfloat16=False)
def test_inf_and_nan_checks_exist_and_agree_with_numpy(device, a, bfloat16):
    """torch.isinf / isnan / isfinite / isposinf / isneginf agree with NumPy for the real dtypes of the
    dtype table, uint16/32/64 and bfloat16 (checked on the float32 values it holds); of bool, isposinf
    and isneginf (NumPy refuses them) are all False."""
    t = torch.from_numpy(a).to(device)
    if bfloat16 and a.dtype.kind == "f":
        t = t.to(torch.bfloat16)
        a = t.float().cpu().numpy()
    with repro(f"t = torch.tensor({source(a)}).to({t.dtype}); torch.isinf(t), torch.isnan(t)"):
        for name in ("isinf", "isnan", "isfinite", "isposinf", "isneginf"):
            if name in ("isposinf", "isneginf") and a.dtype == np.bool_:  # NumPy refuses bool there
                assert_values(getattr(torch, name)(t), np.zeros(a.shape, dtype=bool), expr=f"torch.{name}(t)",
                              exact=True)
                continue
            assert_values(getattr(torch, name)(t), getattr(np, name)(a), expr=f"torch.{name}(t)", exact=True)


# What the CPU kernels of the inf checks do for float8: works (None) or the name in the refusal.
FLOAT8_CHECKS = {
    "float8_e4m3fn": {"isnan": None, "isinf": "isinf", "isfinite": "isfinite"},
    "float8_e4m3fnuz": {"isnan": None, "isinf": "isinf", "isfinite": "isfinite"},
    "float8_e5m2": {"isnan": None, "isinf": None, "isfinite": None},
    "float8_e5m2fnuz": {"isnan": None, "isinf": "isinf", "isfinite": "isfinite"},
    "float8_e8m0fnu": {"isnan": None, "isinf": "isinf", "isfinite": None},
}


def missing_kernel_error() -> type[Exception]:
    """The class of a missing CPU kernel's error: NotImplementedError, a plain RuntimeError in the range."""
    return RuntimeError if differs("misc_missing_kernel_runtime_error") else NotImplementedError


@pytest.mark.claim("misc.missing_features", "float8_inf_checks")
@pytest.mark.parametrize("dtype", FLOAT8, ids=str)
def test_the_float8_dtypes_are_partly_covered_by_the_inf_checks(dtype):
    """On the CPU, isnan works for every float8 dtype; isinf and isfinite only for some; isposinf and
    isneginf for none.  Where one works, it gives the float32 answer for the values the dtype holds."""
    t = torch.tensor([0.5, 1.0, 2.0]).to(dtype)
    expected = {**FLOAT8_CHECKS[str(dtype).removeprefix("torch.")], "isposinf": "isposinf_cpu",
                "isneginf": "isneginf_cpu"}
    for name, refusal in expected.items():
        if refusal is None:
            assert_values(getattr(torch, name)(t), getattr(torch, name)(t.float()), expr=f"torch.{name}(<{dtype}>)",
                          exact=True)
        else:
            with pytest.raises(missing_kernel_error(), match=f'"{refusal}" not implemented for'):
                getattr(torch, name)(t)
                pytest.fail(f"torch.{name} of a {dtype} tensor gave a result")


@pytest.mark.claim("misc.regression_mse", "recovers_the_line", "wide_inputs_diverge", "stability_condition")
@on_devices
@settings(max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture])  # a training each;
# claim_fact is meant to be shared by the examples (the last one's figure is reported)
@given(weight=st.floats(-5, 5), bias=st.floats(-5, 5), seed=st.integers(0, 2**32 - 1))
def test_linear_regression_with_mse_recovers_the_line(device, weight, bias, seed, claim_fact):
    """Linear(1, 1) trained by SGD (lr 0.5, 100 steps) on MSE, 100 points x ~ U[-1, 1], y = w x + b +
    N(0, 0.05²): the weights reach NumPy's least-squares fit (to 1e-4) and the true line (to 0.05).
    With 100 evenly spaced points over [-3, 3] the same recipe diverges (loss above 1e6)."""
    g = torch.Generator().manual_seed(seed)
    p = T.linear_relation(g, weight, bias, noise=0.05, device=device)
    assert bool((p.x.abs() <= 1).all()), "the inputs are not in [-1, 1]"
    init = T.seeded_init(torch.nn.Linear(1, 1), g)
    wide = copy.deepcopy(init).to(device)
    model = init.to(device)
    T.fit(model, F.mse_loss, p.x, p.y, steps=100, lr=0.5)
    wide_x = torch.linspace(-3, 3, 100, device=device)[:, None]  # evenly spaced: E x² = 3.06, whatever was drawn
    losses = T.fit(wide, F.mse_loss, wide_x, weight * wide_x + bias, steps=100, lr=0.5)
    assert not losses[-1] <= 1e6, f"x in [-3, 3]: SGD (lr 0.5) ended at loss {losses[-1]:.3g}, but should diverge"
    for x, stable in ((p.x, True), (wide_x, False)):  # lr x the largest eigenvalue of MSE's Hessian, below 2?
        hessian = 2 * torch.tensor([[(x * x).mean().item(), x.mean().item()], [x.mean().item(), 1.0]], dtype=torch.float64)
        assert_equal(bool(0.5 * torch.linalg.eigvalsh(hessian).max() < 2), stable,
                     expr=f"x in [{x.min().item():.2f}, {x.max().item():.2f}]", name="lr * max eigenvalue < 2")
    x, y = p.x.cpu().numpy()[:, 0], p.y.cpu().numpy()[:, 0]
    (w_ls, b_ls), *_ = np.linalg.lstsq(np.stack([x, np.ones_like(x)], axis=1), y, rcond=None)
    fitted = (model.weight.item(), model.bias.item())
    with repro(f"toy_problems.linear_relation(torch.Generator().manual_seed({seed}), {weight}, {bias}, 0.05)"):
        assert np.allclose(fitted, (w_ls, b_ls), atol=1e-4), f"SGD on MSE gave {fitted}, least squares {(w_ls, b_ls)}"
        assert np.allclose(fitted, (weight, bias), atol=0.05), f"fitted {fitted}, true line {(weight, bias)}"
    claim_fact("fitted - true (w, b)",
               f"({fitted[0] - weight:+.4f}, {fitted[1] - bias:+.4f})")


SHIFT = (20.0, 20.0)  # the clouds moved away from the origin


def sigmoid_bce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The recipe's loss: binary cross-entropy of the sigmoid output (called at call time)."""
    return F.binary_cross_entropy(torch.sigmoid(logits), y)


def held_out_accuracy(model: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return ((model(x) > 0).float() == y).float().mean().item()


@pytest.mark.claim("misc.logistic_sigmoid", "separates_centred_clouds", "outputs_in_unit_interval", "shifted_clouds_fail")
@on_devices
@settings(max_examples=5, suppress_health_check=[HealthCheck.function_scoped_fixture])  # a training each;
# claim_fact is meant to be shared by the examples (the last one's figure is reported)
@given(seed=st.integers(0, 2**32 - 1))
def test_logistic_regression_separates_two_classes(device, seed, claim_fact):
    """sigmoid(Linear(2, 1)) trained by SGD (lr 1, 100 steps) on binary cross-entropy, two unit-variance
    Gaussian clouds centred at ±3 along a random direction (symmetric about the origin): >= 95% accuracy
    on 100 held-out points, outputs in [0, 1].  The same clouds shifted to (20, 20): below 95%."""
    g = torch.Generator().manual_seed(seed)
    p = T.two_blobs(g, separation=6.0, device=device)
    assert_equal((tuple(p.x.shape), tuple(p.x_test.shape)), ((100, 2), (100, 2)), expr="toy_problems.two_blobs",
                 name="training / held-out shapes")
    init = T.seeded_init(torch.nn.Linear(2, 1), g)
    shifted_model = copy.deepcopy(init).to(device)
    model = init.to(device)
    T.fit(model, sigmoid_bce, p.x, p.y, steps=100, lr=1.0)
    shift = torch.tensor(SHIFT, device=device)
    T.fit(shifted_model, sigmoid_bce, p.x + shift, p.y, steps=100, lr=1.0)
    with torch.no_grad():
        probability = torch.sigmoid(model(p.x_test))
    shifted = held_out_accuracy(shifted_model, p.x_test + shift, p.y_test)
    accuracy = ((probability > 0.5).float() == p.y_test).float().mean().item()
    with repro(f"toy_problems.two_blobs(torch.Generator().manual_seed({seed}), 6.0)"):
        assert shifted < 0.95, f"clouds at (20, 20): held-out accuracy {shifted:.2f}, but should stay below 0.95"
        assert bool(((probability >= 0) & (probability <= 1)).all()), "sigmoid output outside [0, 1]"
        assert accuracy >= 0.95, f"held-out accuracy {accuracy:.2f}, but should be >= 0.95"
    claim_fact("held-out accuracy", f"{accuracy:.2f}")


def shifted_problem(seed: int, device: str):
    """Seed ``seed``'s clouds shifted by SHIFT, and the model's initial weights."""
    g = torch.Generator().manual_seed(seed)
    p = T.two_blobs(g, separation=6.0, device=device)
    init = T.seeded_init(torch.nn.Linear(2, 1), g).to(device)
    shift = torch.tensor(SHIFT, device=device)
    return p.x + shift, p.y, p.x_test + shift, p.y_test, init


@pytest.mark.claim("misc.logistic_sigmoid", "saturated_sigmoid_stops_learning")
@on_devices
@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_a_saturated_sigmoid_stops_learning_on_the_shifted_clouds(device, seed):
    """After one SGD step (lr 1) on the shifted clouds every training sigmoid output is exactly 0 or 1;
    the gradient of binary cross-entropy through it is exactly zero, misclassified points included, so
    the next 99 steps leave the weights as they are."""
    x, y, _, _, model = shifted_problem(seed, device)
    T.fit(model, sigmoid_bce, x, y, steps=1, lr=1.0)
    with torch.no_grad():
        out = torch.sigmoid(model(x))
    wrong = ((out > 0.5).float() != y).sum().item()
    assert bool(((out == 0) | (out == 1)).all()), (
        f"seed {seed}: after one step {int(((out > 0) & (out < 1)).sum())} sigmoid outputs lie strictly in (0, 1)")
    assert wrong > 0, f"seed {seed}: no misclassified training point after one step"
    model.zero_grad()
    sigmoid_bce(model(x), y).backward()
    for name, param in model.named_parameters():
        assert_equal(bool((param.grad == 0).all()), True,
                     expr=f"seed {seed}: the gradient with {wrong} misclassified points", name=f"{name}.grad == 0")
    after_one = [q.detach().clone() for q in model.parameters()]
    T.fit(model, sigmoid_bce, x, y, steps=99, lr=1.0)
    for before, now in zip(after_one, model.parameters()):
        assert torch.equal(before, now.detach()), f"seed {seed}: the weights moved after the first step"


@pytest.mark.claim("misc.logistic_sigmoid", "logits_loss_learns_shifted_clouds")
@on_devices
@pytest.mark.parametrize("seed", [0, 2, 3, 4])
def test_a_loss_on_the_logits_learns_the_shifted_clouds(device, seed, claim_fact):
    """F.binary_cross_entropy_with_logits, same model, lr and steps: the shifted clouds are learnt."""
    x, y, x_test, y_test, model = shifted_problem(seed, device)
    T.fit(model, F.binary_cross_entropy_with_logits, x, y, steps=100, lr=1.0)
    accuracy = held_out_accuracy(model, x_test, y_test)
    claim_fact(f"shifted clouds, loss on the logits, seed {seed}: held-out accuracy", f"{accuracy:.2f}")
    assert accuracy >= 0.95, f"seed {seed}: held-out accuracy {accuracy:.2f} with the loss on the logits"


@pytest.mark.claim("misc.overfitting", "fits_the_noise", "held_out_worse")
@on_devices
def test_a_big_model_on_few_points_fits_them_better_than_held_out_data(device, claim_fact):
    """An MLP (1-64-64-1, tanh) trained by Adam (lr 0.02, 300 steps) on 10 points of sin(3x) + N(0, 0.3²),
    data and initial weights from seed 0 (one fixed draw: the ratio is not a property of every draw):
    its training MSE falls below the noise variance 0.09 (it fits the noise), its MSE on 200 held-out
    points stays above it and is at least 3 times the training MSE."""
    p, model = T.overfit_noisy_sine(device, seed=0)  # the problem of its benchmark (bench/test_bench_overfitting.py)
    assert bool((p.x.abs() <= 1).all() and (p.x_test.abs() <= 1).all()), "the inputs are not in [-1, 1]"
    train, test = T.training_and_held_out_mse(model, p)
    claim_fact("training / held-out MSE", f"{train:.3f} / {test:.3f}")
    noise_variance = 0.3 ** 2
    assert train < noise_variance < test, f"training MSE {train:.3f}, held-out {test:.3f}, noise variance 0.09"
    assert test >= 3 * train, f"held-out MSE {test:.3f} is not 3x the training MSE {train:.3f}"
