/// Unfolds the zero-padded neighbourhoods of a band of output rows into a matrix, one row per
/// (input channel, tap) and one column per output pixel of the band.
enum Im2Col {
    /// Writes the [channels x size x size][rows.count x width] matrix into `matrix`.
    static func fill(
        _ matrix: UnsafeMutablePointer<Float>, from inputs: [ChannelSlab], height: Int, width: Int,
        kernelSize size: Int, rows: Range<Int>
    ) {
        let columns = rows.count * width
        let padding = size / 2
        var destination = matrix
        for input in inputs {
            for channel in 0..<input.channels {
                let plane = input.values + channel * height * width
                for tapRow in 0..<size {
                    for tapColumn in 0..<size {
                        let shift = tapColumn - padding
                        for (bandRow, row) in rows.enumerated() {
                            let target = destination + bandRow * width
                            let sourceRow = row + tapRow - padding
                            if sourceRow < 0 || sourceRow >= height {
                                target.update(repeating: 0, count: width)
                            } else {
                                copyShifted(plane + sourceRow * width, by: shift, width: width, into: target)
                            }
                        }
                        destination += columns
                    }
                }
            }
        }
    }

    /// target[x] = source[x + shift], zero where x + shift falls outside the row.
    private static func copyShifted(_ source: UnsafePointer<Float>, by shift: Int, width: Int, into target: UnsafeMutablePointer<Float>) {
        let first = max(0, -shift)
        let end = min(width, width - shift)
        guard first < end else {
            target.update(repeating: 0, count: width)
            return
        }
        target.update(repeating: 0, count: first)
        (target + first).update(from: source + first + shift, count: end - first)
        (target + end).update(repeating: 0, count: width - end)
    }
}
