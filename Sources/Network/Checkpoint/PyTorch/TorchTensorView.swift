import Diagnostics

/// A tensor as `torch._utils._rebuild_tensor_v2` describes it: a strided view of a storage.
struct TorchTensorView {
    /// The storage's index among the interpreter's objects.
    var storage: Int
    var offset: Int
    var shape: [Int]
    var strides: [Int]

    /// Builds a view from the pickled offset, size and stride after checking them: sizes and
    /// strides non-negative, as many strides as sizes; the shape and strides are charged to `budget`.
    init(storage: Int, offset: PickleValue, size: PickleValue, stride: PickleValue, budget: inout MemoryBudget)
        throws(UVSegError)
    {
        guard case .int(let offset) = offset, offset >= 0,
            let shape = try Self.naturals(size, budget: &budget), let strides = try Self.naturals(stride, budget: &budget),
            shape.count == strides.count
        else {
            throw .badFormat(
                "the checkpoint describes a tensor with an invalid offset, size or stride "
                    + "(\(offset.kindName), \(size.kindName), \(stride.kindName))")
        }
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.strides = strides
    }

    /// The number of elements, or nil when it does not fit in an Int.
    var elementCount: Int? {
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// The values in row-major order, read from a storage of `storageCount` elements in `bytes`.
    func values(from bytes: ArraySlice<UInt8>, storageCount: Int, type: TorchStorageType, bigEndian: Bool)
        throws(UVSegError) -> [Float]
    {
        guard let count = elementCount else { throw outOfStorage(storageCount) }
        guard count > 0 else { return [] }
        // The farthest element must lie inside the storage; then every element does.
        var last = offset
        for (size, stride) in zip(shape, strides) {
            let (step, overflowMultiply) = (size - 1).multipliedReportingOverflow(by: stride)
            let (sum, overflowAdd) = last.addingReportingOverflow(step)
            guard !overflowMultiply, !overflowAdd else { throw outOfStorage(storageCount) }
            last = sum
        }
        guard last < storageCount else { throw outOfStorage(storageCount) }

        // A stride along an axis of size 1 is never taken; zero it so no step can overflow.
        let strides = zip(shape, strides).map { size, stride in size == 1 ? 0 : stride }
        var values: [Float] = []
        values.reserveCapacity(count)
        // Walk the index space in row-major order, keeping the storage position incrementally.
        var index = [Int](repeating: 0, count: shape.count)
        var position = offset
        for _ in 0..<count {
            values.append(type.element(position, of: bytes, bigEndian: bigEndian))
            var axis = shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                position += strides[axis]
                if index[axis] < shape[axis] { break }
                position -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return values
    }

    private func outOfStorage(_ storageCount: Int) -> UVSegError {
        .badFormat(
            "the checkpoint describes a tensor of shape \(shape) with strides \(strides) at offset "
                + "\(offset) that reaches beyond its storage of \(storageCount) elements")
    }

    /// A tuple of non-negative integers, or nil.
    private static func naturals(_ value: PickleValue, budget: inout MemoryBudget) throws(UVSegError) -> [Int]? {
        guard case .tuple(let tuple) = value else { return nil }
        try budget.charge(tuple.elements.count, of: MemoryLayout<Int>.stride, for: "the checkpoint's tensor shapes")
        var result: [Int] = []
        result.reserveCapacity(tuple.elements.count)
        for element in tuple.elements {
            guard case .int(let number) = element, number >= 0 else { return nil }
            result.append(number)
        }
        return result
    }
}
