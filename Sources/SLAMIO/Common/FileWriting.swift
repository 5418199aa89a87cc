import Foundation

/// Writes UTF-8 text atomically, turning I/O failures into ``FormatError``.
func writeText(_ text: String, to path: String) throws(FormatError) {
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw FormatError(file: path, line: 0, .unreadable("cannot write: \(error.localizedDescription)"))
    }
}
