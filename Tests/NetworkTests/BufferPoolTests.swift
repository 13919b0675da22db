import Diagnostics
@testable import Network
import Testing

/// The memory a network keeps from call to call: zero-filled when taken again, and no more than
/// the last calls used.
@Suite("BufferPool: memory kept between calls")
struct BufferPoolTests {
    @Test("a buffer taken again is the same memory, zero-filled; another size is new memory")
    func takenAgainIsZeroed() throws {
        let pool = BufferPool()
        let first = try pool.take(1000)
        first.update(repeating: 7, count: 1000)
        pool.give(first, count: 1000)
        let again = try pool.take(1000)
        #expect(again == first)
        #expect(UnsafeBufferPointer(start: again, count: 1000).allSatisfy { $0 == 0 })
        let other = try pool.take(999)
        #expect(other != first)
        pool.give(again, count: 1000)
        pool.give(other, count: 999)
        #expect(pool.keptFloatCount == 1999)
    }

    @Test("buffers start on a cache line and are zero-filled, with or without a pool, any size",
          arguments: [0, 1, 3, 17, 1000, 1 << 20])
    func alignedAndZeroed(count: Int) throws {
        let pool = BufferPool()
        for buffer in [try FloatBuffer(count: count), try FloatBuffer(count: count, pool: pool)] {
            #expect(UInt(bitPattern: buffer.values) % UInt(FloatBuffer.alignment) == 0)
            #expect(UnsafeBufferPointer(start: buffer.values, count: count).allSatisfy { $0 == 0 })
            // The whole extent is writable.
            buffer.values.update(repeating: 1, count: max(count, 1))
        }
    }

    @Test("memory that cannot be had is an error, after what the pool keeps went back to the system")
    func outOfMemoryReleasesKept() throws {
        let pool = BufferPool()
        pool.give(try pool.take(4096), count: 4096)
        #expect(pool.keptFloatCount == 4096)
        #expect(throws: UVSegError.self) { try pool.take(Int.max / 8) }
        #expect(pool.keptFloatCount == 0)
    }

    @Test("when the pool is idle again, it keeps only what the calls since it was idle gave back")
    func releasesWhatNoCallUsed() throws {
        let pool = BufferPool()
        try pool.whileRunningCall { () throws(UVSegError) in
            _ = try FloatBuffer(count: 300, pool: pool)
            _ = try FloatBuffer(count: 500, pool: pool)
        }
        #expect(pool.keptFloatCount == 800)
        // The next call uses the 300 and a new 200: the 500 goes.
        try pool.whileRunningCall { () throws(UVSegError) in
            _ = try FloatBuffer(count: 300, pool: pool)
            _ = try FloatBuffer(count: 200, pool: pool)
        }
        #expect(pool.keptFloatCount == 500)
    }

    @Test("calls running at once share the pool, and nothing is released until the last ends")
    func overlappingCalls() throws {
        let pool = BufferPool()
        try pool.whileRunningCall { () throws(UVSegError) in
            _ = try FloatBuffer(count: 64, pool: pool)
        }
        try pool.whileRunningCall { () throws(UVSegError) in
            let outer = try FloatBuffer(count: 128, pool: pool)
            try pool.whileRunningCall { () throws(UVSegError) in
                _ = try FloatBuffer(count: 256, pool: pool)
            }
            // The inner call ended while the outer runs: nothing was released.
            #expect(pool.keptFloatCount == 64 + 256)
            withExtendedLifetime(outer) {}
        }
        // Both used since the pool was last idle: kept; the 64 no call took went.
        #expect(pool.keptFloatCount == 128 + 256)
    }

    @Test("a network's later calls, on memory its earlier calls of other sizes gave back, give the same logits")
    func reusedMemoryGivesSameLogits() throws {
        let network = try UniverSegNetwork(contentsOf: CheckpointFixtures.path("nonsquare/weights.safetensors"))
        let parityCase = try NetworkParityTests.ParityCase(config: "nonsquare")
        let predict = { (supportCount: Int) throws -> [Float] in
            let support = parityCase.support(supportCount)
            return try network.predict(
                queries: parityCase.queries, supportImages: support.images, supportLabels: support.labels,
                queryCount: 2, supportCount: supportCount, height: parityCase.height, width: parityCase.width, threads: 2)
        }
        let first = try predict(5)
        _ = try predict(16)
        #expect(network.pool.keptFloatCount > 0)
        #expect(try predict(5) == first)
        // Memory a call takes without zeroing it must be written before it is read: with NaN in
        // every kept buffer, the logits stay the same.
        network.pool.overwriteKept(with: .nan)
        #expect(try predict(5) == first)
        network.pool.overwriteKept(with: .nan)
        _ = try predict(16)
        #expect(try predict(5) == first)
    }
}
