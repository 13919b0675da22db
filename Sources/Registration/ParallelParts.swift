import Dispatch

/// Spreads loops over the cores. Work is cut into parts whose bounds depend only on the work's
/// size, never on the thread count, and reductions combine the parts in order, so results are the
/// same on any machine.
struct ParallelParts: Sendable {
    let threadCount: Int

    /// Parts a loop is cut into at most: enough to keep every core of a workstation busy.
    static let maximumParts = 32

    /// The number of parts for a loop over `count` items.
    static func partCount(for count: Int) -> Int { max(1, min(count, maximumParts)) }

    /// The `index`-th of `parts` contiguous ranges of 0..<count.
    static func range(_ index: Int, of parts: Int, count: Int) -> Range<Int> {
        (index * count / parts)..<((index + 1) * count / parts)
    }

    /// Runs `body(part, range)` for every part of 0..<count; parts must write disjoint memory.
    func forEachPart(of count: Int, _ body: (Int, Range<Int>) -> Void) {
        let parts = Self.partCount(for: count)
        let threads = min(threadCount, parts)
        guard threads > 1 else {
            for part in 0..<parts { body(part, Self.range(part, of: parts, count: count)) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let work = UncheckedSendable(value: escapable)
            DispatchQueue.concurrentPerform(iterations: threads) { thread in
                for part in stride(from: thread, to: parts, by: threads) {
                    work.value(part, Self.range(part, of: parts, count: count))
                }
            }
        }
    }

    /// Computes `body(range)` for every part of 0..<count and combines the results in part order.
    func sum<Partial>(
        of count: Int, initial: Partial, _ body: (Range<Int>) -> Partial, combine: (inout Partial, Partial) -> Void
    ) -> Partial {
        var partials = [Partial](repeating: initial, count: Self.partCount(for: count))
        partials.withUnsafeMutableBufferPointer { buffer in
            let slots = UncheckedSendable(value: buffer)
            forEachPart(of: count) { part, range in slots.value[part] = body(range) }
        }
        var total = initial
        for partial in partials { combine(&total, partial) }
        return total
    }
}

/// Hands values to the threads of `concurrentPerform`, which only read them or write disjoint
/// memory through them.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
}
