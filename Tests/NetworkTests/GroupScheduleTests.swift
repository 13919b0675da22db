#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
@testable import Network
import Testing

/// The member loop's scheduling: groups computed on several threads, committed in group order.
@Suite("GroupSchedule: groups run on several lanes and commit in order")
struct GroupScheduleTests {
    /// Records, under the schedule's own ordering, what the lanes did.
    final class Log: @unchecked Sendable {
        var committed: [Int] = []
        var slots = Set<Int>()
    }

    @Test("every group is computed once and committed in order, whatever the lane count and timing",
          arguments: [1, 2, 3])
    func commitsInOrder(lanes: Int) throws {
        let workers = try ConvolutionWorkers(threadCount: 3, scratchCount: 0)
        let groupCount = 23
        // Each slot's group, read back at its commit.
        let computed = UnsafeMutablePointer<Int>.allocate(capacity: lanes * GroupSchedule.slotsPerLane)
        defer { computed.deallocate() }
        let log = Log()
        try GroupSchedule.run(groupCount, laneCount: lanes, on: workers) { group, lane, slot, laneWorkers in
            // Uneven work, so that later groups often finish before earlier ones.
            usleep(useconds_t((group * 7919) % 5 * 300))
            // Several lanes each run on one thread; a single lane has all of them. Each lane's
            // groups go to its own slots.
            let ownSlot = slot / GroupSchedule.slotsPerLane == lane
            computed[slot] = laneWorkers.threadCount == (lanes == 1 ? 3 : 1) && ownSlot ? group : -1
        } commit: { slot, _ in
            log.committed.append(computed[slot])
            log.slots.insert(slot)
        }
        #expect(log.committed == Array(0..<groupCount))
        #expect(log.slots.isSubset(of: Set(0..<(lanes * GroupSchedule.slotsPerLane))))
    }

    @Test("a group computed before the groups ahead of it waits in its slot and commits right after them")
    func commitsWhenTurnComes() {
        let schedule = GroupSchedule(groupCount: 4)
        var commits: [Int] = []
        #expect((0..<4).map { _ in schedule.claim() } == [0, 1, 2, 3])
        #expect(schedule.claim() == nil)
        // Groups 2 and 1 finish first, in slots 3 and 1: nothing may commit before group 0.
        schedule.finish(2, in: 3)
        schedule.finish(1, in: 1)
        schedule.commitReady { commits.append($0) }
        #expect(commits.isEmpty)
        #expect(!schedule.isCommitted(1))
        // Group 0 (slot 0) lets 0, 1 and 2 commit in group order; group 3 is not computed yet.
        schedule.finish(0, in: 0)
        schedule.commitReady { commits.append($0) }
        #expect(commits == [0, 1, 3])
        #expect(schedule.isCommitted(2) && !schedule.isCommitted(3))
        schedule.finish(3, in: 2)
        schedule.commitReady { commits.append($0) }
        #expect(commits == [0, 1, 3, 2])
    }

    @Test("a lane that fails stops the loop: its error comes back, and no later group commits")
    func failureAbandons() throws {
        let workers = try ConvolutionWorkers(threadCount: 2, scratchCount: 0)
        let log = Log()
        let failing = 5
        let computed = UnsafeMutablePointer<Int>.allocate(capacity: 2 * GroupSchedule.slotsPerLane)
        defer { computed.deallocate() }
        let error = #expect(throws: UVSegError.self) {
            try GroupSchedule.run(40, laneCount: 2, on: workers) { (group, _, slot, _) throws(UVSegError) in
                if group == failing { throw UVSegError(.cancelled, "group \(group) failed") }
                usleep(200)
                computed[slot] = group
            } commit: { slot, _ in
                log.committed.append(computed[slot])
            }
        }
        #expect(error?.kind == .cancelled)
        #expect(log.committed == Array(0..<log.committed.count))
        #expect(log.committed.count <= failing)
    }
}
