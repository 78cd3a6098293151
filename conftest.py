"""Root conftest: the Hypothesis profiles and tensorspec's plugins (claims, the global-state guard,
xdist threads, data, artifacts, the full training run, the cuda marker), for spec/, tests/ and bench/."""
from tensorspec.harness import profiles
from tensorspec.testing.tensorflow_compat import load_triton_before_tensorflow

profiles.register()
load_triton_before_tensorflow()  # TensorFlow may come in through torch.utils.tensorboard too

pytest_plugins = ["tensorspec.claims.plugin", "tensorspec.harness.guard", "tensorspec.harness.workers",
                  "tensorspec.harness.datafixtures", "tensorspec.harness.artifacts", "tensorspec.harness.training_run",
                  "tensorspec.testing.devices"]
