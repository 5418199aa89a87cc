import Testing
import MixedSLAM
import MixedSLAMTestSupport

@Suite("Factor Jacobians against central differences")
struct FactorJacobianTests {
    private func expectMatches(_ problem: Problem, _ label: String) throws {
        let check = try jacobianCheck(problem)
        let tol = finiteDifferenceTolerance(scale: check.scale)
        let diff = maxAbsDifference(check.analytic, check.numerical)
        #expect(diff <= tol, "\(label): max |J − J_fd| = \(diff), tolerance \(tol)")
        #expect(check.analytic.flatMap { $0 }.contains { $0 != 0 }, "\(label): Jacobian is all zero")
    }

    @Test("SE2 between: random, identity and near-π relative rotations")
    func betweenSE2() throws {
        var rng = SeededGenerator(seed: 31)
        let cases: [(SE2<Double>, SE2<Double>, SE2<Double>)] = [
            (rng.pose2(), rng.pose2(), rng.pose2()),
            (.identity, .identity, .identity),
            (.identity, SE2(x: 1, y: 2, theta: .pi - 1e-3), .identity),
            (SE2(x: 0.5, y: 0, theta: 0.2), SE2(x: 0.5, y: 0, theta: 0.2 + 1e-9), SE2(x: 0.1, y: 0, theta: 0)),
        ]
        for (k, (xi, xj, z)) in cases.enumerated() {
            var p = Problem()
            p.gauge = .explicitOnly
            try p.addSE2(id: 0, xi)
            try p.addSE2(id: 1, xj)
            try p.add(BetweenFactorSE2(from: 0, to: 1, measurement: z, information: rng.information(3)))
            try expectMatches(p, "SE2 case \(k)")
        }
    }

    @Test("SE3 between, log map and g2o error: random, identity and near-π")
    func betweenSE3() throws {
        var rng = SeededGenerator(seed: 32)
        let cases: [(SE3<Double>, SE3<Double>, SE3<Double>)] = [
            (rng.pose3(), rng.pose3(), rng.pose3()),
            (.identity, .identity, .identity),
            (.identity, rng.pose3(angle: .pi - 1e-3), .identity),
            (rng.pose3(angle: 0.3), rng.pose3(angle: 1e-7), SE3(rotation: .identity, translation: SIMD3(1, 0, 0))),
        ]
        for error in SE3ErrorConvention.allCases {
            for (k, (xi, xj, z)) in cases.enumerated() {
                var p = Problem()
                p.gauge = .explicitOnly
                try p.addSE3(id: 0, xi)
                try p.addSE3(id: 1, xj)
                try p.add(BetweenFactorSE3(from: 0, to: 1, measurement: z, information: rng.information(6), error: error))
                try expectMatches(p, "SE3 \(error) case \(k)")
            }
        }
    }

    @Test("Priors on SE2, SE3 and points")
    func priors() throws {
        var rng = SeededGenerator(seed: 33)
        var p = Problem()
        p.gauge = .explicitOnly
        try p.addSE2(id: 0, rng.pose2())
        try p.addSE3(id: 1, rng.pose3())
        try p.addSE3(id: 2, rng.pose3(angle: .pi - 1e-3))
        try p.addPoint3(id: 3, rng.vector3(4))
        try p.add(PriorFactorSE2(variable: 0, measurement: rng.pose2(), information: rng.information(3)))
        try p.add(PriorFactorSE3(variable: 1, measurement: rng.pose3(), information: rng.information(6)))
        try p.add(PriorFactorSE3(variable: 2, measurement: .identity))
        try p.add(PriorFactorPoint3(variable: 3, measurement: rng.vector3(4), information: rng.information(3)))
        try expectMatches(p, "priors")
    }

    @Test("Pinhole reprojection: center, image border, zero and near-π camera rotation")
    func pinhole() throws {
        var rng = SeededGenerator(seed: 34)
        let calibration = PinholeCalibration(fx: 520, fy: 510, cx: 320, cy: 240)
        let poses: [SE3<Double>] = [rng.pose3(), .identity, rng.pose3(angle: .pi - 1e-3)]
        // Camera-frame points at the image center, near each border, and close to the camera.
        let cameraPoints: [SIMD3<Double>] = [
            SIMD3(0, 0, 4), SIMD3(-320.0 / 520 * 3 + 1e-3, 0, 3), SIMD3(0.6, 240.0 / 510 * 2 - 1e-3, 2), SIMD3(0.01, -0.02, 0.2),
        ]
        for (k, pose) in poses.enumerated() {
            for (m, pc) in cameraPoints.enumerated() {
                var p = Problem()
                p.gauge = .explicitOnly
                try p.addSE3(id: 0, pose)
                try p.addPoint3(id: 1, pose.act(pc) + rng.vector3(0.01))
                let pixel = SIMD2(calibration.fx * pc.x / pc.z + calibration.cx, calibration.fy * pc.y / pc.z + calibration.cy)
                try p.add(
                    ReprojectionFactor(
                        pose: 0, point: 1, measurement: pixel + SIMD2(1.5, -2), calibration: calibration,
                        information: rng.information(2)))
                try expectMatches(p, "pinhole pose \(k) point \(m)")
            }
        }
    }

    @Test("BAL camera: random cameras, zero rotation, near-π rotation, strong distortion")
    func bal() throws {
        var rng = SeededGenerator(seed: 35)
        let rotations: [SO3<Double>] = [rng.rotation(angle: 1.2), .identity, rng.rotation(angle: .pi - 1e-3)]
        for (k, rotation) in rotations.enumerated() {
            for distortion in [(0.0, 0.0), (-0.3, 0.1), (1e-1, -5e-2)] {
                let camera = BALCamera(
                    rotation: rotation, translation: rng.vector3(1), focalLength: 480, k1: distortion.0, k2: distortion.1)
                // A point in front of the camera (P_z < 0 in the camera frame, BAL's −z view).
                let pc = SIMD3(rng.uniform(-1...1), rng.uniform(-1...1), -rng.uniform(3...6))
                let world = rotation.inverse.act(pc - camera.translation)
                var p = Problem()
                p.gauge = .explicitOnly
                try p.addBALCamera(id: 0, camera)
                try p.addPoint3(id: 1, world)
                try p.add(BALReprojectionFactor(
                    camera: 0, point: 1, measurement: SIMD2(rng.uniform(-50...50), rng.uniform(-50...50)),
                    information: rng.information(2)))
                try expectMatches(p, "BAL rotation \(k) distortion \(distortion)")
            }
        }
    }

    /// One single-factor problem per factor type, with `kernel`; the same values and
    /// measurements for every kernel.
    private func singleFactorProblems(kernel: RobustKernel) throws -> [(String, Problem)] {
        var rng = SeededGenerator(seed: 37)
        var problems: [(String, Problem)] = []
        func problem(_ build: (inout Problem) throws -> Void) throws -> Problem {
            var p = Problem()
            p.gauge = .explicitOnly
            try build(&p)
            return p
        }
        problems.append(("SE2 between", try problem { p in
            try p.addSE2(id: 0, rng.pose2())
            try p.addSE2(id: 1, rng.pose2())
            try p.add(BetweenFactorSE2(from: 0, to: 1, measurement: rng.pose2(), information: rng.information(3), kernel: kernel))
        }))
        for error in SE3ErrorConvention.allCases {
            problems.append(("SE3 between \(error)", try problem { p in
                try p.addSE3(id: 0, rng.pose3())
                try p.addSE3(id: 1, rng.pose3())
                try p.add(BetweenFactorSE3(
                    from: 0, to: 1, measurement: rng.pose3(), information: rng.information(6), kernel: kernel, error: error))
            }))
        }
        problems.append(("priors", try problem { p in
            try p.addSE2(id: 0, rng.pose2())
            try p.addSE3(id: 1, rng.pose3())
            try p.addPoint3(id: 2, rng.vector3(4))
            try p.add(PriorFactorSE2(variable: 0, measurement: rng.pose2(), information: rng.information(3), kernel: kernel))
            try p.add(PriorFactorSE3(variable: 1, measurement: rng.pose3(), information: rng.information(6), kernel: kernel))
            try p.add(PriorFactorPoint3(variable: 2, measurement: rng.vector3(4), information: rng.information(3), kernel: kernel))
        }))
        problems.append(("pinhole", try problem { p in
            try p.addSE3(id: 0, .identity)
            try p.addPoint3(id: 1, SIMD3(0.3, -0.2, 4))
            try p.add(ReprojectionFactor(
                pose: 0, point: 1, measurement: SIMD2(300, 230), calibration: PinholeCalibration(fx: 520, fy: 510, cx: 320, cy: 240),
                information: rng.information(2), kernel: kernel))
        }))
        problems.append(("BAL", try problem { p in
            try p.addBALCamera(id: 0, BALCamera(
                rotation: rng.rotation(angle: 0.4), translation: rng.vector3(1), focalLength: 480, k1: -0.3, k2: 0.1))
            try p.addPoint3(id: 1, SIMD3(0.2, 0.1, -4))
            try p.add(BALReprojectionFactor(camera: 0, point: 1, measurement: SIMD2(20, -10), information: rng.information(2), kernel: kernel))
        }))
        return problems
    }

    /// IRLS linearization: with a kernel, every factor's whitened residual and Jacobian are
    /// those without it scaled by √ρ′(s), s = ‖S e‖², and its cost is ½ ρ(s) — checked
    /// against the kernel-free linearization of the same factor, with each kernel active
    /// (s beyond the threshold or scale) on every factor.
    @Test(arguments: [RobustKernel.huber(threshold: 0.5), .cauchy(scale: 0.5), .gemanMcClure(scale: 0.5)])
    func robustKernelsScaleEveryFactor(kernel: RobustKernel) throws {
        for ((label, p), (_, r)) in zip(try singleFactorProblems(kernel: .none), try singleFactorProblems(kernel: kernel)) {
            var plain = p, robust = r
            let structure = plain.structure
            var reference = Linearization(structure: structure), weighted = reference
            plain.linearize(precision: .fp64, into: &reference)
            robust.linearize(precision: .fp64, into: &weighted)
            var expectedCost = 0.0
            for f in 0..<structure.factorCount {
                let rows = structure.residualOffsets[f]..<(structure.residualOffsets[f] + structure.residualDimension(ofFactor: f))
                let s = rows.reduce(0.0) { $0 + reference.residuals[$1] * reference.residuals[$1] }
                let (rho, weight) = kernel.evaluate(s)
                #expect(weight < 0.9, "\(label) factor \(f): kernel inactive (s = \(s))")
                expectedCost += 0.5 * rho
                for r in rows {
                    #expect(abs(weighted.residuals[r] - weight * reference.residuals[r]) <= 1e-14 * abs(reference.residuals[r]) + 1e-300,
                            "\(label) residual \(r)")
                }
                for b in structure.factorBlockOffsets[f]..<structure.factorBlockOffsets[f + 1] {
                    let a = reference.jacobianBlock(b), w = weighted.jacobianBlock(b)
                    #expect(a.count == w.count && !a.isEmpty)
                    for (x, y) in zip(a, w) {
                        #expect(abs(y - weight * x) <= 1e-14 * abs(x) + 1e-300, "\(label) block \(b): \(y) vs \(weight) · \(x)")
                    }
                }
            }
            #expect(abs(robust.cost(precision: .fp64) - expectedCost) <= 1e-13 * expectedCost, "\(label) cost")
            #expect(abs(weighted.cost - expectedCost) <= 1e-13 * expectedCost, "\(label) linearization cost")
        }
    }

    @Test("fp32 and fp16 linearizations track fp64 within their unit roundoff")
    func lowerPrecision() throws {
        var rng = SeededGenerator(seed: 36)
        var p = Problem()
        p.gauge = .explicitOnly
        try p.addSE3(id: 0, rng.pose3())
        try p.addSE3(id: 1, rng.pose3())
        try p.addPoint3(id: 2, SIMD3(0.1, 0.2, 3))
        try p.add(BetweenFactorSE3(from: 0, to: 1, measurement: rng.pose3(), information: rng.information(6)))
        try p.add(
            ReprojectionFactor(
                pose: 0, point: 2, measurement: SIMD2(300, 200), calibration: PinholeCalibration(fx: 500, fy: 500, cx: 320, cy: 240)))
        var lin64 = Linearization(structure: p.structure)
        p.linearize(precision: .fp64, into: &lin64)
        let scale = max(lin64.residuals.map(abs).max()!, lin64.jacobians.map(abs).max()!)
        for precision in [Precision.fp32, .fp16] {
            var lin = Linearization(structure: p.structure)
            p.linearize(precision: precision, into: &lin)
            #expect(lin.precision == precision)
            // Measured: every entry within 1.7 u·scale of fp64 (the largest 1.3–1.7 u·scale),
            // and the entries above 1 % of scale within 8 u of their own size. The bounds allow
            // 10 u·scale and 100 u, so a sign flip or a zero entry fails them, and the largest
            // error must reach 0.1 u·scale, which an fp16 linearization computed in fp32 does not.
            let u = precision.unitRoundoff
            let dr = zip(lin.residuals, lin64.residuals).map { abs($0 - $1) }.reduce(0, largerError)
            let dj = zip(lin.jacobians, lin64.jacobians).map { abs($0 - $1) }.reduce(0, largerError)
            #expect(dr <= 10 * u * scale && dj <= 10 * u * scale,
                    "\(precision): residual diff \(dr), Jacobian diff \(dj), scale \(scale)")
            let large = zip(lin.jacobians, lin64.jacobians).filter { abs($0.1) >= 0.01 * scale }
            #expect(large.count >= 10)
            let relative = large.map { abs($0.0 - $0.1) / abs($0.1) }.reduce(0, largerError)
            #expect(relative <= 100 * u, "\(precision): largest relative Jacobian error \(relative)")
            #expect(largerError(dr, dj) >= 0.1 * u * scale, "\(precision) must round at its own precision")
        }
    }
}
