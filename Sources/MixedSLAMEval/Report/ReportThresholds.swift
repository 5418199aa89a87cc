import Foundation

/// What a benchmark report must satisfy (`bench/thresholds.json`, documented in
/// docs/benchmarks.md). Rules that name something the report did not run (a dataset absent
/// from the dataset directory, a plan not requested, a cross-check skipped offline) are not
/// applied; everything else that fails is a breach and `slam-bench report` exits non-zero.
///
/// Cost rules are one-sided: a lower cost than the limit is never a breach (the reference
/// README says "to about 4 significant digits, or lower").
public struct ReportThresholds: Sendable, Codable, Equatable {
    /// Schema identifier of the file, `mixedslam-thresholds/1`.
    public var schema: String
    /// Reference final cost per g2o file name (GTSAM 4.3 LM, from the datasets README).
    public var referenceFinalCosts: [String: Double]
    /// fp64 final cost must be ≤ reference × (1 + this). Default 1e-4.
    public var fp64ReferenceRelativeTolerance: Double
    /// Per plan: its final cost must be ≤ fp64 final cost × (1 + tolerance) on every dataset.
    /// Default `adaptive` 1e-6, `mixed` 1e-6 (as `bench/thresholds.json`).
    public var finalCostRelativeToFP64: [String: Double]
    /// Plans whose mean ATE over the loop-closure sequence must be below the mean ATE without
    /// loop closure. Default fp64, fp32, mixed, adaptive.
    public var loopClosureReducesATE: [String]
    /// evo's ATE on our TUM files must match ours to this relative difference. Default 1e-6.
    public var evoATERelativeTolerance: Double
    /// Known gaps: subjects (as in ``ThresholdCheck/subject``, e.g. `MIT.g2o mixed`) whose
    /// failing check is reported as a known gap with this reason instead of a breach. Every
    /// entry is a documented open problem, not a silenced one: it still shows in the report.
    public var knownGaps: [String: String]

    /// The documented defaults; `referenceFinalCosts` empty (the checked-in file lists them).
    public init(
        referenceFinalCosts: [String: Double] = [:], fp64ReferenceRelativeTolerance: Double = 1e-4,
        finalCostRelativeToFP64: [String: Double] = ["adaptive": 1e-6, "mixed": 1e-6],
        loopClosureReducesATE: [String] = ["fp64", "fp32", "mixed", "adaptive"],
        evoATERelativeTolerance: Double = 1e-6, knownGaps: [String: String] = [:]
    ) {
        schema = Self.schemaIdentifier
        self.referenceFinalCosts = referenceFinalCosts
        self.fp64ReferenceRelativeTolerance = fp64ReferenceRelativeTolerance
        self.finalCostRelativeToFP64 = finalCostRelativeToFP64
        self.loopClosureReducesATE = loopClosureReducesATE
        self.evoATERelativeTolerance = evoATERelativeTolerance
        self.knownGaps = knownGaps
    }

    private enum CodingKeys: String, CodingKey {
        case schema, referenceFinalCosts, fp64ReferenceRelativeTolerance, finalCostRelativeToFP64
        case loopClosureReducesATE, evoATERelativeTolerance, knownGaps
    }

    /// Decodes a thresholds file; `knownGaps` may be absent.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        referenceFinalCosts = try c.decode([String: Double].self, forKey: .referenceFinalCosts)
        fp64ReferenceRelativeTolerance = try c.decode(Double.self, forKey: .fp64ReferenceRelativeTolerance)
        finalCostRelativeToFP64 = try c.decode([String: Double].self, forKey: .finalCostRelativeToFP64)
        loopClosureReducesATE = try c.decode([String].self, forKey: .loopClosureReducesATE)
        evoATERelativeTolerance = try c.decode(Double.self, forKey: .evoATERelativeTolerance)
        knownGaps = try c.decodeIfPresent([String: String].self, forKey: .knownGaps) ?? [:]
    }

    /// The schema identifier this type reads and writes.
    public static let schemaIdentifier = "mixedslam-thresholds/1"

    /// Reads a thresholds file; keys starting with `_` are comments and ignored.
    public static func read(contentsOf path: String) throws -> ReportThresholds {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EvaluationError.invalidArgument("cannot read thresholds file \(path): \(error.localizedDescription)")
        }
        let thresholds: ReportThresholds
        do {
            thresholds = try JSONDecoder().decode(ReportThresholds.self, from: data)
        } catch {
            throw EvaluationError.invalidArgument("thresholds file \(path) is not valid: \(error)")
        }
        guard thresholds.schema == schemaIdentifier else {
            throw EvaluationError.invalidArgument(
                "thresholds file \(path) has schema '\(thresholds.schema)', expected '\(schemaIdentifier)'")
        }
        return thresholds
    }

    /// Applies every rule to `report` (cross-checks included when present).
    public func evaluate(_ report: BenchmarkReport) -> [ThresholdCheck] {
        var checks: [ThresholdCheck] = []
        for dataset in report.datasets {
            guard let fp64 = dataset.result(of: "fp64") else { continue }
            if let reference = referenceFinalCosts[dataset.file] {
                let limit = reference * (1 + fp64ReferenceRelativeTolerance)
                checks.append(ThresholdCheck(
                    rule: "fp64 final cost ≤ reference \(reference) × (1 + \(fp64ReferenceRelativeTolerance))",
                    subject: dataset.file, value: fp64.finalCost, limit: limit, passed: fp64.finalCost <= limit))
            }
            for (plan, tolerance) in finalCostRelativeToFP64.sorted(by: { $0.key < $1.key }) {
                guard let result = dataset.result(of: plan) else { continue }
                let limit = fp64.finalCost * (1 + tolerance)
                checks.append(ThresholdCheck(
                    rule: "\(plan) final cost ≤ fp64 final cost × (1 + \(tolerance))",
                    subject: "\(dataset.file) \(plan)", value: result.finalCost, limit: limit,
                    passed: result.finalCost <= limit))
            }
        }
        for sequence in report.sequences where sequence.name == "lc" {
            guard let baseline = sequence.baseline else { continue }
            for plan in loopClosureReducesATE {
                guard let summary = sequence.summary(of: plan) else { continue }
                checks.append(ThresholdCheck(
                    rule: "mean ATE with loop closure < mean ATE without",
                    subject: "\(sequence.name) \(plan)", value: summary.ate.mean, limit: baseline.mean,
                    passed: summary.ate.mean < baseline.mean))
            }
        }
        for crossCheck in report.crossChecks where crossCheck.tool == "evo" && crossCheck.status == "ok" {
            for row in crossCheck.rows {
                checks.append(ThresholdCheck(
                    rule: "evo ATE matches ours to \(evoATERelativeTolerance) relative",
                    subject: row.subject, value: row.relativeDifference, limit: evoATERelativeTolerance,
                    passed: row.relativeDifference <= evoATERelativeTolerance))
            }
        }
        for index in checks.indices where !checks[index].passed {
            checks[index].knownGap = knownGaps[checks[index].subject]
        }
        return checks
    }
}
