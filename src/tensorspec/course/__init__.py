"""The course under test: Fashion-MNIST, transforms, the network, training, runs, toy problems."""
