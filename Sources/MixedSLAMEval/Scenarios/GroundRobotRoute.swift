import Foundation

/// A ground robot's tour of a ``HouseFloorPlan``: it drives along the corridor, enters rooms
/// through their doorways, drives one or two loops around each room and leaves again, now and
/// then turning around at a corridor end. Rooms are chosen at random (from the seed), so every
/// place is revisited many times, in both directions: what loop closure needs.
///
/// The robot is a unicycle with constant speed and a bounded turn rate (minimum turn radius)
/// steering toward the next waypoint, integrated on a fine sub-step and sampled every
/// `stepLength` metres of travel, so the path is smooth (arcs at corners) like a real robot's.
public struct GroundRobotRoute: Sendable {
    /// A sampled pose of the robot on the floor: position and heading (yaw, radians,
    /// counter-clockwise from +x).
    public struct Sample: Sendable, Equatable {
        /// Position in the plane, metres.
        public let position: SIMD2<Double>
        /// Heading, radians in (−π, π].
        public let heading: Double
    }

    /// The floor plan being toured.
    public let floorPlan: HouseFloorPlan
    /// Distance travelled between consecutive samples, metres.
    public let stepLength: Double
    /// Tightest turn the robot drives, metres. Default 0.4.
    public let minimumTurnRadius: Double
    /// Seed of the random room order, loop directions and waypoint jitter.
    public let seed: UInt64
    /// The samples, `count` of them, starting at the west end of the corridor heading east.
    public let samples: [Sample]

    /// The most samples a route holds: a day of driving at 10 Hz, far beyond any benchmark.
    /// Counts beyond it would only exhaust memory (or run for ever) while the route is drawn.
    public static let maximumCount = 1_000_000

    /// Drives the tour and samples it `count` times.
    ///
    /// Throws unless 1 ≤ `count` ≤ ``maximumCount``, 0 < `stepLength` ≤ 100 m (longer than the
    /// house) and 0 < `minimumTurnRadius` ≤ 1 m (a wider radius would not fit through the
    /// doorways).
    public init(
        floorPlan: HouseFloorPlan, count: Int, stepLength: Double, minimumTurnRadius: Double = 0.4,
        seed: UInt64
    ) throws {
        guard (1...Self.maximumCount).contains(count), stepLength > 0, stepLength <= 100, minimumTurnRadius > 0,
            minimumTurnRadius <= 1
        else {
            throw EvaluationError.invalidArgument(
                "route needs 1 ≤ count ≤ \(Self.maximumCount), stepLength in (0, 100] m and minimumTurnRadius in (0, 1] m")
        }
        self.floorPlan = floorPlan
        self.stepLength = stepLength
        self.minimumTurnRadius = minimumTurnRadius
        self.seed = seed
        var planner = WaypointPlanner(floorPlan: floorPlan, seed: seed)
        var position = SIMD2(0.8, floorPlan.corridorCentreY)
        var heading = 0.0
        var target = planner.next()
        // Capture a waypoint a little wider than the turn circle, else the robot could orbit it.
        let captureRadius = 1.25 * minimumTurnRadius
        let substeps = max(1, Int((stepLength / 0.02).rounded(.up)))
        let ds = stepLength / Double(substeps)
        let maximumTurn = ds / minimumTurnRadius
        var samples: [Sample] = [Sample(position: position, heading: heading)]
        samples.reserveCapacity(count)
        while samples.count < count {
            for _ in 0..<substeps {
                while planarLength(target - position) < captureRadius {
                    target = planner.next()
                }
                let toTarget = target - position
                let turn = max(-maximumTurn, min(maximumTurn, wrapAngle(atan2(toTarget.y, toTarget.x) - heading)))
                // Exact arc of a unicycle turning by `turn` over arc length ds: its chord has
                // length ds · sinc(turn / 2) along the mean heading (no cancellation as turn → 0).
                let halfTurn = turn / 2
                let sinc = abs(halfTurn) < 1e-4 ? 1 - halfTurn * halfTurn / 6 : sin(halfTurn) / halfTurn
                position += ds * sinc * SIMD2(cos(heading + halfTurn), sin(heading + halfTurn))
                heading = wrapAngle(heading + turn)
            }
            samples.append(Sample(position: position, heading: heading))
        }
        self.samples = samples
    }
}

/// The angle equal to `angle` modulo 2π, in (−π, π].
func wrapAngle(_ angle: Double) -> Double {
    var wrapped = remainder(angle, 2 * Double.pi)
    if wrapped <= -Double.pi { wrapped += 2 * Double.pi }
    return wrapped
}

/// Length of a plane vector.
func planarLength(_ v: SIMD2<Double>) -> Double {
    (v * v).sum().squareRoot()
}

/// Produces the robot's endless sequence of waypoints: corridor → doorway → loop(s) in a room →
/// doorway → corridor, with occasional turn-arounds at a corridor end.
struct WaypointPlanner {
    let floorPlan: HouseFloorPlan
    var generator: Xoshiro256StarStar
    var queue: [SIMD2<Double>] = []
    var lastRoom = -1

    /// Largest random offset of a waypoint, so that revisits are near but not identical.
    static let jitter = 0.15
    /// Distance of the room loop from the room's walls, metres.
    static let loopInset = 1.2

    init(floorPlan: HouseFloorPlan, seed: UInt64) {
        self.floorPlan = floorPlan
        generator = Xoshiro256StarStar(seed: seed)
    }

    mutating func next() -> SIMD2<Double> {
        if queue.isEmpty { planVisit() }
        return queue.removeFirst()
    }

    private mutating func jittered(_ point: SIMD2<Double>) -> SIMD2<Double> {
        point
            + SIMD2(
                generator.nextUniform(-Self.jitter, Self.jitter),
                generator.nextUniform(-Self.jitter, Self.jitter))
    }

    private mutating func planVisit() {
        let centreY = floorPlan.corridorCentreY
        // One visit in five is a turn-around at a corridor end, the rest are room visits.
        if generator.nextIndex(below: 5) == 0 {
            let x = generator.nextIndex(below: 2) == 0 ? 1.0 : floorPlan.length - 1.0
            queue.append(jittered(SIMD2(x, centreY)))
            return
        }
        var roomIndex = generator.nextIndex(below: floorPlan.rooms.count)
        if roomIndex == lastRoom {
            roomIndex = (roomIndex + 1) % floorPlan.rooms.count
        }
        lastRoom = roomIndex
        let room = floorPlan.rooms[roomIndex]
        let isSouth = room.doorway.y < centreY
        let inset = Self.loopInset
        let nearY = isSouth ? room.maximum.y - inset : room.minimum.y + inset
        let farY = isSouth ? room.minimum.y + inset : room.maximum.y - inset
        let westX = room.minimum.x + inset
        let eastX = room.maximum.x - inset
        let entry = SIMD2(room.doorway.x, nearY)
        // Door waypoints get no jitter: the gap is only one metre wide.
        queue.append(room.corridorEntry)
        queue.append(room.doorway)
        var corners = [SIMD2(eastX, nearY), SIMD2(eastX, farY), SIMD2(westX, farY), SIMD2(westX, nearY)]
        if generator.nextIndex(below: 2) == 0 { corners.reverse() }
        let loops = 1 + generator.nextIndex(below: 2)
        queue.append(entry)
        for _ in 0..<loops {
            for corner in corners { queue.append(jittered(corner)) }
        }
        queue.append(entry)
        queue.append(room.doorway)
        queue.append(room.corridorEntry)
    }
}
