/// A uniform grid over the plane for fixed-radius nearest-neighbour queries in O(1) per query.
struct PlanarGrid {
    let cellSize: Double
    private var cells: [SIMD2<Int>: [Int]] = [:]

    /// A grid for queries within `radius` (> 0) of positions whose x and y lie in
    /// [−`extent`, `extent`]. Cells are `radius` wide, but at least `extent` · 2⁻⁴⁰: a cell
    /// index must convert to `Int` (x / 1e-19 m traps) and stay far below 2⁵³, where doubles
    /// stop resolving neighbouring cells. Wider cells only cost time: queries filter by the
    /// exact distance.
    init(radius: Double, extent: Double) {
        cellSize = max(radius, extent * 0x1p-40)
    }

    private func cell(of position: SIMD3<Double>) -> SIMD2<Int> {
        SIMD2(Int((position.x / cellSize).rounded(.down)), Int((position.y / cellSize).rounded(.down)))
    }

    mutating func insert(index: Int, at position: SIMD3<Double>) {
        cells[cell(of: position), default: []].append(index)
    }

    /// The inserted indices whose positions lie within `radius` (3-D distance) of `query`,
    /// ascending; `radius` must not exceed the radius the grid was made for.
    func indices(within radius: Double, of query: SIMD3<Double>, positions: [SIMD3<Double>]) -> [Int] {
        let centre = cell(of: query)
        var found: [Int] = []
        for dx in -1...1 {
            for dy in -1...1 {
                for index in cells[centre &+ SIMD2(dx, dy)] ?? [] {
                    let difference = positions[index] - query
                    if (difference * difference).sum() <= radius * radius {
                        found.append(index)
                    }
                }
            }
        }
        return found.sorted()
    }
}
