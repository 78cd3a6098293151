"""Planted semantic changes ("mutants"), to prove that the specification notices a change.

A mutant is a function ``patch(mp: pytest.MonkeyPatch)`` that changes one behaviour (make
``torch.from_numpy`` copy, make ``squeeze`` drop only the first length-1 axis, ...), registered with
:func:`mutant` against the claim and the one statement of its truth that must then go red, in a
table ``tests/mutants/<table>.py``; its name is ``<table>.<function>``::

    @mutant("creation.from_numpy_shares", "shares_memory")
    def from_numpy_copies(mp):
        \"\"\"torch.from_numpy returns a copy.\"\"\"
        @wrap(mp, torch, "from_numpy")
        def from_numpy(orig, a):
            return orig(a).clone()

The self-check (:func:`run_mutants`, ``python -m tensorspec.harness.mutation``) runs the tests of each
mutant's statement with the change applied, every mutant in its own process, and requires the
statement to come out ``broken`` in the claims report: a mutant that survives is a change the spec
cannot see.
One parent process imports torch, NumPy, Hypothesis, TensorFlow and pytest once, maps each claim to
the spec files that test it (one collection, in a child), then forks a child per mutant, ``jobs`` at
a time.  The child applies the patch, runs ``pytest --claim ID`` on those files (derandomized:
Hypothesis profile ``ci``, ``-p no:randomly``, ``-x``), writes its claims report and exits.

One mutant inside an ordinary pytest run, to see its failures (the plugin is not loaded by default)::

    pytest spec -p tensorspec.harness.mutation.plugin --mutant creation.from_numpy_copies --claim creation.from_numpy_shares
"""
from __future__ import annotations

from tensorspec.harness.mutation.planting import kind_of, owner_of, per_spelling, planted, raising, when
from tensorspec.harness.mutation.registry import REGISTRY, Mutant, default_tables, find, load_tables, mutant, wrap
from tensorspec.harness.mutation.results import ERROR, KILLED, NOT_RUN, SURVIVED, TIMED_OUT, Result, count, count_line

__all__ = ["REGISTRY", "Mutant", "default_tables", "find", "load_tables", "mutant", "wrap", "planted", "per_spelling",
           "when", "raising", "owner_of", "kind_of", "ERROR", "KILLED", "NOT_RUN", "SURVIVED", "TIMED_OUT", "Result",
           "count", "count_line"]
