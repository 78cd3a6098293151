"""Group ``model``: the course network as an ``nn.Module`` (lessons 17-24, 38).

Layers as attributes, their hyperparameters, weights as Parameters, their shapes and count,
``parameters()``/``named_parameters()``, ``__repr__``, Linear as a matmul, ``__call__`` vs ``forward``,
``nn.functional`` holding no weights, single images and batches, nn.Sequential and seeding.  The
shape trace, the output-size formula and BatchNorm have their own modules.
"""
from __future__ import annotations

import io

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given
from hypothesis import strategies as st
from torch import nn

from tensorspec.claims.context import differs
from tensorspec.course.fashion_mnist import CLASSES
from tensorspec.course.network import Network, copy_into_sequential, sequential_network
from tensorspec.testing.assertions import assert_equal, assert_shape, assert_tensor, assert_values, repro, source
from tensorspec.testing.devices import on_devices

LAYERS = ["conv1", "conv2", "fc1", "fc2", "out"]
# (weight shape, bias shape) of each layer, as the course lists them in lesson 19
WEIGHT_SHAPES = {
    "conv1": ((6, 1, 5, 5), (6,)),
    "conv2": ((12, 6, 5, 5), (12,)),
    "fc1": ((120, 192), (120,)),
    "fc2": ((60, 120), (60,)),
    "out": ((10, 60), (10,)),
}
PARAMETER_COUNT = 6 * 25 + 6 + 12 * 6 * 25 + 12 + 192 * 120 + 120 + 120 * 60 + 60 + 60 * 10 + 10  # 32,998


def images(batch: int, device: str = "cpu", seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.rand(batch, 1, 28, 28, generator=g).to(device)


@pytest.mark.claim("model.module_subclass", "attributes_are_children", "their_parameters_are_the_network_s")
def test_layer_attributes_are_registered():
    """Module-valued attributes become children (in assignment order) and their parameters the network's."""
    network = Network()
    assert isinstance(network, nn.Module)
    assert_equal([name for name, _ in network.named_children()], LAYERS, expr="Network().named_children()",
                 name="children")
    for name in LAYERS:
        layer = getattr(network, name)
        assert_equal(network._modules.get(name) is layer, True, expr=f"network._modules[{name!r}]",
                     name=f"{name} in _modules")
    layer_tensors = [getattr(getattr(network, name), kind) for name in LAYERS for kind in ("weight", "bias")]
    parameters = list(network.parameters())
    assert_equal(len(parameters) == len(layer_tensors)
                 and all(p is t for p, t in zip(parameters, layer_tensors)), True, expr="list(Network().parameters())",
                 name="parameters are the layers' tensors")


def _held(container):
    class Holder(nn.Module):
        def __init__(self):
            super().__init__()
            self.layers = container(nn.Linear(2, 2))

    return Holder()


CONTAINERS = {  # kind: (the container of one layer, the parameters registered, the statement)
    "list": (lambda layer: [layer], 0, "plain_containers_not_registered"),  # a list is not a Module
    "dict": (lambda layer: {"a": layer}, 0, "plain_containers_not_registered"),
    "nn.ModuleList": (lambda layer: nn.ModuleList([layer]), 2, "module_containers_registered"),
    "nn.ModuleDict": (lambda layer: nn.ModuleDict({"a": layer}), 2, "module_containers_registered"),
}


@pytest.mark.parametrize("kind", [pytest.param(kind, marks=pytest.mark.claim("model.module_subclass", statement))
                                  for kind, (_, _, statement) in CONTAINERS.items()])
def test_only_a_module_container_registers_its_layers(kind):
    """A layer kept in a plain Python list or dict attribute is not registered; nn.ModuleList /
    nn.ModuleDict register the layers they hold (weight and bias)."""
    make, count, _ = CONTAINERS[kind]
    assert_equal(len(list(_held(make).parameters())), count,
                 expr=f"self.layers = {kind}(nn.Linear(2, 2)); .parameters()",
                 name=f"parameters of a {kind}-held layer")


@pytest.mark.claim("model.hyperparameters", "dependent_sizes")
def test_data_dependent_sizes_follow_the_previous_layer():
    """in_channels/in_features follow the data or the previous layer; the last out_features = 10 classes."""
    n = Network()
    assert_equal(n.fc1.in_features, 192, expr="12 * 4 * 4", name="fc1.in_features")
    assert_equal(n.conv1.in_channels, 1, expr="grayscale images have one channel", name="conv1.in_channels")
    assert_equal(n.conv2.in_channels, n.conv1.out_channels, expr="conv1.out_channels", name="conv2.in_channels")
    flat = n.conv2.out_channels * 4 * 4  # 28 -conv5-> 24 -pool2-> 12 -conv5-> 8 -pool2-> 4
    assert_equal(n.fc1.in_features, flat, expr="conv2.out_channels * 4 * 4", name="fc1.in_features")
    assert_equal(n.fc2.in_features, n.fc1.out_features, expr="fc1.out_features", name="fc2.in_features")
    assert_equal(n.out.in_features, n.fc2.out_features, expr="fc2.out_features", name="out.in_features")
    assert_equal(n.out.out_features, len(CLASSES), expr="the number of classes", name="out.out_features")


@pytest.mark.claim("model.hyperparameters", "course_choices")
def test_the_course_hand_chosen_sizes():
    """kernel_size 5, out_channels 6 and 12, out_features 120 and 60."""
    n = Network()
    chosen = {"conv1.kernel_size": n.conv1.kernel_size, "conv2.kernel_size": n.conv2.kernel_size,
              "conv1.out_channels": n.conv1.out_channels, "conv2.out_channels": n.conv2.out_channels,
              "fc1.out_features": n.fc1.out_features, "fc2.out_features": n.fc2.out_features}
    assert_equal(chosen, {"conv1.kernel_size": (5, 5), "conv2.kernel_size": (5, 5), "conv1.out_channels": 6,
                  "conv2.out_channels": 12, "fc1.out_features": 120, "fc2.out_features": 60},
                 expr="the course's choice", name="hand-chosen hyperparameters")


def feature_map_side(k1: int, k2: int) -> int | str:
    """The side of conv2's pooled feature map for 28x28 images, or the error of the first layer left
    without a pixel: a conv kernel wider than its input, or a 1-pixel map pooled."""
    side = (28 - k1 + 1) // 2
    if side == 0:
        return "Output size is too small"
    if side < k2:
        return "Kernel size can't be greater than actual input size"
    return (side - k2 + 1) // 2 or "Output size is too small"


@given(c1=st.integers(1, 8), c2=st.integers(1, 8), h1=st.integers(1, 16), h2=st.integers(1, 16),
       off=st.integers(-3, 3).filter(bool), k1=st.integers(1, 28), k2=st.integers(1, 14))
@example(c1=6, c2=12, h1=120, h2=60, off=1, k1=5, k2=5)  # the course's sizes
@example(c1=6, c2=12, h1=120, h2=60, off=1, k1=25, k2=5)  # conv1's kernel leaves conv2 no room
@example(c1=6, c2=12, h1=120, h2=60, off=1, k1=28, k2=5)  # conv1 leaves a 1-pixel map to pool
@example(c1=6, c2=12, h1=120, h2=60, off=1, k1=5, k2=12)  # conv2 leaves a 1-pixel map to pool
@example(c1=3, c2=5, h1=7, h2=9, off=-2, k1=3, k2=3)  # other sizes, a smaller in-size
@pytest.mark.claim("model.hyperparameters", "free_choices", "kernels_must_leave_a_pixel", "wrong_in_channels_refused",
                   "wrong_in_features_refused")
def test_hand_chosen_sizes_are_free_dependent_ones_are_not(c1, c2, h1, h2, off, k1, k2):
    """Any out_channels/out_features work when the dependent in-sizes follow; kernel sizes work while every
    feature map keeps a pixel, and fix fc1's in_features; a wrong in_channels or in_features fails."""
    def net(fc1_in, conv2_in=c1):
        return nn.Sequential(nn.Conv2d(1, c1, k1), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(conv2_in, c2, k2), nn.ReLU(),
                             nn.MaxPool2d(2, 2), nn.Flatten(), nn.Linear(fc1_in, h1), nn.ReLU(),
                             nn.Linear(h1, h2), nn.ReLU(), nn.Linear(h2, 10))
    side = feature_map_side(k1, k2)
    with repro(f"c1, c2, h1, h2, k1, k2 = {c1}, {c2}, {h1}, {h2}, {k1}, {k2}"):
        if isinstance(side, str):  # some feature map would have no pixel
            with pytest.raises(RuntimeError, match=side):
                net(c2)(images(2))
            return
        fc1_in = c2 * side * side  # the course's 12 * 4 * 4 = 192
        assert_equal(tuple(net(fc1_in)(images(2)).shape), (2, 10), expr=f"in_features = {c2} * {side} * {side}",
                     name="out.shape")
        if fc1_in + off > 0:
            with pytest.raises(RuntimeError, match="shapes cannot be multiplied"):
                net(fc1_in + off)(images(2))
        if c1 + off > 0:
            with pytest.raises(RuntimeError, match=f"to have {c1 + off} channels, but got {c1} channels instead"):
                net(fc1_in, conv2_in=c1 + off)(images(2))


@pytest.mark.claim("model.weight_is_parameter", "layer_weights_are_parameters", "plain_tensor_attribute_is_not",
                   "wrapped_tensor_attribute_is")
def test_weights_are_parameters():
    """Every layer's weight and bias is an nn.Parameter (a Tensor subclass, requires_grad=True);
    a plain tensor attribute is not a parameter."""
    network = Network()
    for name in LAYERS:
        for kind in ("weight", "bias"):
            t = getattr(getattr(network, name), kind)
            expr = f"type(network.{name}.{kind})"
            assert_equal(type(t), nn.Parameter, expr=expr, name=expr)
            assert isinstance(t, torch.Tensor) and issubclass(nn.Parameter, torch.Tensor)
            assert_equal(t.requires_grad, True, expr=f"network.{name}.{kind}.requires_grad", name="requires_grad")
    network.scale = torch.ones(1)
    assert_equal("scale" in dict(network.named_parameters()), False, expr="network.scale = torch.ones(1)",
                 name="'scale' in parameters")
    network.scale = nn.Parameter(torch.ones(1))
    assert_equal("scale" in dict(network.named_parameters()), True, expr="network.scale = nn.Parameter(torch.ones(1))",
                 name="'scale' in parameters")


@pytest.mark.claim("model.weight_shapes", "shapes", "parameter_count")
def test_weight_shapes_and_parameter_count():
    """conv1 (6,1,5,5), conv2 (12,6,5,5), fc1 (120,192), fc2 (60,120), out (10,60) + biases: 32,998."""
    network = Network()
    for name, (w_shape, b_shape) in WEIGHT_SHAPES.items():
        layer = getattr(network, name)
        assert_shape(layer.weight, w_shape, expr=f"network.{name}.weight.shape", name=f"{name}.weight.shape")
        assert_shape(layer.bias, b_shape, expr=f"network.{name}.bias.shape", name=f"{name}.bias.shape")
    count = sum(p.numel() for p in network.parameters())
    assert_equal(count, PARAMETER_COUNT, expr="sum(p.numel() for p in network.parameters())", name="parameter count")
    assert PARAMETER_COUNT == 32_998


@pytest.mark.claim("model.parameters", "names_in_registration_order", "same_objects", "buffers_are_not_parameters")
def test_parameters_and_named_parameters():
    """named_parameters() lists every weight and bias as 'layer.weight'/'layer.bias' in layer order;
    parameters() yields the same tensor objects; buffers (BatchNorm's running stats) are not parameters."""
    network = Network()
    names = [name for name, _ in network.named_parameters()]
    expected = [f"{layer}.{kind}" for layer in LAYERS for kind in ("weight", "bias")]
    assert_equal(names, expected, expr="[n for n, _ in network.named_parameters()]", name="names")
    by_name = [p for _, p in network.named_parameters()]
    same = [a is b for a, b in zip(network.parameters(), by_name, strict=True)]
    assert_equal(all(same), True, expr="list(network.parameters()) vs named_parameters()", name="same objects")
    attributes = [getattr(getattr(network, n.split(".")[0]), n.split(".")[1]) for n in names]
    assert_equal(all(a is b for a, b in zip(attributes, by_name)), True, expr="network.conv1.weight ...",
                 name="the layer attributes")
    bn = nn.BatchNorm2d(3)
    assert_equal([n for n, _ in bn.named_parameters()], ["weight", "bias"], expr="bn.named_parameters()",
                 name="BatchNorm2d parameters")
    assert_equal([n for n, _ in bn.named_buffers()], ["running_mean", "running_var", "num_batches_tracked"],
                 expr="bn.named_buffers()", name="BatchNorm2d buffers")


@pytest.mark.claim("model.repr", "default_lists_the_layers", "override_replaces_print")
def test_overriding_repr_changes_print():
    """The default print(network) lists the layers; a __repr__ override replaces what print shows."""
    default = repr(Network())
    assert default.startswith("Network(\n  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))"), default
    assert "(out): Linear(in_features=60, out_features=10, bias=True)" in default, default

    class LizardNet(Network):
        def __repr__(self):
            return "lizardnet"

    buffer = io.StringIO()
    print(LizardNet(), file=buffer)
    assert_equal(buffer.getvalue(), "lizardnet\n", expr="print(LizardNet())", name="print(network)")
    assert_equal(str(LizardNet()), "lizardnet", expr="str(LizardNet())", name="str(network)")


@on_devices
@given(data=st.data())
@pytest.mark.claim("model.linear_is_matmul", "x_matmul_w_t_plus_b", "weight_matmul_is_output_minus_bias")
def test_linear_is_x_matmul_w_transposed_plus_b(device, data):
    """nn.Linear(x) == x @ W.T + b (NumPy reference) for any leading shape; the notes'
    weight.matmul(v) is W @ v, the same as the layer without bias for one vector."""
    in_f = data.draw(st.integers(1, 6), label="in_features")
    out_f = data.draw(st.integers(1, 6), label="out_features")
    lead = data.draw(st.lists(st.integers(0, 3), max_size=2), label="leading shape")
    dtype = data.draw(st.sampled_from([torch.float32, torch.float64]), label="dtype")
    seed = data.draw(st.integers(0, 2**16), label="seed")
    g = torch.Generator().manual_seed(seed)
    layer = nn.Linear(in_f, out_f, dtype=dtype).to(device)
    x = torch.randn(*lead, in_f, generator=g, dtype=dtype).to(device)
    with repro(f"layer = nn.Linear({in_f}, {out_f}, dtype={dtype}); x = {source(x)}"):
        w, b = layer.weight.detach().cpu().numpy(), layer.bias.detach().cpu().numpy()
        expected = x.cpu().numpy() @ w.T + b
        assert_values(layer(x).detach(), expected, expr="layer(x) vs x @ W.T + b")
        v = torch.randn(in_f, generator=g, dtype=dtype).to(device)
        assert_values(layer.weight.matmul(v).detach(), w @ v.cpu().numpy(), expr="layer.weight.matmul(v) vs W @ v")
        assert_values(layer(v).detach() - layer.bias.detach(), w @ v.cpu().numpy(), expr="layer(v) - b vs W @ v")


@on_devices
@pytest.mark.claim("model.call_runs_forward", "call_runs_hooks_and_forward", "forward_skips_own_hooks_only",
                   "same_output_unless_a_hook_replaces_it")
def test_call_runs_forward_and_hooks(device):
    """network(x) runs forward(x) and the registered hooks; calling forward() directly skips the hooks."""
    network = Network().to(device)
    calls = []
    network.register_forward_pre_hook(lambda module, args: calls.append("pre-hook"))
    network.register_forward_hook(lambda module, args, out: calls.append("hook"))
    network.conv1.register_forward_pre_hook(lambda module, args: calls.append("forward"))  # forward's first call
    x = images(3, device)
    via_call = network(x)
    assert_equal(calls, ["pre-hook", "forward", "hook"], expr="network(x)", name="hooks run by network(x)")
    calls.clear()
    via_forward = network.forward(x)
    assert_equal(calls, ["forward"], expr="network.forward(x)", name="hooks run by network.forward(x)")
    assert_tensor(via_call, via_forward, expr="network(x) vs network.forward(x)", equal_nan=False)


@pytest.mark.claim("model.functional_stateless", "weightless_modules_hold_nothing")
def test_weightless_modules_hold_nothing():
    """nn.ReLU / nn.MaxPool2d have no parameters and an empty state_dict."""
    for module in (nn.ReLU(), nn.MaxPool2d(2, 2)):
        assert_equal((list(module.parameters()), dict(module.state_dict())), ([], {}),
                     expr=f"{type(module).__name__}().parameters(), .state_dict()", name=f"{module} state")


RELU_DTYPES = [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int8, torch.int16, torch.int32,
               torch.int64, torch.uint8]


@pytest.mark.parametrize("dtype", RELU_DTYPES, ids=str)
@pytest.mark.claim("model.functional_stateless", "relu_is_clamp")
def test_relu_is_clamp(dtype):
    """F.relu(x) = nn.ReLU()(x) = x.clamp(min=0), for floating and integer tensors."""
    x = torch.arange(-3, 3).to(dtype) if dtype != torch.uint8 else torch.tensor([253, 254, 255, 0, 1, 2], dtype=dtype)
    if dtype == torch.float16 and (differs("relu_half_cpu_missing") or differs("relu_half_says_clamp_min_scalar")):
        for expr, f in (("F.relu(x)", F.relu), ("nn.ReLU()(x)", nn.ReLU()), ("x.clamp(min=0)", lambda x: x.clamp(min=0))):
            kernel = "clamp_min_scalar_cpu" if differs("relu_half_says_clamp_min_scalar") else "clamp_min_cpu"
            with repro(f"x = {source(x)}; {expr}"), pytest.raises(RuntimeError, match=f"\"{kernel}\" not implemented for 'Half'"):
                f(x)
        return
    with repro(f"x = {source(x)}"):
        assert_values(F.relu(x), x.clamp(min=0), expr="F.relu(x) vs x.clamp(min=0)", exact=True)
        assert_values(nn.ReLU()(x), x.clamp(min=0), expr="nn.ReLU()(x) vs x.clamp(min=0)", exact=True)


@pytest.mark.claim("model.functional_stateless", "conv2d_takes_the_weight", "network_state_is_its_layers")
def test_functional_ops_hold_no_weights():
    """A conv layer holds its weight, and F.conv2d needs it passed in; the network's state is its layers' weights."""
    conv = nn.Conv2d(1, 6, 5)
    assert_equal(sorted(conv.state_dict()), ["bias", "weight"], expr="nn.Conv2d(1, 6, 5).state_dict()",
                 name="conv state")
    x = images(2) - 0.5
    assert_tensor(F.conv2d(x, conv.weight, conv.bias), conv(x), expr="F.conv2d(x, conv.weight, conv.bias) vs conv(x)",
                  equal_nan=False)
    keys = list(Network().state_dict())
    assert_equal(keys, [f"{layer}.{kind}" for layer in LAYERS for kind in ("weight", "bias")],
                 expr="Network().state_dict() (relu and max_pool2d add nothing)", name="state_dict keys")


@on_devices
@pytest.mark.claim("model.single_image", "network_takes_an_unbatched_image", "sequential_needs_the_batch_axis",
                   "two_d_image_refused")
def test_single_image(device):
    """Since torch 1.11 conv accepts an unbatched (C, H, W) image (pooling already did), and the course's
    reshape(-1, 192) gives a batch of one: Network() takes a [1, 28, 28] image as is.  The
    nn.Sequential form (Flatten(start_dim=1)) still needs unsqueeze(0); a [28, 28] image needs both axes."""
    network = Network().to(device)
    image = images(1, device)[0]  # [1, 28, 28]
    batched = network(image.unsqueeze(0))
    assert_shape(batched, (1, 10), expr="batch of one", name="network(image.unsqueeze(0)).shape")
    unbatched = network(image)
    assert_shape(unbatched, (1, 10), expr="no batch axis", name="network(image).shape")
    assert_tensor(unbatched, batched, expr="network(image) vs network(image.unsqueeze(0))", equal_nan=False)
    sequential = copy_into_sequential(network, sequential_network().to(device))
    assert_tensor(sequential(image.unsqueeze(0)), batched, expr="sequential(image.unsqueeze(0)) vs network(...)",
                  equal_nan=False)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(12x16 and 192x120\)"):
        sequential(image)
    with pytest.raises(RuntimeError, match=r"Expected 3D \(unbatched\) or 4D \(batched\) input to conv2d"):
        network(image[0])


@on_devices
@given(batch=st.integers(0, 6), seed=st.integers(0, 2**16))
@example(batch=0, seed=0)
@pytest.mark.claim("model.batch_predictions", "output_shape", "argmax_dim1_is_each_row_s_class", "count_of_matches")
def test_batch_predictions(device, batch, seed):
    """Output (B, 10); argmax(dim=1) is each row's class; preds.argmax(dim=1).eq(labels).sum().item()
    counts the matches (a Python int); NumPy reference."""
    network = Network().to(device)
    x = images(batch, device, seed)
    labels = torch.randint(0, 10, (batch,), generator=torch.Generator().manual_seed(seed)).to(device)
    with repro(f"preds = Network()(torch.rand({batch}, 1, 28, 28)); labels = {source(labels)}"):
        preds = network(x)
        assert_shape(preds, (batch, 10), expr="network(x) for B images", name="preds.shape")
        classes = preds.argmax(dim=1)
        expected = np.argmax(preds.detach().cpu().numpy(), axis=1)
        assert_values(classes, expected, expr="preds.argmax(dim=1) vs np.argmax(preds, axis=1)", exact=True)
        count = preds.argmax(dim=1).eq(labels).sum().item()
        assert_equal(type(count), int, expr="preds.argmax(dim=1).eq(labels).sum().item()", name="type")
        assert_equal(count, int((expected == labels.cpu().numpy()).sum()), expr="count of matches", name="correct")


@pytest.mark.claim("model.sequential", "same_layers")
def test_sequential_has_the_course_layers():
    """sequential_network(): the course's layers in order, Flatten(start_dim=1); Network's parameter shapes."""
    sequential = sequential_network()
    assert_equal([type(m).__name__ for m in sequential],
                 ["Conv2d", "ReLU", "MaxPool2d", "Conv2d", "ReLU", "MaxPool2d", "Flatten", "Linear", "ReLU", "Linear",
                  "ReLU", "Linear"], expr="sequential_network()", name="layers")
    assert_equal(sequential[6].start_dim, 1, expr="sequential_network()[6]", name="Flatten.start_dim")
    shapes = [tuple(p.shape) for p in sequential.parameters()]
    assert_equal(shapes, [tuple(p.shape) for p in Network().parameters()], expr="in order", name="parameter shapes")


@pytest.mark.claim("model.batch_predictions", "first_maximum_on_ties")
def test_argmax_takes_the_first_maximum():
    """On a tie argmax(dim=1) gives the first maximum, as np.argmax does."""
    preds = torch.tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])
    assert_values(preds.argmax(dim=1), np.argmax(preds.numpy(), axis=1), expr="preds.argmax(dim=1) vs np.argmax",
                  exact=True)
    assert_values(preds.argmax(dim=1), torch.tensor([1, 0]), expr="preds.argmax(dim=1)", exact=True)


@on_devices
@pytest.mark.parametrize("batch", [0, 1, 5])
@pytest.mark.claim("model.sequential", "same_outputs_on_batches")
def test_sequential_computes_the_same_function_on_batches(device, batch):
    """Given Network's weights, sequential_network() gives the same outputs on a batch [N, 1, 28, 28]."""
    torch.manual_seed(7)
    network = Network().to(device)
    sequential = copy_into_sequential(network, sequential_network().to(device))
    x = images(batch, device)
    assert_tensor(sequential(x), network(x), expr=f"sequential(x) vs network(x), x of {batch} images", equal_nan=False)


@on_devices
@pytest.mark.claim("model.sequential", "network_takes_an_unbatched_image", "sequential_refuses_an_unbatched_image")
def test_sequential_and_network_differ_on_an_unbatched_image(device):
    """On an unbatched [1, 28, 28] image (the audit's case) the class Network gives [1, 10], its output for
    the batch of one, while the Sequential form raises: Flatten(start_dim=1) keeps the 12 channels as rows."""
    network = Network().to(device)
    sequential = copy_into_sequential(network, sequential_network().to(device))
    image = images(1, device)[0]
    unbatched = network(image)
    assert_shape(unbatched, (1, 10), expr="Network()(image) for image [1, 28, 28]", name="network(image).shape")
    assert_tensor(unbatched, network(image.unsqueeze(0)), expr="network(image) vs network(image.unsqueeze(0))",
                  equal_nan=False)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(12x16 and 192x120\)"):
        sequential(image)
        pytest.fail("sequential(image) gave an output for an unbatched image")


@on_devices
@pytest.mark.claim("model.manual_seed", "same_seed_same_network", "other_seed_other_parameters", "sequential_draws_the_same")
def test_same_seed_same_initial_parameters(device):
    """torch.manual_seed(50) before building gives identical parameters and outputs; another seed
    differs; Network and its nn.Sequential form draw the same initial weights (layers in the same order)."""
    def built(seed, make=Network):
        torch.manual_seed(seed)
        if not hasattr(torch.device, "__enter__"):  # a release where torch.device is no context manager
            return make().to(device)
        with torch.device(device):
            return make()

    a, b, c = built(50), built(50), built(51)
    for (name, pa), pb, pc in zip(a.named_parameters(), b.parameters(), c.parameters()):
        assert_equal(torch.equal(pa, pb), True, expr="torch.manual_seed(50); Network() twice", name=f"{name} equal")
        assert_equal(torch.equal(pa, pc), False, expr="seeds 50 and 51", name=f"{name} equal")
    x = images(4, device)
    assert_equal(torch.equal(a(x), b(x)), True, expr="same seed, same input", name="outputs equal")
    seq = built(50, sequential_network)
    for pa, ps in zip(a.parameters(), seq.parameters(), strict=True):
        assert_equal(torch.equal(pa, ps), True, expr="torch.manual_seed(50); sequential_network()",
                     name="Sequential init")


@pytest.mark.claim("model.hyperparameters", "reshape_refuses_other_sizes", "reshape_splits_multiples",
                   "loss_catches_split_rows", "flatten_fails_at_fc1")
def test_a_changed_conv_part_meets_the_course_reshape():
    """Network flattens with t.reshape(-1, 192): a per-image size that is not 192 raises in reshape, a
    multiple of 192 raises nothing and splits each image over several rows; nn.Flatten reports the
    mismatch at fc1 instead."""
    x = torch.zeros(2, 1, 28, 28)
    net = Network()
    net.conv2 = nn.Conv2d(6, 16, kernel_size=5)
    with pytest.raises(RuntimeError, match=r"shape '\[-1, 192\]' is invalid for input of size 512"):
        net(x)
    # the condition is the batch's total size: 16 channels and a batch of 3 (768 = 4 x 192) pass silently
    assert_shape(net(torch.zeros(3, 1, 28, 28)), (4, 10), expr="Network with conv2 out_channels 16, batch of 3")
    net.conv2 = nn.Conv2d(6, 24, kernel_size=5)
    split = net(x)
    assert_shape(split, (4, 10), expr="Network with conv2 out_channels 24, batch of 2")
    with pytest.raises(ValueError, match=r"Expected input batch_size \(4\) to match target batch_size \(2\)"):
        F.cross_entropy(split, torch.zeros(2, dtype=torch.int64))
    seq = sequential_network()
    seq[3] = nn.Conv2d(6, 16, kernel_size=5)
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x256 and 192x120\)"):
        seq(x)


@pytest.mark.claim("model.call_runs_forward", "forward_skips_own_hooks_only", "same_output_unless_a_hook_replaces_it")
def test_forward_skips_only_the_network_own_hooks():
    """network.forward(x) skips the network's hooks, not its submodules' (forward calls them); a hook
    that replaces the output makes network(x) and network.forward(x) differ."""
    net, x, calls = Network(), torch.rand(1, 1, 28, 28), []
    net.conv1.register_forward_hook(lambda m, i, o: calls.append("conv1 hook"))
    net.register_forward_hook(lambda m, i, o: torch.zeros_like(o))
    with torch.no_grad():
        direct = net.forward(x)
        assert_equal(calls, ["conv1 hook"], expr="net.forward(x)", name="hooks run by forward(x)")
        called = net(x)
    assert_values(called, torch.zeros_like(direct), expr="net(x) with a hook returning zeros", exact=True)
    assert bool((direct != 0).any()), "net.forward(x) should skip the network's own hook"


@pytest.mark.claim("model.module_subclass", "reassignment_keeps_its_place", "needs_module_init_first")
def test_children_keep_their_first_place_and_need_module_init():
    """Assigning a module attribute again keeps its place among the children; assigning one before
    super().__init__() raises AttributeError."""
    class Reassigned(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b = nn.Linear(1, 1), nn.Linear(1, 1)
            self.a = nn.Linear(2, 2)

    class Early(nn.Module):
        def __init__(self):
            self.a = nn.Linear(1, 1)
            super().__init__()

    net = Reassigned()
    assert_equal([n for n, _ in net.named_children()], ["a", "b"], expr="a, b, then a again", name="children")
    assert_equal(net.a.in_features, 2, expr="the reassigned a", name="a.in_features")
    with pytest.raises(AttributeError, match=r"cannot assign module before Module.__init__\(\) call"):
        Early()


@pytest.mark.claim("model.functional_stateless", "relu_refuses_bool")
def test_relu_refuses_bool_tensors():
    """F.relu and nn.ReLU refuse a bool tensor (RuntimeError); x.clamp(min=0) is for numbers."""
    b = torch.tensor([True, False])
    for name, relu in (("F.relu", F.relu), ("nn.ReLU()", nn.ReLU())):
        with pytest.raises(RuntimeError, match="Boolean inputs not supported for relu"):
            relu(b)
            pytest.fail(f"{name} of a bool tensor")
