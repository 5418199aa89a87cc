import SLAMGeometry
import SLAMSparse

/// A nonlinear least-squares problem: variables by integer id (fp64 state), factors, fixed
/// variables, and the block structure the linear solvers need.
///
/// Cost ½ Σₖ ρₖ(‖Sₖ eₖ‖²), which is ½ Σ ‖S e‖² = ½ Σ eᵀΩe without robust kernels (GTSAM's
/// `error`, Ceres' cost). State updates are right perturbations in fp64: X ⊞ δ = X · Exp(δ)
/// for poses (δ = [translation; rotation]), p + δ for points, see ``BALCamera`` for cameras.
///
/// A value type: copying a problem (or its ``values``) is a snapshot.
public struct Problem: Sendable {
    /// Which variables are held fixed besides those fixed explicitly.
    public enum Gauge: Sendable, Equatable, Hashable {
        /// The first SE(2)/SE(3) pose added is fixed (the default: it removes the gauge
        /// freedom of pose graphs, as the datasets' reference does with a tight prior).
        case fixFirstPose
        /// Only variables fixed with ``Problem/setFixed(_:_:)`` are fixed.
        case explicitOnly
    }

    struct VariableRecord: Sendable {
        var id: Int
        var kind: VariableKind
        var slot: Int
        var fixed: Bool
    }

    enum FactorKind: Sendable {
        case betweenSE2, betweenSE3, priorSE2, priorSE3, priorPoint3, reprojection, balReprojection
    }

    /// The fp64 values of all variables: a snapshot that ``restore(_:)`` puts back.
    public var values: VariableValues { state }

    /// Puts back a snapshot of ``values`` taken from this problem.
    ///
    /// - Throws: ``ProblemError/snapshotLayout`` when the snapshot holds another number of
    ///   variables of some kind (taken before a variable was added, or from another problem);
    ///   the values are unchanged then.
    public mutating func restore(_ snapshot: VariableValues) throws(ProblemError) {
        guard snapshot.hasSameLayout(as: state) else { throw .snapshotLayout }
        state = snapshot
    }

    @usableFromInline var state = VariableValues()

    /// The gauge policy; ``Gauge/fixFirstPose`` by default.
    public var gauge: Gauge = .fixFirstPose {
        didSet { cachedStructure = nil }
    }

    var records: [VariableRecord] = []
    var recordByID: [Int: Int] = [:]
    var recordsByKind: [VariableKind: [Int]] = [:]

    @usableFromInline var betweenSE2: [BetweenFactorSE2] = []
    @usableFromInline var betweenSE3: [BetweenFactorSE3] = []
    @usableFromInline var priorSE2: [PriorFactorSE2] = []
    @usableFromInline var priorSE3: [PriorFactorSE3] = []
    @usableFromInline var priorPoint3: [PriorFactorPoint3] = []
    @usableFromInline var reprojection: [ReprojectionFactor] = []
    @usableFromInline var balReprojection: [BALReprojectionFactor] = []
    var factorOrder: [(kind: FactorKind, index: Int)] = []

    var cachedStructure: ProblemStructure?

    /// An empty problem.
    public init() {}

    // MARK: Variables

    /// Number of variables.
    public var variableCount: Int { records.count }

    /// Variable ids in insertion order.
    public var variableIDs: [Int] { records.map(\.id) }

    /// The kind of variable `id`, or nil if there is none.
    public func kind(of id: Int) -> VariableKind? { recordByID[id].map { records[$0].kind } }

    private mutating func register(id: Int, kind: VariableKind, slot: Int) throws(ProblemError) {
        guard recordByID[id] == nil else { throw .duplicateVariable(id: id) }
        recordByID[id] = records.count
        recordsByKind[kind, default: []].append(records.count)
        records.append(VariableRecord(id: id, kind: kind, slot: slot, fixed: false))
        cachedStructure = nil
    }

    /// Adds an SE(2) pose. A rotation off unit length by more than rounding is rescaled to
    /// unit length, as g2o does on reading.
    ///
    /// - Throws: ``ProblemError/nonFiniteValue(id:)``, ``ProblemError/degenerateRotation(id:)``
    ///   for a zero (cos, sin) pair, or the id's errors.
    public mutating func addSE2(id: Int, _ value: SE2<Double>) throws(ProblemError) {
        let value = try Self.checked(value, id: id)
        try register(id: id, kind: .se2, slot: state.se2.count)
        state.se2.append(value)
    }

    /// Adds an SE(3) pose. A quaternion off unit length by more than rounding is rescaled to
    /// unit length, as g2o does on reading.
    ///
    /// - Throws: ``ProblemError/nonFiniteValue(id:)``, ``ProblemError/degenerateRotation(id:)``
    ///   for a zero quaternion, or the id's errors.
    public mutating func addSE3(id: Int, _ value: SE3<Double>) throws(ProblemError) {
        let value = try Self.checked(value, id: id)
        try register(id: id, kind: .se3, slot: state.se3.count)
        state.se3.append(value)
    }

    /// `value` as stored: finite, with a unit rotation (a zero rotation would make every
    /// residual on the pose NaN, a scaled one would scale them).
    private static func checked(_ value: SE2<Double>, id: Int) throws(ProblemError) -> SE2<Double> {
        guard value.isFinite else { throw .nonFiniteValue(id: id) }
        guard let unit = value.withUnitRotation else { throw .degenerateRotation(id: id) }
        return unit
    }

    /// `value` as stored: finite, with a unit quaternion.
    private static func checked(_ value: SE3<Double>, id: Int) throws(ProblemError) -> SE3<Double> {
        guard value.isFinite else { throw .nonFiniteValue(id: id) }
        guard let unit = value.withUnitRotation else { throw .degenerateRotation(id: id) }
        return unit
    }

    /// Adds a 3-D point (landmark).
    public mutating func addPoint3(id: Int, _ value: SIMD3<Double>) throws(ProblemError) {
        guard value.allFinite else { throw .nonFiniteValue(id: id) }
        try register(id: id, kind: .point3, slot: state.points.count)
        state.points.append(value)
    }

    /// Adds a BAL camera.
    public mutating func addBALCamera(id: Int, _ value: BALCamera) throws(ProblemError) {
        guard value.parameters.allSatisfy(\.isFinite) else { throw .nonFiniteValue(id: id) }
        try register(id: id, kind: .balCamera, slot: state.cameras.count)
        state.cameras.append(value)
    }

    private func slot(of id: Int, _ kind: VariableKind) throws(ProblemError) -> Int {
        guard let r = recordByID[id] else { throw .unknownVariable(id: id) }
        guard records[r].kind == kind else { throw .wrongVariableKind(id: id, expected: kind, actual: records[r].kind) }
        return records[r].slot
    }

    /// The SE(2) pose `id`, or nil if there is no SE(2) variable with that id.
    public func se2(_ id: Int) -> SE2<Double>? { (try? slot(of: id, .se2)).map { state.se2[$0] } }
    /// The SE(3) pose `id`, or nil if there is no SE(3) variable with that id.
    public func se3(_ id: Int) -> SE3<Double>? { (try? slot(of: id, .se3)).map { state.se3[$0] } }
    /// The point `id`, or nil if there is no point variable with that id.
    public func point3(_ id: Int) -> SIMD3<Double>? { (try? slot(of: id, .point3)).map { state.points[$0] } }
    /// The BAL camera `id`, or nil if there is no camera variable with that id.
    public func balCamera(_ id: Int) -> BALCamera? { (try? slot(of: id, .balCamera)).map { state.cameras[$0] } }

    /// Replaces the value of SE(2) pose `id`, checked and normalized like in ``addSE2(id:_:)``.
    public mutating func setSE2(_ id: Int, _ value: SE2<Double>) throws(ProblemError) {
        let slot = try slot(of: id, .se2)
        state.se2[slot] = try Self.checked(value, id: id)
    }
    /// Replaces the value of SE(3) pose `id`, checked and normalized like in ``addSE3(id:_:)``.
    public mutating func setSE3(_ id: Int, _ value: SE3<Double>) throws(ProblemError) {
        let slot = try slot(of: id, .se3)
        state.se3[slot] = try Self.checked(value, id: id)
    }
    /// Replaces the value of point `id`; a non-finite value is refused like in ``addPoint3(id:_:)``.
    public mutating func setPoint3(_ id: Int, _ value: SIMD3<Double>) throws(ProblemError) {
        let slot = try slot(of: id, .point3)
        guard value.allFinite else { throw .nonFiniteValue(id: id) }
        state.points[slot] = value
    }
    /// Replaces the value of BAL camera `id`; a non-finite value is refused like in ``addBALCamera(id:_:)``.
    public mutating func setBALCamera(_ id: Int, _ value: BALCamera) throws(ProblemError) {
        let slot = try slot(of: id, .balCamera)
        guard value.parameters.allSatisfy(\.isFinite) else { throw .nonFiniteValue(id: id) }
        state.cameras[slot] = value
    }

    /// Fixes (or frees) variable `id` explicitly. Under ``Gauge/fixFirstPose`` the first pose
    /// stays fixed regardless; set ``gauge`` to ``Gauge/explicitOnly`` to choose another anchor.
    public mutating func setFixed(_ id: Int, _ fixed: Bool = true) throws(ProblemError) {
        guard let r = recordByID[id] else { throw .unknownVariable(id: id) }
        records[r].fixed = fixed
        cachedStructure = nil
    }

    /// The id of the pose the gauge fixes, if any.
    public var gaugeVariableID: Int? {
        guard gauge == .fixFirstPose else { return nil }
        return records.first { $0.kind.isPose }?.id
    }

    /// Whether variable `id` was fixed with ``setFixed(_:_:)`` (ignoring the gauge).
    public func isExplicitlyFixed(_ id: Int) -> Bool {
        recordByID[id].map { records[$0].fixed } ?? false
    }

    /// Whether variable `id` is held fixed (explicitly or by the gauge).
    public func isFixed(_ id: Int) -> Bool {
        guard let r = recordByID[id] else { return false }
        return records[r].fixed || id == gaugeVariableID
    }

    // MARK: Factors

    /// Number of factors.
    public var factorCount: Int { factorOrder.count }

    /// All factors in insertion order.
    public var factors: [Factor] {
        factorOrder.map { entry in
            switch entry.kind {
            case .betweenSE2: return .betweenSE2(betweenSE2[entry.index])
            case .betweenSE3: return .betweenSE3(betweenSE3[entry.index])
            case .priorSE2: return .priorSE2(priorSE2[entry.index])
            case .priorSE3: return .priorSE3(priorSE3[entry.index])
            case .priorPoint3: return .priorPoint3(priorPoint3[entry.index])
            case .reprojection: return .reprojection(reprojection[entry.index])
            case .balReprojection: return .balReprojection(balReprojection[entry.index])
            }
        }
    }

    private mutating func appendOrder(_ kind: FactorKind, _ index: Int) -> Int {
        factorOrder.append((kind, index))
        cachedStructure = nil
        return factorOrder.count - 1
    }

    /// Adds a factor; returns its index (insertion order).
    @discardableResult
    public mutating func add(_ factor: Factor) throws(ProblemError) -> Int {
        switch factor {
        case .betweenSE2(let f): return try add(f)
        case .betweenSE3(let f): return try add(f)
        case .priorSE2(let f): return try add(f)
        case .priorSE3(let f): return try add(f)
        case .priorPoint3(let f): return try add(f)
        case .reprojection(let f): return try add(f)
        case .balReprojection(let f): return try add(f)
        }
    }

    /// Adds an SE(2) between factor; both poses must exist.
    @discardableResult
    public mutating func add(_ factor: BetweenFactorSE2) throws(ProblemError) -> Int {
        guard factor.from != factor.to else { throw .selfLoop(id: factor.from) }
        var f = factor
        f.slots = (try slot(of: f.from, .se2), try slot(of: f.to, .se2))
        betweenSE2.append(f)
        return appendOrder(.betweenSE2, betweenSE2.count - 1)
    }

    /// Adds an SE(3) between factor; both poses must exist.
    @discardableResult
    public mutating func add(_ factor: BetweenFactorSE3) throws(ProblemError) -> Int {
        guard factor.from != factor.to else { throw .selfLoop(id: factor.from) }
        var f = factor
        f.slots = (try slot(of: f.from, .se3), try slot(of: f.to, .se3))
        betweenSE3.append(f)
        return appendOrder(.betweenSE3, betweenSE3.count - 1)
    }

    /// Adds an SE(2) prior.
    @discardableResult
    public mutating func add(_ factor: PriorFactorSE2) throws(ProblemError) -> Int {
        var f = factor
        f.slot = try slot(of: f.variable, .se2)
        priorSE2.append(f)
        return appendOrder(.priorSE2, priorSE2.count - 1)
    }

    /// Adds an SE(3) prior.
    @discardableResult
    public mutating func add(_ factor: PriorFactorSE3) throws(ProblemError) -> Int {
        var f = factor
        f.slot = try slot(of: f.variable, .se3)
        priorSE3.append(f)
        return appendOrder(.priorSE3, priorSE3.count - 1)
    }

    /// Adds a point prior.
    @discardableResult
    public mutating func add(_ factor: PriorFactorPoint3) throws(ProblemError) -> Int {
        var f = factor
        f.slot = try slot(of: f.variable, .point3)
        priorPoint3.append(f)
        return appendOrder(.priorPoint3, priorPoint3.count - 1)
    }

    /// Adds a pinhole reprojection factor (SE(3) pose, point).
    @discardableResult
    public mutating func add(_ factor: ReprojectionFactor) throws(ProblemError) -> Int {
        var f = factor
        f.slots = (try slot(of: f.pose, .se3), try slot(of: f.point, .point3))
        reprojection.append(f)
        return appendOrder(.reprojection, reprojection.count - 1)
    }

    /// Adds a BAL reprojection factor (BAL camera, point).
    @discardableResult
    public mutating func add(_ factor: BALReprojectionFactor) throws(ProblemError) -> Int {
        var f = factor
        f.slots = (try slot(of: f.camera, .balCamera), try slot(of: f.point, .point3))
        balReprojection.append(f)
        return appendOrder(.balReprojection, balReprojection.count - 1)
    }

    // MARK: Structure

    /// The block structure; built on first access after a change, then cached.
    public var structure: ProblemStructure {
        mutating get {
            if let s = cachedStructure { return s }
            let s = buildStructure()
            cachedStructure = s
            return s
        }
    }

    private func buildStructure() -> ProblemStructure {
        let anchor = gaugeVariableID
        var freeIndexOfRecord = [Int](repeating: -1, count: records.count)
        var freeIDs: [Int] = []
        var freeKinds: [VariableKind] = []
        var tangentOffsets = [0]
        var freeIndexByID: [Int: Int] = [:]
        var freeRecords: [Int] = []
        for (r, record) in records.enumerated() where !record.fixed && record.id != anchor {
            freeIndexOfRecord[r] = freeIDs.count
            freeRecords.append(r)
            freeIndexByID[record.id] = freeIDs.count
            freeIDs.append(record.id)
            freeKinds.append(record.kind)
            tangentOffsets.append(tangentOffsets.last! + record.kind.tangentDimension)
        }
        // Free index of each slot, per kind, looked up once here: a dictionary lookup per factor
        // variable hashed the kind's raw string.
        func freeIndices(_ kind: VariableKind) -> [Int] { (recordsByKind[kind] ?? []).map { freeIndexOfRecord[$0] } }
        let freeSE2 = freeIndices(.se2), freeSE3 = freeIndices(.se3)
        let freePoint3 = freeIndices(.point3), freeBALCamera = freeIndices(.balCamera)

        var residualOffsets = [0]
        var factorBlockOffsets = [0]
        var blockVariables: [Int] = []
        var blockJacobianOffsets = [0]
        var placements = FactorPlacements()
        var pairs: [Int] = []
        let n = freeIDs.count
        residualOffsets.reserveCapacity(factorOrder.count + 1)
        factorBlockOffsets.reserveCapacity(factorOrder.count + 1)
        for v in 0..<n { pairs.append(v * n + v) }

        for entry in factorOrder {
            // The factor's variables as (free index or -1, tangent dimension); a unary factor's
            // second is (-1, 0).
            let first: (v: Int, t: Int), second: (v: Int, t: Int), dimension: Int
            switch entry.kind {
            case .betweenSE2:
                let slots = betweenSE2[entry.index].slots
                (first, second, dimension) = ((freeSE2[slots.from], 3), (freeSE2[slots.to], 3), 3)
            case .betweenSE3:
                let slots = betweenSE3[entry.index].slots
                (first, second, dimension) = ((freeSE3[slots.from], 6), (freeSE3[slots.to], 6), 6)
            case .priorSE2:
                (first, second, dimension) = ((freeSE2[priorSE2[entry.index].slot], 3), (-1, 0), 3)
            case .priorSE3:
                (first, second, dimension) = ((freeSE3[priorSE3[entry.index].slot], 6), (-1, 0), 6)
            case .priorPoint3:
                (first, second, dimension) = ((freePoint3[priorPoint3[entry.index].slot], 3), (-1, 0), 3)
            case .reprojection:
                let slots = reprojection[entry.index].slots
                (first, second, dimension) = ((freeSE3[slots.pose], 6), (freePoint3[slots.point], 3), 2)
            case .balReprojection:
                let slots = balReprojection[entry.index].slots
                (first, second, dimension) = ((freeBALCamera[slots.camera], 9), (freePoint3[slots.point], 3), 2)
            }
            var placement = Placement(residual: residualOffsets.last!, first: -1, second: -1)
            if first.v >= 0 {
                placement.first = blockJacobianOffsets.last!
                blockVariables.append(first.v)
                blockJacobianOffsets.append(placement.first + dimension * first.t)
            }
            if second.v >= 0 {
                placement.second = blockJacobianOffsets.last!
                blockVariables.append(second.v)
                blockJacobianOffsets.append(placement.second + dimension * second.t)
            }
            if first.v >= 0 && second.v >= 0 {
                pairs.append(min(first.v, second.v) * n + max(first.v, second.v))
            }
            residualOffsets.append(residualOffsets.last! + dimension)
            factorBlockOffsets.append(blockVariables.count)
            switch entry.kind {
            case .betweenSE2: placements.betweenSE2.append(placement)
            case .betweenSE3: placements.betweenSE3.append(placement)
            case .priorSE2: placements.priorSE2.append(placement)
            case .priorSE3: placements.priorSE3.append(placement)
            case .priorPoint3: placements.priorPoint3.append(placement)
            case .reprojection: placements.reprojection.append(placement)
            case .balReprojection: placements.balReprojection.append(placement)
            }
        }

        pairs.sort()
        var hessianRowOffsets = [Int](repeating: 0, count: n + 1)
        var hessianColumns: [Int] = []
        hessianColumns.reserveCapacity(pairs.count)
        var previous = -1
        for key in pairs where key != previous {
            previous = key
            hessianRowOffsets[key / n + 1] += 1
            hessianColumns.append(key % n)
        }
        for i in 0..<n { hessianRowOffsets[i + 1] += hessianRowOffsets[i] }

        return ProblemStructure(
            buildID: UInt64.random(in: 1...UInt64.max), freeVariableIDs: freeIDs, freeVariableKinds: freeKinds,
            tangentOffsets: tangentOffsets, residualOffsets: residualOffsets, factorBlockOffsets: factorBlockOffsets,
            blockVariables: blockVariables, blockJacobianOffsets: blockJacobianOffsets,
            hessianRowOffsets: hessianRowOffsets, hessianColumns: hessianColumns, freeIndexByID: freeIndexByID,
            freeVariableRecords: freeRecords, placements: placements)
    }

    // MARK: Evaluation

    /// ½ Σ ρ(‖S e‖²) at the current values, each residual evaluated in `precision` and
    /// accumulated in fp64.
    public func cost(precision: Precision) -> Double {
        switch precision {
        case .fp64: return cost(as: Double.self)
        case .fp32: return cost(as: Float.self)
        case .fp16: return cost(as: Float16.self)
        }
    }

    @inlinable
    func cost<S: GeometryScalar>(as type: S.Type) -> Double {
        var total = 0.0
        let values = state
        Self.accumulate(&total, over: betweenSE2) { f, _ in f.cost(values, as: type) }
        Self.accumulate(&total, over: betweenSE3) { f, _ in f.cost(values, as: type) }
        Self.accumulate(&total, over: priorSE2) { f, _ in f.cost(values, as: type) }
        Self.accumulate(&total, over: priorSE3) { f, _ in f.cost(values, as: type) }
        Self.accumulate(&total, over: priorPoint3) { f, _ in f.cost(values, as: type) }
        if !reprojection.isEmpty {
            // A loop of its own, as in `linearize`: through `accumulate` each factor was copied.
            total += withCameraFrames(as: type) { frames in
                reprojection.withUnsafeBufferPointer { fs in
                    var sum = 0.0
                    for k in fs.indices { sum += fs[k].cost(frames, values) }
                    return sum
                }
            }
        }
        Self.accumulate(&total, over: balReprojection) { f, _ in f.cost(values, as: type) }
        return total
    }

    /// Runs `body` with the camera frame of every SE(3) pose at precision S, in temporary
    /// storage.
    @inlinable @inline(__always)
    func withCameraFrames<S: GeometryScalar, R>(
        as _: S.Type, _ body: (UnsafeBufferPointer<ReprojectionFactor.CameraFrame<S>>) -> R
    ) -> R {
        let poses = state.se3
        return withUnsafeTemporaryAllocation(of: ReprojectionFactor.CameraFrame<S>.self, capacity: poses.count) { frames in
            for k in poses.indices { frames.initializeElement(at: k, to: ReprojectionFactor.CameraFrame(poses[k])) }
            return body(UnsafeBufferPointer(frames))
        }
    }

    /// total += term(factor, index) for every factor in order, each read in place: factors
    /// hold arrays (information, square root), so `for f in factors` would copy every one
    /// (a retain/release pair and a memmove per factor and evaluation).
    @inlinable @inline(__always)
    static func accumulate<F>(_ total: inout Double, over factors: [F], _ term: (borrowing F, Int) -> Double) {
        factors.withUnsafeBufferPointer { fs in
            for k in fs.indices { total += term(fs[k], k) }
        }
    }

    /// Fills `linearization` with every factor's whitened, robust-weighted residual and its
    /// Jacobian blocks for free variables, evaluated in `precision`, plus the cost. A buffer
    /// laid out for another structure is reallocated; otherwise only the poses' temporary camera
    /// frames are (for reprojection factors).
    public mutating func linearize(precision: Precision, into linearization: inout Linearization) {
        let structure = self.structure
        if linearization.structure.buildID != structure.buildID {
            linearization = Linearization(structure: structure)
        }
        let placements = structure.placements
        let cost: Double
        switch precision {
        case .fp64: cost = linearize(as: Double.self, placements, &linearization.residuals, &linearization.jacobians)
        case .fp32: cost = linearize(as: Float.self, placements, &linearization.residuals, &linearization.jacobians)
        case .fp16: cost = linearize(as: Float16.self, placements, &linearization.residuals, &linearization.jacobians)
        }
        linearization.cost = cost
        linearization.precision = precision
    }

    func linearize<S: GeometryScalar>(
        as type: S.Type, _ placements: FactorPlacements, _ residuals: inout [Double], _ jacobians: inout [Double]
    ) -> Double {
        guard !residuals.isEmpty else { return 0 }
        let values = state
        return residuals.withUnsafeMutableBufferPointer { rb in
            jacobians.withUnsafeMutableBufferPointer { jb in
                let r = rb.baseAddress!
                let j = jb.baseAddress
                @inline(__always) func block(_ offset: Int) -> UnsafeMutablePointer<Double>? {
                    offset >= 0 ? j! + offset : nil
                }
                var total = 0.0
                Self.accumulate(&total, over: betweenSE2) { f, k in
                    let p = placements.betweenSE2[k]
                    return f.linearize(
                        values, as: type, residual: r + p.residual, jacobianFrom: block(p.first),
                        jacobianTo: block(p.second))
                }
                Self.accumulate(&total, over: betweenSE3) { f, k in
                    let p = placements.betweenSE3[k]
                    return f.linearize(
                        values, as: type, residual: r + p.residual, jacobianFrom: block(p.first),
                        jacobianTo: block(p.second))
                }
                Self.accumulate(&total, over: priorSE2) { f, k in
                    let p = placements.priorSE2[k]
                    return f.linearize(values, as: type, residual: r + p.residual, jacobian: block(p.first))
                }
                Self.accumulate(&total, over: priorSE3) { f, k in
                    let p = placements.priorSE3[k]
                    return f.linearize(values, as: type, residual: r + p.residual, jacobian: block(p.first))
                }
                Self.accumulate(&total, over: priorPoint3) { f, k in
                    let p = placements.priorPoint3[k]
                    return f.linearize(values, as: type, residual: r + p.residual, jacobian: block(p.first))
                }
                // BA's many reprojection factors are evaluated in a loop of their own, with the
                // factor inlined: called through `accumulate`'s closure, each was copied first
                // (3.5 % of the VO benchmark's time in the copies, retains and releases).
                if !reprojection.isEmpty {
                    withCameraFrames(as: type) { frames in
                        reprojection.withUnsafeBufferPointer { fs in
                            placements.reprojection.withUnsafeBufferPointer { ps in
                                for k in fs.indices {
                                    let p = ps[k]
                                    total += fs[k].linearize(
                                        frames, values, residual: r + p.residual, jacobianPose: block(p.first),
                                        jacobianPoint: block(p.second))
                                }
                            }
                        }
                    }
                }
                Self.accumulate(&total, over: balReprojection) { f, k in
                    let p = placements.balReprojection[k]
                    return f.linearize(
                        values, as: type, residual: r + p.residual, jacobianCamera: block(p.first),
                        jacobianPoint: block(p.second))
                }
                return total
            }
        }
    }

    // MARK: Retraction

    /// x ← x ⊞ δ in fp64 for every free variable, δ stacked by ``ProblemStructure/tangentOffsets``:
    /// poses X · Exp(δ) with δ = [translation; rotation] (rotation renormalized), points p + δ,
    /// BAL cameras R · Exp(δφ) and additive t, f, k₁, k₂.
    ///
    /// - Throws: ``ProblemError/stepLength(expected:actual:)``, or
    ///   ``ProblemError/nonFiniteStep(index:)`` for a non-finite δ or one that moves a variable
    ///   to a non-finite value; no value changes then.
    public mutating func retract(delta: [Double]) throws(ProblemError) {
        let structure = self.structure
        guard delta.count == structure.tangentDimension else {
            throw .stepLength(expected: structure.tangentDimension, actual: delta.count)
        }
        if let bad = delta.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteStep(index: bad) }
        // Into a copy, committed only when every moved value is finite: a finite but huge δ
        // can still overflow (and a non-finite rotation would normalize to the identity).
        var next = state
        for (v, r) in structure.freeVariableRecords.enumerated() {
            let record = records[r]
            let o = structure.tangentOffsets[v]
            switch record.kind {
            case .se2:
                let moved = state.se2[record.slot] * SE2.exp(SIMD3(delta[o], delta[o + 1], delta[o + 2]))
                guard moved.isFinite else { throw .nonFiniteStep(index: o) }
                next.se2[record.slot] = moved.normalized
            case .se3:
                let xi = SE3<Double>.Tangent(
                    translation: SIMD3(delta[o], delta[o + 1], delta[o + 2]),
                    rotation: SIMD3(delta[o + 3], delta[o + 4], delta[o + 5]))
                let moved = state.se3[record.slot] * SE3.exp(xi)
                guard moved.isFinite else { throw .nonFiniteStep(index: o) }
                next.se3[record.slot] = moved.normalized
            case .point3:
                let moved = state.points[record.slot] + SIMD3(delta[o], delta[o + 1], delta[o + 2])
                guard moved.allFinite else { throw .nonFiniteStep(index: o) }
                next.points[record.slot] = moved
            case .balCamera:
                var c = state.cameras[record.slot]
                let rotation = c.rotation * SO3.exp(SIMD3(delta[o], delta[o + 1], delta[o + 2]))
                c.translation += SIMD3(delta[o + 3], delta[o + 4], delta[o + 5])
                c.focalLength += delta[o + 6]
                c.k1 += delta[o + 7]
                c.k2 += delta[o + 8]
                guard rotation.w.isFinite, rotation.vector.allFinite, c.translation.allFinite, c.focalLength.isFinite,
                    c.k1.isFinite, c.k2.isFinite
                else { throw .nonFiniteStep(index: o) }
                c.rotation = rotation.normalized
                next.cameras[record.slot] = c
            }
        }
        state = next
    }

    /// A copy with x ⊞ δ applied (see ``retract(delta:)``, whose errors it throws).
    public func retracted(by delta: [Double]) throws(ProblemError) -> Problem {
        var copy = self
        try copy.retract(delta: delta)
        return copy
    }
}
