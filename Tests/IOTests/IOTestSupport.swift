import Foundation
import MixedSLAM

/// `../shared/datasets` next to the package root, when present.
let datasetDirectory: String? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let dir = root.deletingLastPathComponent().appendingPathComponent("shared/datasets").path
    return FileManager.default.fileExists(atPath: dir) ? dir : nil
}()
