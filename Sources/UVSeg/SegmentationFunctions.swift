import Diagnostics
import Network
import NIfTI
import Workflow

// The "Volume segmentation" section of include/uvseg.h.

@_cdecl("uvs_segment_volume")
public func uvs_segment_volume(
    _ model: OpaquePointer?, _ query: OpaquePointer?,
    _ supportImages: UnsafePointer<OpaquePointer?>?, _ supportLabels: UnsafePointer<OpaquePointer?>?,
    _ nSupport: Int32, _ options: OpaquePointer?, _ outResult: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let loaded = Handle.object(try required(model, "model"), as: ModelObject.self).model
        let queryVolume = try volume(query, "query")
        let supportCount = try count(nSupport, "n_support")
        let images = try required(supportImages, "support_images")
        let labels = try required(supportLabels, "support_labels")
        let out = try required(outResult, "out_result")
        let settings = options.map { Handle.object($0, as: Options.self) } ?? Options()
        var support = [LabelledVolume]()
        for index in 0..<supportCount {
            let image = try volume(images[index], "support_images[\(index)]")
            let labelMap = try labelMap(of: volume(labels[index], "support_labels[\(index)]"), "support_labels[\(index)]")
            do throws(UVSegError) {
                support.append(try LabelledVolume(image: image, labels: labelMap))
            } catch {
                throw UVSegError(error.kind, "support pair \(index): \(error.message)")
            }
        }
        let model = try settings.inputSize.map { size throws(UVSegError) in
            try UniverSegModel(network: loaded.network, inputSize: size)
        }
        let segmenter = VolumeSegmenter(model: model ?? loaded, options: settings.segmentation)
        let result = try segmenter.segment(query: queryVolume, support: support, progress: settings.progressReporter)
        out.pointee = Handle.retain(SegmentationObject(result, query: queryVolume))
    }
}

@_cdecl("uvs_segmentation_free")
public func uvs_segmentation_free(_ result: OpaquePointer?) {
    Handle.release(result, as: SegmentationObject.self)
}

@_cdecl("uvs_segmentation_label_map")
public func uvs_segmentation_label_map(
    _ result: OpaquePointer?, _ outLabels: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let segmentation = Handle.object(try required(result, "result"), as: SegmentationObject.self)
        try required(outLabels, "out_labels").pointee = Handle.retain(VolumeObject(segmentation.labelMap))
    }
}

@_cdecl("uvs_segmentation_label_count")
public func uvs_segmentation_label_count(_ result: OpaquePointer?) -> Int32 {
    guard let result else { return 0 }
    return Int32(Handle.object(result, as: SegmentationObject.self).probabilities.count)
}

@_cdecl("uvs_segmentation_probabilities")
public func uvs_segmentation_probabilities(
    _ result: OpaquePointer?, _ index: Int32, _ outLabel: UnsafeMutablePointer<Int32>?,
    _ outProbabilities: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let segmentation = Handle.object(try required(result, "result"), as: SegmentationObject.self)
        let label = try required(outLabel, "out_label")
        let out = try required(outProbabilities, "out_probabilities")
        guard segmentation.probabilities.indices.contains(Int(index)) else {
            throw .invalidArgument(
                "index must be from 0 to \(segmentation.probabilities.count - 1) (the segmented labels), got \(index)")
        }
        let entry = segmentation.probabilities[Int(index)]
        label.pointee = entry.label
        out.pointee = Handle.retain(VolumeObject(entry.volume))
    }
}

/// The volume behind a handle argument named `name`.
private func volume(_ handle: OpaquePointer?, _ name: String) throws(UVSegError) -> Volume {
    Handle.object(try required(handle, name), as: VolumeObject.self).volume
}

extension Options {
    /// The caller's progress callback as the workflow's reporter (silent when none is set).
    var progressReporter: ProgressReporter {
        guard let (callback, userData) = progress else { return .silent }
        return ProgressReporter { fraction, stage in
            stage.rawValue.withCString { callback(fraction, $0, userData) } == 0 ? .proceed : .cancel
        }
    }
}
