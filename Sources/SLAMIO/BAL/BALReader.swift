import SLAMGeometry
import SLAMNonlinear

/// A bundle-adjustment problem read from a BAL file, with the id layout the reader chose.
public struct BALDataset: Sendable {
    /// The problem: BAL cameras with ids `0..<cameraCount`, points with ids
    /// `cameraCount ..< cameraCount + pointCount`, one ``BALReprojectionFactor`` per
    /// observation (σ = 1 pixel) in file order.
    public var problem: Problem
    /// Number of cameras.
    public var cameraCount: Int
    /// Number of points.
    public var pointCount: Int
    /// Observations whose point lies behind its camera (depth along the viewing direction −z
    /// not positive in BAL's convention). They are kept, as Ceres and the BAL reference
    /// costs keep them: their residuals are finite, and a solve usually moves the point in
    /// front. A point exactly on the image plane has no projection and is a load error.
    public var observationsBehindCamera = 0

    /// The variable id of camera `index`.
    public func cameraID(_ index: Int) -> Int { index }
    /// The variable id of point `index`.
    public func pointID(_ index: Int) -> Int { cameraCount + index }
}

/// Reads Bundle Adjustment in the Large files: header `cameras points observations`, then
/// `camera point x y` per observation, then 9 values per camera (angle-axis, t, f, k₁, k₂)
/// and 3 per point, all whitespace-separated (line breaks are not significant).
public enum BALReader {
    /// Reads the file at `path`.
    public static func read(contentsOf path: String) throws(FormatError) -> BALDataset {
        try read(TokenStream(try TextScanner.reading(path: path)))
    }

    /// Reads BAL text held in memory.
    public static func read(text: String) throws(FormatError) -> BALDataset {
        try read(TokenStream(TextScanner(bytes: Array(text.utf8), file: nil)))
    }

    private static func read(_ input: TokenStream) throws(FormatError) -> BALDataset {
        var s = input
        let cameras = try s.integer(expected: 3, found: 0)
        let points = try s.integer(expected: 3, found: 1)
        let observations = try s.integer(expected: 3, found: 2)
        guard cameras >= 0, points >= 0, observations >= 0 else {
            throw s.error(.inconsistent("negative count in header \(cameras) \(points) \(observations)"))
        }
        // Every value takes at least one byte, so counts beyond the file size cannot be met;
        // checking first keeps a forged header from reserving memory or overflowing 4·n.
        let bytes = s.scanner.byteCount
        guard observations <= bytes / 4, cameras <= bytes / 9, points <= bytes / 3 else {
            throw s.error(.inconsistent(
                "header counts \(cameras) \(points) \(observations) need more values than the file's \(bytes) bytes hold"))
        }
        var problem = Problem()
        problem.gauge = .explicitOnly
        var raw: [(camera: Int, point: Int, pixel: SIMD2<Double>, line: Int)] = []
        // A padded file can pass the byte bound with a forged count; reserve only what a real
        // problem needs up front (each entry is 48 bytes) and grow with what is read.
        raw.reserveCapacity(min(observations, 1 << 16))
        var behind = 0
        for k in 0..<observations {
            let c = try s.integer(expected: 4 * observations, found: 4 * k)
            let line = s.line
            let p = try s.integer(expected: 4 * observations, found: 4 * k + 1)
            let x = try s.double(expected: 4 * observations, found: 4 * k + 2)
            let y = try s.double(expected: 4 * observations, found: 4 * k + 3)
            guard (0..<cameras).contains(c) else { throw FormatError(file: s.scanner.file, line: line, .unknownVertex(c)) }
            guard (0..<points).contains(p) else { throw FormatError(file: s.scanner.file, line: line, .unknownVertex(p)) }
            raw.append((c, p, SIMD2(x, y), line))
        }
        do {
            for c in 0..<cameras {
                // Arguments are evaluated left to right: the nine values in file order.
                func next(_ k: Int) throws -> Double { try s.double(expected: 9 * cameras, found: 9 * c + k) }
                let camera = BALCamera(
                    rotation: .exp(SIMD3(try next(0), try next(1), try next(2))),
                    translation: SIMD3(try next(3), try next(4), try next(5)),
                    focalLength: try next(6), k1: try next(7), k2: try next(8))
                try problem.addBALCamera(id: c, camera)
            }
            for p in 0..<points {
                let x = try s.double(expected: 3 * points, found: 3 * p)
                let y = try s.double(expected: 3 * points, found: 3 * p + 1)
                let z = try s.double(expected: 3 * points, found: 3 * p + 2)
                try problem.addPoint3(id: cameras + p, SIMD3(x, y, z))
            }
            for o in raw {
                let camera = problem.balCamera(o.camera)!
                let point = problem.point3(cameras + o.point)!
                let depth = -(camera.rotation.act(point) + camera.translation).z
                guard depth != 0, depth.isFinite else {
                    throw FormatError(
                        file: s.scanner.file, line: o.line,
                        .inconsistent("point \(o.point) has depth \(depth) in camera \(o.camera): no projection"))
                }
                if depth < 0 { behind += 1 }
                try problem.add(BALReprojectionFactor(camera: o.camera, point: cameras + o.point, measurement: o.pixel))
            }
        } catch let error as FormatError {
            throw error
        } catch {
            throw s.error(.inconsistent("\(error)"))
        }
        guard s.atEnd() else { throw s.error(.extraField(expected: 0, found: 1)) }
        return BALDataset(problem: problem, cameraCount: cameras, pointCount: points, observationsBehindCamera: behind)
    }
}
