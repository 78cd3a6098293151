"""Root conftest: the Hypothesis profiles, the claims plugin and the data fixtures, for spec/,
tests/ and bench/."""
from tensorspec import profiles

profiles.register()

pytest_plugins = ["tensorspec.plugin", "tensorspec.datafixtures"]
