"""Mutants of the model claims: each plants the opposite of one statement about the course network."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from tensorspec.harness.mutation import mutant, per_spelling, wrap


def _wrap_batch_norm(mp, change):
    """F.batch_norm replaced by ``change(orig, input, running_mean, running_var, weight, bias,
    training, momentum, eps)``, every argument passed in full."""
    @wrap(mp, F, "batch_norm")
    def batch_norm(orig, input, running_mean, running_var, weight=None, bias=None, training=False,
                   momentum=0.1, eps=1e-5):
        return change(orig, input, running_mean, running_var, weight, bias, training, momentum, eps)


def _fit(x: torch.Tensor, width: int) -> torch.Tensor:
    """x cut or zero-padded along its last axis to ``width``."""
    if x.shape[-1] >= width:
        return x[..., :width]
    return F.pad(x, (0, width - x.shape[-1]))


def _network_class():
    from tensorspec.course.network import Network

    return Network


def _pairs(v):
    return (v, v) if isinstance(v, int) else tuple(v)


# ---- model.module_subclass ------------------------------------------------------------------------

@mutant("model.module_subclass", "attributes_are_children")
def module_attributes_not_registered(mp):
    """Layer attributes are not registered as children (their parameters unseen)."""
    @wrap(mp, nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if isinstance(value, nn.Module):
            object.__setattr__(self, name, value)  # a plain attribute: not a child
        else:
            orig(self, name, value)


@mutant("model.module_subclass", "their_parameters_are_the_network_s")
def parameters_do_not_recurse(mp):
    """module.parameters() yields only the module's own parameters, not its children's."""
    @wrap(mp, nn.Module, "parameters")
    def parameters(orig, self, recurse=True):
        return orig(self, recurse=False)


@mutant("model.module_subclass", "reassignment_keeps_its_place")
def reassigned_children_move_to_the_end(mp):
    """Assigning a module attribute again moves it to the end of the children."""
    @wrap(mp, nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if isinstance(value, nn.Module) and name in self.__dict__.get("_modules", {}):
            del self._modules[name]
        return orig(self, name, value)


@mutant("model.module_subclass", "needs_module_init_first")
def module_before_init_kept_as_a_plain_attribute(mp):
    """A module assigned before super().__init__() is kept as a plain attribute instead of raising."""
    @wrap(mp, nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if isinstance(value, nn.Module) and "_modules" not in self.__dict__:
            object.__setattr__(self, name, value)
        else:
            orig(self, name, value)


def _register_containers(mp, kind, convert):
    @wrap(mp, nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if type(value) is kind and value and all(isinstance(v, nn.Module) for v in
                                                 (value.values() if kind is dict else value)):
            value = convert(value)
        orig(self, name, value)


@mutant("model.module_subclass", "plain_containers_not_registered")
def list_of_layers_registered(mp):
    """A plain list of layers assigned as an attribute becomes an nn.ModuleList (registered)."""
    _register_containers(mp, list, nn.ModuleList)


@mutant("model.module_subclass", "plain_containers_not_registered")
def dict_of_layers_registered(mp):
    """A plain dict of layers assigned as an attribute becomes an nn.ModuleDict (registered)."""
    _register_containers(mp, dict, nn.ModuleDict)


def _hide_container(mp, kind):
    @wrap(mp, nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if type(value) is kind and "_modules" in self.__dict__:
            object.__setattr__(self, name, value)
        else:
            orig(self, name, value)


@mutant("model.module_subclass", "module_containers_registered")
def module_list_not_registered(mp):
    """An nn.ModuleList attribute is kept as a plain attribute (its layers unregistered)."""
    _hide_container(mp, nn.ModuleList)


@mutant("model.module_subclass", "module_containers_registered")
def module_dict_not_registered(mp):
    """An nn.ModuleDict attribute is kept as a plain attribute (its layers unregistered)."""
    _hide_container(mp, nn.ModuleDict)


# ---- model.hyperparameters ------------------------------------------------------------------------

@mutant("model.hyperparameters", "course_choices")
def course_kernels_are_three(mp):
    """Every Conv2d built with kernel_size 5 gets kernel_size 3."""
    @wrap(mp, nn.Conv2d, "__init__")
    def init(orig, self, *args, **kwargs):
        if kwargs.get("kernel_size") == 5:
            kwargs["kernel_size"] = 3
        orig(self, *args, **kwargs)


@mutant("model.hyperparameters", "dependent_sizes")
def fc1_in_features_not_following_conv2(mp):
    """fc1.in_features is 300 (12*5*5), not what conv2 gives (12*4*4)."""
    from tensorspec.course import network

    mp.setattr(network, "FLAT_FEATURES", 12 * 5 * 5)


@mutant("model.hyperparameters", "free_choices")
def linear_refuses_other_widths(mp):
    """nn.Linear refuses any out_features but the course's 120, 60 and 10."""
    @wrap(mp, nn.Linear, "__init__")
    def init(orig, self, in_features, out_features, *args, **kwargs):
        if out_features not in (120, 60, 10):
            raise ValueError(f"out_features={out_features} is not one of the course's")
        orig(self, in_features, out_features, *args, **kwargs)


@mutant("model.hyperparameters", "kernels_must_leave_a_pixel")
def conv_pads_small_inputs(mp):
    """A Conv2d whose kernel is wider than its input pads the input instead of raising."""
    @wrap(mp, nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, x, weight, bias):
        short = max(0, weight.shape[-1] - x.shape[-1])
        return orig(self, F.pad(x, (0, short, 0, short)) if short else x, weight, bias)


@mutant("model.hyperparameters", "kernels_must_leave_a_pixel")
def max_pool_passes_a_small_map_through(mp):
    """nn.MaxPool2d returns a map smaller than its kernel unchanged instead of raising."""
    @wrap(mp, nn.MaxPool2d, "forward")
    def forward(orig, self, x):
        if x.shape[-1] < _pairs(self.kernel_size)[1]:
            return x
        return orig(self, x)


@mutant("model.hyperparameters", "wrong_in_channels_refused")
def conv_fits_any_channel_count(mp):
    """A Conv2d given another number of channels than its in_channels cuts or zero-pads them."""
    @wrap(mp, nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, x, weight, bias):
        if x.dim() == 4 and x.shape[1] != weight.shape[1]:
            x = _fit(x.movedim(1, -1), weight.shape[1]).movedim(-1, 1)
        return orig(self, x, weight, bias)


@mutant("model.hyperparameters", "wrong_in_features_refused")
def linear_fits_any_width(mp):
    """F.linear cuts or zero-pads an input whose width is not the weight's in_features."""
    @wrap(mp, F, "linear")
    def linear(orig, x, weight, bias=None):
        return orig(_fit(x, weight.shape[1]) if x.shape[-1] != weight.shape[1] else x, weight, bias)


@mutant("model.hyperparameters", "flatten_fails_at_fc1")
def flatten_fits_192(mp):
    """nn.Flatten cuts or zero-pads each flattened image to the course's 192 features."""
    @wrap(mp, nn.Flatten, "forward")
    def forward(orig, self, x):
        return _fit(orig(self, x), 192)


@mutant("model.hyperparameters", "reshape_refuses_other_sizes")
def reshape_192_fits_other_sizes(mp):
    """t.reshape(-1, 192) of a batch whose size is no multiple of 192 cuts or pads each image to 192."""
    @wrap(mp, torch.Tensor, "reshape")
    def reshape(orig, self, *shape):
        if shape == (-1, 192) and self.dim() == 4 and self.numel() % 192:
            return _fit(self.flatten(1), 192)
        return orig(self, *shape)


@mutant("model.hyperparameters", "reshape_splits_multiples")
def reshape_192_keeps_one_row_per_image(mp):
    """t.reshape(-1, 192) of a batch whose images hold a multiple of 192 values keeps one row per image."""
    @wrap(mp, torch.Tensor, "reshape")
    def reshape(orig, self, *shape):
        if shape == (-1, 192) and self.dim() == 4 and self[0].numel() != 192 and self.numel() % 192 == 0:
            return self.flatten(1)[:, :192]
        return orig(self, *shape)


@mutant("model.hyperparameters", "loss_catches_split_rows")
def cross_entropy_cuts_extra_rows(mp):
    """F.cross_entropy cuts the input to the number of targets instead of raising."""
    @wrap(mp, F, "cross_entropy")
    def cross_entropy(orig, input, target, *args, **kwargs):
        return orig(input[:target.shape[0]], target, *args, **kwargs)


# ---- model.weight_is_parameter --------------------------------------------------------------------

@mutant("model.weight_is_parameter", "layer_weights_are_parameters")
def conv_weight_is_a_plain_tensor(mp):
    """Conv2d's weight is a plain tensor, not a Parameter."""
    mp.setattr(torch.nn.modules.conv, "Parameter", lambda data, requires_grad=True: data.requires_grad_(requires_grad))


@mutant("model.weight_is_parameter", "plain_tensor_attribute_is_not")
def network_wraps_plain_tensors(mp):
    """A plain tensor assigned to the course Network becomes a Parameter."""
    network_class = _network_class()

    @wrap(mp, nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if isinstance(self, network_class) and isinstance(value, torch.Tensor) and not isinstance(value, nn.Parameter):
            value = nn.Parameter(value)
        orig(self, name, value)


@mutant("model.weight_is_parameter", "wrapped_tensor_attribute_is")
def network_keeps_parameters_plain(mp):
    """An nn.Parameter assigned to the course Network itself is kept as a plain attribute."""
    network_class = _network_class()

    @wrap(mp, nn.Module, "__setattr__")
    def setattr_(orig, self, name, value):
        if isinstance(self, network_class) and isinstance(value, nn.Parameter):
            object.__setattr__(self, name, value)
        else:
            orig(self, name, value)


# ---- model.weight_shapes --------------------------------------------------------------------------

@mutant("model.weight_shapes", "shapes")
def linear_layers_have_no_bias(mp):
    """nn.Linear without bias: the shapes and the count change."""
    @wrap(mp, nn.Linear, "__init__")
    def init(orig, self, i, o, bias=True, **k):
        orig(self, i, o, bias=False, **k)


@mutant("model.weight_shapes", "parameter_count")
def parameters_yield_the_first_twice(mp):
    """module.parameters() yields its first parameter twice."""
    @wrap(mp, nn.Module, "parameters")
    def parameters(orig, self, *args, **kwargs):
        listed = list(orig(self, *args, **kwargs))
        return iter(listed[:1] + listed)


# ---- model.parameters -----------------------------------------------------------------------------

@mutant("model.parameters", "names_in_registration_order")
def parameters_skip_biases(mp):
    """named_parameters/parameters omit biases."""
    @wrap(mp, nn.Module, "named_parameters")
    def named_parameters(orig, self, *a, **k):
        return ((n, p) for n, p in orig(self, *a, **k) if not n.endswith("bias"))


@mutant("model.parameters", "same_objects")
def parameters_yield_detached_copies(mp):
    """parameters() yields detached copies, not the parameter objects."""
    @wrap(mp, nn.Module, "parameters")
    def parameters(orig, self, *args, **kwargs):
        return (p.detach() for p in orig(self, *args, **kwargs))


@mutant("model.parameters", "buffers_are_not_parameters")
def batchnorm_buffers_listed_as_parameters(mp):
    """A BatchNorm layer's named_parameters() lists its buffers too."""
    @wrap(mp, nn.Module, "named_parameters")
    def named_parameters(orig, self, *args, **kwargs):
        yield from orig(self, *args, **kwargs)
        if isinstance(self, nn.modules.batchnorm._BatchNorm):
            yield from self.named_buffers()


# ---- model.repr -----------------------------------------------------------------------------------

@mutant("model.repr", "default_lists_the_layers")
def conv_repr_drops_the_stride(mp):
    """Conv2d's repr leaves out its stride."""
    @wrap(mp, nn.Conv2d, "extra_repr")
    def extra_repr(orig, self):
        return orig(self).replace(", stride=(1, 1)", "")


@mutant("model.repr", "override_replaces_print")
def print_ignores_repr_override(mp):
    """print(module) ignores a __repr__ override."""
    mp.setattr(nn.Module, "__str__", lambda self: nn.Module.__repr__(self))


# ---- model.linear_is_matmul -----------------------------------------------------------------------

@mutant("model.linear_is_matmul", "x_matmul_w_t_plus_b")
def linear_drops_bias(mp):
    """F.linear computes x @ W.T without + b."""
    mp.setattr(F, "linear", lambda x, w, b=None: torch.matmul(x, w.t()))


@mutant("model.linear_is_matmul", "weight_matmul_is_output_minus_bias")
def matrix_times_vector_adds_one(mp):
    """Tensor.matmul of a matrix and a vector adds 1 to the product."""
    @wrap(mp, torch.Tensor, "matmul")
    def matmul(orig, self, other):
        out = orig(self, other)
        return out + 1 if self.dim() == 2 and other.dim() == 1 else out


# ---- model.call_runs_forward ----------------------------------------------------------------------

@mutant("model.call_runs_forward", "call_runs_hooks_and_forward")
def call_skips_hooks(mp):
    """module(x) calls forward without the hooks."""
    mp.setattr(nn.Module, "__call__", lambda self, *a, **k: self.forward(*a, **k))


@mutant("model.call_runs_forward", "forward_skips_own_hooks_only")
def network_forward_runs_its_own_hooks(mp):
    """The course Network's forward runs the network's forward hooks itself."""
    network_class = _network_class()

    @wrap(mp, network_class, "forward")
    def forward(orig, self, t):
        out = orig(self, t)
        for hook in self._forward_hooks.values():
            result = hook(self, (t,), out)
            out = out if result is None else result
        return out


@mutant("model.call_runs_forward", "same_output_unless_a_hook_replaces_it")
def call_ignores_what_hooks_return(mp):
    """module(x) runs its hooks but ignores what they return."""
    def call(self, *args, **kwargs):
        for hook in list(self._forward_pre_hooks.values()):
            hook(self, args)
        out = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            hook(self, args, out)
        return out
    mp.setattr(nn.Module, "__call__", call)


# ---- model.functional_stateless -------------------------------------------------------------------

@mutant("model.functional_stateless", "weightless_modules_hold_nothing")
def relu_module_holds_a_weight(mp):
    """nn.ReLU holds a parameter."""
    @wrap(mp, nn.ReLU, "__init__")
    def init(orig, self, *a, **k):
        orig(self, *a, **k)
        self.slope = nn.Parameter(torch.ones(1))


@mutant("model.functional_stateless", "weightless_modules_hold_nothing")
def max_pool_module_holds_a_buffer(mp):
    """nn.MaxPool2d holds a buffer (in its state_dict)."""
    @wrap(mp, nn.MaxPool2d, "__init__")
    def init(orig, self, *a, **k):
        orig(self, *a, **k)
        self.register_buffer("calls", torch.zeros(()))


@mutant("model.functional_stateless", "relu_is_clamp")
def functional_relu_of_the_magnitude(mp):
    """F.relu(x) computes relu(|x|): negative values come out positive."""
    @wrap(mp, F, "relu")
    def relu(orig, x, *args, **kwargs):
        return orig(x.abs(), *args, **kwargs) if x.dtype != torch.bool else orig(x, *args, **kwargs)


@mutant("model.functional_stateless", "relu_is_clamp")
def relu_module_of_the_magnitude(mp):
    """nn.ReLU()(x) computes relu(|x|) (F.relu unchanged)."""
    @wrap(mp, nn.ReLU, "forward")
    def forward(orig, self, x):
        return orig(self, x.abs()) if x.dtype != torch.bool else orig(self, x)


@mutant("model.functional_stateless", "relu_refuses_bool")
def relu_passes_bools_through(mp):
    """F.relu of a bool tensor returns it unchanged."""
    @wrap(mp, F, "relu")
    def relu(orig, x, *a, **k):
        return x.clone() if x.dtype == torch.bool else orig(x, *a, **k)


@mutant("model.functional_stateless", "relu_refuses_bool")
def relu_module_passes_bools_through(mp):
    """nn.ReLU() of a bool tensor returns it unchanged (F.relu unchanged)."""
    @wrap(mp, nn.ReLU, "forward")
    def forward(orig, self, x):
        return x.clone() if x.dtype == torch.bool else orig(self, x)


@mutant("model.functional_stateless", "conv2d_takes_the_weight")
def conv_layer_adds_a_hidden_offset(mp):
    """A Conv2d layer adds 1 to what F.conv2d computes with its weight and bias."""
    @wrap(mp, nn.Conv2d, "forward")
    def forward(orig, self, x):
        return orig(self, x) + 1


@mutant("model.functional_stateless", "network_state_is_its_layers")
def network_keeps_a_step_buffer(mp):
    """The course Network registers a 'steps' buffer (in its state_dict)."""
    network_class = _network_class()

    @wrap(mp, network_class, "__init__")
    def init(orig, self):
        orig(self)
        self.register_buffer("steps", torch.zeros(()))


# ---- model.single_image ---------------------------------------------------------------------------

@mutant("model.single_image", "network_takes_an_unbatched_image")
def conv_needs_a_batch_axis(mp):
    """Conv2d accepts only 4-D input (before torch 1.11)."""
    @wrap(mp, nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, input, weight, bias):
        if input.dim() != 4:
            raise RuntimeError(f"Expected 4-dimensional input for 4-dimensional weight, but got {input.dim()}-dimensional input")
        return orig(self, input, weight, bias)


@mutant("model.single_image", "sequential_needs_the_batch_axis")
def flatten_makes_an_unbatched_map_one_row(mp):
    """nn.Flatten turns an unbatched [C, H, W] map into one row [1, C*H*W]."""
    @wrap(mp, nn.Flatten, "forward")
    def forward(orig, self, x):
        return x.reshape(1, -1) if x.dim() == 3 else orig(self, x)


@mutant("model.single_image", "two_d_image_refused")
def conv_adds_a_missing_channel_axis(mp):
    """Conv2d gives a 2-D [H, W] input a channel axis instead of raising."""
    @wrap(mp, nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, input, weight, bias):
        return orig(self, input.unsqueeze(0) if input.dim() == 2 else input, weight, bias)


# ---- model.batch_predictions ----------------------------------------------------------------------

@mutant("model.batch_predictions", "output_shape")
def network_output_drops_a_class(mp):
    """The course Network's output has 9 columns."""
    network_class = _network_class()

    @wrap(mp, network_class, "forward")
    def forward(orig, self, t):
        return orig(self, t)[:, :9]


@mutant("model.batch_predictions", "argmax_dim1_is_each_row_s_class")
def argmax_dim1_reads_dim0(mp):
    """argmax(dim=1) answers along dim 0."""
    @wrap(mp, torch.Tensor, "argmax")
    def argmax(orig, self, dim=None, keepdim=False):
        if dim == 1 and self.dim() == 2 and self.shape[0] > 1:
            return orig(self, dim=0, keepdim=keepdim)[:self.shape[0]].expand(self.shape[0]).clone() % self.shape[1]
        return orig(self, dim=dim, keepdim=keepdim)


@mutant("model.batch_predictions", "first_maximum_on_ties")
def argmax_takes_the_last_maximum(mp):
    """argmax(dim=1) gives the last of tied maxima."""
    @wrap(mp, torch.Tensor, "argmax")
    def argmax(orig, self, dim=None, keepdim=False):
        if dim == 1 and self.dim() == 2:
            return self.shape[1] - 1 - orig(self.flip(1), dim=1, keepdim=keepdim)
        return orig(self, dim=dim, keepdim=keepdim)


@mutant("model.batch_predictions", "count_of_matches")
def item_of_an_integer_is_a_float(mp):
    """t.item() of an integer tensor is a Python float."""
    @wrap(mp, torch.Tensor, "item")
    def item(orig, self):
        value = orig(self)
        return float(value) if type(value) is int else value


# ---- model.output_size_formula --------------------------------------------------------------------

def _conv_rounding_up(mp, only_undilated: bool):
    """F.conv2d pads s - 1 zeros after each axis (only the undilated axes with ``only_undilated``)."""
    @wrap(mp, F, "conv2d")
    def conv2d(orig, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        (sh, sw), (dh, dw) = _pairs(stride), _pairs(dilation)
        extra_h = sh - 1 if not only_undilated or dh == 1 else 0
        extra_w = sw - 1 if not only_undilated or dw == 1 else 0
        return orig(F.pad(input, (0, extra_w, 0, extra_h)), weight, bias, stride, padding, dilation, groups)


@mutant("model.output_size_formula", "conv_floors")
def conv_output_rounds_up(mp):
    """The conv2d output size rounds up, not down."""
    _conv_rounding_up(mp, only_undilated=False)


@mutant("model.output_size_formula", "notes_formula_exact_only_when_divisible")
def undilated_conv_output_rounds_up(mp):
    """The conv2d output size rounds the notes' formula up, not down, when there is no dilation."""
    _conv_rounding_up(mp, only_undilated=True)


def _wrap_max_pool2d(mp, change):
    """F.max_pool2d replaced by ``change(orig, x, kernel_size, stride, padding, dilation, ceil_mode)``."""
    @wrap(mp, F, "max_pool2d")
    def max_pool2d(orig, x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
        return change(orig, x, kernel_size, stride, padding, dilation, ceil_mode)


@mutant("model.output_size_formula", "pool_floors")
def floor_mode_pooling_rounds_up(mp):
    """F.max_pool2d rounds up in floor mode too."""
    _wrap_max_pool2d(mp, lambda orig, x, f, s, p, d, ceil: orig(x, f, s, p, d, ceil_mode=True))


@mutant("model.output_size_formula", "pool_stride_defaults_to_the_kernel")
def pool_stride_defaults_to_one(mp):
    """F.max_pool2d without a stride pools with stride 1."""
    _wrap_max_pool2d(mp, lambda orig, x, f, s, p, d, ceil: orig(x, f, 1 if s is None else s, p, d, ceil_mode=ceil))


@mutant("model.output_size_formula", "pool_padding_at_most_half")
def pool_pad_message_ignores_dilation(mp):
    """max_pool2d names the effective kernel for every bad padding, dilated or not."""
    @wrap(mp, F, "max_pool2d")
    def max_pool2d(orig, x, kernel_size, *args, padding=0, **kwargs):
        if isinstance(padding, int) and isinstance(kernel_size, int) and padding > kernel_size // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got pad={padding}")
        return orig(x, kernel_size, *args, padding=padding, **kwargs)


@mutant("model.output_size_formula", "ceil_mode_rounds_up")
def ceil_mode_ignored(mp):
    """F.max_pool2d(..., ceil_mode=True) rounds down as floor mode does."""
    _wrap_max_pool2d(mp, lambda orig, x, f, s, p, d, ceil: orig(x, f, s, p, d, ceil_mode=False))


@mutant("model.output_size_formula", "ceil_mode_drops_a_window_in_the_padding")
def ceil_mode_keeps_a_window_in_the_padding(mp):
    """Ceil-mode pooling keeps a last window that would start in the right padding (zeros there)."""
    def change(orig, x, f, s, p, d, ceil):
        out = orig(x, f, s, p, d, ceil_mode=ceil)
        if not ceil:
            return out
        sizes = []
        for n, f_, s_, p_, d_ in zip(x.shape[-2:], _pairs(f), _pairs(f if s is None else s), _pairs(p), _pairs(d)):
            sizes.append(math.ceil((n + 2 * p_ - d_ * (f_ - 1) - 1) / s_) + 1)
        return F.pad(out, (0, sizes[1] - out.shape[-1], 0, sizes[0] - out.shape[-2]))
    _wrap_max_pool2d(mp, change)


@mutant("model.output_size_formula", "wide_kernel_refused")
def conv_pads_an_input_narrower_than_its_kernel(mp):
    """F.conv2d zero-pads an input narrower than the (dilated) kernel instead of raising."""
    @wrap(mp, F, "conv2d")
    def conv2d(orig, input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
        (ph, pw), (dh, dw) = _pairs(padding), _pairs(dilation)
        short_h = max(0, dh * (weight.shape[-2] - 1) + 1 - input.shape[-2] - 2 * ph)
        short_w = max(0, dw * (weight.shape[-1] - 1) + 1 - input.shape[-1] - 2 * pw)
        return orig(F.pad(input, (0, short_w, 0, short_h)), weight, bias, stride, padding, dilation, groups)


@mutant("model.output_size_formula", "wide_kernel_refused")
def floor_mode_pooling_of_a_wide_kernel_gives_a_window(mp):
    """Floor-mode max_pool2d of an input narrower than the kernel gives one window of zeros instead of raising."""
    def change(orig, x, f, s, p, d, ceil):
        (fh, fw), (ph, pw), (dh, dw) = _pairs(f), _pairs(p), _pairs(d)
        if not ceil and (x.shape[-2] + 2 * ph < dh * (fh - 1) + 1 or x.shape[-1] + 2 * pw < dw * (fw - 1) + 1):
            return x.new_zeros(*x.shape[:-2], 1, 1)
        return orig(x, f, s, p, d, ceil_mode=ceil)
    _wrap_max_pool2d(mp, change)


@mutant("model.output_size_formula", "ceil_mode_can_pool_a_wide_kernel")
def ceil_mode_pooling_refuses_a_wide_kernel(mp):
    """ceil-mode max_pool2d refuses a kernel wider than the padded input, as floor mode does."""
    @wrap(mp, F, "max_pool2d")
    def max_pool2d(orig, x, kernel_size, *args, **kwargs):
        padding = kwargs.get("padding", 0)
        if kwargs.get("ceil_mode") and isinstance(kernel_size, int) and isinstance(padding, int) \
                and x.shape[-1] + 2 * padding < kernel_size:
            raise RuntimeError("Output size is too small")
        return orig(x, kernel_size, *args, **kwargs)


def _tf_drops_a_row(when):
    """tf.nn.<op> loses its first output row and column when ``when(padding)``."""
    def patched(orig, *args, **kwargs):
        out = orig(*args, **kwargs)
        return out[:, 1:, 1:, :] if when(kwargs.get("padding")) else out
    return patched


for _statement, _padding, _when, _ops in (
        ("tf_valid", "padding VALID", lambda padding: padding == "VALID", ("conv2d", "max_pool2d")),
        ("tf_same", "padding SAME", lambda padding: padding == "SAME", ("conv2d", "max_pool2d")),
        ("tf_explicit", "explicit padding", lambda padding: isinstance(padding, list), ("conv2d",))):
    per_spelling("model.output_size_formula", _statement, f"tf_{{op}}_{_statement.removeprefix('tf_')}_loses_a_row",
                 f"{{form}} with {_padding} gives one row and column fewer.",
                 {f"tf.nn.{op}": f"tensorflow.nn.{op}" for op in _ops})(_tf_drops_a_row(_when))


# ---- model.shape_trace ----------------------------------------------------------------------------

@mutant("model.shape_trace", "layer_by_layer")
def max_pool_stride_one(mp):
    """F.max_pool2d ignores stride (uses 1)."""
    @wrap(mp, F, "max_pool2d")
    def max_pool2d(orig, t, kernel_size, stride=None, *a, **k):
        return orig(t, kernel_size, 1, *a, **k)


# ---- model.sequential -----------------------------------------------------------------------------

@mutant("model.sequential", "same_layers")
def sequential_loses_fc2_relu(mp):
    """sequential_network() has no ReLU after fc2."""
    from tensorspec.course import network

    @wrap(mp, network, "_course_layers")
    def course_layers(orig, batchnorm):
        layers = orig(batchnorm)
        return layers[:-2] + layers[-1:]


@mutant("model.sequential", "same_outputs_on_batches")
def flatten_channels_last(mp):
    """nn.Flatten flattens in channels-last order."""
    mp.setattr(nn.Flatten, "forward", lambda self, x: x.permute(0, 2, 3, 1).flatten(1))


@mutant("model.sequential", "network_takes_an_unbatched_image")
def conv_refuses_an_unbatched_input(mp):
    """Conv2d refuses a 3-D (unbatched) input, so the class Network needs the batch axis too."""
    @wrap(mp, nn.Conv2d, "_conv_forward")
    def conv_forward(orig, self, input, weight, bias):
        if input.dim() == 3:
            raise RuntimeError("Expected 4D (batched) input to conv2d")
        return orig(self, input, weight, bias)


@mutant("model.sequential", "sequential_refuses_an_unbatched_image")
def flatten_treats_a_3d_map_as_one_image(mp):
    """nn.Flatten(start_dim=1) of an unbatched [C, H, W] map gives one row, so Sequential takes the image."""
    @wrap(mp, nn.Flatten, "forward")
    def forward(orig, self, x):
        return x.flatten().unsqueeze(0) if x.dim() == 3 else orig(self, x)


# ---- model.manual_seed ----------------------------------------------------------------------------

@mutant("model.manual_seed", "same_seed_same_network")
def manual_seed_ignored(mp):
    """torch.manual_seed does not seed."""
    mp.setattr(torch, "manual_seed", lambda seed: torch.default_generator)


@mutant("model.manual_seed", "other_seed_other_parameters")
def manual_seed_ignores_its_argument(mp):
    """torch.manual_seed(s) seeds with 0 whatever s."""
    @wrap(mp, torch, "manual_seed")
    def manual_seed(orig, seed):
        return orig(0)


@mutant("model.manual_seed", "sequential_draws_the_same")
def sequential_draws_a_number_first(mp):
    """sequential_network() draws one random number before building its layers."""
    from tensorspec.course import network

    @wrap(mp, network, "_course_layers")
    def course_layers(orig, batchnorm):
        torch.rand(1)
        return orig(batchnorm)


# ---- model.batchnorm ------------------------------------------------------------------------------

@mutant("model.batchnorm", "train_normalizes_with_the_biased_variance")
def batchnorm_trains_with_eps_1e_2(mp):
    """BatchNorm in train mode adds eps = 1e-2 to the variance."""
    def batch_norm(orig, input, running_mean, running_var, weight, bias, training, momentum, eps):
        return orig(input, running_mean, running_var, weight, bias, training, momentum, 1e-2 if training else eps)
    _wrap_batch_norm(mp, batch_norm)


@mutant("model.batchnorm", "output_variance_below_one")
def batchnorm_network_output_shifted(mp):
    """BatchNorm in train mode shifts its output by 0.01 (mean no longer 0)."""
    def batch_norm(orig, input, running_mean, running_var, weight, bias, training, momentum, eps):
        out = orig(input, running_mean, running_var, weight, bias, training, momentum, eps)
        return out + 0.01 if training else out
    _wrap_batch_norm(mp, batch_norm)


@mutant("model.batchnorm", "running_stats_use_the_unbiased_variance")
def batchnorm_running_var_biased(mp):
    """running_var is updated with the biased variance."""
    def batch_norm(orig, input, running_mean, running_var, weight, bias, training, momentum, eps):
        out = orig(input, running_mean, running_var, weight, bias, training, momentum, eps)
        if training and running_var is not None:
            dims = [0] + list(range(2, input.dim()))
            n = input.numel() // input.shape[1]
            with torch.no_grad():  # undo the unbiased update, redo it with the biased variance
                running_var.sub_(momentum * input.var(dim=dims, unbiased=True)).add_(
                    momentum * input.var(dim=dims, unbiased=False) if n > 1 else 0)
        return out
    _wrap_batch_norm(mp, batch_norm)


@mutant("model.batchnorm", "eval_uses_running_stats")
def batchnorm_eval_uses_batch_stats(mp):
    """BatchNorm in eval mode uses the batch statistics."""
    def batch_norm(orig, input, running_mean, running_var, weight, bias, training, momentum, eps):
        if not training:
            return orig(input, None, None, weight, bias, True, momentum, eps)
        return orig(input, running_mean, running_var, weight, bias, training, momentum, eps)
    _wrap_batch_norm(mp, batch_norm)


@mutant("model.batchnorm", "one_value_per_channel_refused_in_training")
def batchnorm_batch_size_not_checked(mp):
    """F.batch_norm no longer checks for more than one value per channel in training."""
    mp.setattr(F, "_verify_batch_size", lambda size: None)


@mutant("model.batchnorm", "eval_uses_running_stats")
def batchnorm_eval_moves_running_var(mp):
    """BatchNorm in eval mode moves running_var towards 1 (0.9 * old + 0.1) after normalizing."""
    def batch_norm(orig, input, running_mean, running_var, weight, bias, training, momentum, eps):
        out = orig(input, running_mean, running_var, weight, bias, training, momentum, eps)
        if not training and running_var is not None:
            with torch.no_grad():
                running_var.mul_(0.9).add_(0.1)
        return out
    _wrap_batch_norm(mp, batch_norm)
