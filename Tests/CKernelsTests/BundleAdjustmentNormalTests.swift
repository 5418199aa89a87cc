import CKernels
import Testing
import SLAMSparse
import MixedSLAMTestSupport

/// The bundle-adjustment normal-equation kernels: the pose-panel Jᵀ J x product and the dense
/// Schur complement of the points, on every supported path, against fp64 references.
@Suite struct BundleAdjustmentNormalTests {
    /// J in pose panels: observations grouped by pose, eight lanes per panel, the last panel
    /// of each pose padded with zero lanes on landmark slot `landmarks` (the extra slot).
    private struct Panels {
        var poses: [Int32] = []
        var landmarks: [Int32] = []
        var blocks: [Double] = []

        /// The blocks rounded to fp32 and to fp16, as the kernels store them.
        func rounded() throws -> (single: [Float], half: [Float16]) {
            (try PrecisionConversion.convert(blocks, to: Float.self).values,
             try PrecisionConversion.convert(blocks, to: Float16.self).values)
        }
    }

    private func panels(_ j: BAJacobian<Double>) -> Panels {
        var out = Panels()
        for pose in 0..<j.poseCount {
            let observations = j.poseIndices.indices.filter { Int(j.poseIndices[$0]) == pose }
            for first in stride(from: 0, to: observations.count, by: 8) {
                out.poses.append(Int32(pose))
                var lanes = [Int32](repeating: Int32(j.landmarkCount), count: 8)
                var block = [Double](repeating: 0, count: 144)
                for lane in 0..<min(8, observations.count - first) {
                    let k = observations[first + lane]
                    lanes[lane] = j.landmarkIndices[k]
                    for v in 0..<18 { block[v * 8 + lane] = j.blocks[18 * k + v] }
                }
                out.landmarks += lanes
                out.blocks += block
            }
        }
        return out
    }

    /// Checks g ≈ Jᵀ (J x) with J the stored (already rounded) values in fp64. Each g_i sums
    /// `length` terms a·r, each r_k 9 products: γ(9 + length + 2, u_fp32) times
    /// |J|ᵀ (|J| |x|) bounds the fp32 arithmetic (zero lanes add exact zeros).
    private func check<S: SparseScalar>(
        _ j: BAJacobian<Double>, as _: S.Type, path: KernelPath,
        product: (Panels, [S], [Float], [Float], inout [Float], inout [Float]) -> Int32
    ) throws {
        let layout = panels(j)
        let stored = try PrecisionConversion.convert(layout.blocks, to: S.self).values
        let values = try j.converted(to: S.self).jacobian.blocks.map { Double($0) }
        let x = randomVector(j.columnCount, as: Float.self, seed: 41)
        let xp = Array(x[0..<(6 * j.poseCount)])
        var xl = [Float](repeating: .nan, count: 4 * (j.landmarkCount + 1))
        for l in 0..<j.landmarkCount { for c in 0..<3 { xl[4 * l + c] = x[6 * j.poseCount + 3 * l + c] } }
        for c in 0..<4 { xl[4 * j.landmarkCount + c] = 0 }
        var gp = [Float](repeating: .nan, count: 6 * j.poseCount)
        var gl = [Float](repeating: .nan, count: 4 * (j.landmarkCount + 1))
        #expect(product(layout, stored, xp, xl, &gp, &gl) == 0)
        var exact = [Double](repeating: 0, count: j.columnCount), magnitude = exact
        var length = [Int](repeating: 0, count: j.columnCount)
        for k in 0..<j.observationCount {
            let columns = (0..<6).map { 6 * Int(j.poseIndices[k]) + $0 }
                + (0..<3).map { 6 * j.poseCount + 3 * Int(j.landmarkIndices[k]) + $0 }
            for row in 0..<2 {
                let a = (0..<9).map { values[18 * k + 9 * row + $0] }
                var r = 0.0, rAbs = 0.0
                for (c, column) in columns.enumerated() {
                    r += a[c] * Double(x[column])
                    rAbs += abs(a[c] * Double(x[column]))
                }
                for (c, column) in columns.enumerated() {
                    exact[column] += a[c] * r
                    magnitude[column] += abs(a[c]) * rAbs
                    length[column] += 1
                }
            }
        }
        var got = wide(gp)
        for l in 0..<j.landmarkCount { got += (0..<3).map { Double(gl[4 * l + $0]) } }
        for i in got.indices {
            let bound = gamma(9 + length[i] + 2, Precision.fp32.unitRoundoff) * magnitude[i]
            #expect(abs(got[i] - exact[i]) <= bound, "column \(i) on \(path): \(got[i]) vs \(exact[i])")
        }
        #expect(gl[(4 * j.landmarkCount)..<(4 * j.landmarkCount + 3)].allSatisfy { $0 == 0 })
    }

    /// The block-Jacobi product z = blockdiag(M) r reads each block column-major. The blocks
    /// are not symmetric here, so reading a block's rows as its columns fails the bound; each
    /// z entry sums c (or 3) products: γ(c, u_fp32) |M| |r|.
    @Test(arguments: supportedPaths, [6, 4])
    func blockDiagonalProductMatchesFp64(path: KernelPath, cameraSize c: Int) throws {
        let cameras = 3, points = 5, n = c * cameras + 3 * points
        let inverse = randomVector(c * c * cameras + 9 * points, as: Float.self, seed: 51)
        let r = randomVector(n, as: Float.self, seed: 52)
        var z = [Float](repeating: .nan, count: n)
        #expect(ck_ba_block_diag_mv_f32(
            ck_path(rawValue: path.rawValue), Int32(c), Int32(cameras), Int32(points), inverse, r, &z) == 0)
        func check(offset: Int, blockBase: Int, size b: Int) {
            for row in 0..<b {
                var exact = 0.0, magnitude = 0.0
                for j in 0..<b {
                    let term = Double(inverse[blockBase + j * b + row]) * Double(r[offset + j])
                    exact += term
                    magnitude += abs(term)
                }
                let bound = gamma(b, Precision.fp32.unitRoundoff) * magnitude
                #expect(abs(Double(z[offset + row]) - exact) <= bound, "row \(offset + row) on \(path), c = \(c)")
            }
        }
        for camera in 0..<cameras { check(offset: c * camera, blockBase: c * c * camera, size: c) }
        for point in 0..<points {
            check(offset: c * cameras + 3 * point, blockBase: c * c * cameras + 9 * point, size: 3)
        }
    }

    @Test(arguments: supportedPaths)
    func panelNormalProductMatchesFp64(path: KernelPath) throws {
        let j = try randomBAJacobian(poses: 7, landmarks: 29, perLandmark: 3, seed: 5)
        let p = ck_path(rawValue: path.rawValue)
        let poses = Int32(j.poseCount), landmarks = Int32(j.landmarkCount + 1)
        try check(j, as: Float.self, path: path) { layout, blocks, xp, xl, gp, gl in
            ck_ba_panel_jtjx_f32(
                p, Int32(layout.poses.count), poses, landmarks, layout.poses, layout.landmarks, blocks, xp, xl, &gp, &gl)
        }
        try check(j, as: Float16.self, path: path) { layout, blocks, xp, xl, gp, gl in
            ck_ba_panel_jtjx_f16(
                p, Int32(layout.poses.count), poses, landmarks, layout.poses, layout.landmarks, blocks, xp, xl, &gp, &gl)
        }
    }

    /// CGNR's damped product in CG's vector layout (cameras, then points packed by three) is
    /// the panel product of the stride-4 vectors plus d ∘ x, bit for bit, and leaves the
    /// workspace's zero slots zero.
    @Test(arguments: supportedPaths)
    func dampedPanelProductEqualsPanelProductPlusDamping(path: KernelPath) throws {
        let j = try randomBAJacobian(poses: 7, landmarks: 29, perLandmark: 3, seed: 6)
        let p = ck_path(rawValue: path.rawValue)
        let layout = panels(j)
        let (single, half) = try layout.rounded()
        let cameras = j.poseCount, points = j.landmarkCount, nc = 6 * cameras
        let x = randomVector(j.columnCount, as: Float.self, seed: 42)
        let d = randomVector(j.columnCount, as: Float.self, seed: 43).map { abs($0) }
        let xp = Array(x[0..<nc]) + [Float](repeating: 0, count: 6)
        var xl = [Float](repeating: 0, count: 4 * (points + 1))
        for l in 0..<points { for c in 0..<3 { xl[4 * l + c] = x[nc + 3 * l + c] } }
        for f16 in [false, true] {
            var gp = [Float](repeating: .nan, count: 6 * (cameras + 1)), gl = [Float](repeating: .nan, count: xl.count)
            let panelStatus = f16
                ? ck_ba_panel_jtjx_f16(
                    p, Int32(layout.poses.count), Int32(cameras + 1), Int32(points + 1), layout.poses,
                    layout.landmarks, half, xp, xl, &gp, &gl)
                : ck_ba_panel_jtjx_f32(
                    p, Int32(layout.poses.count), Int32(cameras + 1), Int32(points + 1), layout.poses,
                    layout.landmarks, single, xp, xl, &gp, &gl)
            #expect(panelStatus == 0)
            var expected = [Float](repeating: 0, count: j.columnCount)
            for k in 0..<nc { expected[k] = gp[k] + d[k] * x[k] }
            for l in 0..<points {
                for c in 0..<3 {
                    let k = nc + 3 * l + c
                    expected[k] = gl[4 * l + c] + d[k] * x[k]
                }
            }
            var y = [Float](repeating: .nan, count: j.columnCount)
            var wxp = [Float](repeating: 0, count: 6 * (cameras + 1)), wxl = [Float](repeating: 0, count: xl.count)
            var wgp = wxp, wgl = wxl
            let status = f16
                ? ck_ba_panel_normal_mv_f16(
                    p, Int32(layout.poses.count), Int32(cameras), Int32(points), layout.poses, layout.landmarks,
                    half, d, x, &y, &wxp, &wxl, &wgp, &wgl)
                : ck_ba_panel_normal_mv_f32(
                    p, Int32(layout.poses.count), Int32(cameras), Int32(points), layout.poses, layout.landmarks,
                    single, d, x, &y, &wxp, &wxl, &wgp, &wgl)
            #expect(status == 0)
            #expect(y == expected, "fp16 storage: \(f16), path \(path)")
            #expect(wxp == xp && wxl == xl)
        }
    }

    /// The coupling products are the damped product's off-diagonal blocks, bit for bit: Â_cl x_l
    /// is the camera part of Ĵᵀ Ĵ [0; x_l], Â_lc x_c the point part of Ĵᵀ Ĵ [x_c; 0] (no
    /// damping), and neither writes the other part of y. (The damped product is checked
    /// against fp64 above.)
    @Test(arguments: supportedPaths)
    func couplingProductsAreTheOffDiagonalBlocks(path: KernelPath) throws {
        let j = try randomBAJacobian(poses: 7, landmarks: 29, perLandmark: 3, seed: 7)
        let p = ck_path(rawValue: path.rawValue)
        let layout = panels(j)
        let (single, half) = try layout.rounded()
        let cameras = j.poseCount, points = j.landmarkCount, nc = 6 * cameras, n = j.columnCount
        let panelCount = Int32(layout.poses.count)
        let x = randomVector(n, as: Float.self, seed: 44)
        let noDamping = [Float](repeating: 0, count: n)
        for f16 in [false, true] {
            func full(_ input: [Float]) -> [Float] {
                var y = [Float](repeating: .nan, count: n)
                var xp = [Float](repeating: 0, count: 6 * (cameras + 1)), xl = [Float](repeating: 0, count: 4 * (points + 1))
                var gp = xp, gl = xl
                let status = f16
                    ? ck_ba_panel_normal_mv_f16(
                        p, panelCount, Int32(cameras), Int32(points), layout.poses, layout.landmarks, half, noDamping,
                        input, &y, &xp, &xl, &gp, &gl)
                    : ck_ba_panel_normal_mv_f32(
                        p, panelCount, Int32(cameras), Int32(points), layout.poses, layout.landmarks, single, noDamping,
                        input, &y, &xp, &xl, &gp, &gl)
                #expect(status == 0)
                return y
            }
            let pointsOnly = [Float](repeating: 0, count: nc) + x[nc...]
            let camerasOnly = Array(x[0..<nc]) + [Float](repeating: 0, count: n - nc)
            var xl = [Float](repeating: 0, count: 4 * (points + 1)), gp = [Float](repeating: .nan, count: 6 * (cameras + 1))
            var xp = [Float](repeating: 0, count: 6 * (cameras + 1)), gl = [Float](repeating: .nan, count: 4 * (points + 1))
            var toCameras = [Float](repeating: .nan, count: n), toPoints = toCameras
            let hcl = f16
                ? ck_ba_panel_hcl_mv_f16(
                    p, panelCount, Int32(cameras), Int32(points), layout.poses, layout.landmarks, half, x, &toCameras, &xl, &gp)
                : ck_ba_panel_hcl_mv_f32(
                    p, panelCount, Int32(cameras), Int32(points), layout.poses, layout.landmarks, single, x, &toCameras, &xl, &gp)
            let hlc = f16
                ? ck_ba_panel_hlc_mv_f16(
                    p, panelCount, Int32(cameras), Int32(points), layout.poses, layout.landmarks, half, x, &toPoints, &xp, &gl)
                : ck_ba_panel_hlc_mv_f32(
                    p, panelCount, Int32(cameras), Int32(points), layout.poses, layout.landmarks, single, x, &toPoints, &xp, &gl)
            #expect(hcl == 0 && hlc == 0)
            let fromPoints = full(pointsOnly), fromCameras = full(camerasOnly)
            #expect(Array(toCameras[0..<nc]) == Array(fromPoints[0..<nc]), "fp16 storage: \(f16), path \(path)")
            #expect(toCameras[nc...].allSatisfy { $0.isNaN })
            #expect(Array(toPoints[nc...]) == Array(fromCameras[nc...]), "fp16 storage: \(f16), path \(path)")
            #expect(toPoints[0..<nc].allSatisfy { $0.isNaN })
            #expect(toCameras[0..<nc].contains { $0 != 0 } && toPoints[nc...].contains { $0 != 0 })
        }
    }

    /// The panel packing writes fl(J C) once per value (fp64 → fp32, then fp32 → fp16) at its
    /// lane position, zeros for unused lanes and fixed cameras / points, and counts the values
    /// that overflow or flush in either narrowing.
    @Test(arguments: supportedPaths)
    func panelPackingRoundsTheScaledJacobian(path: KernelPath) throws {
        var rng = SeededGenerator(seed: 23)
        let cameras = 3, points = 5, nobs = 13
        let cam: [Int32] = (0..<nobs).map { $0 % 5 == 4 ? -1 : Int32($0 % cameras) }
        let pt: [Int32] = (0..<nobs).map { $0 % 6 == 5 ? -1 : Int32($0 % points) }
        var cb = (0..<(12 * nobs)).map { _ in rng.uniform() }
        let pb = (0..<(6 * nobs)).map { _ in rng.uniform() }
        let scale = (0..<(6 * cameras + 3 * points)).map { _ in 0.5 + abs(rng.uniform()) }
        // Observation 0: one value beyond fp32's range, one below fp32's normal range, one
        // below fp16's (flushed only by the second narrowing), one beyond fp16's range.
        cb[0] = 1e300
        cb[1] = 1e-300
        cb[2] = 1e-6 / scale[2]
        cb[3] = 1e5 / scale[3]
        // Two panels: observations 0..<8 in lane order, then 8..<13 with three unused lanes.
        let lanes: [Int32] = (0..<8).map(Int32.init) + (8..<13).map(Int32.init) + [-1, -1, -1]
        func expected(_ q: Int, _ entry: Int) -> Double? {
            let k = Int(lanes[8 * q + entry % 8]), value = entry / 8, row = value / 9, c = value % 9
            guard k >= 0 else { return nil }
            if c < 6 { return cam[k] < 0 ? nil : cb[12 * k + 6 * row + c] * scale[6 * Int(cam[k]) + c] }
            return pt[k] < 0 ? nil : pb[6 * k + 3 * row + c - 6] * scale[6 * cameras + 3 * Int(pt[k]) + c - 6]
        }
        var single = [Float](repeating: .nan, count: 288)
        var counts = ck_convert_counts(overflow: 0, flushed: 0)
        #expect(ck_ba_pack_panels_f32(
            ck_path(rawValue: path.rawValue), 2, Int32(cameras), lanes, cam, pt, cb, pb, scale, &single, &counts) == 0)
        #expect(counts.overflow == 1 && counts.flushed == 1)
        var half = [Float16](repeating: .nan, count: 288)
        var halfCounts = ck_convert_counts(overflow: 0, flushed: 0)
        #expect(ck_ba_pack_panels_f16(
            ck_path(rawValue: path.rawValue), 2, Int32(cameras), lanes, cam, pt, cb, pb, scale, &half, &halfCounts) == 0)
        #expect(halfCounts.overflow == 2 && halfCounts.flushed == 2)
        for q in 0..<2 {
            for entry in 0..<144 {
                let i = 144 * q + entry
                guard let value = expected(q, entry) else {
                    #expect(single[i] == 0 && half[i] == 0, "entry \(i)")
                    continue
                }
                #expect(single[i] == Float(value), "entry \(i)")
                #expect(half[i] == Float16(Float(value)), "entry \(i)")
            }
        }
    }

    /// g = Jᵀr, diag(JᵀJ) and ‖J x‖² against plain sums over the observations, with fixed
    /// cameras and points (index −1) and both camera sizes (SE(3) 6, BAL 9). Every entry sums
    /// at most `nobs · m` products of O(1) terms, so 1e-12 relative to the magnitudes bounds
    /// the summation-order difference.
    @Test(arguments: [6, 9])
    func gradientDiagonalAndProductNormMatchPlainSums(cameraSize c: Int) {
        var rng = SeededGenerator(seed: 31)
        let m = 2, cameras = 4, points = 7, nobs = 40
        let (cam, pt, cb, pb) = observationLayout(cameraSize: c, cameras: cameras, points: points, observations: nobs, &rng)
        let r = (0..<(nobs * m)).map { _ in rng.uniform() }
        let n = c * cameras + 3 * points
        let x = (0..<n).map { _ in rng.uniform() }
        var gRef = [Double](repeating: 0, count: n), dRef = gRef, magnitude = gRef
        var normRef = 0.0, normMagnitude = 0.0
        for k in 0..<nobs {
            for row in 0..<m {
                var columns: [(column: Int, value: Double)] = []
                if cam[k] >= 0 { columns += (0..<c).map { (Int(cam[k]) * c + $0, cb[(k * m + row) * c + $0]) } }
                if pt[k] >= 0 { columns += (0..<3).map { (c * cameras + Int(pt[k]) * 3 + $0, pb[(k * m + row) * 3 + $0]) } }
                var e = 0.0, eAbs = 0.0
                for (column, a) in columns {
                    gRef[column] += a * r[k * m + row]
                    magnitude[column] += abs(a * r[k * m + row])
                    dRef[column] += a * a
                    e += a * x[column]
                    eAbs += abs(a * x[column])
                }
                normRef += e * e
                normMagnitude += eAbs * eAbs
            }
        }
        var g = [Double](repeating: .nan, count: n), d = g
        #expect(ck_ba_gradient_diag_f64(Int32(c), Int32(m), Int32(cameras), Int32(points), Int32(nobs), cam, pt, cb, pb, r, &g, &d) == 0)
        for i in 0..<n {
            #expect(abs(g[i] - gRef[i]) <= 1e-12 * max(magnitude[i], 1e-300), "g[\(i)]")
            #expect(abs(d[i] - dRef[i]) <= 1e-12 * dRef[i], "d[\(i)]")
        }
        let norm = ck_ba_jx_norm2_f64(Int32(c), Int32(m), Int32(cameras), Int32(nobs), cam, pt, cb, pb, x)
        #expect(abs(norm - normRef) <= 1e-12 * normMagnitude)
    }

    /// Two-row observations on `cameras` cameras of size c and `points` points, some on a fixed
    /// camera or point (index −1), blocks in [−1, 1]: the layout of `ck_ba_gradient_diag_f64`
    /// and `ck_ba_diag_blocks_f64`.
    private func observationLayout(
        cameraSize c: Int, cameras: Int, points: Int, observations nobs: Int, _ rng: inout SeededGenerator
    ) -> (cam: [Int32], pt: [Int32], cameraBlocks: [Double], pointBlocks: [Double]) {
        let cam: [Int32] = (0..<nobs).map { $0 % 7 == 3 ? -1 : Int32($0 % cameras) }
        let pt: [Int32] = (0..<nobs).map { $0 % 9 == 4 ? -1 : Int32($0 % points) }
        return (cam, pt, (0..<(nobs * 2 * c)).map { _ in rng.uniform() }, (0..<(nobs * 2 * 3)).map { _ in rng.uniform() })
    }

    /// The block-Jacobi blocks Σ C_kᵀC_k per camera and Σ P_kᵀP_k per point on every path,
    /// against plain fp64 sums: each entry sums at most 2·nobs products, γ(2·nobs, u₆₄) times
    /// Σ |a_i a_j| bounds the difference; observations on a fixed camera or point add nothing
    /// to that block.
    @Test(arguments: supportedPaths, [6, 9])
    func diagonalBlocksMatchPlainSums(path: KernelPath, cameraSize c: Int) {
        var rng = SeededGenerator(seed: 32)
        let m = 2, cameras = 4, points = 7, nobs = 40
        let (cam, pt, cb, pb) = observationLayout(cameraSize: c, cameras: cameras, points: points, observations: nobs, &rng)
        var hccRef = [Double](repeating: 0, count: c * c * cameras), hccMagnitude = hccRef
        var hppRef = [Double](repeating: 0, count: 9 * points), hppMagnitude = hppRef
        /// Adds aᵀa (and |a|ᵀ|a|) to the size × size block at `base`.
        func accumulate(_ a: [Double], _ reference: inout [Double], _ magnitude: inout [Double], at base: Int) {
            for i in a.indices {
                for j in a.indices {
                    reference[base + i * a.count + j] += a[i] * a[j]
                    magnitude[base + i * a.count + j] += abs(a[i] * a[j])
                }
            }
        }
        for k in 0..<nobs {
            for row in 0..<m {
                if cam[k] >= 0 {
                    accumulate((0..<c).map { cb[(k * m + row) * c + $0] }, &hccRef, &hccMagnitude, at: Int(cam[k]) * c * c)
                }
                if pt[k] >= 0 {
                    accumulate((0..<3).map { pb[(k * m + row) * 3 + $0] }, &hppRef, &hppMagnitude, at: Int(pt[k]) * 9)
                }
            }
        }
        var hcc = [Double](repeating: .nan, count: hccRef.count), hpp = [Double](repeating: .nan, count: hppRef.count)
        #expect(ck_ba_diag_blocks_f64(
            ck_path(rawValue: path.rawValue), Int32(c), Int32(m), Int32(cameras), Int32(points), Int32(nobs), cam, pt, cb, pb,
            &hcc, &hpp) == 0)
        let g = gamma(2 * nobs, Precision.fp64.unitRoundoff)
        for i in hcc.indices { #expect(abs(hcc[i] - hccRef[i]) <= g * hccMagnitude[i], "hcc[\(i)] on \(path), c = \(c)") }
        for i in hpp.indices { #expect(abs(hpp[i] - hppRef[i]) <= g * hppMagnitude[i], "hpp[\(i)] on \(path), c = \(c)") }
    }

    /// S = Hcc + Dc − Σ Hcp Hpp⁻¹ Hpc and rhs = −g_c + Σ Hcp Hpp⁻¹ g_p against a plain fp64
    /// evaluation, observations of a fixed camera (index −1) included; S also from the fp32
    /// kernel. Both sides round every 3×3 inverse with relative error ≲ κ(Hpp) u and sum at
    /// most q² coupling terms per entry (q observations of a point): the bound is
    /// γ(q² + 12, u) κ_max times the entries' magnitudes, u the unit roundoff of S.
    @Test(arguments: supportedPaths, [Precision.fp64, .fp32])
    func schurComplementMatchesFp64(path: KernelPath, precision: Precision) throws {
        var rng = SeededGenerator(seed: 17)
        let c = 6, m = 2, cameras = 5, points = 12
        var cam: [Int32] = [], pointOf: [Int32] = []
        for point in 0..<points {
            for camera in -1..<cameras where Double.random(in: 0..<1, using: &rng) < 0.6 {
                cam.append(Int32(camera))
                pointOf.append(Int32(point))
            }
        }
        let nobs = cam.count, n = c * cameras
        let cb = (0..<(nobs * m * c)).map { _ in rng.uniform() }
        let pb = (0..<(nobs * m * 3)).map { _ in rng.uniform() }
        let damping = (0..<(n + 3 * points)).map { _ in 0.5 + abs(rng.uniform()) }
        let g = (0..<(n + 3 * points)).map { _ in rng.uniform() }
        var start = [Int32](repeating: 0, count: points + 1), byPoint: [Int32] = []
        for point in 0..<points {
            for k in 0..<nobs where Int(pointOf[k]) == point { byPoint.append(Int32(k)) }
            start[point + 1] = Int32(byPoint.count)
        }
        let q = (0..<points).map { Int(start[$0 + 1] - start[$0]) }.max()!

        // Reference: H's blocks in fp64, Hpp inverted by Gauss-Jordan.
        var sRef = [Double](repeating: 0, count: n * n), sMag = sRef
        var rhsRef = (0..<n).map { -g[$0] }
        for k in 0..<nobs where cam[k] >= 0 {
            let o = Int(cam[k]) * c
            for i in 0..<c { for j in 0..<c { for row in 0..<m {
                let v = cb[(k * m + row) * c + i] * cb[(k * m + row) * c + j]
                sRef[(o + j) * n + o + i] += v
                sMag[(o + j) * n + o + i] += abs(v)
            } } }
        }
        for i in 0..<n { sRef[i * n + i] += damping[i]; sMag[i * n + i] += damping[i] }
        var kappa = 1.0
        for point in 0..<points {
            let observations = (Int(start[point])..<Int(start[point + 1])).map { Int(byPoint[$0]) }
            var h = [[Double]](repeating: [0, 0, 0], count: 3)
            for k in observations { for a in 0..<3 { for b in 0..<3 { for row in 0..<m {
                h[a][b] += pb[(k * m + row) * 3 + a] * pb[(k * m + row) * 3 + b]
            } } } }
            for a in 0..<3 { h[a][a] += damping[n + 3 * point + a] }
            let inverse = invert3(h)
            let norm1 = { (x: [[Double]]) in (0..<3).map { j in (0..<3).map { abs(x[$0][j]) }.reduce(0, +) }.max()! }
            kappa = max(kappa, norm1(h) * norm1(inverse))
            let coupling = observations.map { k in
                (0..<c).map { i in (0..<3).map { b in (0..<m).map { cb[(k * m + $0) * c + i] * pb[(k * m + $0) * 3 + b] }.reduce(0, +) } }
            }
            for (x, k) in observations.enumerated() where cam[k] >= 0 {
                let w = (0..<c).map { i in (0..<3).map { b in (0..<3).map { coupling[x][i][$0] * inverse[$0][b] }.reduce(0, +) } }
                let wAbs = (0..<c).map { i in (0..<3).map { b in (0..<3).map { abs(coupling[x][i][$0] * inverse[$0][b]) }.reduce(0, +) } }
                for i in 0..<c { rhsRef[Int(cam[k]) * c + i] += (0..<3).map { w[i][$0] * g[n + 3 * point + $0] }.reduce(0, +) }
                for (y, l) in observations.enumerated() where cam[l] >= 0 && cam[l] <= cam[k] {
                    for i in 0..<c { for j in 0..<c {
                        let index = (Int(cam[l]) * c + j) * n + Int(cam[k]) * c + i
                        sRef[index] -= (0..<3).map { w[i][$0] * coupling[y][j][$0] }.reduce(0, +)
                        sMag[index] += (0..<3).map { wAbs[i][$0] * abs(coupling[y][j][$0]) }.reduce(0, +)
                    } }
                }
            }
        }

        var s = [Double](repeating: .nan, count: n * n), rhs = [Double](repeating: .nan, count: n)
        var columns = [Int32](repeating: 0, count: q)
        var failed: Int32 = -1
        let kernelPath = ck_path(rawValue: path.rawValue)
        if precision == .fp64 {
            var pinv = [Double](repeating: 0, count: 9 * points), work = [Double](repeating: .nan, count: 6 * c * q)
            let status = ck_ba_schur_f64(
                kernelPath, Int32(c), Int32(m), Int32(cameras), Int32(points), Int32(nobs), cam, start,
                byPoint, cb, pb, damping, g, &s, &rhs, &pinv, &work, &columns, &failed)
            #expect(status == 0)
        } else {
            // 8 padded rows per block column; the scratch starts as NaN so stale values would show.
            var s32 = [Float](repeating: .nan, count: n * n)
            var packed = [Float](repeating: .nan, count: cameras * (cameras + 1) / 2 * c * 8)
            var work = [Float](repeating: .nan, count: 6 * 8 * q)
            let status = ck_ba_schur_s_f32(
                kernelPath, Int32(c), Int32(m), Int32(cameras), Int32(points), Int32(nobs), cam, start,
                byPoint, cb, pb, damping, &s32, &packed, &work, &columns, &failed)
            #expect(status == 0)
            s = s32.map(Double.init)
        }
        let bound = gamma(q * q + 12, precision.unitRoundoff) * kappa
        for a in 0..<cameras { for b in 0...a { for i in 0..<c { for j in 0..<c {
            let index = (b * c + j) * n + a * c + i
            #expect(abs(s[index] - sRef[index]) <= bound * sMag[index], "S[\(a * c + i), \(b * c + j)] on \(path) \(precision)")
        } } } }
        guard precision == .fp64 else { return }
        let rhsScale = rhsRef.map(abs).max()! + g.map(abs).max()!
        for i in 0..<n { #expect(abs(rhs[i] - rhsRef[i]) <= bound * Double(q) * rhsScale, "rhs[\(i)] on \(path)") }
    }

    @Test(arguments: supportedPaths)
    func schurReportsTheFirstSingularPointBlock(path: KernelPath) throws {
        // One camera, two points; the second point's block is zero and undamped.
        let cam: [Int32] = [0, 0], start: [Int32] = [0, 1, 2], byPoint: [Int32] = [0, 1]
        var cb = [Double](repeating: 0.5, count: 24), pb = [Double](repeating: 0, count: 12)
        for k in 0..<6 { pb[k] = Double(k % 4) + 1 }
        cb[0] = 1
        let damping = [Double](repeating: 1, count: 6) + [1, 1, 1, 0, 0, 0]
        let g = [Double](repeating: 0, count: 12)
        var s = [Double](repeating: 0, count: 36), rhs = [Double](repeating: 0, count: 6)
        var pinv = [Double](repeating: 0, count: 18), work = [Double](repeating: 0, count: 36)
        var columns = [Int32](repeating: 0, count: 1)
        var failed: Int32 = -1
        let status = ck_ba_schur_f64(
            ck_path(rawValue: path.rawValue), 6, 2, 1, 2, 2, cam, start, byPoint, cb, pb, damping, g, &s, &rhs, &pinv,
            &work, &columns, &failed)
        #expect(status == Int32(CK_ERR_BREAKDOWN.rawValue))
        #expect(failed == 1)
        var s32 = [Float](repeating: 0, count: 36), packed32 = [Float](repeating: 0, count: 48)
        var work32 = [Float](repeating: 0, count: 48)
        failed = -1
        let status32 = ck_ba_schur_s_f32(
            ck_path(rawValue: path.rawValue), 6, 2, 1, 2, 2, cam, start, byPoint, cb, pb, damping, &s32, &packed32,
            &work32, &columns, &failed)
        #expect(status32 == Int32(CK_ERR_BREAKDOWN.rawValue))
        #expect(failed == 1)
    }
}

/// Inverse of a nonsingular 3×3 matrix by Gauss-Jordan with partial pivoting.
private func invert3(_ a: [[Double]]) -> [[Double]] {
    var m = a.enumerated().map { i, row in row + (0..<3).map { $0 == i ? 1.0 : 0.0 } }
    for column in 0..<3 {
        let pivot = (column..<3).max { abs(m[$0][column]) < abs(m[$1][column]) }!
        m.swapAt(column, pivot)
        let d = m[column][column]
        m[column] = m[column].map { $0 / d }
        for row in 0..<3 where row != column {
            let f = m[row][column]
            m[row] = zip(m[row], m[column]).map { $0 - f * $1 }
        }
    }
    return m.map { Array($0[3...]) }
}
