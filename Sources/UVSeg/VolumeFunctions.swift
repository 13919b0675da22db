import Workflow

// The "Volumes" section of include/uvseg.h.

@_cdecl("uvs_volume_read")
public func uvs_volume_read(
    _ path: UnsafePointer<CChar>?, _ volumeIndex: Int64, _ outVolume: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let path = try requiredString(path, "path")
        let out = try required(outVolume, "out_volume")
        guard volumeIndex >= 0 else { throw .invalidArgument("volume_index must be at least 0, got \(volumeIndex)") }
        let volume = try NIfTIFile(path: path).volume(at: Int(volumeIndex))
        out.pointee = Handle.retain(VolumeObject(volume, source: FileIdentity(path: path)))
    }
}

@_cdecl("uvs_volume_count_in_file")
public func uvs_volume_count_in_file(_ path: UnsafePointer<CChar>?, _ outCount: UnsafeMutablePointer<Int64>?) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let path = try requiredString(path, "path")
        let out = try required(outCount, "out_count")
        out.pointee = Int64(try NIfTIFile(path: path).volumeCount)
    }
}

@_cdecl("uvs_volume_create")
public func uvs_volume_create(
    _ reference: OpaquePointer?, _ voxels: UnsafePointer<Float>?, _ voxelCount: Int64,
    _ outVolume: UnsafeMutablePointer<OpaquePointer?>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let reference = try VolumeObject.borrowed(reference, "reference").volume
        let values = try voxelArray(voxels, voxelCount, for: reference, name: "voxels")
        let out = try required(outVolume, "out_volume")
        let volume = Volume(size: reference.size, voxels: values, geometry: reference.geometry, metadata: reference.metadata)
        out.pointee = Handle.retain(VolumeObject(volume))
    }
}

@_cdecl("uvs_volume_free")
public func uvs_volume_free(_ volume: OpaquePointer?) {
    Handle.release(volume, as: VolumeObject.self)
}

@_cdecl("uvs_volume_dims")
public func uvs_volume_dims(_ volume: OpaquePointer?, _ outDims: UnsafeMutablePointer<Int64>?) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let size = try VolumeObject.borrowed(volume, "volume").volume.size
        try copy(size.axes.map(Int64.init), to: outDims, "out_dims")
    }
}

@_cdecl("uvs_volume_spacing")
public func uvs_volume_spacing(_ volume: OpaquePointer?, _ outSpacing: UnsafeMutablePointer<Double>?) -> Int32 {
    callBoundary { () throws(UVSegError) in
        try copy(VolumeObject.borrowed(volume, "volume").volume.geometry.spacing, to: outSpacing, "out_spacing")
    }
}

@_cdecl("uvs_volume_affine")
public func uvs_volume_affine(_ volume: OpaquePointer?, _ outAffine: UnsafeMutablePointer<Double>?) -> Int32 {
    callBoundary { () throws(UVSegError) in
        try copy(VolumeObject.borrowed(volume, "volume").volume.geometry.affine, to: outAffine, "out_affine")
    }
}

@_cdecl("uvs_volume_axis_codes")
public func uvs_volume_axis_codes(_ volume: OpaquePointer?, _ outCodes: UnsafeMutablePointer<CChar>?) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let codes = try VolumeObject.borrowed(volume, "volume").volume.geometry.axisCodes.description
        try copy(codes.utf8.map { CChar(bitPattern: $0) } + [0], to: outCodes, "out_codes")
    }
}

@_cdecl("uvs_volume_voxel_count")
public func uvs_volume_voxel_count(_ volume: OpaquePointer?) -> Int64 {
    guard let volume else { return 0 }
    return Int64(Handle.object(volume, as: VolumeObject.self).volume.voxels.count)
}

@_cdecl("uvs_volume_copy_data")
public func uvs_volume_copy_data(
    _ volume: OpaquePointer?, _ outVoxels: UnsafeMutablePointer<Float>?, _ capacity: Int64
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let voxels = try VolumeObject.borrowed(volume, "volume").volume.voxels
        let out = try required(outVoxels, "out_voxels")
        guard capacity >= voxels.count else {
            throw .invalidArgument("out_voxels holds \(capacity) floats; the volume has \(voxels.count) voxels")
        }
        voxels.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { out.update(from: base, count: buffer.count) }
        }
    }
}

@_cdecl("uvs_volume_write_label_map")
public func uvs_volume_write_label_map(
    _ referenceHandle: OpaquePointer?, _ labels: UnsafePointer<Float>?, _ voxelCount: Int64, _ path: UnsafePointer<CChar>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let reference = try VolumeObject.borrowed(referenceHandle, "reference").volume
        let values = try voxelArray(labels, voxelCount, for: reference, name: "labels")
        let path = try destination(path, notReplacing: referenceHandle)
        try NIfTIWriter.writeLabelMap(
            Volume(size: reference.size, voxels: values, geometry: reference.geometry, metadata: reference.metadata),
            to: path)
    }
}

@_cdecl("uvs_volume_write_probability_maps")
public func uvs_volume_write_probability_maps(
    _ referenceHandle: OpaquePointer?, _ maps: UnsafePointer<Float>?, _ mapCount: Int32, _ voxelsPerMap: Int64,
    _ path: UnsafePointer<CChar>?
) -> Int32 {
    callBoundary { () throws(UVSegError) in
        let reference = try VolumeObject.borrowed(referenceHandle, "reference").volume
        let mapCount = try count(mapCount, "n_maps")
        let maps = try required(maps, "maps")
        guard voxelsPerMap == reference.voxels.count else {
            throw .invalidArgument(
                "voxels_per_map is \(voxelsPerMap); the reference volume has \(reference.voxels.count) voxels")
        }
        let path = try destination(path, notReplacing: referenceHandle)
        let perMap = reference.voxels.count
        _ = try elementCount(mapCount, perMap, of: "maps")
        let volumes = (0..<mapCount).map { index in
            Volume(
                size: reference.size, voxels: Array(UnsafeBufferPointer(start: maps + index * perMap, count: perMap)),
                geometry: reference.geometry, metadata: reference.metadata)
        }
        try NIfTIWriter.writeProbabilityMaps(volumes, to: path)
    }
}

/// The path a writer may write to: refused when it names the file the reference volume was read
/// from (however it is spelled), so that no call replaces a scan with its segmentation.
private func destination(_ path: UnsafePointer<CChar>?, notReplacing referenceHandle: OpaquePointer?) throws(UVSegError) -> String {
    let path = try requiredString(path, "path")
    let reference = try VolumeObject.borrowed(referenceHandle, "reference")
    if let source = reference.source, FileIdentity(path: path) == source {
        throw .invalidArgument("\(path) is the file the reference volume was read from; write to another file")
    }
    return path
}

/// A caller's buffer of `count` floats, which must be exactly one value per voxel of `reference`.
private func voxelArray(
    _ pointer: UnsafePointer<Float>?, _ count: Int64, for reference: Volume, name: String
) throws(UVSegError) -> [Float] {
    let pointer = try required(pointer, name)
    guard count == reference.voxels.count else {
        throw .invalidArgument("\(name) holds \(count) values; the reference volume has \(reference.voxels.count) voxels")
    }
    return Array(UnsafeBufferPointer(start: pointer, count: Int(count)))
}

/// Copies `values` into a caller's fixed-size output array.
private func copy<T>(_ values: [T], to pointer: UnsafeMutablePointer<T>?, _ name: String) throws(UVSegError) {
    let out = try required(pointer, name)
    for (index, value) in values.enumerated() { out[index] = value }
}
