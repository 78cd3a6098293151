"""pytest machinery: Hypothesis profiles, the global-state guard, data fixtures, the mutation self-check."""
