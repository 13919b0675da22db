#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Diagnostics
import Synchronization

/// The float memory a network's calls give back, kept for its next calls.
///
/// A call at S = 64 makes some 200 MB of maps. Fresh memory comes from the system as pages that
/// are mapped, faulted in and zeroed one by one; on the machines measured that cost about 15 % of
/// a call, while zeroing memory already mapped costs a fraction of it. Buffers are kept by exact
/// size, and when a call ends with no other call running, the buffers no call took since the pool
/// was last idle are released: what stays is about the working memory of the last calls. A call
/// of other sizes therefore runs beside what the calls before it left, until it ends.
package final class BufferPool: Sendable {
    /// A buffer waiting to be taken again, with the generation in which it was last given back.
    struct Kept {
        let address: UInt
        let generation: Int
    }

    struct State {
        var kept: [Int: [Kept]] = [:]
        var runningCalls = 0
        /// Counts the times the pool went from idle to running a call.
        var generation = 0

        /// Forgets every kept buffer; returns their addresses.
        mutating func removeAll() -> [UInt] {
            defer { kept = [:] }
            return kept.values.flatMap { $0.map(\.address) }
        }
    }

    /// Internal, not private, for the checks of `BufferPool+Testing.swift`.
    let state = Mutex(State())

    /// Memory for `count` floats (one at least): a kept buffer of that size, or new memory, zero-
    /// filled unless `zeroed` is false (then a kept buffer holds what it last held). Hand it back
    /// with `give`.
    func take(_ count: Int, zeroed: Bool = true) throws(UVSegError) -> UnsafeMutablePointer<Float> {
        let length = max(count, 1)
        let address = state.withLock { state in state.kept[length]?.popLast()?.address }
        if let address, let memory = UnsafeMutablePointer<Float>(bitPattern: address) {
            if zeroed { memory.update(repeating: 0, count: length) }
            return memory
        }
        if let memory = FloatBuffer.systemMemory(count: count) { return memory }
        // Out of memory: what the pool keeps goes back to the system before the one retry.
        Self.release(state.withLock { $0.removeAll() })
        guard let memory = FloatBuffer.systemMemory(count: count) else { throw FloatBuffer.allocationError(count: count) }
        return memory
    }

    /// Gives the buffers at `addresses` back to the system.
    private static func release(_ addresses: [UInt]) {
        for address in addresses {
            if let memory = UnsafeMutablePointer<Float>(bitPattern: address) { FloatBuffer.releaseSystemMemory(memory) }
        }
    }

    /// Keeps memory that `take(count)` returned, for a later `take` of the same size.
    func give(_ memory: UnsafeMutablePointer<Float>, count: Int) {
        let length = max(count, 1)
        state.withLock { state in
            state.kept[length, default: []].append(Kept(address: UInt(bitPattern: memory), generation: state.generation))
        }
    }

    /// Runs `call`, one call of the network: buffers given back from then on are marked as in
    /// use, and when the pool is idle again, those that no call took or gave back meanwhile are
    /// released. Every buffer of the call must be given back when `call` returns.
    func whileRunningCall<Result>(_ call: () throws(UVSegError) -> Result) throws(UVSegError) -> Result {
        state.withLock { state in
            if state.runningCalls == 0 { state.generation += 1 }
            state.runningCalls += 1
        }
        defer { releaseUnusedIfIdle() }
        return try call()
    }

    /// Ends a call; when it was the last one running, frees the buffers older than its generation.
    private func releaseUnusedIfIdle() {
        let unused = state.withLock { (state) -> [UInt] in
            state.runningCalls -= 1
            guard state.runningCalls == 0 else { return [] }
            var unused: [UInt] = []
            for (length, buffers) in state.kept {
                let (recent, stale) = (buffers.filter { $0.generation == state.generation }, buffers.filter { $0.generation != state.generation })
                unused += stale.map(\.address)
                state.kept[length] = recent.isEmpty ? nil : recent
            }
            return unused
        }
        Self.release(unused)
    }

    deinit {
        Self.release(state.withLock { $0.removeAll() })
    }
}
