/// Four consecutive floats read and written as one vector, at any alignment.
///
/// Written as four scalar accesses, which the optimizer merges into one unaligned vector access;
/// unlike the raw-pointer generics, these always inline into the loops that use them.
extension UnsafePointer where Pointee == Float {
    @inline(__always)
    func vector(at offset: Int) -> SIMD4<Float> {
        SIMD4(self[offset], self[offset + 1], self[offset + 2], self[offset + 3])
    }
}

extension UnsafeMutablePointer where Pointee == Float {
    @inline(__always)
    func vector(at offset: Int) -> SIMD4<Float> {
        UnsafePointer(self).vector(at: offset)
    }

    @inline(__always)
    func setVector(_ values: SIMD4<Float>, at offset: Int) {
        self[offset] = values[0]
        self[offset + 1] = values[1]
        self[offset + 2] = values[2]
        self[offset + 3] = values[3]
    }
}
