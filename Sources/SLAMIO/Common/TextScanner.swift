import Foundation

/// Whitespace-separated tokens of a text file, scanned line by line over its bytes without
/// building a `String` per line (the g2o reader's hot path).
struct TextScanner {
    /// File bytes followed by a NUL, so `strtod` always stops inside the buffer.
    private let bytes: [UInt8]
    private var position = 0
    private let end: Int
    /// 1-based number of the current line.
    private(set) var line = 0
    /// Token ranges of the current line.
    private(set) var tokens: [Range<Int>] = []
    let file: String?

    /// Number of input bytes: a header count that needs more tokens than this is a lie
    /// about the file, caught before anything is allocated for it.
    var byteCount: Int { end }

    init(bytes input: [UInt8], file: String?) {
        var b = input
        end = b.count
        b.append(0)
        bytes = b
        self.file = file
        tokens.reserveCapacity(32)
    }

    static func reading(path: String) throws(FormatError) -> TextScanner {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FormatError(file: path, line: 0, .unreadable("no such file or not readable"))
        }
        return TextScanner(bytes: [UInt8](data), file: path)
    }

    @inline(__always)
    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0B || c == 0x0C }

    /// Advances to the next line and splits it; false at end of input.
    mutating func nextLine() -> Bool {
        guard position < end else { return false }
        line += 1
        tokens.removeAll(keepingCapacity: true)
        var i = position
        while i < end, bytes[i] != 0x0A {
            if Self.isSpace(bytes[i]) {
                i += 1
                continue
            }
            let start = i
            while i < end, bytes[i] != 0x0A, !Self.isSpace(bytes[i]) { i += 1 }
            tokens.append(start..<i)
        }
        position = i + 1
        return true
    }

    /// Advances to the next line with at least one token; false at end of input.
    mutating func nextNonBlankLine() -> Bool {
        while nextLine() { if !tokens.isEmpty { return true } }
        return false
    }

    /// Whether the current line is a `#` comment.
    var isComment: Bool { !tokens.isEmpty && bytes[tokens[0].lowerBound] == 0x23 }

    func text(_ k: Int) -> String { String(decoding: bytes[tokens[k]], as: UTF8.self) }

    /// Whether token `k` equals `literal` (ASCII).
    func token(_ k: Int, is literal: StaticString) -> Bool {
        let r = tokens[k]
        guard r.count == literal.utf8CodeUnitCount else { return false }
        return literal.withUTF8Buffer { lit in
            var j = 0
            for i in r {
                if bytes[i] != lit[j] { return false }
                j += 1
            }
            return true
        }
    }

    func error(_ reason: FormatError.Reason) -> FormatError { FormatError(file: file, line: line, reason) }

    /// Token `k` as a finite Double.
    func double(_ k: Int) throws(FormatError) -> Double {
        let r = tokens[k]
        var value = 0.0
        let parsedToEnd: Bool = bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress! + r.lowerBound).assumingMemoryBound(to: CChar.self)
            var endPointer: UnsafeMutablePointer<CChar>?
            value = strtod(base, &endPointer)
            guard let e = endPointer else { return false }
            return UnsafeRawPointer(e) == UnsafeRawPointer(buffer.baseAddress! + r.upperBound)
        }
        guard parsedToEnd else { throw error(.invalidNumber(text(k))) }
        guard value.isFinite else { throw error(.nonFinite(text(k))) }
        return value
    }

    /// Token `k` as a decimal integer.
    func integer(_ k: Int) throws(FormatError) -> Int {
        let r = tokens[k]
        var i = r.lowerBound
        var negative = false
        if bytes[i] == 0x2D || bytes[i] == 0x2B {
            negative = bytes[i] == 0x2D
            i += 1
        }
        guard i < r.upperBound, r.count <= 19 else { throw error(.invalidNumber(text(k))) }
        var value = 0
        while i < r.upperBound {
            let d = Int(bytes[i]) - 48
            guard d >= 0, d <= 9 else { throw error(.invalidNumber(text(k))) }
            // 19 digits can exceed Int.max: an id out of range is a malformed token, not a trap.
            let (tens, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = tens.addingReportingOverflow(d)
            guard !o1, !o2 else { throw error(.invalidNumber(text(k))) }
            value = next
            i += 1
        }
        return negative ? -value : value
    }

    /// Throws unless the current line has exactly `count` tokens.
    func expectFields(_ count: Int) throws(FormatError) {
        if tokens.count < count { throw error(.missingField(expected: count, found: tokens.count)) }
        if tokens.count > count { throw error(.extraField(expected: count, found: tokens.count)) }
    }
}
