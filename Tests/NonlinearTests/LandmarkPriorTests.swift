import Foundation
import MixedSLAM
import MixedSLAMEval
import Testing

@Suite struct LandmarkPriorTests {
    private let calibration = PinholeCalibration(fx: 500, fy: 480, cx: 320, cy: 240)

    private func pixel(_ pose: SE3<Double>, _ point: SIMD3<Double>) -> SIMD2<Double> {
        let p = pose.inverse.act(point)
        return SIMD2(500 * p.x / p.z + 320, 480 * p.y / p.z + 240)
    }

    /// Cameras around the origin looking at points a few metres ahead (+z).
    private func camera(_ k: Int) -> SE3<Double> {
        SE3(rotation: .exp(SIMD3(0.02 * Double(k), -0.05 * Double(k), 0.01)),
            translation: SIMD3(0.4 * Double(k) - 0.6, 0.1 * Double(k % 2), 0.05 * Double(k)))
    }

    /// ½‖S (p − z)‖² of a prior at `point`, through a one-point problem.
    private func priorCost(_ factor: PriorFactorPoint3, at point: SIMD3<Double>) throws -> Double {
        var problem = Problem()
        try problem.addPoint3(id: factor.variable, point)
        try problem.add(factor)
        return problem.cost(precision: .fp64)
    }

    /// The prior of three fixed cameras holds Λ = Σ JᵀJ and the gradient Σ Jᵀr of their
    /// observations at the linearization point, J from central differences of the projection.
    @Test func priorHoldsTheObservationsInformationAndGradient() throws {
        let truth = SIMD3(0.3, -0.2, 4.0)
        let estimate = truth + SIMD3(0.02, -0.01, 0.05)
        var prior = LandmarkPrior()
        var information = [Double](repeating: 0, count: 9)
        var gradient = SIMD3<Double>.zero
        for k in 0..<3 {
            let pose = camera(k)
            let measured = pixel(pose, truth) + SIMD2(0.7 * Double(k) - 0.5, 0.3)
            let priors = try LandmarkPrior.marginalizing(
                camera: pose, observations: [(landmark: 7, pixel: measured, point: estimate)],
                calibration: calibration, information: .identity(dimension: 2))
            #expect(priors.keys.sorted() == [7])
            prior.add(priors[7]!)
            let h = 1e-6
            var columns: [SIMD2<Double>] = []
            for i in 0..<3 {
                var e = SIMD3<Double>.zero
                e[i] = h
                columns.append((pixel(pose, estimate + e) - pixel(pose, estimate - e)) / (2 * h))
            }
            let r = pixel(pose, estimate) - measured
            for i in 0..<3 {
                gradient[i] += (columns[i] * r).sum()
                for j in 0..<3 { information[i * 3 + j] += (columns[i] * columns[j]).sum() }
            }
        }
        #expect(prior.observationCount == 3)
        let scale = information.map(abs).max()!
        for k in 0..<9 {
            #expect(abs(prior.information[k] - information[k]) <= 1e-6 * scale, "Λ[\(k)]")
        }
        let factor = try #require(try prior.factor(variable: 0))
        // The prior's gradient at the linearization point is the observations' gradient.
        let h = 1e-4
        let gradientScale = max(abs(gradient.x), abs(gradient.y), abs(gradient.z), 1)
        for i in 0..<3 {
            var e = SIMD3<Double>.zero
            e[i] = h
            let numeric = (try priorCost(factor, at: estimate + e) - priorCost(factor, at: estimate - e)) / (2 * h)
            #expect(abs(numeric - gradient[i]) <= 1e-6 * gradientScale, "∂/∂p\(i)")
        }
    }

    /// One camera's rays leave the depth unobserved: Λ has rank 2 and the prior does not
    /// change along the ray through the linearization point.
    @Test func oneCameraLeavesTheDepthFree() throws {
        let pose = camera(1)
        let point = SIMD3(0.5, 0.3, 5.0)
        let priors = try LandmarkPrior.marginalizing(
            camera: pose, observations: [(landmark: 3, pixel: pixel(pose, point) + SIMD2(1, -1), point: point)],
            calibration: calibration, information: .identity(dimension: 2))
        let prior = try #require(priors[3])
        let eigen = try SymmetricEigen(symmetric: prior.information, dimension: 3)
        let sorted = eigen.eigenvalues.sorted()
        #expect(sorted[0] <= 1e-12 * sorted[2])
        #expect(sorted[1] >= 1e-3 * sorted[2])
        let factor = try #require(try prior.factor(variable: 0))
        let ray = (point - pose.translation) / (point - pose.translation).norm
        let across = ray.cross(SIMD3(0, 1, 0)) / ray.cross(SIMD3(0, 1, 0)).norm
        let base = try priorCost(factor, at: point)
        let alongChange = abs(try priorCost(factor, at: point + 0.01 * ray) - base)
        let acrossChange = abs(try priorCost(factor, at: point + 0.01 * across) - base)
        #expect(acrossChange > 0.1)
        #expect(alongChange <= 1e-9 * acrossChange)
        #expect(try LandmarkPrior().factor(variable: 0) == nil)
    }

    /// A small BA: fixed cameras 0 and 1, free cameras 2 and 3, points seen by all four.
    private func problem(
        points: [SIMD3<Double>], cameras: [SE3<Double>], pixels: [[SIMD2<Double>]], dropping dropped: Int? = nil,
        priors: [Int: LandmarkPrior] = [:]
    ) throws -> Problem {
        var problem = Problem()
        problem.gauge = .explicitOnly
        for (k, pose) in cameras.enumerated() {
            try problem.addSE3(id: k, pose)
            if k < 2 { try problem.setFixed(k) }
        }
        for (j, point) in points.enumerated() {
            let id = 100 + j
            try problem.addPoint3(id: id, point)
            for k in cameras.indices where k != dropped {
                try problem.add(ReprojectionFactor(pose: k, point: id, measurement: pixels[k][j], calibration: calibration))
            }
            if let factor = try priors[j]?.factor(variable: id) { try problem.add(factor) }
        }
        return problem
    }

    private func solve(_ problem: inout Problem, _ plan: PrecisionPlan.Preset, method: BundleAdjustmentStepSolver.Method = .denseSchur) throws {
        var options = LevenbergMarquardt.Options()
        options.functionTolerance = 1e-15
        options.gradientTolerance = 1e-13
        options.maxIterations = 60
        var solverOptions = BundleAdjustmentStepSolver.Options()
        solverOptions.directMethod = method
        solverOptions.cgnr.conjugateGradient.relativeTolerance = 1e-8
        var solver = BundleAdjustmentStepSolver(options: solverOptions)
        let summary = try LevenbergMarquardt(options: options).minimize(
            &problem, plan: .preset(plan, for: .bundleAdjustment), stepSolver: &solver)
        #expect(summary.finalCost.isFinite)
    }

    /// Marginalizing a fixed camera into landmark priors at the optimum keeps the optimum: the
    /// priors reproduce the camera's gradient (zero sum with the rest) and Gauss-Newton
    /// information there. Solved from a perturbed start through the bundle-adjustment solver
    /// (the 3-row priors fill two observation slots, one padded), with the dense Schur
    /// complement, CHOLMOD and fp32 CGNR; dropping the camera instead moves the optimum by
    /// millimetres.
    @Test(arguments: [
        (PrecisionPlan.Preset.fp64, BundleAdjustmentStepSolver.Method.denseSchur), (.fp64, .cholmod), (.fp32, .cgnr),
    ])
    func marginalizingAFixedCameraKeepsTheOptimum(plan: PrecisionPlan.Preset, method: BundleAdjustmentStepSolver.Method) throws {
        var random = Xoshiro256StarStar(seed: 11)
        func noise() -> Double { random.nextGaussian() }
        let cameras = (0..<4).map(camera)
        let truth: [SIMD3<Double>] = (0..<30).map { j in
            let x = Double(j % 6) * 0.5 - 1.2
            let y = Double(j / 6) * 0.4 - 1.0
            return SIMD3(x, y, 4 + 0.1 * Double(j % 7))
        }
        let pixels = cameras.map { pose in truth.map { pixel(pose, $0) + SIMD2(noise(), noise()) } }
        var full = try problem(points: truth, cameras: cameras, pixels: pixels)
        try solve(&full, .fp64)
        let optimum = truth.indices.map { full.point3(100 + $0)! }

        var priors: [Int: LandmarkPrior] = [:]
        let observations = truth.indices.map { (landmark: $0, pixel: pixels[0][$0], point: optimum[$0]) }
        for (j, prior) in try LandmarkPrior.marginalizing(
            camera: cameras[0], observations: observations, calibration: calibration,
            information: .identity(dimension: 2))
        {
            priors[j] = prior
        }
        #expect(priors.count == truth.count)
        let start = truth.map { $0 + SIMD3(noise(), noise(), noise()) * 0.01 }
        var startCameras = cameras
        for k in 2..<4 { startCameras[k] = cameras[k] * .exp(.init(translation: SIMD3(noise(), noise(), noise()) * 0.01, rotation: .zero)) }
        var reduced = try problem(points: start, cameras: startCameras, pixels: pixels, dropping: 0, priors: priors)
        try solve(&reduced, plan, method: method)
        var dropped = try problem(points: start, cameras: startCameras, pixels: pixels, dropping: 0)
        try solve(&dropped, .fp64)

        let reducedError = truth.indices.map { (reduced.point3(100 + $0)! - optimum[$0]).norm }.max()!
        let droppedError = truth.indices.map { (dropped.point3(100 + $0)! - optimum[$0]).norm }.max()!
        // fp32 CGNR: Jacobian products rounded at u₃₂ ≈ 6e-8 of pixel-sized terms.
        #expect(reducedError <= (plan == .fp64 ? 1e-8 : 1e-5), "reduced \(reducedError) m")
        #expect(droppedError >= 1e-3, "dropped \(droppedError) m")
        for k in 2..<4 {
            let d = (reduced.se3(k)!.translation - full.se3(k)!.translation).norm
            #expect(d <= (plan == .fp64 ? 1e-8 : 1e-5), "camera \(k): \(d) m")
        }
    }
}
