#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Synchronization

/// Hands out the groups of a member loop (`MemberGroups`) to the threads that run it, in order,
/// and lets each thread add its group's partial sums to the totals only once the group before it
/// has: totals are then summed in the same order on any number of threads.
///
/// A thread claims a group only after committing its last one, so the group whose turn it is always
/// belongs to a thread that is running: no thread waits forever unless a thread gives up, and then
/// `abandon` releases the others.
final class GroupSchedule: Sendable {
    let groupCount: Int
    private let claimed = Atomic<Int>(0)
    private let committed = Atomic<Int>(0)
    private let abandoned = Atomic<Bool>(false)

    init(groupCount: Int) {
        self.groupCount = groupCount
    }

    /// The next group to compute, or nil when none is left or the loop was abandoned.
    func claim() -> Int? {
        guard !abandoned.load(ordering: .acquiring) else { return nil }
        let group = claimed.add(1, ordering: .relaxed).oldValue
        return group < groupCount ? group : nil
    }

    /// Waits until every group before `group` is committed; false if the loop was abandoned.
    func awaitTurn(of group: Int) -> Bool {
        while committed.load(ordering: .acquiring) != group {
            if abandoned.load(ordering: .acquiring) { return false }
            sched_yield()
        }
        return true
    }

    /// Marks the group whose turn it was as committed.
    func endTurn() {
        committed.add(1, ordering: .releasing)
    }

    /// Stops the loop: a thread failed, and the groups after its group will never get their turn.
    func abandon() {
        abandoned.store(true, ordering: .releasing)
    }
}

extension GroupSchedule {
    /// Runs `work(group, lane, workers)` for every group in 0..<groupCount, spread over `laneCount`
    /// lanes of `workers` (`ConvolutionWorkers.forEachLane`), and `commit(lane, workers)` after
    /// each group, in group order. A `work` that throws abandons the loop: the other lanes stop
    /// at their next claim or turn, and the error is thrown once every lane has returned.
    static func run(
        _ groupCount: Int, laneCount: Int, on workers: ConvolutionWorkers,
        _ work: (Int, Int, ConvolutionWorkers) throws(UVSegError) -> Void, commit: (Int, ConvolutionWorkers) -> Void
    ) throws(UVSegError) {
        let schedule = GroupSchedule(groupCount: groupCount)
        try workers.forEachLane(laneCount) { (lane, laneWorkers) throws(UVSegError) in
            while let group = schedule.claim() {
                do throws(UVSegError) {
                    try work(group, lane, laneWorkers)
                } catch {
                    schedule.abandon()
                    throw error
                }
                guard schedule.awaitTurn(of: group) else { return }
                commit(lane, laneWorkers)
                schedule.endTurn()
            }
        }
    }
}
