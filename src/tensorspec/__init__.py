"""tensorspec: an executable specification of the tensor semantics a PyTorch course teaches.

The shared code of the specification: the claim catalog and its pytest plugin, the device
parameter, Hypothesis strategies and profiles, assertion helpers, and (for the training claims)
Fashion-MNIST reading, the course network, training and RunBuilder/RunManager.
"""
__version__ = "0.1.0"
