import CNIfTI
import Diagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes segmentation results as NIfTI files that overlay their source image exactly.
///
/// The output carries the volume's `geometry` field for field (qform and its parameters, sform,
/// both codes, pixdim, units, dim_info), in the NIfTI version of the source (NIfTI-2 also when a
/// dimension exceeds NIfTI-1's 32767). Files are written atomically, several of them all or
/// nothing (see `StagedFiles`), gzipped when the name ends in `.nii.gz`.
public enum NIfTIWriter {
    /// Writes a label map; see `Output.labelMap` for the format and the errors, `StagedFiles` for
    /// how the file is written.
    public static func writeLabelMap(_ labels: Volume, to path: String) throws(UVSegError) {
        try write([.labelMap(labels, to: path)])
    }

    /// Writes probability maps; see `Output.probabilityMaps` for the format and the errors.
    public static func writeProbabilityMaps(_ maps: [Volume], to path: String) throws(UVSegError) {
        try write([.probabilityMaps(maps, to: path)])
    }

    /// Writes every output, all or nothing: when one cannot be written, no destination changes.
    ///
    /// - Throws: `.io` when a file cannot be written or moved into place, or a destination exists
    ///   and is not writable.
    public static func write(_ outputs: [Output]) throws(UVSegError) {
        try StagedFiles.write(outputs.map { output in
            (destination: output.path, compressed: FileSystem.isGzipName(output.path),
             body: { (file) throws(UVSegError) in try output.write(to: file) })
        })
    }

    /// A NIfTI file ready to be written: its checked contents and where they go.
    public struct Output {
        /// The destination.
        public let path: String
        private let header: [UInt8]
        private let volumes: [[Float]]
        private let datatype: VoxelType

        /// A label map: whole numbers 0...65535 stored as uint8 when all are at most 255, else
        /// uint16, with intent "label" and display range 0...max label.
        ///
        /// - Throws: `.invalidArgument` for a name other than `.nii`/`.nii.gz`, a voxel count that
        ///   does not match the size, a geometry with missing fields, or a voxel that is not a whole
        ///   number in range.
        public static func labelMap(_ labels: Volume, to path: String) throws(UVSegError) -> Output {
            try checkShape(labels)
            var largest: Float = 0
            for (index, value) in labels.voxels.enumerated() {
                guard value >= 0, value <= 65535, value == value.rounded() else {
                    throw .invalidArgument(
                        "a label map holds whole numbers from 0 to 65535, but voxel \(index) is \(value)")
                }
                largest = max(largest, value)
            }
            return try Output(
                [labels.voxels], size: labels.size, geometry: labels.geometry,
                datatype: largest <= 255 ? .uint8 : .uint16, version: labels.metadata.niftiVersion, intent: .label,
                description: "uvseg label map", calibration: [0, Double(largest)], path: path)
        }

        /// Probability maps as float32: one map as a 3-D file, several as a 4-D file with one volume
        /// per map (in order). All maps must share the first map's size and geometry.
        ///
        /// - Throws: as `labelMap`, and `.invalidArgument` for no maps or maps that differ in size or
        ///   geometry.
        public static func probabilityMaps(_ maps: [Volume], to path: String) throws(UVSegError) -> Output {
            guard let first = maps.first else { throw .invalidArgument("no probability maps to write") }
            for (index, map) in maps.enumerated() {
                try checkShape(map)
                guard map.size == first.size, map.geometry.isIdentical(to: first.geometry) else {
                    throw .invalidArgument(
                        "probability map \(index) differs from map 0 in size or geometry; all maps must share one grid")
                }
            }
            return try Output(
                maps.map(\.voxels), size: first.size, geometry: first.geometry, datatype: .float32,
                version: first.metadata.niftiVersion, intent: .none, description: "uvseg probability map",
                calibration: [0, 1], path: path)
        }

        private static func checkShape(_ volume: Volume) throws(UVSegError) {
            let size = volume.size
            guard size.i > 0, size.j > 0, size.k > 0, let count = size.axes.checkedProduct(),
                count == volume.voxels.count
            else {
                throw .invalidArgument(
                    "a volume of size \(size.axes) needs \(size.axes.checkedProduct().map(String.init) ?? "too many") "
                        + "voxels but has \(volume.voxels.count)")
            }
        }

        private init(
            _ volumes: [[Float]], size: GridSize, geometry: Geometry, datatype: VoxelType, version: Int,
            intent: Intent, description: String, calibration: [Double], path: String
        ) throws(UVSegError) {
            let lowercased = path.lowercased()
            guard lowercased.hasSuffix(".nii") || lowercased.hasSuffix(".nii.gz") else {
                throw .invalidArgument("\(path): uvseg writes .nii or .nii.gz files")
            }
            guard geometry.sform.count == 16, geometry.qform.offset.count == 3 else {
                throw .invalidArgument("the geometry needs a 16-number sform and a 3-number qform offset")
            }
            let dims = [volumes.count > 1 ? 4 : 3, size.i, size.j, size.k, volumes.count, 1, 1, 1]
            let fields = HeaderFields(
                dims: dims, datatype: datatype, geometry: geometry, intent: intent, description: description,
                calibration: calibration)
            let needsVersion2 = dims.contains { $0 > Int(Int16.max) } || version >= 2
            header = try needsVersion2 ? fields.bytes(as: nifti_2_header.self) : fields.bytes(as: nifti_1_header.self)
            self.volumes = volumes
            self.datatype = datatype
            self.path = path
        }

        /// Writes the header and the voxels to `file`.
        fileprivate func write(to file: CompressedFile) throws(UVSegError) {
            try file.write(header)
            for voxels in volumes { try VoxelEncoding(datatype: datatype).write(voxels, to: file) }
        }
    }
}

/// The header of an output file, before it is laid out as NIfTI-1 or NIfTI-2.
private struct HeaderFields {
    let dims: [Int]
    let datatype: VoxelType
    let geometry: Geometry
    let intent: Intent
    let description: String
    let calibration: [Double]

    /// The header (made by libnifti, then filled in) followed by the 4 empty extension bytes.
    func bytes<Layout: HeaderLayout>(as _: Layout.Type) throws(UVSegError) -> [UInt8] {
        var layout = try Self.blankHeader(Layout.self, dims: dims, datatype: datatype)
        layout.dataOffset = Double(Layout.byteCount + 4)
        layout.pixdims = [geometry.qform.qfac] + (geometry.pixdim + [1, 1, 1, 1, 1, 1, 1]).prefix(7)
        layout.scaling = Scaling(slope: 1, intercept: 0)
        layout.calibration = calibration
        layout.intent = intent
        layout.descriptionText = description
        layout.qformCode = geometry.qformCode
        let q = geometry.qform
        layout.quaternionParameters = [q.b, q.c, q.d] + q.offset
        layout.sformCode = geometry.sformCode
        layout.sformRows = Array(geometry.sform.prefix(12))
        layout.unitsCode = geometry.units.code
        layout.dimensionInfo = geometry.dimInfo
        return withUnsafeBytes(of: layout) { Array($0) } + [0, 0, 0, 0]
    }

    /// libnifti's fresh header for these dims and datatype (sizeof_hdr, magic, bitpix, ...).
    private static func blankHeader<Layout: HeaderLayout>(
        _: Layout.Type, dims: [Int], datatype: VoxelType
    ) throws(UVSegError) -> Layout {
        LibNIfTI.silence()
        var layout = Layout()
        let dims64 = dims.map(Int64.init)
        let made: UnsafeMutableRawPointer? = dims64.withUnsafeBufferPointer { dimsPointer in
            Layout.version == 2
                ? UnsafeMutableRawPointer(nifti_make_new_n2_header(dimsPointer.baseAddress, Int32(datatype.rawValue)))
                : UnsafeMutableRawPointer(nifti_make_new_n1_header(dimsPointer.baseAddress, Int32(datatype.rawValue)))
        }
        guard let made else { throw .outOfMemory("cannot allocate a NIfTI header") }
        defer { free(made) }
        withUnsafeMutableBytes(of: &layout) {
            $0.copyMemory(from: UnsafeRawBufferPointer(start: made, count: Layout.byteCount))
        }
        return layout
    }
}
