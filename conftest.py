"""Root conftest: the Hypothesis profiles, the claims plugin and the data fixtures, for spec/,
tests/ and bench/."""
from tensorspec.harness import profiles
from tensorspec.testing.tensorflow_compat import load_triton_before_tensorflow

profiles.register()
load_triton_before_tensorflow()  # TensorFlow may come in through torch.utils.tensorboard too

pytest_plugins = ["tensorspec.claims.plugin", "tensorspec.harness.datafixtures", "tensorspec.harness.artifacts"]
