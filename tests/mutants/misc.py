"""Mutants of the misc claims: each plants the opposite of one statement of a recorded truth."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from tensorspec.harness.mutation import mutant, per_spelling, raising, when, wrap

# ---- misc.only_2d --------------------------------------------------------------------------------


@per_spelling("misc.only_2d", "elementwise_any_rank", "{op}_takes_only_2d",
              "{form} refuses tensors of rank > 2 (the note).",
              {"torch.exp": "torch.exp", "t * x": "Tensor.__mul__", "t + x": "Tensor.__add__"})
@per_spelling("misc.only_2d", "reduction_any_rank", "sum_takes_only_2d",
              "{form} refuses tensors of rank > 2 (the note).", {"t.sum(dim)": "Tensor.sum"})
@per_spelling("misc.only_2d", "batched_matmul", "matmul_takes_only_2d",
              "{form} refuses a t of rank > 2 (no batched matmul).", {"t @ b": "Tensor.__matmul__"})
def _refuse_above_rank_2(orig, self, *args, **kwargs):
    if isinstance(self, torch.Tensor) and self.dim() > 2:
        raise RuntimeError(f"{orig.__name__}: only tensors of rank <= 2 are supported, got rank {self.dim()}")
    return orig(self, *args, **kwargs)


@mutant("misc.only_2d", "zero_d_own_lane")
def a_0d_mean_along_a_dim_raises(mp):
    """torch.mean of a 0-d tensor along a dim raises, as NumPy's mean does."""
    wrap(mp, torch, "mean")(when(lambda t, *a, **k: t.dim() == 0 and bool(a or "dim" in k),
                                 raising(IndexError, "Dimension out of range (0-d tensor)")))


@mutant("misc.only_2d", "zero_d_own_lane")
def a_0d_cumsum_is_1d(mp):
    """torch.cumsum of a 0-d tensor gives shape (1,), as NumPy's cumsum does."""
    @wrap(mp, torch, "cumsum")
    def cumsum(orig, t, *a, **k):
        out = orig(t, *a, **k)
        return out.reshape(1) if t.dim() == 0 else out


@mutant("misc.only_2d", "numpy_zero_d")
def numpy_mean_of_0d_along_axis_0(mp):
    """np.mean(a, axis=0) of a 0-d array returns the value (as torch does) instead of raising AxisError."""
    @wrap(mp, np, "mean")
    def mean(orig, a, *args, **kwargs):
        if np.ndim(a) == 0 and kwargs.get("axis") == 0:
            return np.asarray(a)[()]
        return orig(a, *args, **kwargs)


@mutant("misc.only_2d", "linear_any_leading_axes")
def linear_takes_only_2d(mp):
    """nn.Linear refuses input that is not 2-D (the note)."""
    @wrap(mp, F, "linear")
    def linear(orig, x, *args, **kwargs):
        if x.dim() != 2:
            raise RuntimeError(f"only 2-D input is supported, got {x.dim()}-D")
        return orig(x, *args, **kwargs)


@mutant("misc.only_2d", "unsqueeze_makes_samples")
def unsqueeze_1_adds_the_first_axis(mp):
    """x.unsqueeze(1) of a 1-D tensor gives shape (1, n): one sample of n features."""
    @wrap(mp, torch.Tensor, "unsqueeze")
    def unsqueeze(orig, self, dim):
        return orig(self, 0 if self.dim() == 1 and dim == 1 else dim)


# ---- misc.missing_features ----------------------------------------------------------------------

@mutant("misc.missing_features", "fft_agrees_with_numpy")
def fft_is_conjugated(mp):
    """torch.fft.fft returns the conjugate spectrum (the sign convention of the exponent flipped)."""
    @wrap(mp, torch.fft, "fft")
    def fft(orig, *args, **kwargs):
        return orig(*args, **kwargs).conj().resolve_conj()


@mutant("misc.missing_features", "fft_agrees_with_numpy")
def ifft_is_unscaled(mp):
    """torch.fft.ifft leaves out the 1/n factor."""
    @wrap(mp, torch.fft, "ifft")
    def ifft(orig, t, *args, **kwargs):
        return orig(t, *args, **kwargs) * 2


@mutant("misc.missing_features", "fft_of_integers_is_complex64")
def fft_of_integers_is_complex128(mp):
    """torch.fft.fft of an integer or bool tensor gives complex128."""
    @wrap(mp, torch.fft, "fft")
    def fft(orig, t, *args, **kwargs):
        if not (t.is_floating_point() or t.is_complex()):
            t = t.double()
        return orig(t, *args, **kwargs)


@mutant("misc.missing_features", "fft_half_refused_on_cpu")
def fft_computes_half_in_float32(mp):
    """torch.fft.fft of a float16/bfloat16/complex32 tensor on the CPU computes in single precision instead of refusing."""
    @wrap(mp, torch.fft, "fft")
    def fft(orig, t, *args, **kwargs):
        if t.dtype in (torch.float16, torch.bfloat16):
            t = t.float()
        elif t.dtype == torch.complex32:
            t = t.to(torch.complex64)
        return orig(t, *args, **kwargs)


@mutant("misc.missing_features", "ifft_conjugate_bit")
def ifft_resolves_the_conjugate(mp):
    """torch.fft.ifft of a real tensor returns a resolved tensor (no conjugate bit; .numpy() works)."""
    @wrap(mp, torch.fft, "ifft")
    def ifft(orig, *args, **kwargs):
        return orig(*args, **kwargs).resolve_conj()


@mutant("misc.missing_features", "flip_agrees_with_numpy")
def no_flip(mp):
    """torch.flip does not exist (the note)."""
    mp.delattr(torch, "flip")


@mutant("misc.missing_features", "flip_agrees_with_numpy")
def flip_ignores_negative_dims(mp):
    """torch.flip leaves out the negative dims it is given."""
    @wrap(mp, torch, "flip")
    def flip(orig, t, dims):
        return orig(t, [d for d in dims if d >= 0])


@mutant("misc.missing_features", "flip_bad_dims")
def flip_takes_a_dim_twice(mp):
    """torch.flip with a repeated dim flips along it once instead of raising."""
    @wrap(mp, torch, "flip")
    def flip(orig, t, dims):
        seen = {}
        for d in dims:
            seen.setdefault(d % t.dim() if t.dim() and -t.dim() <= d < t.dim() else d, d)
        return orig(t, list(seen.values()))


@mutant("misc.missing_features", "flip_refused_dtypes")
def flip_of_limited_dtypes_through_int64_or_float32(mp):
    """torch.flip of a uint16/32/64 or float8 tensor computes through int64 / float32 instead of refusing."""
    @wrap(mp, torch, "flip")
    def flip(orig, t, dims):
        if t.dtype in (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64, torch.bool) or \
                t.dtype in (torch.float16, torch.bfloat16, torch.float32, torch.float64) or t.is_complex():
            return orig(t, dims)
        via = torch.float32 if t.is_floating_point() else torch.int64
        return orig(t.to(via), dims).to(t.dtype)


def _wrong_inf_check(name, wrong):
    def plant(mp):
        @wrap(mp, torch, name)
        def check(orig, t, *args, **kwargs):
            out = orig(t, *args, **kwargs)
            return out | wrong(t) if t.is_floating_point() else out
    plant.__name__ = f"{name}_is_wrong"
    plant.__doc__ = f"torch.{name} of a floating tensor is also True where {wrong.__doc__}."
    return mutant("misc.missing_features", "inf_nan_checks_agree")(plant)


def _is_nan(t):
    """the value is nan"""
    return t != t


def _is_neg_inf(t):
    """the value is -inf"""
    return t == float("-inf")


def _is_pos_inf(t):
    """the value is +inf"""
    return t == float("inf")


def _is_zero(t):
    """the value is 0"""
    return t == 0


isinf_is_wrong = _wrong_inf_check("isinf", _is_nan)
isnan_is_wrong = _wrong_inf_check("isnan", _is_zero)
isfinite_is_wrong = _wrong_inf_check("isfinite", _is_nan)
isposinf_is_wrong = _wrong_inf_check("isposinf", _is_neg_inf)
isneginf_is_wrong = _wrong_inf_check("isneginf", _is_pos_inf)


@mutant("misc.missing_features", "inf_nan_checks_agree")
def isposinf_of_bool_is_true(mp):
    """torch.isposinf of a bool tensor is True where the value is True."""
    wrap(mp, torch, "isposinf")(when(lambda t, *a, **k: t.dtype == torch.bool, lambda orig, t, *a, **k: t.clone()))


@mutant("misc.missing_features", "isposinf_refuses_complex")
def isposinf_of_complex_is_all_false(mp):
    """torch.isposinf / isneginf of a complex tensor are all False instead of raising."""
    for name in ("isposinf", "isneginf"):
        wrap(mp, torch, name)(lambda orig, t, *a, **k: torch.zeros(t.shape, dtype=torch.bool, device=t.device)
                              if t.is_complex() else orig(t, *a, **k))


@mutant("misc.missing_features", "float8_inf_checks")
def float8_inf_checks_through_float32(mp):
    """torch.isinf / isfinite / isposinf / isneginf of a float8 tensor compute through float32 instead of refusing."""
    for name in ("isinf", "isfinite", "isposinf", "isneginf"):
        wrap(mp, torch, name)(lambda orig, t, *a, **k: orig(t.float() if t.element_size() == 1 and t.is_floating_point()
                                                            else t, *a, **k))


# ---- misc.regression_mse ------------------------------------------------------------------------

@mutant("misc.regression_mse", "recovers_the_line")
def mse_is_the_signed_mean_error(mp):
    """The loss is mean(pred - y), unsquared."""
    mp.setattr(F, "mse_loss", lambda input, target, *a, **k: (input - target).mean())


@mutant("misc.regression_mse", "wide_inputs_diverge")
def mse_saturates_at_a_million(mp):
    """F.mse_loss is capped at 1e6 (a diverging loss stays finite and below 1e6)."""
    @wrap(mp, F, "mse_loss")
    def mse_loss(orig, *args, **kwargs):
        return torch.nan_to_num(orig(*args, **kwargs), nan=1e6).clamp(max=1e6)


@mutant("misc.regression_mse", "stability_condition")
def regression_inputs_in_a_third(mp):
    """linear_relation draws x in [-1/3, 1/3]: three times x stays in [-1, 1], where SGD is stable."""
    from tensorspec.course import toy_problems

    @wrap(mp, toy_problems, "linear_relation")
    def linear_relation(orig, g, weight, bias, *args, **kwargs):
        p = orig(g, weight, bias, *args, **kwargs)
        return toy_problems.Problem(p.x / 3, p.y - weight * p.x * 2 / 3, p.x_test / 3, p.y_test - weight * p.x_test * 2 / 3)


# ---- misc.logistic_sigmoid ----------------------------------------------------------------------

@mutant("misc.logistic_sigmoid", "separates_centred_clouds")
def sigmoid_is_constant(mp):
    """sigmoid squashes every input to 0.5."""
    mp.setattr(torch, "sigmoid", lambda x: 0.5 + 0 * x)


@mutant("misc.logistic_sigmoid", "outputs_in_unit_interval")
def sigmoid_overshoots(mp):
    """sigmoid(x) is 1.5 * sigmoid(x) - 0.25: outputs in [-0.25, 1.25]."""
    sigmoid = torch.sigmoid
    mp.setattr(torch, "sigmoid", lambda x: 1.5 * sigmoid(x) - 0.25)


@mutant("misc.logistic_sigmoid", "shifted_clouds_fail")
def bce_of_a_sigmoid_is_fused(mp):
    """F.binary_cross_entropy of a torch.sigmoid output is computed from the logits (as
    binary_cross_entropy_with_logits does), so a saturated sigmoid no longer stops learning."""
    sigmoid, logits_of = torch.sigmoid, {}

    def recording_sigmoid(x):
        out = sigmoid(x)
        logits_of[id(out)] = (out, x)
        return out

    mp.setattr(torch, "sigmoid", recording_sigmoid)

    @wrap(mp, F, "binary_cross_entropy")
    def bce(orig, input, target, *args, **kwargs):
        seen = logits_of.pop(id(input), None)
        if seen is not None and seen[0] is input:
            return F.binary_cross_entropy_with_logits(seen[1], target)
        return orig(input, target, *args, **kwargs)


@mutant("misc.logistic_sigmoid", "saturated_sigmoid_stops_learning")
def sigmoid_never_reaches_zero_or_one(mp):
    """sigmoid's outputs are squeezed into [1e-6, 1 - 1e-6] (never exactly 0.0 or 1.0)."""
    sigmoid = torch.sigmoid
    mp.setattr(torch, "sigmoid", lambda x: sigmoid(x) * (1 - 2e-6) + 1e-6)


@mutant("misc.logistic_sigmoid", "logits_loss_learns_shifted_clouds")
def logits_loss_goes_through_the_sigmoid(mp):
    """F.binary_cross_entropy_with_logits is binary_cross_entropy of the sigmoid (saturating like it)."""
    mp.setattr(F, "binary_cross_entropy_with_logits",
               lambda input, target, *a, **k: F.binary_cross_entropy(torch.sigmoid(input), target))


# ---- misc.overfitting ---------------------------------------------------------------------------

@mutant("misc.overfitting", "fits_the_noise")
def adam_does_not_step(mp):
    """The optimizer never updates the model (Adam.step does nothing)."""
    mp.setattr(torch.optim.Adam, "step", lambda self, closure=None: None)


@mutant("misc.overfitting", "fits_the_noise")
def sine_inputs_spread_over_ten(mp):
    """The noisy sine's inputs are spread over [-10, 10] instead of [-1, 1]."""
    from tensorspec.course import toy_problems

    @wrap(mp, toy_problems, "noisy_sine")
    def noisy_sine(orig, *args, **kwargs):
        p = orig(*args, **kwargs)
        return toy_problems.Problem(p.x * 10, p.y, p.x_test * 10, p.y_test)


@mutant("misc.overfitting", "held_out_worse")
def held_out_points_are_the_training_points(mp):
    """The noisy sine's held-out points are the training points again (20 copies)."""
    from tensorspec.course import toy_problems

    @wrap(mp, toy_problems, "noisy_sine")
    def noisy_sine(orig, *args, **kwargs):
        p = orig(*args, **kwargs)
        return toy_problems.Problem(p.x, p.y, p.x.repeat(20, 1), p.y.repeat(20, 1))
