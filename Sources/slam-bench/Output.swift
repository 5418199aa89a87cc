import Foundation
import MixedSLAMEval

/// A plain-text table with aligned columns, for terminal output.
struct TextTable {
    var header: [String]
    var rows: [[String]] = []

    init(_ header: [String]) { self.header = header }

    mutating func add(_ row: [String]) { rows.append(row) }

    /// The table with each column as wide as its widest cell; numbers right-aligned.
    var rendered: String {
        let widths = header.indices.map { c in ([header] + rows).map { $0.count > c ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { c, cell in
                let fill = String(repeating: " ", count: max(0, widths[c] - cell.count))
                return c == 0 ? cell + fill : fill + cell
            }.joined(separator: "  ")
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")] + rows.map(line))
            .joined(separator: "\n")
    }
}

/// Formats a number with `digits` significant digits (%g).
func fmt(_ value: Double, _ digits: Int = 5) -> String {
    String(format: "%.\(digits)g", value)
}

/// Logarithmic edges for a cumulative ATE histogram: 30 from the smallest positive error to
/// the largest (1e-6 and 1 when there is none).
func ateHistogramEdges(_ errors: [Double]) throws -> [Double] {
    let positive = errors.filter { $0 > 0 }
    return try CumulativeHistogram.edges(
        from: positive.min() ?? 1e-6, to: positive.max() ?? 1, count: 30, spacing: .logarithmic)
}

/// A cumulative ATE histogram as a table: every third edge and the last, a column of
/// fractions per plan (`histograms` holds each plan's name and its fraction at every edge).
func cumulativeHistogramTable(edges: [Double], _ histograms: [(plan: String, fractions: [Double])]) -> TextTable {
    var t = TextTable(["ATE ≤ m"] + histograms.map(\.plan))
    for (i, edge) in edges.enumerated() where i % 3 == 0 || i == edges.count - 1 {
        t.add([fmt(edge, 3)] + histograms.map { fmt($0.fractions[i], 3) })
    }
    return t
}

/// The envelope of every JSON file slam-bench writes (schema documented in docs/benchmarks.md).
struct JSONEnvelope<Results: Encodable>: Encodable {
    /// Schema identifier; bumped on any incompatible change.
    let schema = "mixedslam-bench/1"
    /// The subcommand that wrote the file.
    let command: String
    /// The command's results.
    let results: Results
}

/// Writes `results` wrapped in the versioned envelope as pretty-printed, key-sorted JSON.
func writeJSON<Results: Encodable>(_ results: Results, command: String, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    try encoder.encode(JSONEnvelope(command: command, results: results)).write(to: URL(fileURLWithPath: path))
}

/// Writes rows as CSV (RFC 4180 quoting where needed).
func writeCSV(header: [String], rows: [[String]], to path: String) throws {
    func quote(_ s: String) -> String {
        s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }
    let text = ([header] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n") + "\n"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}
