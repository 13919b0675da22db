import Diagnostics

/// One slot's part of a sum over support members: the members of its current group are summed into
/// `values`, which `commit` adds to the total when the group's turn comes (`GroupSchedule`).
///
/// The first group sums straight into the total, which is zero until then: 0 + x is x, so that is
/// the same as adding a partial, without the partial's memory or its pass. A slot allocates its
/// partial only when it takes a later group.
final class PartialSum {
    private let total: UnsafeMutablePointer<Float>
    private let count: Int
    private var partial: FloatBuffer?
    private let pool: BufferPool?
    /// Where the current group's members are summed.
    private(set) var values: UnsafeMutablePointer<Float>

    /// A part of the sum of the `count` values at `total`, its partial's memory from `pool`.
    init(of total: UnsafeMutablePointer<Float>, count: Int, pool: BufferPool?) {
        (self.total, self.count, self.pool, values) = (total, count, pool, total)
    }

    /// Starts group `group`: its members are summed from zero.
    func begin(group: Int) throws(UVSegError) {
        guard group > 0 else {
            values = total
            return
        }
        if let partial {
            values = partial.values
        } else {
            let partial = try FloatBuffer(count: count, pool: pool)
            self.partial = partial
            values = partial.values
        }
    }

    /// total += partial, then partial = 0 for the next group; nothing for the first group.
    func commit(workers: ConvolutionWorkers) {
        guard let partial = partial?.values, values == partial else { return }
        let total = total
        workers.forEachPart(of: count, minimumPart: ConvolutionWorkers.elementwisePart) { part in
            for index in part {
                total[index] += partial[index]
                partial[index] = 0
            }
        }
    }
}
