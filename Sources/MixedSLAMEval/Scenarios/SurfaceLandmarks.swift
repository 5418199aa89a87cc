/// A landmark on a surface of the floor plan: a textured point a camera can detect when it
/// faces the surface.
struct SurfaceLandmark: Sendable, Equatable {
    /// World position, metres, offset 1 cm off its surface so that its own surface never
    /// occludes it.
    let position: SIMD3<Double>
    /// Unit normal of the surface, pointing to the side the landmark can be seen from.
    let normal: SIMD3<Double>
}

/// A surface landmarks are scattered on: one side of an obstacle.
struct LandmarkSurface {
    /// The obstacle.
    let obstacle: HouseFloorPlan.Obstacle
    /// Unit normal of the side, pointing to where it can be seen from.
    let normal: SIMD2<Double>
    /// Landmarks keep this far from the floor and from the top edge, metres.
    static let margin = 0.05

    /// Length of the side in the plane, metres.
    var length: Double { planarLength(obstacle.end - obstacle.start) }
    /// Height of the band between the margins, metres; 0 on an obstacle lower than the two
    /// margins (a negative band would make a negative landmark count).
    var band: Double { max(0, obstacle.height - 2 * Self.margin) }
}

extension HouseFloorPlan {
    /// Every wall face inside the house and every vertical side of the furniture, in the
    /// order landmarks are scattered on them.
    var landmarkSurfaces: [LandmarkSurface] {
        var surfaces: [LandmarkSurface] = []
        for wall in walls {
            let direction = (wall.end - wall.start) / planarLength(wall.end - wall.start)
            let left = SIMD2(-direction.y, direction.x)
            for normal in [left, -left] {
                let midpoint = 0.5 * (wall.start + wall.end) + 0.1 * normal
                // Outer faces of the shell look out of the house: no camera ever sees them.
                if midpoint.x > 0, midpoint.x < length, midpoint.y > 0, midpoint.y < depth {
                    surfaces.append(LandmarkSurface(obstacle: wall, normal: normal))
                }
            }
        }
        for box in furniture {
            let a = box.minimum
            let c = box.maximum
            let sides: [(SIMD2<Double>, SIMD2<Double>, SIMD2<Double>)] = [
                (a, SIMD2(c.x, a.y), SIMD2(0, -1)), (SIMD2(c.x, a.y), c, SIMD2(1, 0)),
                (c, SIMD2(a.x, c.y), SIMD2(0, 1)), (SIMD2(a.x, c.y), a, SIMD2(-1, 0)),
            ]
            for (start, end, normal) in sides {
                surfaces.append(
                    LandmarkSurface(obstacle: Obstacle(start: start, end: end, height: box.height), normal: normal))
            }
        }
        return surfaces
    }

    /// Total area of the bands of ``landmarkSurfaces`` landmarks are scattered over, m².
    var landmarkArea: Double {
        landmarkSurfaces.reduce(0) { $0 + $1.length * $1.band }
    }

    /// Scatters landmarks uniformly over ``landmarkSurfaces``, `density` per square metre on
    /// average (the count per surface is density × area rounded randomly, so its expectation
    /// is exact). The caller bounds the expected total, density × ``landmarkArea``.
    func scatterLandmarks(density: Double, generator: inout Xoshiro256StarStar) -> [SurfaceLandmark] {
        var landmarks: [SurfaceLandmark] = []
        let surfaceOffset = 0.01
        let margin = LandmarkSurface.margin
        for surface in landmarkSurfaces {
            let (obstacle, normal) = (surface.obstacle, surface.normal)
            let direction = obstacle.end - obstacle.start
            let expected = density * surface.length * surface.band
            var count = Int(expected.rounded(.down))
            if generator.nextUnitInterval() < expected - Double(count) { count += 1 }
            for _ in 0..<count {
                let along = obstacle.start + generator.nextUnitInterval() * direction
                let z = generator.nextUniform(margin, obstacle.height - margin)
                let offset = along + surfaceOffset * normal
                landmarks.append(
                    SurfaceLandmark(position: SIMD3(offset.x, offset.y, z), normal: SIMD3(normal.x, normal.y, 0)))
            }
        }
        return landmarks
    }
}
