// Module `SLAMGeometry`: see ../../docs/architecture.md for its place in the layers.
