/// A house-like floor plan: a straight corridor with rooms on both sides, each room connected
/// to the corridor by a doorway, plus pieces of furniture standing against room walls.
///
/// Coordinates are metres in the world frame: x east, y north, z up, the floor at z = 0.
/// South rooms span y ∈ [0, roomDepth], the corridor y ∈ [roomDepth, roomDepth + corridorWidth],
/// north rooms the rest; room k spans x ∈ [k·roomWidth, (k+1)·roomWidth].
/// Walls and furniture occlude lines of sight, so generated cameras see what a real one would.
public struct HouseFloorPlan: Sendable {
    /// A vertical rectangle standing on the floor: the segment `start`–`end` in the plane,
    /// extruded from z = 0 to z = `height`. Walls and furniture sides are obstacles.
    public struct Obstacle: Sendable, Equatable {
        /// First end point in the plane.
        public let start: SIMD2<Double>
        /// Second end point in the plane.
        public let end: SIMD2<Double>
        /// Height of the top edge above the floor.
        public let height: Double
    }

    /// An axis-aligned room reachable from the corridor through one doorway.
    public struct Room: Sendable, Equatable {
        /// South-west corner.
        public let minimum: SIMD2<Double>
        /// North-east corner.
        public let maximum: SIMD2<Double>
        /// Centre of the door gap in the corridor wall.
        public let doorway: SIMD2<Double>
        /// The point on the corridor's centre line in front of the doorway.
        public let corridorEntry: SIMD2<Double>
    }

    /// A box of furniture standing on the floor (a cupboard, table, shelf).
    public struct Furniture: Sendable, Equatable {
        /// South-west corner of the footprint.
        public let minimum: SIMD2<Double>
        /// North-east corner of the footprint.
        public let maximum: SIMD2<Double>
        /// Height of the top surface.
        public let height: Double
    }

    /// Rooms on each side of the corridor.
    public let roomsPerSide: Int
    /// Room extent along the corridor, metres.
    public let roomWidth: Double
    /// Room extent across the corridor, metres.
    public let roomDepth: Double
    /// Corridor width, metres.
    public let corridorWidth: Double
    /// Door gap width, metres.
    public let doorWidth: Double
    /// Wall (and ceiling) height, metres.
    public let wallHeight: Double
    /// The rooms: south side west to east, then north side west to east.
    public let rooms: [Room]
    /// The wall segments (door gaps left open).
    public let walls: [Obstacle]
    /// Furniture, two pieces per room against the walls away from the door.
    public let furniture: [Furniture]

    /// The most rooms on each side of the corridor: a 6 km corridor of default rooms, far
    /// beyond any benchmark. More would only exhaust memory (or run for ever) while the walls
    /// are listed, and slow every line-of-sight test, which checks each wall.
    public static let maximumRoomsPerSide = 1_000
    /// The largest room width or depth, corridor width or wall height, metres. No house is
    /// larger, and unbounded sizes would let the extent (rooms × width) overflow to infinity.
    public static let maximumSize = 1_000.0

    /// The default house: 3 rooms of 6 m × 5 m on each side of an 18 m × 2 m corridor, 1 m
    /// doors, 2.5 m walls (18 m × 12 m overall).
    public init() {
        self.init(
            validRoomsPerSide: 3, roomWidth: 6, roomDepth: 5, corridorWidth: 2, doorWidth: 1, wallHeight: 2.5)
    }

    /// Builds the plan. Furniture placement is fixed by the geometry (no randomness), so a
    /// floor plan is fully described by these parameters.
    ///
    /// Throws unless 1 ≤ `roomsPerSide` ≤ ``maximumRoomsPerSide``, all sizes are positive and
    /// at most ``maximumSize``, the door fits in the room width, and rooms are at least 3 m
    /// wide and deep (so the robot's loop through a room stays clear of furniture).
    public init(
        roomsPerSide: Int, roomWidth: Double, roomDepth: Double, corridorWidth: Double,
        doorWidth: Double, wallHeight: Double
    ) throws {
        // `<= maximumSize` also rejects NaN and +∞.
        guard (1...Self.maximumRoomsPerSide).contains(roomsPerSide), roomWidth >= 3, roomDepth >= 3,
            corridorWidth >= 1, doorWidth > 0, doorWidth < roomWidth - 1, wallHeight > 0,
            [roomWidth, roomDepth, corridorWidth, wallHeight].allSatisfy({ $0 <= Self.maximumSize })
        else {
            let size = Int(Self.maximumSize)
            throw EvaluationError.invalidArgument(
                "floor plan needs 1 to \(Self.maximumRoomsPerSide) rooms per side, rooms of 3 to \(size) m, "
                    + "a corridor of 1 to \(size) m, a door narrower than the room and walls up to \(size) m")
        }
        self.init(
            validRoomsPerSide: roomsPerSide, roomWidth: roomWidth, roomDepth: roomDepth,
            corridorWidth: corridorWidth, doorWidth: doorWidth, wallHeight: wallHeight)
    }

    private init(
        validRoomsPerSide roomsPerSide: Int, roomWidth: Double, roomDepth: Double, corridorWidth: Double,
        doorWidth: Double, wallHeight: Double
    ) {
        self.roomsPerSide = roomsPerSide
        self.roomWidth = roomWidth
        self.roomDepth = roomDepth
        self.corridorWidth = corridorWidth
        self.doorWidth = doorWidth
        self.wallHeight = wallHeight

        let length = Double(roomsPerSide) * roomWidth
        let corridorSouth = roomDepth
        let corridorNorth = roomDepth + corridorWidth
        let top = 2 * roomDepth + corridorWidth
        let corridorCentre = roomDepth + corridorWidth / 2
        var rooms: [Room] = []
        var walls: [Obstacle] = []
        var furniture: [Furniture] = []
        func wall(_ a: SIMD2<Double>, _ b: SIMD2<Double>) {
            walls.append(Obstacle(start: a, end: b, height: wallHeight))
        }
        // Outer shell.
        wall(SIMD2(0, 0), SIMD2(length, 0))
        wall(SIMD2(length, 0), SIMD2(length, top))
        wall(SIMD2(length, top), SIMD2(0, top))
        wall(SIMD2(0, top), SIMD2(0, 0))
        for side in 0..<2 {
            let isSouth = side == 0
            let wallY = isSouth ? corridorSouth : corridorNorth
            var x = 0.0
            for index in 0..<roomsPerSide {
                let west = Double(index) * roomWidth
                let east = west + roomWidth
                let doorCentre = west + roomWidth / 2
                // Corridor wall of this room, with its door gap.
                wall(SIMD2(x, wallY), SIMD2(doorCentre - doorWidth / 2, wallY))
                x = doorCentre + doorWidth / 2
                if index > 0 {
                    wall(SIMD2(west, isSouth ? 0 : corridorNorth), SIMD2(west, isSouth ? corridorSouth : top))
                }
                let minimum = SIMD2(west, isSouth ? 0 : corridorNorth)
                let maximum = SIMD2(east, isSouth ? corridorSouth : top)
                rooms.append(
                    Room(
                        minimum: minimum, maximum: maximum, doorway: SIMD2(doorCentre, wallY),
                        corridorEntry: SIMD2(doorCentre, corridorCentre)))
                // A cupboard against the far wall and a low table in the corner by the west wall,
                // both within 0.8 m of a wall so the robot's loop (1.2 m from the walls) is free.
                let farY = isSouth ? minimum.y : maximum.y
                let cupboardDepth = 0.5
                furniture.append(
                    Furniture(
                        minimum: SIMD2(doorCentre - 0.8, isSouth ? farY + 0.05 : farY - 0.05 - cupboardDepth),
                        maximum: SIMD2(doorCentre + 0.8, isSouth ? farY + 0.05 + cupboardDepth : farY - 0.05),
                        height: 1.8))
                let nearWallY = isSouth ? maximum.y : minimum.y
                let tableY0 = isSouth ? nearWallY - 2.2 : nearWallY + 1.0
                furniture.append(
                    Furniture(
                        minimum: SIMD2(west + 0.1, tableY0), maximum: SIMD2(west + 0.8, tableY0 + 1.2),
                        height: 0.75))
            }
            wall(SIMD2(x, wallY), SIMD2(length, wallY))
        }
        self.rooms = rooms
        self.walls = walls
        self.furniture = furniture
    }

    /// Overall extent along x (the corridor's length).
    public var length: Double { Double(roomsPerSide) * roomWidth }

    /// Overall extent along y.
    public var depth: Double { 2 * roomDepth + corridorWidth }

    /// The y coordinate of the corridor's centre line.
    public var corridorCentreY: Double { roomDepth + corridorWidth / 2 }

    /// Every obstacle: the walls and the four sides of every piece of furniture.
    public var obstacles: [Obstacle] {
        walls
            + furniture.flatMap { box in
                let a = box.minimum
                let c = box.maximum
                let b = SIMD2(c.x, a.y)
                let d = SIMD2(a.x, c.y)
                return [(a, b), (b, c), (c, d), (d, a)].map {
                    Obstacle(start: $0.0, end: $0.1, height: box.height)
                }
            }
    }

    /// Whether an obstacle blocks the straight line of sight between two points in space.
    ///
    /// The line is blocked by an obstacle when their plane projections cross strictly inside
    /// both segments and the line's height at the crossing is below the obstacle's top.
    public func isLineOfSightBlocked(from a: SIMD3<Double>, to b: SIMD3<Double>) -> Bool {
        Self.isBlocked(from: a, to: b, by: obstacles)
    }

    /// ``isLineOfSightBlocked(from:to:)`` against a precomputed obstacle list (hot loop of the
    /// visual-odometry generator).
    static func isBlocked(from a: SIMD3<Double>, to b: SIMD3<Double>, by obstacles: [Obstacle]) -> Bool {
        let p = SIMD2(a.x, a.y)
        let r = SIMD2(b.x - a.x, b.y - a.y)
        for obstacle in obstacles {
            let q = obstacle.start
            let s = obstacle.end - obstacle.start
            let denominator = r.x * s.y - r.y * s.x
            if denominator == 0 { continue }
            let qp = q - p
            let along = (qp.x * s.y - qp.y * s.x) / denominator
            let across = (qp.x * r.y - qp.y * r.x) / denominator
            if along > 0, along < 1, across > 0, across < 1 {
                let height = a.z + along * (b.z - a.z)
                if height < obstacle.height { return true }
            }
        }
        return false
    }
}
