/// What the tests read and do to a pool's kept memory; nothing in the engine uses these.
extension BufferPool {
    /// Floats held in kept buffers.
    package var keptFloatCount: Int {
        state.withLock { state in state.kept.reduce(0) { $0 + $1.key * $1.value.count } }
    }

    /// Sets every value of every kept buffer to `value`: a check that no call reads memory it did
    /// not write first fills them with NaN.
    package func overwriteKept(with value: Float) {
        state.withLock { state in
            for (length, buffers) in state.kept {
                for buffer in buffers {
                    UnsafeMutablePointer<Float>(bitPattern: buffer.address)?.update(repeating: value, count: length)
                }
            }
        }
    }
}
