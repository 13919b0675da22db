import Diagnostics

/// How a grid maps onto its closest canonical RAS+ grid: each array axis becomes one RAS axis,
/// possibly reversed. Permutations and flips only, so both directions are exact and cost one copy.
///
/// Made by `Volume.reorientedToRAS()`; `restore(_:)` maps a volume on the RAS grid (a segmentation,
/// a probability map) back onto the original grid with the original geometry, unchanged.
public struct Reorientation: Sendable, Equatable {
    /// For each original array axis i, j, k: the RAS axis it becomes and whether it runs reversed
    /// (nibabel's `io_orientation`).
    public let axes: [OrientedAxis]
    /// The original grid size and geometry, given back by `restore(_:)`.
    public let originalSize: GridSize
    public let originalGeometry: Geometry

    /// The reorientation of a grid of `size` placed by `geometry`.
    ///
    /// - Throws: `.badFormat` when the affine leaves an array axis without direction (a zero or
    ///   collinear column), `.invalidArgument` when the affine is malformed.
    public init(size: GridSize, geometry: Geometry) throws(UVSegError) {
        let codes = try geometry.axisCodes
        var axes: [OrientedAxis] = []
        for axis in codes.axes {
            guard let axis else {
                throw .badFormat(
                    "the affine gives array axis \(axes.count) no direction (\(codes)); "
                        + "the grid cannot be reoriented to RAS")
            }
            axes.append(axis)
        }
        self.axes = axes
        originalSize = size
        originalGeometry = geometry
    }

    /// Whether the grid already is RAS+ (nothing to do).
    public var isIdentity: Bool {
        axes.enumerated().allSatisfy { $0.element.worldAxis == $0.offset && !$0.element.isReversed }
    }

    /// The size of the RAS grid.
    public var rasSize: GridSize { toRAS.destinationSize }

    /// The voxel spacing along the RAS grid's axes i, j, k (mm).
    public var rasSpacing: [Double] {
        var spacing = originalGeometry.spacing
        for (axis, oriented) in axes.enumerated() { spacing[oriented.worldAxis] = originalGeometry.spacing[axis] }
        return spacing
    }

    /// The voxel (i, j, k, 1) of the RAS grid to voxel of the original grid, 4 x 4 (nibabel's
    /// `inv_ornt_aff`).
    var rasToOriginalVoxel: AffineMatrix {
        var matrix = AffineMatrix(diagonal: [0, 0, 0])
        let size = originalSize.axes
        for (axis, oriented) in axes.enumerated() {
            matrix[axis, oriented.worldAxis] = oriented.isReversed ? -1 : 1
            matrix[axis, 3] = oriented.isReversed ? Double(size[axis] - 1) : 0
        }
        return matrix
    }

    /// Original voxels (i fastest) rearranged onto the RAS grid.
    public func toRAS(_ voxels: [Float]) throws(UVSegError) -> [Float] {
        try toRAS.apply(to: voxels)
    }

    /// RAS-grid voxels (i fastest) rearranged onto the original grid.
    public func fromRAS(_ voxels: [Float]) throws(UVSegError) -> [Float] {
        try fromRAS.apply(to: voxels)
    }

    /// `volume`, on the RAS grid, moved back onto the original grid with the original geometry;
    /// its metadata are kept. `.invalidArgument` when its size is not `rasSize`.
    public func restore(_ volume: Volume) throws(UVSegError) -> Volume {
        guard volume.size == rasSize else {
            throw .invalidArgument(
                "a volume of size \(volume.size.axes) cannot be restored from a RAS grid of size \(rasSize.axes)")
        }
        return Volume(
            size: originalSize, voxels: try fromRAS(volume.voxels), geometry: originalGeometry,
            metadata: volume.metadata)
    }

    /// The RAS-grid geometry: the affine composed with the voxel mapping (as nibabel's
    /// `as_reoriented`), pixdim and dim_info permuted, sform and qform rewritten to the new affine.
    var rasGeometry: Geometry {
        let original = originalGeometry
        let affine = AffineMatrix(unchecked: original.affine).multiplied(by: rasToOriginalVoxel)
        var pixdim = original.pixdim
        var dimInfo: UInt8 = 0
        for (axis, oriented) in axes.enumerated() {
            if axis < pixdim.count, oriented.worldAxis < pixdim.count {
                pixdim[oriented.worldAxis] = original.pixdim[axis]
            }
        }
        for shift in [0, 2, 4] {
            let field = Int(original.dimInfo >> shift) & 3
            let moved = (1...3).contains(field) ? axes[field - 1].worldAxis + 1 : field
            dimInfo |= UInt8(moved << shift)
        }
        let code = original.sformCode != 0 ? original.sformCode : (original.qformCode != 0 ? original.qformCode : 2)
        return Geometry(
            affine: affine.elements, spacing: affine.columnLengths, qform: QuaternionForm(closestTo: affine),
            qformCode: original.qformCode, sform: affine.elements, sformCode: code, pixdim: pixdim,
            units: original.units, dimInfo: dimInfo)
    }

    private var toRAS: GridMapping {
        var sources = [GridMapping.Source](repeating: .init(axis: 0, isReversed: false), count: 3)
        for (axis, oriented) in axes.enumerated() {
            sources[oriented.worldAxis] = .init(axis: axis, isReversed: oriented.isReversed)
        }
        return GridMapping(sourceSize: originalSize, sources: sources)
    }

    private var fromRAS: GridMapping {
        GridMapping(
            sourceSize: toRAS.destinationSize,
            sources: axes.map { .init(axis: $0.worldAxis, isReversed: $0.isReversed) })
    }
}

extension Volume {
    /// This volume on its closest canonical RAS+ grid (as nibabel's `as_closest_canonical`), and
    /// the reorientation that maps results on that grid back. Exact: voxels are moved, never
    /// interpolated. A volume that already is RAS+ comes back unchanged.
    public func reorientedToRAS() throws(UVSegError) -> (volume: Volume, reorientation: Reorientation) {
        let reorientation = try Reorientation(size: size, geometry: geometry)
        guard !reorientation.isIdentity else { return (self, reorientation) }
        let volume = Volume(
            size: reorientation.rasSize, voxels: try reorientation.toRAS(voxels),
            geometry: reorientation.rasGeometry, metadata: metadata)
        return (volume, reorientation)
    }
}

/// A grid-to-grid copy where each destination axis reads one source axis, forwards or reversed.
struct GridMapping {
    struct Source {
        let axis: Int
        let isReversed: Bool
    }

    let sourceSize: GridSize
    /// One per destination axis.
    let sources: [Source]

    var destinationSize: GridSize {
        let size = sourceSize.axes
        return GridSize(i: size[sources[0].axis], j: size[sources[1].axis], k: size[sources[2].axis])
    }

    func apply(to voxels: [Float]) throws(UVSegError) -> [Float] {
        guard voxels.count == sourceSize.voxelCount else {
            throw .invalidArgument(
                "expected \(sourceSize.voxelCount) voxels for a grid of size \(sourceSize.axes), got \(voxels.count)")
        }
        let size = sourceSize.axes
        let sourceStrides = [1, size[0], size[0] * size[1]]
        var base = 0
        var steps = [0, 0, 0]
        for (destinationAxis, source) in sources.enumerated() {
            let stride = sourceStrides[source.axis]
            if source.isReversed { base += (size[source.axis] - 1) * stride }
            steps[destinationAxis] = source.isReversed ? -stride : stride
        }
        let destination = destinationSize
        var result = [Float](repeating: 0, count: voxels.count)
        voxels.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { output in
                var index = 0
                for k in 0..<destination.k {
                    for j in 0..<destination.j {
                        var from = base + k * steps[2] + j * steps[1]
                        for _ in 0..<destination.i {
                            output[index] = input[from]
                            index += 1
                            from += steps[0]
                        }
                    }
                }
            }
        }
        return result
    }
}
