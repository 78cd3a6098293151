"""Root conftest: the Hypothesis profiles, the claims plugin and the data fixtures, for spec/,
tests/ and bench/."""
from tensorspec.harness import profiles

profiles.register()

pytest_plugins = ["tensorspec.claims.plugin", "tensorspec.harness.datafixtures"]
