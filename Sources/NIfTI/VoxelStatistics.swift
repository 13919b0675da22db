import Diagnostics

/// Minimum, maximum and mean of voxel values with numpy's semantics: a NaN anywhere makes all
/// three NaN; infinities take part as numbers. The sum is kept in Double.
public struct VoxelStatistics: Sendable, Equatable {
    public private(set) var count = 0
    /// How many values were NaN, and how many were +/- infinity.
    public private(set) var nanCount = 0
    public private(set) var infiniteCount = 0
    private var smallest = Float.infinity
    private var largest = -Float.infinity
    private var sum = 0.0

    public init() {}

    public mutating func add<Values: Collection>(_ values: Values) where Values.Element == Float {
        for value in values {
            if value.isNaN {
                nanCount += 1
            } else {
                if value.isInfinite { infiniteCount += 1 }
                smallest = min(smallest, value)
                largest = max(largest, value)
                sum += Double(value)
            }
        }
        count += values.count
    }

    /// NaN when there are no values or a NaN among them.
    public var minimum: Float { nanCount > 0 || count == 0 ? .nan : smallest }
    public var maximum: Float { nanCount > 0 || count == 0 ? .nan : largest }
    public var mean: Double { nanCount > 0 || count == 0 ? .nan : sum / Double(count) }

    /// The `p`-th percentile (0...100) of sorted values, interpolating linearly between neighbours
    /// as numpy's default does; 0 for no values.
    public static func percentile(_ p: Double, ofSorted values: [Float]) -> Double {
        guard let first = values.first else { return 0 }
        guard values.count > 1 else { return Double(first) }
        let position = p / 100 * Double(values.count - 1)
        let below = Int(position.rounded(.down))
        let above = min(below + 1, values.count - 1)
        let weight = position - Double(below)
        return Double(values[below]) * (1 - weight) + Double(values[above]) * weight
    }
}

extension NIfTIFile {
    /// The statistics of the scaled voxels of every volume, read in one pass.
    public func statistics() throws(UVSegError) -> VoxelStatistics {
        var statistics = VoxelStatistics()
        try forEachVolume { (volume) throws(UVSegError) in statistics.add(volume.voxels) }
        return statistics
    }
}
