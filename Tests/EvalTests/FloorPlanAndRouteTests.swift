import Foundation
import Testing

@testable import MixedSLAMEval

@Suite("Floor plan and route")
struct FloorPlanAndRouteTests {
    @Test("walls block lines of sight, doorways and the space above furniture do not")
    func occlusion() throws {
        let plan = HouseFloorPlan()
        let corridor = SIMD3(3.0, plan.corridorCentreY, 0.6)
        let room = plan.rooms[0]
        // Through the corridor wall beside the door: blocked.
        #expect(plan.isLineOfSightBlocked(from: corridor, to: SIMD3(0.8, 2.5, 0.6)))
        // Straight through the doorway: free.
        let doorway = room.doorway
        #expect(!plan.isLineOfSightBlocked(from: SIMD3(doorway.x, plan.corridorCentreY, 0.6), to: SIMD3(doorway.x, 2.5, 0.6)))
        // Over the low table (0.75 m) by the west wall but not through its side.
        let table = plan.furniture[1]
        let beyond = SIMD3(table.minimum.x - 0.05, (table.minimum.y + table.maximum.y) / 2, 0.5)
        let before = SIMD3(table.maximum.x + 1, beyond.y, 0.5)
        #expect(plan.isLineOfSightBlocked(from: before, to: beyond))
        #expect(!plan.isLineOfSightBlocked(from: before + SIMD3(0, 0, 1), to: beyond + SIMD3(0, 0, 1)))
        #expect(plan.rooms.count == 6)
        #expect(throws: EvaluationError.self) {
            try HouseFloorPlan(
                roomsPerSide: 2, roomWidth: 6, roomDepth: 5, corridorWidth: 2, doorWidth: 5.5, wallHeight: 2.5)
        }
    }

    @Test("room counts and sizes beyond the maxima are typed errors, not a hang or an infinite house")
    func floorPlanMaxima() throws {
        func plan(rooms: Int = 3, width: Double = 6, depth: Double = 5, height: Double = 2.5) throws -> HouseFloorPlan {
            try HouseFloorPlan(
                roomsPerSide: rooms, roomWidth: width, roomDepth: depth, corridorWidth: 2, doorWidth: 1,
                wallHeight: height)
        }
        // Int.max rooms per side listed walls until memory ran out; 1e306 m rooms made the
        // house infinitely long.
        #expect(throwsInvalidArgument { try plan(rooms: .max) })
        #expect(throwsInvalidArgument { try plan(rooms: HouseFloorPlan.maximumRoomsPerSide + 1) })
        #expect(throwsInvalidArgument { try plan(width: 1e306) })
        #expect(throwsInvalidArgument { try plan(depth: .infinity) })
        #expect(throwsInvalidArgument { try plan(height: .nan) })
        #expect(throwsInvalidArgument { try plan(width: HouseFloorPlan.maximumSize.nextUp) })
        let largest = try plan(
            rooms: HouseFloorPlan.maximumRoomsPerSide, width: HouseFloorPlan.maximumSize,
            depth: HouseFloorPlan.maximumSize, height: HouseFloorPlan.maximumSize)
        #expect(largest.rooms.count == 2 * HouseFloorPlan.maximumRoomsPerSide)
        #expect(largest.length == 1e6)
    }

    @Test("the robot drives smoothly at its step length, inside the house, through doorways")
    func routeIsDrivable() throws {
        let plan = HouseFloorPlan()
        let route = try GroundRobotRoute(floorPlan: plan, count: 3000, stepLength: 0.2, seed: 4)
        #expect(route.samples.count == 3000)
        let walls = plan.walls
        for (a, b) in zip(route.samples, route.samples.dropFirst()) {
            let chord = planarLength(b.position - a.position)
            let maximumTurn = 0.2 / route.minimumTurnRadius
            #expect(abs(wrapAngle(b.heading - a.heading)) <= maximumTurn * (1 + 1e-12))
            // A path of length s whose heading varies by at most K has a chord between
            // s cos(K/2) and s (tangents within K of each other all gain ≥ cos(K/2) per metre).
            // Positions are O(18 m); each of the 10 sub-steps rounds the sum at ε · 18 m.
            let tolerance = 64 * Double.ulpOfOne * plan.length
            #expect(chord <= 0.2 + tolerance)
            #expect(chord >= 0.2 * cos(maximumTurn / 2) - tolerance)
            #expect(b.position.x > 0 && b.position.x < plan.length && b.position.y > 0 && b.position.y < plan.depth)
            // The robot never crosses a wall between samples.
            let from = SIMD3(a.position.x, a.position.y, 0.1)
            let to = SIMD3(b.position.x, b.position.y, 0.1)
            #expect(!HouseFloorPlan.isBlocked(from: from, to: to, by: walls))
        }
        let visitedRooms = Set(route.samples.compactMap { sample in
            plan.rooms.firstIndex { room in
                sample.position.x > room.minimum.x && sample.position.x < room.maximum.x
                    && sample.position.y > room.minimum.y && sample.position.y < room.maximum.y
            }
        })
        #expect(visitedRooms.count == plan.rooms.count)
        // Each refused before drawing: a zero step, and counts or steps that would exhaust memory
        // or trap (Int.max samples reserved; 1e300 m steps split into Int(5e301) substeps).
        for (count, stepLength) in [(10, 0.0), (0, 0.2), (GroundRobotRoute.maximumCount + 1, 0.2), (Int.max, 0.2), (10, 1e300)] {
            #expect(throws: EvaluationError.invalidArgument(
                "route needs 1 ≤ count ≤ 1000000, stepLength in (0, 100] m and minimumTurnRadius in (0, 1] m")) {
                try GroundRobotRoute(floorPlan: plan, count: count, stepLength: stepLength, seed: 1)
            }
        }
    }
}
