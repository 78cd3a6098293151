"""autograd: the differentiation engine, the legacy ``Variable``, and what activations do for a
network (BZ, MF).

Derivatives are checked against exact ones (drawn polynomials, ``numpy.polyder``) and against
finite differences (``torch.autograd.gradcheck`` in float64).
"""
from __future__ import annotations

import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tensorspec.reference import polynomials as P
from tensorspec.testing import dtypes as D
from tensorspec.testing import strategies as S
from tensorspec.testing.assertions import assert_equal, assert_shares, assert_values, repro, source
from tensorspec.testing.devices import on_devices


def points(shape, bound: float = 3.0) -> st.SearchStrategy[np.ndarray]:
    """float64 arrays of the given shape (strategy or value), finite and within ±bound."""
    return S.arrays(np.float64, shape, special=False, bound=bound)


def leaf(array: np.ndarray, device) -> torch.Tensor:
    return torch.from_numpy(array).to(device).requires_grad_()


@pytest.mark.claim("autograd.engine", "polynomial_derivatives")
@on_devices
@given(coefficients=P.polynomials(), x=points(S.shapes(max_size=16)))
def test_backward_gives_the_exact_derivative_of_a_polynomial(device, coefficients, x):
    """x.grad after p(x).sum().backward() is p'(x); autograd.grad with create_graph gives p''(x)."""
    t = leaf(x, device)
    with repro(f"x = torch.tensor({x.tolist()}, dtype=torch.float64, requires_grad=True)\n"
               f"({P.source(coefficients)}).sum().backward(); x.grad"):
        P.horner(coefficients, t).sum().backward()
        assert_values(t.grad, P.derivative(coefficients, x), expr="x.grad after p(x).sum().backward()")
        t2 = leaf(x, device)
        (first,) = torch.autograd.grad(P.horner(coefficients, t2).sum(), t2, create_graph=True)
        if first.requires_grad:  # p' is not constant: differentiate once more
            (second,) = torch.autograd.grad(first.sum(), t2)
            assert_values(second, P.derivative(coefficients, x, order=2), expr="second derivative")
        else:
            assert len(coefficients) <= 2, f"p' of a degree-{len(coefficients) - 1} polynomial has no graph"


@st.composite
def broadcastable_pair(draw):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3), label="shapes")
    return tuple(draw(points(s, bound=2.0), label=f"input {i}") for i, s in enumerate(shapes.input_shapes))


@st.composite
def matmul_pair(draw):
    n, k, m = (draw(st.integers(1, 3), label=lbl) for lbl in "nkm")
    return draw(points((n, k)), label="a"), draw(points((k, m)), label="b")


# (name, function of float64 tensors, strategy of input arrays): smooth where the inputs lie.
COMPOSITES = [
    ("sin(exp(a)) * b", lambda a, b: torch.sin(torch.exp(a)) * b, broadcastable_pair()),
    ("tanh(a) / (1 + b**2)", lambda a, b: torch.tanh(a) / (1 + b ** 2), broadcastable_pair()),
    ("log(1 + a**2) - sigmoid(a * b)", lambda a, b: torch.log1p(a ** 2) - torch.sigmoid(a * b), broadcastable_pair()),
    ("softmax(a @ b, dim=-1)", lambda a, b: torch.softmax(a @ b, dim=-1), matmul_pair()),
    ("(a @ b).sum(dim=0) ** 2", lambda a, b: (a @ b).sum(dim=0) ** 2, matmul_pair()),
]


@pytest.mark.claim("autograd.engine", "gradcheck_composites")
@on_devices
@given(case=st.sampled_from(COMPOSITES), data=st.data())
def test_gradients_of_composite_functions_match_finite_differences(device, case, data):
    """gradcheck: autograd's Jacobian of composites (broadcasting, matmul, reductions) equals finite
    differences in float64."""
    name, fn, inputs = case
    arrays = data.draw(inputs, label="inputs")
    tensors = tuple(leaf(a, device) for a in arrays)
    with repro(f"torch.autograd.gradcheck(lambda a, b: {name}, "
               f"({', '.join(source(a) for a in arrays)}))  # float64, requires_grad"):
        assert torch.autograd.gradcheck(fn, tensors, eps=1e-6, atol=1e-5, rtol=1e-4)


@pytest.mark.claim("autograd.variable_required", "requires_grad_enables", "no_graph_without_requires_grad")
@on_devices
@given(dtype=st.sampled_from(D.TORCH_FLOAT), x=points(S.shapes(min_side=1, max_size=16)))
def test_plain_tensors_are_differentiated_once_they_require_grad(device, dtype, x):
    """No Variable needed: a tensor made with requires_grad (or given it by requires_grad_()) gets
    d/dx sum(x*x) = 2x; without it there is no graph and backward is an error."""
    made = torch.tensor(x, dtype=dtype, device=device, requires_grad=True)
    (made * made).sum().backward()
    assert_values(made.grad, 2 * made.detach(),
                  expr="t.grad after (t * t).sum().backward(), t = torch.tensor(x, requires_grad=True)")
    t = torch.tensor(x, dtype=dtype, device=device)
    with repro(f"t = torch.tensor({x.tolist()}, dtype={dtype}).requires_grad_(); (t * t).sum().backward()"):
        assert_equal(type(t), torch.Tensor, expr="torch.tensor(...)", name="type(t)")
        with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not have"):
            (t * t).sum().backward()
        assert t.grad is None, "a tensor not requiring grad got a .grad"
        t.requires_grad_()
        (t * t).sum().backward()
        assert_values(t.grad, 2 * t.detach(), expr="t.grad after (t * t).sum().backward()")


REQUIRES_GRAD_REFUSALS = {  # how an integer or bool tensor is asked to require grad: torch's words (case included)
    "torch.tensor([1, 2], requires_grad=True)": (
        lambda d: torch.tensor([1, 2], requires_grad=True, device=d),
        "Only Tensors of floating point and complex dtype can require gradients"),
    "torch.zeros(2, dtype=torch.int64, requires_grad=True)": (
        lambda d: torch.zeros(2, dtype=torch.int64, requires_grad=True, device=d),
        "Only Tensors of floating point and complex dtype can require gradients"),
    "torch.tensor([1, 2]).requires_grad_()": (
        lambda d: torch.tensor([1, 2], device=d).requires_grad_(), "only Tensors of floating point dtype can require gradients"),
    "torch.tensor([True]).requires_grad_()": (
        lambda d: torch.tensor([True], device=d).requires_grad_(), "only Tensors of floating point dtype can require gradients"),
    "t.requires_grad = True": (
        lambda d: setattr(torch.tensor([1, 2], device=d), "requires_grad", True),
        "only Tensors of floating point and complex dtype can require gradients"),
}


@pytest.mark.claim("autograd.variable_required", "integer_bool_refused")
@pytest.mark.parametrize("expr", REQUIRES_GRAD_REFUSALS)
@on_devices
def test_integer_and_bool_tensors_cannot_require_grad(expr, device):
    """Floating and complex tensors may require grad, integer and bool ones raise RuntimeError, in
    words that depend on the path (requires_grad_() names only floating point, though complex works)."""
    call, message = REQUIRES_GRAD_REFUSALS[expr]
    with pytest.raises(RuntimeError, match=re.escape(message)):
        call(device)


@pytest.mark.claim("autograd.variable_required", "requires_grad_enables")
@on_devices
def test_complex_tensors_may_require_grad(device):
    """Complex tensors require grad by either path, though requires_grad_()'s refusal names only floating point."""
    z = torch.tensor([1j], device=device)
    assert_equal(z.requires_grad_().requires_grad, True, expr="torch.tensor([1j]).requires_grad_()",
                 name="complex requires_grad_()")
    made = torch.tensor([1j], device=device, requires_grad=True)
    assert_equal(made.requires_grad, True, expr="torch.tensor([1j], requires_grad=True)", name="requires_grad")


@pytest.mark.claim("autograd.variable_required", "variable_is_a_shim")
@on_devices
def test_variable_is_a_shim_that_returns_plain_tensors(device):
    """torch.autograd.Variable(t) returns a torch.Tensor; every tensor passes isinstance(_, Variable);
    wrapping alone does not turn on gradients (requires_grad defaults to False), requires_grad=True does."""
    Variable = torch.autograd.Variable
    t = torch.ones(3, device=device)
    v = Variable(t)
    assert_equal(type(v), torch.Tensor, expr="torch.autograd.Variable(t)", name="type(Variable(t))")
    assert_equal(v.requires_grad, False, expr="torch.autograd.Variable(t)", name="Variable(t).requires_grad")
    assert isinstance(torch.zeros(2, device=device), Variable), "a plain tensor is not isinstance(_, Variable)"
    assert not isinstance(np.zeros(2), Variable), "an ndarray passed isinstance(_, Variable)"
    v = Variable(t, requires_grad=True)
    assert_equal((type(v), v.requires_grad), (torch.Tensor, True),
                 expr="torch.autograd.Variable(t, requires_grad=True)", name="(type, requires_grad)")


@pytest.mark.claim("autograd.variable_drop_in", "same_data_and_results")
@on_devices
@given(x=points(S.shapes(min_side=1, max_size=16)))
def test_a_variable_works_like_the_tensor_it_wraps(device, x):
    """Variable(t) is t's data as a new tensor: same values, dtype, device, shared memory, and the
    same results from tensor operations."""
    t = torch.from_numpy(x).to(device)
    v = torch.autograd.Variable(t)
    with repro(f"t = torch.tensor({x.tolist()}, dtype=torch.float64); v = torch.autograd.Variable(t)"):
        assert_equal((v.dtype, v.device, v.shape), (t.dtype, t.device, t.shape), expr="Variable(t) vs t",
                     name="(dtype, device, shape)")
        assert_shares(v, t, expr="torch.autograd.Variable(t)")
        for expr, op in (("x * 2 + 1", lambda z: z * 2 + 1), ("x.exp().sum()", lambda z: z.exp().sum()),
                         ("x.reshape(-1).flip(0)", lambda z: z.reshape(-1).flip(0)), ("x.data", lambda z: z.data)):
            assert_values(op(v), op(t), expr=f"{expr} on Variable(t) and on t", exact=True)


@pytest.mark.claim("autograd.variable_drop_in", "not_a_constructor")
def test_variable_is_not_a_constructor():
    """Where code relied on more, it breaks: Variable(data) takes only tensors (TypeError for a list or
    an array)."""
    for data in ([1.0, 2.0], np.ones(2)):
        with pytest.raises(TypeError, match="Variable data has to be a tensor, but got"):
            torch.autograd.Variable(data)


@pytest.mark.claim("autograd.variable_drop_in", "detaches")
@on_devices
def test_variable_cuts_the_graph(device):
    """Variable(y) of a result detaches it (a leaf without grad_fn), so no gradient reaches the inputs."""
    Variable = torch.autograd.Variable
    x = torch.ones(3, device=device, requires_grad=True)
    y = x * 2
    for requires_grad in (False, True):
        wrapped = Variable(y, requires_grad=requires_grad)
        assert_equal(wrapped.grad_fn, None, expr=f"Variable(x * 2, requires_grad={requires_grad})",
                     name="wrapped.grad_fn")
        assert_equal(wrapped.is_leaf, True, expr=f"Variable(x * 2, requires_grad={requires_grad})",
                     name="wrapped.is_leaf")
    wrapped.sum().backward()
    assert x.grad is None, f"a gradient went through Variable(y) to x: {x.grad}"
    y.sum().backward()  # the unwrapped path does reach x
    assert_values(x.grad, torch.full((3,), 2.0), expr="x.grad through y = x * 2")


def linear_stack(widths: list[int], generator: torch.Generator, device) -> torch.nn.Sequential:
    """nn.Linear layers widths[0] -> widths[1] -> ... (float64), weights drawn from ``generator``."""
    layers = [torch.nn.Linear(i, o, dtype=torch.float64) for i, o in zip(widths, widths[1:])]
    with torch.no_grad():
        for layer in layers:
            layer.weight.copy_(torch.randn(layer.weight.shape, generator=generator, dtype=torch.float64))
            layer.bias.copy_(torch.randn(layer.bias.shape, generator=generator, dtype=torch.float64))
    return torch.nn.Sequential(*layers).to(device)


@pytest.mark.claim("autograd.activation_nonlinear", "linear_stack_is_affine")
@on_devices
@given(widths=st.lists(st.integers(1, 4), min_size=3, max_size=5), seed=st.integers(0, 2**32 - 1),
       batch=st.integers(1, 4))
def test_stacked_linear_layers_without_activation_are_one_affine_map(device, widths, seed, batch):
    """Linear layers one after the other compute x @ W.T + b with W = Wk...W1 and b composed alike:
    depth adds nothing without an activation."""
    g = torch.Generator().manual_seed(seed)
    net = linear_stack(widths, g, device)
    x = torch.randn(batch, widths[0], generator=g, dtype=torch.float64)
    w, b = np.eye(widths[0]), np.zeros(widths[0])
    for layer in net:  # compose in NumPy: (W2 (W1 x + b1) + b2) = (W2 W1) x + (W2 b1 + b2)
        wi, bi = layer.weight.detach().cpu().numpy(), layer.bias.detach().cpu().numpy()
        w, b = wi @ w, wi @ b + bi
    with repro(f"widths={widths}; generator seed {seed}"):
        with torch.no_grad():
            assert_values(net(x.to(device)), x.numpy() @ w.T + b, expr=f"Sequential(Linear...)(x) with widths {widths}")


class Lambda(torch.nn.Module):
    """A function as a layer."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, x):
        return self.fn(x)


ACTIVATIONS = {"relu": torch.relu, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "elu": F.elu,
               "gelu": F.gelu, "leaky_relu": F.leaky_relu, "softplus": F.softplus}


@pytest.mark.claim("autograd.activation_nonlinear", "activation_breaks_affinity")
@on_devices
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_an_activation_between_linear_layers_makes_the_map_non_affine(device, activation):
    """Linear(1,1) -> activation -> Linear(1,1), all weights 1: the second difference at three equally
    spaced points is 0 for an affine map, and clearly not 0 with the activation in between."""
    first, second = (torch.nn.Linear(1, 1, dtype=torch.float64, device=device) for _ in range(2))
    for layer in (first, second):
        torch.nn.init.ones_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
    xs = torch.tensor([[-0.5], [0.25], [1.0]], dtype=torch.float64, device=device)
    act = ACTIVATIONS[activation]
    with torch.no_grad():
        for name, net, nonlinear in (("no activation", torch.nn.Sequential(first, second), False),
                                     (activation, torch.nn.Sequential(first, Lambda(act), second), True)):
            y = net(xs).reshape(-1).tolist()
            second_difference = y[2] - 2 * y[1] + y[0]
            assert_equal(abs(second_difference) > 1e-3, nonlinear,
                         expr=f"Linear -> {name} -> Linear at x = -0.5, 0.25, 1.0 (y = {y})",
                         name="|second difference| > 1e-3")


@pytest.mark.claim("autograd.activation_differentiable", "kinks_have_fixed_slopes")
@on_devices
@given(x=points(S.shapes(min_dims=1, max_dims=1, min_side=1, max_size=12), bound=2.0))
def test_kinked_activations_pass_errors_back_with_a_fixed_slope_at_the_kink(device, x):
    """Activations not differentiable at a point still pass gradients back: autograd uses a fixed
    one-sided slope there (relu'(0) = 0, abs'(0) = 0, leaky_relu'(0) = slope, hardtanh'(±1) = 0)."""
    x = np.concatenate([x, [0.0, -0.0, 1.0, -1.0]])  # the kinks, always
    slopes = {  # name: (activation, derivative in NumPy)
        "relu": (torch.relu, lambda a: (a > 0).astype(float)),
        "abs": (torch.abs, np.sign),
        "leaky_relu": (F.leaky_relu, lambda a: np.where(a > 0, 1.0, 0.01)),
        "hardtanh": (F.hardtanh, lambda a: ((a > -1) & (a < 1)).astype(float)),
    }
    for name, (act, slope) in slopes.items():
        t = leaf(x, device)
        with repro(f"x = torch.tensor({x.tolist()}, dtype=torch.float64, requires_grad=True)\n"
                   f"{name}(x).sum().backward(); x.grad"):
            act(t).sum().backward()
            assert_values(t.grad, slope(x), expr=f"x.grad after {name}(x).sum().backward()", exact=True)


STEPS = ("ceil", "floor", "round", "sign")


@pytest.mark.claim("autograd.activation_differentiable", "piecewise_constant_zero_gradient")
@pytest.mark.parametrize("name", STEPS)  # every one of them, not a draw that may miss one
@on_devices
@given(x=points(S.shapes(min_dims=1, max_dims=2, min_side=1, max_size=12)))
def test_piecewise_constant_activations_pass_no_error_back(device, x, name):
    """A step-like activation (sign, round, floor, ceil) has derivative 0 wherever it has one: backward
    runs and every gradient is 0, so nothing flows back to the layers below."""
    t = leaf(x, device)
    with repro(f"x = torch.tensor({x.tolist()}, dtype=torch.float64, requires_grad=True)\n"
               f"torch.{name}(x).sum().backward(); x.grad"):
        getattr(torch, name)(t).sum().backward()
        assert_values(t.grad, np.zeros_like(x), expr=f"x.grad after torch.{name}(x).sum().backward()", exact=True)


class ForwardOnly(torch.autograd.Function):
    """A custom activation with a forward and no backward."""

    @staticmethod
    def forward(ctx, x):
        return x.clamp(min=0)


@pytest.mark.claim("autograd.activation_differentiable", "no_derivative_raises")
@on_devices
def test_activations_without_a_derivative_stop_backward(device):
    """Without a derivative formula backward is an error: heaviside, a comparison (no grad_fn), and a
    custom Function without backward."""
    x = torch.tensor([-1.0, 0.0, 2.0], device=device, requires_grad=True)
    with pytest.raises(RuntimeError, match="derivative for aten::heaviside is not implemented"):
        torch.heaviside(x, torch.tensor(0.5, device=device)).sum().backward()
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad"):
        (x > 0).to(x.dtype).sum().backward()
    with pytest.raises(NotImplementedError, match="You must implement either the backward or vjp method"):
        ForwardOnly.apply(x).sum().backward()


@pytest.mark.claim("autograd.activation_differentiable", "composed_for_free")
@on_devices
def test_an_activation_of_torch_ops_is_differentiated_for_free(device):
    """x * sigmoid(x), written with torch ops and no derivative of its own, gets s(x) (1 + x (1 - s(x)))."""
    x = torch.tensor([-1.0, 0.0, 2.0], device=device, requires_grad=True)
    swish = x * torch.sigmoid(x)  # a home-made activation built of torch ops
    swish.sum().backward()
    s = torch.sigmoid(x.detach())
    assert_values(x.grad, s * (1 + x.detach() * (1 - s)), expr="x.grad after (x * sigmoid(x)).sum().backward()")


@pytest.mark.claim("autograd.activation_nonlinear", "dead_relus_constant")
def test_a_network_whose_relus_are_all_dead_is_constant():
    """relu is piecewise linear: with every pre-activation negative the map is constant (affine), so
    'not affine' holds for generic weights, not for all."""
    g = torch.Generator().manual_seed(0)
    l1, l2 = torch.nn.Linear(3, 4), torch.nn.Linear(4, 2)
    with torch.no_grad():
        l1.weight.copy_(torch.rand(4, 3, generator=g))
        l1.bias.fill_(-100.0)
        x = torch.rand(50, 3, generator=g) * 2 - 1
        out = l2(F.relu(l1(x)))
    assert_values(out, l2.bias.detach().expand(50, 2), expr="l2(relu(l1(x))) with l1.bias = -100", exact=True)
