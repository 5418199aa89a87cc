// Module `MixedSLAMEval`: see ../../docs/architecture.md for its place in the layers.
