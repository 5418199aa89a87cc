// The one import robots write: every layer of the library, re-exported.
@_exported import SLAMGeometry
@_exported import SLAMIO
@_exported import SLAMLinear
@_exported import SLAMNonlinear
@_exported import SLAMSparse
