import Foundation
import Testing
import MixedSLAM

/// Runs only when `../shared/datasets` exists (it is never committed into the project).
@Suite("Public datasets: initial cost", .enabled(if: datasetDirectory != nil))
struct DatasetInitialCostTests {
    /// The "initial cost" column of the datasets README (GTSAM 4.3, pose 0 under a tight prior).
    static let references: [(file: String, cost: Double)] = [
        ("intel.g2o", 277.0), ("MIT.g2o", 3.549e9), ("city10000.g2o", 3.592e8), ("sphere2500.g2o", 1.306e6),
        ("parking-garage.g2o", 8363.6), ("smallGrid3D.g2o", 83894), ("tinyGrid3D.g2o", 143.32), ("kitti_05.g2o", 1.867e6),
    ]

    @Test("Cost at the initial values matches the README to 4 significant digits", arguments: references)
    func initialCost(_ reference: (file: String, cost: Double)) throws {
        let path = datasetDirectory! + "/" + reference.file
        let (problem, report) = try G2OReader.read(contentsOf: path)
        let cost = problem.cost(precision: .fp64)
        // The README rounds to 4 significant digits: half a unit in the 4th digit.
        let digit = pow(10, floor(log10(reference.cost)) - 3)
        #expect(abs(cost - reference.cost) <= 0.5 * digit + 1e-9 * reference.cost, "\(reference.file): cost \(cost)")
        if reference.file == "kitti_05.g2o" { #expect(report.chainedInitialization) }
        print("dataset \(reference.file): initial cost \(cost), vertices \(report.vertexCount), edges \(report.edgeCount), projected \(report.projectedInformationCount), duplicates \(report.duplicateEdgeCount)")
    }
}
