import Workflow

// The "Metrics" section of include/uvseg.h.

@_cdecl("uvs_evaluate")
public func uvs_evaluate(
    _ prediction: OpaquePointer?, _ truth: OpaquePointer?, _ label: Int32, _ outMetrics: UnsafeMutableRawPointer?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let prediction = try labelMap(prediction, "prediction")
        let truth = try labelMap(truth, "truth")
        let out = try required(outMetrics, "out_metrics")
        let record = try MetricsRecord(at: out)
        let evaluation = try SegmentationEvaluation(prediction: prediction, truth: truth, labels: [label])
        guard let metrics = evaluation.labels.first else {
            throw .invalidArgument("no metrics for label \(label)")
        }
        record.write(metrics)
    }
}

/// The labels of the volume behind a handle argument the contract requires.
func labelMap(_ handle: OpaquePointer?, _ name: String) throws(UVSegError) -> LabelMap {
    try labelMap(of: VolumeObject.borrowed(handle, name).volume, name)
}

/// The labels of a volume an argument named `name` refers to, errors naming it.
func labelMap(of volume: Volume, _ name: String) throws(UVSegError) -> LabelMap {
    do {
        return try LabelMap(volume)
    } catch {
        throw UVSegError(error.kind, "\(name): \(error.message)")
    }
}

/// A caller's `uvs_metrics`, which starts with its own size so that later versions can append
/// fields: the library writes the fields that fit in `struct_size` bytes and no byte beyond.
private struct MetricsRecord {
    /// The fields after `struct_size`, in the header's order, each a double.
    private static func fields(of metrics: LabelMetrics) -> [Double] {
        [
            metrics.dice, metrics.iou, metrics.hausdorff95Millimetres, metrics.averageSurfaceDistanceMillimetres,
            metrics.predictedMillilitres, metrics.truthMillilitres,
        ]
    }
    /// How many doubles the first version of the struct holds.
    private static let firstVersionFieldCount = 6
    /// Where the first double lies: right after `uint64_t struct_size`.
    private static let firstFieldOffset = MemoryLayout<UInt64>.size
    /// The size of the first version of the struct, the smallest a caller may pass.
    private static let firstVersionSize = firstFieldOffset + firstVersionFieldCount * MemoryLayout<Double>.size

    private let pointer: UnsafeMutableRawPointer

    init(at pointer: UnsafeMutableRawPointer) throws(UVSegError) {
        let size = pointer.load(as: UInt64.self)
        guard size >= Self.firstVersionSize else {
            throw .invalidArgument(
                "out_metrics->struct_size is \(size); set it to sizeof(uvs_metrics) (at least \(Self.firstVersionSize))")
        }
        self.pointer = pointer
    }

    /// Writes the first version's fields, which `init` checked fit; fields a later version adds
    /// must be written only when `size` covers them.
    func write(_ metrics: LabelMetrics) {
        for (index, value) in Self.fields(of: metrics).enumerated() {
            let offset = Self.firstFieldOffset + index * MemoryLayout<Double>.size
            pointer.storeBytes(of: value, toByteOffset: offset, as: Double.self)
        }
    }
}
