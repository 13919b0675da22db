import Workflow

// The post-processing functions of the "Metrics" section of include/uvseg.h.

@_cdecl("uvs_labels_keep_largest_components")
public func uvs_labels_keep_largest_components(
    _ labels: OpaquePointer?, _ connectivity: Int32, _ outLabels: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let touching: Connectivity
        switch connectivity {
        case 6: touching = .faces
        case 26: touching = .full
        default: throw .invalidArgument("connectivity must be 6 or 26, got \(connectivity)")
        }
        try postProcess(labels, into: outLabels) { map throws(UVSegError) in
            try map.keepingLargestComponents(connectivity: touching)
        }
    }
}

@_cdecl("uvs_labels_fill_holes")
public func uvs_labels_fill_holes(
    _ labels: OpaquePointer?, _ outLabels: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        try postProcess(labels, into: outLabels) { map throws(UVSegError) in try map.fillingHoles() }
    }
}

/// Applies `step` to the label map behind `labels` and hands C a new volume with the result, with
/// the source's geometry and metadata.
private func postProcess(
    _ labels: OpaquePointer?, into outLabels: UnsafeMutablePointer<OpaquePointer?>?,
    _ step: (LabelMap) throws(UVSegError) -> LabelMap
) throws(UVSegError) {
    let source = try VolumeObject.borrowed(labels, "labels").volume
    let out = try required(outLabels, "out_labels")
    var result = source
    result.voxels = try step(labelMap(of: source, "labels")).labels.map(Float.init)
    out.pointee = Handle.retain(VolumeObject(result))
}
