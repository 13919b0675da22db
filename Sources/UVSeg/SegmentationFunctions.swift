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
        let queryObject = try VolumeObject.borrowed(query, "query")
        let queryVolume = queryObject.volume
        let out = try required(outResult, "out_result")
        let support = try labelledVolumes(
            supportImages, supportLabels, count: count(nSupport, "n_support"),
            names: ("support_images", "support_labels"))
        let settings = Options.settings(options)
        let segmenter = try VolumeSegmenter(model: loaded, options: settings.segmentation)
        let result = try segmenter.segment(query: queryVolume, support: support, progress: settings.progressReporter)
        out.pointee = Handle.retain(SegmentationObject(result, querySource: queryObject.source))
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
        try required(outLabels, "out_labels").pointee = Handle.retain(
            VolumeObject(segmentation.labelMap, source: segmentation.querySource))
    }
}

@_cdecl("uvs_segmentation_label_count")
public func uvs_segmentation_label_count(_ result: OpaquePointer?) -> Int32 {
    guard let result else { return 0 }
    // At most 255, or the labels asked for through an int32_t count: never clamped.
    return Int32(clamping: Handle.object(result, as: SegmentationObject.self).probabilities.count)
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
        out.pointee = Handle.retain(VolumeObject(entry.volume, source: segmentation.querySource))
    }
}

@_cdecl("uvs_segmentation_alignment_count")
public func uvs_segmentation_alignment_count(_ result: OpaquePointer?) -> Int32 {
    guard let result else { return 0 }
    // One per support volume, whose count came in as an int32_t.
    return Int32(clamping: Handle.object(result, as: SegmentationObject.self).alignments.count)
}

@_cdecl("uvs_segmentation_alignment")
public func uvs_segmentation_alignment(
    _ result: OpaquePointer?, _ index: Int32, _ outAffineSimilarity: UnsafeMutablePointer<Double>?,
    _ outSimilarity: UnsafeMutablePointer<Double>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let segmentation = Handle.object(try required(result, "result"), as: SegmentationObject.self)
        let affine = try required(outAffineSimilarity, "out_affine_similarity")
        let final = try required(outSimilarity, "out_similarity")
        guard segmentation.alignments.indices.contains(Int(index)) else {
            throw .invalidArgument(
                "index must be from 0 to \(segmentation.alignments.count - 1) (the aligned support volumes), got \(index)")
        }
        affine.pointee = segmentation.alignments[Int(index)].affineSimilarity
        final.pointee = segmentation.alignments[Int(index)].similarity
    }
}

/// The `count` image/label pairs of two parallel C arrays of volume handles, each pair checked
/// (labels on their image's grid); errors name the arguments (`names`) and the index.
func labelledVolumes(
    _ images: UnsafePointer<OpaquePointer?>?, _ labels: UnsafePointer<OpaquePointer?>?, count: Int,
    names: (images: String, labels: String)
) throws(UVSegError) -> [LabelledVolume] {
    let images = try required(images, names.images)
    let labels = try required(labels, names.labels)
    var pairs = [LabelledVolume]()
    for index in 0..<count {
        let image = try VolumeObject.borrowed(images[index], "\(names.images)[\(index)]").volume
        let labelName = "\(names.labels)[\(index)]"
        let labelMap = try labelMap(of: VolumeObject.borrowed(labels[index], labelName).volume, labelName)
        do throws(UVSegError) {
            pairs.append(try LabelledVolume(image: image, labels: labelMap))
        } catch {
            throw UVSegError(error.kind, "\(names.images)[\(index)] and \(labelName): \(error.message)")
        }
    }
    return pairs
}

extension Options {
    /// The options behind a handle argument that may be NULL, meaning the defaults.
    static func settings(_ handle: OpaquePointer?) -> Options {
        handle.map { Handle.object($0, as: Options.self) } ?? Options()
    }

    /// The caller's progress callback as the workflow's reporter (silent when none is set).
    var progressReporter: ProgressReporter {
        guard let (callback, userData) = progress else { return .silent }
        return ProgressReporter { fraction, stage in
            stage.rawValue.withCString { callback(fraction, $0, userData) } == 0 ? .proceed : .cancel
        }
    }
}
