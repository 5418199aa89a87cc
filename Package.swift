// swift-tools-version:6.1
import PackageDescription

// One module per layer; `MixedSLAM` re-exports them so robots write a single import.
// No unsafe build flags anywhere (they would make the package unusable as a dependency): SIMD paths are chosen per function at run time inside CKernels.
let package = Package(
    name: "MixedSLAM",
    products: [
        .library(name: "MixedSLAM", targets: ["MixedSLAM"]),
        .library(name: "MixedSLAMEval", targets: ["MixedSLAMEval"]),
        .executable(name: "slam-bench", targets: ["slam-bench"]),
        // The C API (Sources/MixedSLAMC/include/mixedslam.h) as a shared library C and C++ link.
        .library(name: "mixedslam", type: .dynamic, targets: ["MixedSLAMCAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
    ],
    targets: [
        .target(name: "CKernels", path: "CKernels"),
        .systemLibrary(
            name: "CSuiteSparse", path: "Sources/CSuiteSparse",
            providers: [.apt(["libsuitesparse-dev"])]),
        .systemLibrary(
            name: "CLapack", path: "Sources/CLapack",
            providers: [.apt(["libopenblas-dev", "liblapacke-dev"])]),
        .target(name: "SLAMSparse", dependencies: ["CKernels"]),
        .target(
            name: "SLAMGeometry",
            dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
        .target(
            name: "SLAMLinear",
            dependencies: ["SLAMSparse", "CKernels", "CSuiteSparse", "CLapack"]),
        .target(
            name: "SLAMNonlinear",
            dependencies: ["SLAMGeometry", "SLAMSparse", "SLAMLinear", "CKernels"]),
        .target(name: "SLAMIO", dependencies: ["SLAMGeometry", "SLAMNonlinear"]),
        .target(
            name: "MixedSLAM",
            dependencies: ["SLAMGeometry", "SLAMSparse", "SLAMLinear", "SLAMNonlinear", "SLAMIO"]),
        .target(name: "MixedSLAMEval", dependencies: ["MixedSLAM"]),
        // The C API: the header and its pure-C helpers, and the Swift functions exported with
        // @_cdecl (a separate target because a Swift target cannot import its own C header).
        .target(name: "MixedSLAMC"),
        .target(name: "MixedSLAMCAPI", dependencies: ["MixedSLAMC", "MixedSLAM"]),
        .executableTarget(
            name: "slam-bench",
            dependencies: [
                "MixedSLAM", "MixedSLAMEval",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Shared by the test targets: the seeded generator and the error measures.
        .target(
            name: "MixedSLAMTestSupport", dependencies: ["MixedSLAM", "MixedSLAMEval"],
            path: "Tests/MixedSLAMTestSupport"),
        .testTarget(name: "CKernelsTests", dependencies: ["CKernels", "SLAMSparse", "MixedSLAMTestSupport"]),
        .testTarget(name: "SparseTests", dependencies: ["SLAMSparse"]),
        .testTarget(name: "GeometryTests", dependencies: ["SLAMGeometry", "MixedSLAMTestSupport"]),
        .testTarget(name: "LinearTests", dependencies: ["SLAMLinear", "SLAMSparse", "MixedSLAMTestSupport"]),
        .testTarget(
            name: "NonlinearTests", dependencies: ["MixedSLAM", "MixedSLAMEval", "MixedSLAMCAPI", "MixedSLAMTestSupport"]),
        .testTarget(name: "IOTests", dependencies: ["MixedSLAM", "MixedSLAMTestSupport"]),
        .testTarget(name: "EvalTests", dependencies: ["MixedSLAMEval"]),
        .testTarget(name: "RobustnessTests", dependencies: ["MixedSLAM", "MixedSLAMEval", "MixedSLAMTestSupport"]),
    ]
)
