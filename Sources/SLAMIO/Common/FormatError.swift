/// A malformed or unreadable input file, with the file and 1-based line it was found on
/// (line 0 when the problem concerns the file as a whole).
public struct FormatError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Equatable, Sendable {
        /// The file could not be read.
        case unreadable(String)
        /// A line starts with a tag the reader does not know.
        case unknownTag(String)
        /// A line has too few values.
        case missingField(expected: Int, found: Int)
        /// A line has more values than its tag takes.
        case extraField(expected: Int, found: Int)
        /// A token is not a number (or not an integer where an id is expected).
        case invalidNumber(String)
        /// A number is NaN or infinite.
        case nonFinite(String)
        /// An edge or observation refers to a vertex, camera or point that does not exist.
        case unknownVertex(Int)
        /// A vertex id appears twice.
        case duplicateVertex(Int)
        /// A quaternion has zero length.
        case zeroQuaternion
        /// An information matrix is indefinite and the options say reject.
        case indefiniteInformation(smallestEigenvalue: Double)
        /// A file without vertices has no odometry edge between consecutive ids `from` and `from + 1`.
        case brokenChain(from: Int)
        /// An edge connects vertices of another kind (e.g. `EDGE_SE2` on SE(3) vertices), or a
        /// factor was rejected by the problem.
        case inconsistent(String)
        /// A count in a header is negative, or the file ends before the header's counts are met.
        case truncated(expected: Int, found: Int)
        /// A problem cannot be written in this format.
        case unsupported(String)
    }

    /// The file path, if the input came from a file.
    public var file: String?
    /// The 1-based line number, 0 for the whole file.
    public var line: Int
    /// What is wrong.
    public var reason: Reason

    /// An error at `line` of `file`.
    public init(file: String? = nil, line: Int, _ reason: Reason) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// A one-line explanation for logs and error messages.
    public var description: String {
        let place = "\(file ?? "<input>"):\(line)"
        switch reason {
        case .unreadable(let why): return "\(place): cannot read file: \(why)"
        case .unknownTag(let tag): return "\(place): unknown tag '\(tag)'"
        case .missingField(let e, let f): return "\(place): expected \(e) fields, found \(f)"
        case .extraField(let e, let f): return "\(place): expected \(e) fields, found \(f)"
        case .invalidNumber(let t): return "\(place): '\(t)' is not a valid number"
        case .nonFinite(let t): return "\(place): '\(t)' is NaN or infinite"
        case .unknownVertex(let id): return "\(place): unknown vertex \(id)"
        case .duplicateVertex(let id): return "\(place): vertex \(id) defined twice"
        case .zeroQuaternion: return "\(place): quaternion has zero length"
        case .indefiniteInformation(let l): return "\(place): information matrix is indefinite (smallest eigenvalue \(l))"
        case .brokenChain(let from): return "\(place): no odometry edge \(from) → \(from + 1) to chain initial poses"
        case .inconsistent(let why): return "\(place): \(why)"
        case .truncated(let e, let f): return "\(place): file ends after \(f) of \(e) expected values"
        case .unsupported(let why): return "\(place): cannot write: \(why)"
        }
    }
}
