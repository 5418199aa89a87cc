/// A GitHub-flavoured Markdown table (readable on a pull request); numeric columns are
/// right-aligned.
public struct MarkdownTable: Sendable, Equatable {
    /// Column headings.
    public var header: [String]
    /// Which columns are right-aligned (numbers).
    public var rightAligned: Set<Int>
    /// The rows, each as many cells as `header`.
    public var rows: [[String]] = []

    /// Creates an empty table; every column but the first is right-aligned unless told.
    public init(_ header: [String], rightAligned: Set<Int>? = nil) {
        self.header = header
        self.rightAligned = rightAligned ?? Set(1..<max(1, header.count))
    }

    /// Appends a row.
    public mutating func add(_ row: [String]) { rows.append(row) }

    /// The Markdown text, ending with a newline. `|` inside cells is escaped.
    public var rendered: String {
        func line(_ cells: [String]) -> String {
            "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |"
        }
        let rule = "|" + header.indices.map { rightAligned.contains($0) ? "---:" : "---" }.joined(separator: "|") + "|"
        return ([line(header), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}
