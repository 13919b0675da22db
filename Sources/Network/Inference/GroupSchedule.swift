#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Synchronization

/// Hands out the groups of a member loop (`MemberGroups`) to the threads that run it, and adds
/// the groups' partial sums to the totals in group order, whichever thread computed them: totals
/// are then summed in the same order on any number of threads.
///
/// Each lane holds its groups' sums in `slotsPerLane` slots. A group's slot is committed (added to
/// the totals) as soon as every group before it is, by whichever thread finds it ready, and is
/// free again from then on; a lane that finishes a group early keeps its sums and goes on with the
/// next group in its other slot, and waits only when all its slots hold groups not yet committed.
/// The first uncommitted group is always being computed or ready to commit, so the loop never
/// stalls unless a lane gives up, and then `abandon` releases the others.
final class GroupSchedule: Sendable {
    /// Slots per lane: two let a lane run a group ahead of a slower lane (a thread the system
    /// paused for a while, say) instead of waiting for it after every group.
    static let slotsPerLane = 2

    let groupCount: Int
    private let claimed = Atomic<Int>(0)
    private let abandoned = Atomic<Bool>(false)
    private let ledger = Mutex(Ledger())

    /// The groups computed and not yet committed, by the slot that holds each; the next group to
    /// commit; whether a thread is committing one.
    private struct Ledger {
        var next = 0
        var computed: [Int: Int] = [:]
        var committing = false
    }

    init(groupCount: Int) {
        self.groupCount = groupCount
    }

    /// The next group to compute, or nil when none is left or the loop was abandoned.
    func claim() -> Int? {
        guard !abandoned.load(ordering: .acquiring) else { return nil }
        let group = claimed.add(1, ordering: .relaxed).oldValue
        return group < groupCount ? group : nil
    }

    /// Records that `group` is computed, its sums in `slot`.
    func finish(_ group: Int, in slot: Int) {
        ledger.withLock { $0.computed[group] = slot }
    }

    /// Whether `group`'s sums are in the totals.
    func isCommitted(_ group: Int) -> Bool {
        ledger.withLock { $0.next > group }
    }

    /// Commits, in order, every computed group whose turn has come: `commit(slot)` for each.
    /// Returns at once if another thread is committing: that one goes on through them.
    func commitReady(_ commit: (Int) -> Void) {
        while let slot = ledger.withLock({ (ledger) -> Int? in
            guard !ledger.committing, let slot = ledger.computed[ledger.next] else { return nil }
            ledger.committing = true
            return slot
        }) {
            commit(slot)
            ledger.withLock { ledger in
                ledger.computed[ledger.next] = nil
                ledger.next += 1
                ledger.committing = false
            }
        }
    }

    var isAbandoned: Bool { abandoned.load(ordering: .acquiring) }

    /// Stops the loop: a thread failed, and the groups after its group will never be committed.
    func abandon() {
        abandoned.store(true, ordering: .releasing)
    }
}

extension GroupSchedule {
    /// Runs `work(group, lane, slot, workers)` for every group in 0..<groupCount, spread over
    /// `laneCount` lanes of `workers` (`ConvolutionWorkers.forEachLane`), each group's sums going
    /// to one of its lane's slots (lane x slotsPerLane ..< (lane + 1) x slotsPerLane), and
    /// `commit(slot, workers)` once per group, in group order, with the committing thread's
    /// workers. A `work` that throws abandons the loop: the other lanes stop at their next claim
    /// or wait, and the error is thrown once every lane has returned.
    static func run(
        _ groupCount: Int, laneCount: Int, on workers: ConvolutionWorkers,
        _ work: (Int, Int, Int, ConvolutionWorkers) throws(UVSegError) -> Void, commit: (Int, ConvolutionWorkers) -> Void
    ) throws(UVSegError) {
        let schedule = GroupSchedule(groupCount: groupCount)
        try workers.forEachLane(laneCount) { (lane, laneWorkers) throws(UVSegError) in
            let slots = (lane * slotsPerLane)..<((lane + 1) * slotsPerLane)
            // This lane's slots that hold a group not yet committed.
            var held: [(slot: Int, group: Int)] = []
            func commitReady() {
                schedule.commitReady { slot in commit(slot, laneWorkers) }
                held.removeAll { schedule.isCommitted($0.group) }
            }
            while let group = schedule.claim() {
                while held.count == slotsPerLane {
                    commitReady()
                    guard held.count == slotsPerLane else { break }
                    if schedule.isAbandoned { return }
                    sched_yield()
                }
                guard let slot = slots.first(where: { slot in !held.contains { $0.slot == slot } }) else { return }
                do throws(UVSegError) {
                    try work(group, lane, slot, laneWorkers)
                } catch {
                    schedule.abandon()
                    throw error
                }
                schedule.finish(group, in: slot)
                held.append((slot, group))
                commitReady()
            }
        }
        // Groups computed after the last commit any lane tried: every lane has returned, so all
        // are computed and commit in order here.
        schedule.commitReady { slot in commit(slot, workers) }
    }
}
