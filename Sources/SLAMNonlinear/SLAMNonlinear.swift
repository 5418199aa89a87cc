// Module `SLAMNonlinear`: see ../../docs/architecture.md for its place in the layers.
