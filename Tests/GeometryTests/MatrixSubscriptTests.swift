import Testing
import SLAMGeometry

@Suite("Matrix3 and Matrix6 subscripts")
struct MatrixSubscriptTests {
    @Test("Every entry reads and writes its own (row, column)")
    func entriesRoundTrip() {
        var m3 = Matrix3<Double>.zero
        for r in 0..<3 { for c in 0..<3 { m3[r, c] = Double(10 * r + c) } }
        #expect(m3.rowMajor == [0, 1, 2, 10, 11, 12, 20, 21, 22])
        var m6 = Matrix6<Double>.identity
        for r in 0..<6 { for c in 0..<6 { m6[r, c] = Double(10 * r + c) } }
        let expected: [Double] = (0..<36).map { (k: Int) -> Double in Double(10 * (k / 6) + k % 6) }
        #expect(m6.rowMajor == expected)
    }

    // A row outside the matrix used to read (and write) the last row. Exit tests run their
    // body in a child process and capture nothing, hence the literal indices.
    @Test("A row index outside the matrix traps")
    func rowOutOfRangeTraps() async {
        await #expect(processExitsWith: .failure) { _ = Matrix3<Double>.identity[3, 0] }
        await #expect(processExitsWith: .failure) { _ = Matrix3<Double>.identity[-1, 0] }
        await #expect(processExitsWith: .failure) {
            var m = Matrix3<Double>.identity
            m[3, 1] = 1
        }
        await #expect(processExitsWith: .failure) { _ = Matrix6<Double>.identity[6, 4] }
        await #expect(processExitsWith: .failure) { _ = Matrix6<Double>.identity[-1, 1] }
    }
}
