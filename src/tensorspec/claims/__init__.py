"""The claim catalog, the pytest plugin that ties tests to claims, and the claims report."""
