import Foundation

/// Writes a report folder: `report.json` (schema `mixedslam-bench/1`), `report.md` and the
/// CSV files. Figures and trajectories are written by the scripts and the suite.
public enum ReportWriter {
    /// The envelope every slam-bench JSON file shares (docs/benchmarks.md).
    struct Envelope: Codable {
        var schema = "mixedslam-bench/1"
        var command = "report"
        var results: BenchmarkReport
    }

    /// `report.json` bytes: pretty-printed, key-sorted; non-finite numbers as strings
    /// (`"nan"`, `"inf"`, `"-inf"`).
    public static func json(_ report: BenchmarkReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(Envelope(results: report))
    }

    /// Reads a `report.json` back.
    public static func read(json data: Data) throws -> BenchmarkReport {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let envelope = try decoder.decode(Envelope.self, from: data)
        guard envelope.schema == "mixedslam-bench/1", envelope.command == "report" else {
            throw EvaluationError.invalidArgument("not a mixedslam-bench/1 report (schema \(envelope.schema), command \(envelope.command))")
        }
        return envelope.results
    }

    /// Writes `report.json`, `report.md` and the CSV files into `directory` (created).
    public static func write(_ report: BenchmarkReport, thresholds: ReportThresholds, to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try json(report).write(to: URL(fileURLWithPath: "\(directory)/report.json"))
        try MarkdownReportWriter.markdown(report, thresholds: thresholds)
            .write(toFile: "\(directory)/report.md", atomically: true, encoding: .utf8)
        for (name, text) in CSVReportWriter.files(report) {
            try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
        }
    }
}
