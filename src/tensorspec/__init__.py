"""tensorspec: an executable specification of the tensor semantics a PyTorch course teaches.

Subpackages, by role:

- ``claims``: the claim catalog (``spec/claims.toml``), the pytest plugin that ties tests to claims,
  and the claims report.
- ``harness``: the pytest machinery around the tests: Hypothesis profiles, the global-state guard,
  the data fixtures and the mutation self-check.
- ``testing``: what spec tests are written with: strategies, memory layouts, dtypes, devices and
  assertion helpers.
- ``reference``: independent oracles (pure-Python shapes, values, type promotion, conv sizes) that
  the spec compares torch with; never the function under test.
- ``course``: the course itself, under test: Fashion-MNIST, transforms, the network, training,
  RunBuilder/RunManager and the toy problems.
- ``benchtools``: what ``bench/`` and ``tensorspec-charts`` share: benchmark info and charts.
"""
