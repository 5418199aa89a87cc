/// The tokens of a ``TextScanner`` as one stream across lines, for formats (BAL, TUM) where
/// line breaks carry no meaning; errors still name the line of the offending token.
struct TokenStream {
    private(set) var scanner: TextScanner
    private var index = 0

    init(_ scanner: TextScanner) { self.scanner = scanner }

    /// Moves to the next token; false at end of input.
    private mutating func advance() -> Bool {
        while index >= scanner.tokens.count {
            guard scanner.nextLine() else { return false }
            index = 0
            if scanner.isComment { index = scanner.tokens.count }
        }
        return true
    }

    /// The next token as a finite Double; `expected`/`found` describe the count for the error.
    mutating func double(expected: Int, found: Int) throws(FormatError) -> Double {
        guard advance() else { throw scanner.error(.truncated(expected: expected, found: found)) }
        defer { index += 1 }
        return try scanner.double(index)
    }

    /// The next token as an integer.
    mutating func integer(expected: Int, found: Int) throws(FormatError) -> Int {
        guard advance() else { throw scanner.error(.truncated(expected: expected, found: found)) }
        defer { index += 1 }
        return try scanner.integer(index)
    }

    /// Whether only whitespace and comments remain.
    mutating func atEnd() -> Bool { !advance() }

    /// The current line number.
    var line: Int { scanner.line }

    func error(_ reason: FormatError.Reason) -> FormatError { scanner.error(reason) }
}
