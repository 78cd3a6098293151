"""Helpers spec tests are written with: strategies, layouts, dtypes, devices, assertions."""
