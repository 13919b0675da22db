import Diagnostics
import NIfTI
import Synchronization
@testable import Workflow

/// A synthetic scan: labelled shapes defined on a RAS+ grid, stored in any array layout (axes
/// permuted and reversed) with the affine that places every voxel where it belongs.
struct Phantom: Sendable {
    /// Grid size and voxel size (mm) along R, A, S.
    var rasSize: [Int]
    var rasSpacing: [Double]
    /// The label at RAS voxel (r, a, s).
    var label: @Sendable (Int, Int, Int) -> Int32
    /// The image intensity of a voxel with a given label (distinct per label).
    var intensity: @Sendable (Int32) -> Float = { 100 + 900 * Float($0) }

    /// How the array axes i, j, k are stored: the RAS axis each runs along and whether it is reversed.
    struct Layout: Sendable, CustomStringConvertible {
        var axes: [(ras: Int, reversed: Bool)]
        static let ras = Layout(axes: [(0, false), (1, false), (2, false)])
        static let lps = Layout(axes: [(0, true), (1, true), (2, false)])
        /// i towards I, j towards R, k towards P: every axis moved, two reversed.
        static let permuted = Layout(axes: [(2, true), (0, false), (1, true)])
        static let all = [ras, lps, permuted]
        var description: String {
            String(axes.map { Array($0.reversed ? "LPI" : "RAS")[$0.ras] })
        }
    }

    /// The phantom's image and labels stored in `layout`.
    func volumes(_ layout: Layout, origin: [Double] = [-10, 20, 5]) throws -> (image: Volume, labels: LabelMap) {
        let size = layout.axes.map { rasSize[$0.ras] }
        var affine = [Double](repeating: 0, count: 16)
        affine[15] = 1
        for world in 0..<3 { affine[world * 4 + 3] = origin[world] }
        for (axis, stored) in layout.axes.enumerated() {
            let step = rasSpacing[stored.ras]
            affine[stored.ras * 4 + axis] = stored.reversed ? -step : step
            if stored.reversed { affine[stored.ras * 4 + 3] += step * Double(size[axis] - 1) }
        }
        var imageVoxels = [Float]()
        var labelVoxels = [Float]()
        for k in 0..<size[2] {
            for j in 0..<size[1] {
                for i in 0..<size[0] {
                    var ras = [0, 0, 0]
                    for (axis, index) in [i, j, k].enumerated() {
                        let stored = layout.axes[axis]
                        ras[stored.ras] = stored.reversed ? size[axis] - 1 - index : index
                    }
                    let value = label(ras[0], ras[1], ras[2])
                    imageVoxels.append(intensity(value))
                    labelVoxels.append(Float(value))
                }
            }
        }
        let gridSize = GridSize(i: size[0], j: size[1], k: size[2])
        let geometry = try Geometry(affine: affine)
        return (
            Volume(size: gridSize, voxels: imageVoxels, geometry: geometry),
            try LabelMap(Volume(size: gridSize, voxels: labelVoxels, geometry: geometry))
        )
    }

    func labelledVolume(_ layout: Layout) throws -> LabelledVolume {
        let (image, labels) = try volumes(layout)
        return try LabelledVolume(image: image, labels: labels)
    }

    /// An ellipsoid of label 1, off the grid's centre (so that mirroring or transposing it shows),
    /// with semi-axes a fraction of each extent.
    static func ellipsoid(size: [Int], spacing: [Double], fraction: Double = 0.3) -> Phantom {
        Phantom(rasSize: size, rasSpacing: spacing) { r, a, s in
            let position = [r, a, s].enumerated().map { axis, index in
                (Double(index) - 0.4 * Double(size[axis] - 1)) / (fraction * Double(size[axis]))
            }
            return position.reduce(0) { $0 + $1 * $1 } <= 1 ? 1 : 0
        }
    }
}

/// A stand-in for the network: the query slices themselves, scaled, are the logits. With
/// `gain` 1 the probabilities are sigmoid(query); with a large gain, a binary query comes back as
/// the same binary map, so slicing, resampling and reassembly can be checked exactly.
final class IdentityModel: InContextModel {
    let inputSize: Int
    let gain: Float
    let offset: Float
    let memoryLimit: Int
    /// What `minimumWorkingMemory` answers, per support count.
    let workingMemory: @Sendable (Int) -> Int
    /// The support count and memory limit of every call, in order.
    private let record = Mutex<[(supportCount: Int, memoryLimit: Int)]>([])

    var calls: Int { record.withLock { $0.count } }
    var supportCounts: [Int] { record.withLock { $0.map(\.supportCount) } }
    var memoryLimits: [Int] { record.withLock { $0.map(\.memoryLimit) } }

    init(
        inputSize: Int, gain: Float = 1, offset: Float = 0, memoryLimit: Int = MemoryBudget.defaultLimit,
        workingMemory: @escaping @Sendable (Int) -> Int = { _ in 0 }
    ) {
        self.inputSize = inputSize
        self.gain = gain
        self.offset = offset
        self.memoryLimit = memoryLimit
        self.workingMemory = workingMemory
    }

    func minimumWorkingMemory(supportCount: Int) -> Int { workingMemory(supportCount) }

    /// Logits for a binary query: +-gain/2 around 0.5.
    static func sharp(inputSize: Int) -> IdentityModel { IdentityModel(inputSize: inputSize, gain: 40, offset: 0.5) }

    func logits(
        queries: [Float], queryCount: Int, supportImages: [Float], supportLabels: [Float], supportCount: Int,
        memoryLimit: Int
    ) throws(UVSegError) -> [Float] {
        record.withLock { $0.append((supportCount, memoryLimit)) }
        return queries.map { gain * ($0 - offset) }
    }
}
