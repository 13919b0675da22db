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
        var lanes = Set<Int>()
    }

    @Test("every group is computed once and committed in order, whatever the lane count and timing",
          arguments: [1, 2, 3])
    func commitsInOrder(lanes: Int) throws {
        let workers = try ConvolutionWorkers(threadCount: 3, scratchCount: 0)
        let groupCount = 23
        // Each lane's work slot: the group it computed, read back at its commit.
        let computed = UnsafeMutablePointer<Int>.allocate(capacity: lanes)
        defer { computed.deallocate() }
        let log = Log()
        try GroupSchedule.run(groupCount, laneCount: lanes, on: workers) { group, lane, laneWorkers in
            // Uneven work, so that later groups often finish before earlier ones.
            usleep(useconds_t((group * 7919) % 5 * 300))
            // Several lanes each run on one thread; a single lane has all of them.
            computed[lane] = laneWorkers.threadCount == (lanes == 1 ? 3 : 1) ? group : -1
        } commit: { lane, _ in
            log.committed.append(computed[lane])
            log.lanes.insert(lane)
        }
        #expect(log.committed == Array(0..<groupCount))
        #expect(log.lanes.isSubset(of: Set(0..<lanes)))
    }

    @Test("a lane that fails stops the loop: its error comes back, and no later group commits")
    func failureAbandons() throws {
        let workers = try ConvolutionWorkers(threadCount: 2, scratchCount: 0)
        let log = Log()
        let failing = 5
        let computed = UnsafeMutablePointer<Int>.allocate(capacity: 2)
        defer { computed.deallocate() }
        let error = #expect(throws: UVSegError.self) {
            try GroupSchedule.run(40, laneCount: 2, on: workers) { (group, lane, _) throws(UVSegError) in
                if group == failing { throw UVSegError(.cancelled, "group \(group) failed") }
                usleep(200)
                computed[lane] = group
            } commit: { lane, _ in
                log.committed.append(computed[lane])
            }
        }
        #expect(error?.kind == .cancelled)
        #expect(log.committed == Array(0..<log.committed.count))
        #expect(log.committed.count <= failing)
    }
}
