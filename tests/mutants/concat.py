"""Planted changes for the concat group: each must turn its statement's tests in spec/test_concat.py red."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from tensorspec.harness.mutation import mutant, per_spelling, wrap

CAT, STACK, AGREE = "concat.cat_existing_axis", "concat.stack_new_axis", "concat.frameworks_agree"


def _tf():
    return pytest.importorskip("tensorflow")


def _joins_along_axis_0(orig, tensors, dim=0, **k):
    return orig(tensors, 0, **k)


def _keeps_the_first_dtype(orig, tensors, dim=0, **k):
    tensors = list(tensors)
    return orig([t.to(tensors[0].dtype) for t in tensors] if tensors else tensors, dim, **k)


def _nothing_is_empty(orig, tensors, dim=0, **k):
    return orig(tensors, dim, **k) if len(tensors) else torch.empty(0)


def _instead_of(words: str, fallback):
    """A torch.cat/torch.stack wrapper that gives ``fallback(orig, tensors, dim, **k)`` where the real one
    raises an error whose message holds ``words``."""
    def joined(orig, tensors, dim=0, **k):
        tensors = list(tensors)
        try:
            return orig(tensors, dim, **k)
        except (RuntimeError, IndexError, ValueError) as exc:
            if words not in str(exc):
                raise
            return fallback(orig, tensors, dim, **k)
    return joined


def _the_first(orig, tensors, dim, **k):
    return tensors[0]


# ---- concat.cat_existing_axis ---------------------------------------------------------------------

per_spelling(CAT, "sizes_add_along_dim", "cat_ignores_dim", "{form} always joins along axis 0.",
             {"torch.cat": "torch.cat"})(_joins_along_axis_0)
per_spelling(CAT, "mixed_dtypes_promote", "cat_keeps_the_first_dtype",
             "{form} of mixed dtypes converts every input to the first one's dtype, as tf.concat of ndarrays does.",
             {"torch.cat": "torch.cat"})(_keeps_the_first_dtype)

# the refusals: each op gives a fallback where it raises the error named
for _claim, _statement, _name, _doc, _words, _fallback in (
        (CAT, "unsigned_promotion_refused", "cat_promotes_wide_unsigned_to_int64",
         "torch.cat of uint16/32/64 with bool or another integer dtype gives int64 instead of raising.",
         "Promotion for uint16", lambda orig, tensors, dim, **k: orig([t.to(torch.int64) for t in tensors], dim, **k)),
        (CAT, "sizes_must_match", "cat_returns_the_first_of_mismatched_sizes",
         "torch.cat of tensors whose sizes off dim differ returns the first tensor instead of raising.",
         "Sizes of tensors must match", _the_first),
        (CAT, "ranks_must_match", "cat_returns_the_first_of_mismatched_ranks",
         "torch.cat of tensors of different ranks returns the first tensor instead of raising.",
         "Tensors must have same number of dimensions", _the_first),
        (CAT, "zero_dim_refused", "cat_stacks_zero_dim_tensors",
         "torch.cat of 0-d tensors stacks them into a 1-D tensor instead of raising.",
         "zero-dimensional tensor", lambda orig, tensors, dim, **k: torch.stack(tensors)),
        (STACK, "equal_shapes_required", "stack_broadcasts_unequal_shapes",
         "torch.stack of unequal shapes stacks copies of the first tensor instead of raising.",
         "stack expects each tensor to be equal size",
         lambda orig, tensors, dim, **k: orig([tensors[0]] * len(tensors), dim, **k))):
    _op = "torch." + _name.partition("_")[0]  # the op the name starts with
    per_spelling(_claim, _statement, _name, _doc, {_op: _op})(_instead_of(_words, _fallback))


@mutant(CAT, "dim_out_of_range")
def cat_wraps_an_out_of_range_dim(mp):
    """torch.cat reads an out-of-range dim modulo the rank instead of raising IndexError."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, dim=0, **k):
        tensors = list(tensors)
        n = max((t.dim() for t in tensors), default=1) or 1
        return orig(tensors, dim % n if tensors and not -n <= dim < n else dim, **k)


per_spelling(CAT, "empty_list_refused", "cat_of_nothing_is_empty",
             "{form} returns an empty float32 tensor instead of raising.", {"torch.cat([])": "torch.cat"})(
    _nothing_is_empty)


@mutant(CAT, "legacy_empty_skipped")
def legacy_empty_skip_accepts_any_dim(mp):
    """torch.cat with a skipped 1-D empty tensor accepts a dim out of the other tensors' range."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, dim=0, **kwargs):
        tensors = list(tensors)
        rest = [t for t in tensors if t.shape != (0,)]
        if rest and len(rest) < len(tensors) and not -rest[0].dim() <= dim < rest[0].dim():
            dtype = tensors[0].dtype
            for t in tensors[1:]:
                dtype = torch.promote_types(dtype, t.dtype)
            return orig([t.to(dtype) for t in rest], dim=0, **kwargs)
        return orig(tensors, dim=dim, **kwargs)


# ---- concat.stack_new_axis ------------------------------------------------------------------------

per_spelling(STACK, "new_axis_at_dim", "stack_ignores_dim", "{form} always inserts the new axis first.",
             {"torch.stack": "torch.stack"})(_joins_along_axis_0)


@mutant(STACK, "dim_out_of_range")
def stack_wraps_an_out_of_range_dim(mp):
    """torch.stack reads an out-of-range dim modulo the result's rank instead of raising IndexError."""
    @wrap(mp, torch, "stack")
    def stack(orig, tensors, dim=0, **k):
        n = tensors[0].dim() + 1 if len(tensors) else 1
        return orig(tensors, dim % n if not -n <= dim < n else dim, **k)


per_spelling(STACK, "empty_list_refused", "stack_of_nothing_is_empty",
             "{form} returns an empty float32 tensor instead of raising.", {"torch.stack([])": "torch.stack"})(
    _nothing_is_empty)


# ---- concat.stack_is_cat_unsqueeze ----------------------------------------------------------------

@mutant("concat.stack_is_cat_unsqueeze", "equal_for_every_dim")
def stack_negative_dim_off_by_one(mp):
    """torch.stack counts a negative dim from the INPUT rank (as cat would), not the output rank."""
    @wrap(mp, torch, "stack")
    def stack(orig, tensors, dim=0, **k):
        if dim < 0 and tensors:
            dim += tensors[0].dim()  # -1 -> n-1 instead of n
        return orig(tensors, dim, **k)


per_spelling("concat.stack_is_cat_unsqueeze", "mixed_dtypes_promote_alike", "stack_keeps_the_first_dtype",
             "{form} of mixed dtypes converts every input to the first one's dtype (torch.cat promotes).",
             {"torch.stack": "torch.stack"})(_keeps_the_first_dtype)


# ---- concat.tensorflow ----------------------------------------------------------------------------

@mutant("concat.tensorflow", "stack_is_concat_of_expanded")
def tf_stack_ignores_axis(mp):
    """tf.stack always stacks along axis 0."""
    @wrap(mp, _tf(), "stack")
    def stack(orig, values, axis=0, name="stack"):
        return orig(values, axis=0, name=name)


@mutant("concat.tensorflow", "stack_axis_error")
def tf_stack_wraps_an_out_of_range_axis(mp):
    """tf.stack reads an out-of-range axis modulo the result's rank instead of raising ValueError."""
    @wrap(mp, _tf(), "stack")
    def stack(orig, values, axis=0, name="stack"):
        n = np.ndim(values[0]) + 1 if len(values) else 1
        return orig(values, axis=axis % n if not -n <= axis < n else axis, name=name)


@mutant("concat.tensorflow", "expand_dims_axis_error")
def tf_expand_dims_clamps_an_out_of_range_axis(mp):
    """tf.expand_dims clamps an out-of-range axis into range instead of raising."""
    @wrap(mp, _tf(), "expand_dims")
    def expand_dims(orig, x, axis, name=None):
        n = np.ndim(x) + 1
        return orig(x, max(-n, min(n - 1, axis)), name=name)


# ---- concat.numpy ---------------------------------------------------------------------------------

@mutant("concat.numpy", "stack_is_concatenate_of_expanded")
def numpy_stack_ignores_axis(mp):
    """np.stack always stacks along axis 0."""
    @wrap(mp, np, "stack")
    def stack(orig, arrays, axis=0, **k):
        return orig(arrays, 0, **k)


@mutant("concat.numpy", "notes_line_is_a_syntax_error")
def numpy_expand_dims_appends(mp):
    """np.expand_dims(x, 0) appends the new axis, so the note's corrected line is no longer np.stack
    (that the line as written is a SyntaxError is Python's grammar: no planted change reaches it)."""
    @wrap(mp, np, "expand_dims")
    def expand_dims(orig, a, axis):
        return orig(a, -1 if axis == 0 else axis)


# ---- concat.frameworks_agree ----------------------------------------------------------------------

@mutant(AGREE, "torch_numpy_equal")
def torch_cat_reverses(mp):
    """torch.cat joins its inputs in reverse order (NumPy would then disagree)."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, dim=0, **k):
        return orig(list(tensors)[::-1], dim, **k)


@mutant(AGREE, "torch_numpy_equal")
def torch_stack_reverses(mp):
    """torch.stack joins its inputs in reverse order (NumPy would then disagree)."""
    @wrap(mp, torch, "stack")
    def stack(orig, tensors, dim=0, **k):
        return orig(list(tensors)[::-1], dim, **k)


@mutant(AGREE, "tensorflow_equal")
def tf_concat_reverses(mp):
    """tf.concat joins its inputs in reverse order (NumPy and torch would then disagree)."""
    @wrap(mp, _tf(), "concat")
    def concat(orig, values, axis, name="concat"):
        return orig(list(values)[::-1], axis, name=name)


@mutant(AGREE, "mixed_dtypes_torch_numpy")
def numpy_concatenate_promotes_like_torch(mp):
    """np.concatenate of int32 and float32 arrays gives float32, as torch does."""
    @wrap(mp, np, "concatenate")
    def concatenate(orig, arrays, axis=0, **kwargs):
        arrays = list(arrays)
        out = orig(arrays, axis=axis, **kwargs)
        kinds = {np.asarray(a).dtype for a in arrays}
        return out.astype(np.float32) if kinds == {np.dtype(np.int32), np.dtype(np.float32)} else out


def _tf_concat_of_all(mp, each, change):
    """tf.concat of values that all pass ``each`` gives ``change(tf, orig, values, axis, name)``; any other
    call is the real one."""
    tf = _tf()

    @wrap(mp, tf, "concat")
    def concat(orig, values, axis, name="concat"):
        values = list(values)
        if values and all(each(v) for v in values):
            return change(tf, orig, values, axis, name)
        return orig(values, axis, name=name)


@mutant(AGREE, "mixed_dtypes_tensorflow")
def tf_concat_promotes_ndarrays(mp):
    """tf.concat of ndarrays of different dtypes promotes them as NumPy does (no cast to the first one's)."""
    _tf_concat_of_all(mp, lambda v: isinstance(v, np.ndarray), lambda tf, orig, values, axis, name: orig(
        [v.astype(np.result_type(*values)) for v in values], axis, name=name))


@mutant(AGREE, "empty_1d_torch_numpy")
def numpy_raises_axis_error_for_mixed_ranks(mp):
    """np.concatenate of arrays of different ranks raises AxisError whatever the axis."""
    @wrap(mp, np, "concatenate")
    def concatenate(orig, arrays, axis=0, **kwargs):
        arrays = list(arrays)
        if len({np.ndim(a) for a in arrays}) > 1:
            raise np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension 1")
        return orig(arrays, axis=axis, **kwargs)


@mutant(AGREE, "empty_1d_tensorflow")
def tf_concat_skips_empty_1d_inputs(mp):
    """tf.concat skips a 1-D empty input among inputs of a higher rank, as torch.cat does."""
    @wrap(mp, _tf(), "concat")
    def concat(orig, values, axis, name="concat"):
        values = list(values)
        rest = [v for v in values if np.shape(v) != (0,)]
        return orig(rest if rest and len(rest) < len(values) else values, axis, name=name)


@mutant(AGREE, "errors_torch_numpy")
def numpy_concatenate_stacks_zero_dim_arrays(mp):
    """np.concatenate of 0-d arrays stacks them into a 1-D array instead of raising ValueError."""
    @wrap(mp, np, "concatenate")
    def concatenate(orig, arrays, axis=0, **kwargs):
        arrays = list(arrays)
        if arrays and all(np.ndim(a) == 0 for a in arrays):
            return np.array([np.asarray(a).item() for a in arrays])
        return orig(arrays, axis=axis, **kwargs)


@mutant(AGREE, "errors_tensorflow")
def tf_concat_stacks_scalars(mp):
    """tf.concat of 0-d tensors stacks them into a 1-D tensor instead of raising."""
    _tf_concat_of_all(mp, lambda v: np.ndim(v) == 0, lambda tf, orig, values, axis, name: tf.stack(values))


@mutant(AGREE, "empty_list_torch_numpy")
def numpy_stack_of_nothing_is_empty(mp):
    """np.stack([]) returns an empty float64 array instead of raising ValueError."""
    @wrap(mp, np, "stack")
    def stack(orig, arrays, axis=0, **k):
        return orig(arrays, axis, **k) if len(arrays) else np.empty(0)


@mutant(AGREE, "empty_list_tensorflow")
def tf_stack_of_nothing_raises(mp):
    """tf.stack([]) raises ValueError, as np.stack([]) does, instead of returning an empty tensor."""
    @wrap(mp, _tf(), "stack")
    def stack(orig, values, axis=0, name="stack"):
        if not len(values):
            raise ValueError("need at least one array to stack")
        return orig(values, axis=axis, name=name)


# ---- concat.batching ------------------------------------------------------------------------------

@mutant("concat.batching", "images_stack_to_a_batch")
def stack_is_cat(mp):
    """torch.stack behaves like torch.cat (no new axis)."""
    cat = torch.cat
    mp.setattr(torch, "stack", lambda tensors, dim=0, **k: cat(tensors, dim, **k))


@mutant("concat.batching", "batches_cat_in_order")
def cat_of_batches_reverses_them(mp):
    """torch.cat of 4-D batches joins them in reverse order."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, dim=0, **k):
        tensors = list(tensors)
        return orig(tensors[::-1] if tensors and all(t.dim() == 4 for t in tensors) else tensors, dim, **k)


@mutant("concat.batching", "images_join_a_batch")
def cat_unsqueezes_bare_images(mp):
    """torch.cat of a 4-D batch with 3-D images unsqueezes the images instead of raising."""
    @wrap(mp, torch, "cat")
    def cat(orig, tensors, dim=0, **k):
        tensors = list(tensors)
        ranks = {t.dim() for t in tensors}
        if ranks == {3, 4}:
            tensors = [t.unsqueeze(0) if t.dim() == 3 else t for t in tensors]
        return orig(tensors, dim, **k)
