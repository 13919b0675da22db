import Diagnostics

/// One lane's part of a sum over support members: the members of its current group are summed into
/// `values`, which `commit` adds to the total when the group's turn comes (`GroupSchedule`).
final class PartialSum {
    private let partial: FloatBuffer
    private let total: UnsafeMutablePointer<Float>

    /// A zero partial of the `count` values at `total`.
    init(of total: UnsafeMutablePointer<Float>, count: Int) throws(UVSegError) {
        partial = try FloatBuffer(count: count)
        self.total = total
    }

    var values: UnsafeMutablePointer<Float> { partial.values }

    /// total += partial, then partial = 0 for the next group.
    func commit(workers: ConvolutionWorkers) {
        let (partial, total) = (partial.values, total)
        workers.forEachPart(of: self.partial.count, minimumPart: ConvolutionWorkers.elementwisePart) { part in
            for index in part {
                total[index] += partial[index]
                partial[index] = 0
            }
        }
    }
}
