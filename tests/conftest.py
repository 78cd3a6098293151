"""Tests of tensorspec's own code (the spec itself lives in spec/)."""
pytest_plugins = ["pytester"]
