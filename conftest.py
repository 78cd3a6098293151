"""Root conftest: the Hypothesis profiles and the claims plugin, for spec/, tests/ and bench/."""
from tensorspec import profiles

profiles.register()

pytest_plugins = ["tensorspec.plugin"]
