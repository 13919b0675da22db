import CNIfTI
import Diagnostics

extension NIfTIHeader {
    /// Reads and checks the header of the NIfTI file at `path` (`.nii`, `.nii.gz`, `.hdr`, `.img`,
    /// optionally gzipped), without touching the voxel data beyond a size check.
    ///
    /// - Throws: `.io` when a file cannot be opened or is not a regular file (a folder, a FIFO, a
    ///   device: refused without blocking); `.badFormat` when the header is not a valid
    ///   NIfTI-1/2 header or the data cannot fit the file; `.unsupported` for complex, RGB and
    ///   128-bit data; `.outOfMemory` when one volume would exceed `NIfTIFile.memoryLimit`.
    public init(contentsOf path: String) throws(UVSegError) {
        LibNIfTI.silence()
        let headerPath = try Self.headerPath(for: path)
        let bytes = try Self.leadingBytes(of: headerPath)
        guard bytes.count >= nifti_1_header.byteCount else {
            throw .badFormat(
                "\(headerPath) is too short for a NIfTI header: \(bytes.count) bytes, a header has 348")
        }
        let version = bytes.withUnsafeBytes { raw in
            nifti_header_version(raw.bindMemory(to: CChar.self).baseAddress, raw.count)
        }
        switch version {
        case 1:
            try self.init(parsing: nifti_1_header.self, from: bytes, headerPath: headerPath)
        case 2 where bytes.count >= nifti_2_header.byteCount:
            try self.init(parsing: nifti_2_header.self, from: bytes, headerPath: headerPath)
        case 2:
            throw .badFormat(
                "\(headerPath) is too short for a NIfTI-2 header: \(bytes.count) bytes, a header has 540")
        default:
            throw .badFormat(
                "\(headerPath) is not a NIfTI file: no NIfTI-1 or NIfTI-2 size and magic "
                    + "(\"n+1\", \"ni1\", \"n+2\", \"ni2\") in its header (ANALYZE 7.5 is not supported)")
        }
    }

    /// The file holding the header for `path` as libnifti finds it (`x.img` -> `x.hdr`, `x` -> `x.nii`).
    private static func headerPath(for path: String) throws(UVSegError) -> String {
        guard !path.isEmpty else { throw .invalidArgument("the NIfTI file path is empty") }
        guard let found = NIfTIFileNames.header(for: path) else {
            if FileSystem.exists(path) {
                throw .badFormat("\(path) is not named like a NIfTI file (.nii, .nii.gz, .hdr, .img)")
            }
            throw .io("cannot open \(path): no such file")
        }
        return found
    }

    /// Up to 540 bytes from the start of `path`, decompressed when it is gzipped.
    private static func leadingBytes(of path: String) throws(UVSegError) -> [UInt8] {
        let file = try CompressedFile(reading: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: nifti_2_header.byteCount, alignment: 8)
        defer { buffer.deallocate() }
        let count = try file.read(into: buffer)
        return Array(buffer.prefix(count))
    }

    /// Interprets `bytes` as a header of type `Layout`, swapping it to native order when needed.
    private init<Layout: HeaderLayout>(
        parsing _: Layout.Type, from bytes: [UInt8], headerPath: String
    ) throws(UVSegError) {
        var layout = Layout()
        withUnsafeMutableBytes(of: &layout) { raw in
            raw.copyBytes(from: bytes.prefix(Layout.byteCount))
        }
        let isByteSwapped = layout.headerSize != Int32(Layout.byteCount)
        if isByteSwapped {
            withUnsafeMutableBytes(of: &layout) { swap_nifti_header($0.baseAddress, Int32(Layout.version)) }
        }
        let isSingleFile = layout.magicText.dropFirst().first == "+"
        let imagePath = isSingleFile ? headerPath : try Self.imagePath(forHeader: headerPath)
        try self.init(layout: layout, isByteSwapped: isByteSwapped, isSingleFile: isSingleFile,
                      headerPath: headerPath, imagePath: imagePath)
    }

    /// The `.img` (or `.img.gz`) next to a `.hdr`.
    private static func imagePath(forHeader headerPath: String) throws(UVSegError) -> String {
        guard let found = NIfTIFileNames.image(forHeader: headerPath) else {
            throw .io("cannot find the image file (.img or .img.gz) that belongs to the header \(headerPath)")
        }
        return found
    }

    /// Checks the fields of a native-order header and derives the file layout from them.
    private init<Layout: HeaderLayout>(
        layout: Layout, isByteSwapped: Bool, isSingleFile: Bool, headerPath: String, imagePath: String
    ) throws(UVSegError) {
        let dimensions = layout.dimensions
        let rank = dimensions[0]
        guard (1...7).contains(rank) else {
            throw .badFormat("\(headerPath) has dim[0] = \(rank); a NIfTI header needs 1 to 7 dimensions")
        }
        let dims = Array(dimensions[1...rank])
        if let bad = dims.firstIndex(where: { $0 < 1 }) {
            throw .badFormat(
                "\(headerPath) has dim[\(bad + 1)] = \(dims[bad]); every dimension must be at least 1")
        }
        guard let datatype = VoxelType(rawValue: layout.datatypeCode) else {
            throw .badFormat("\(headerPath) has an unknown datatype code \(layout.datatypeCode)")
        }
        guard datatype.isSupportedScalar else {
            throw .unsupported(
                "\(headerPath) holds \(datatype.name) voxels; uvseg reads real scalar images only "
                    + "(integers of 8 to 64 bits, float32, float64)")
        }
        let scaling = layout.scaling
        if scaling.isApplied && !scaling.intercept.isFinite {
            throw .badFormat("\(headerPath) has a valid scl_slope but a non-finite scl_inter")
        }
        let offset = layout.dataOffset
        guard offset.isFinite, offset >= 0, offset < 0x1p62 else {
            throw .badFormat("\(headerPath) has an impossible vox_offset \(offset)")
        }
        let pixdims = layout.pixdims
        let q = layout.quaternionParameters
        self.init(
            version: Layout.version, isByteSwapped: isByteSwapped, dims: dims, datatype: datatype,
            pixdim: Array(pixdims[1...7]),
            // A single file cannot have its data inside the header; nibabel moves such offsets
            // past the header and its 4 extension bytes too.
            dataOffset: isSingleFile ? max(Int(offset), Layout.byteCount + 4) : Int(offset),
            scaling: scaling, calibration: layout.calibration, qformCode: layout.qformCode,
            sformCode: layout.sformCode,
            quaternion: QuaternionForm(b: q[0], c: q[1], d: q[2], offset: Array(q[3...5]), qfac: pixdims[0]),
            sform: layout.sformRows + [0, 0, 0, 1],
            units: Units(spatialCode: layout.unitsCode & 0x07, temporalCode: layout.unitsCode & 0x38),
            dimInfo: layout.dimensionInfo, intent: layout.intent, description: layout.descriptionText,
            headerPath: headerPath, imagePath: imagePath)
        try checkSizes()
    }

    /// Refuses headers whose sizes overflow, exceed the memory limit or exceed the file.
    private func checkSizes() throws(UVSegError) {
        let tooLarge = UVSegError.badFormat(
            "\(headerPath) has dimensions \(dims.map(String.init).joined(separator: " x ")) that describe "
                + "more data than a file can hold")
        guard let voxels = dims.checkedProduct(),
            let volumeVoxels = gridSize.axes.checkedProduct(),
            let dataBytes = voxels.checkedMultiply(datatype.byteCount),
            let dataEnd = dataBytes.checkedAdd(dataOffset)
        else { throw tooLarge }
        let floatBytes = volumeVoxels.checkedMultiply(MemoryLayout<Float>.size) ?? .max
        guard floatBytes <= NIfTIFile.memoryLimit else {
            throw .outOfMemory(
                "\(headerPath) has volumes of \(volumeVoxels) voxels (\(dims.prefix(3).map(String.init).joined(separator: " x "))), "
                    + "which need \(floatBytes.formattedBytes) as float32; uvseg reads at most "
                    + "\(NIfTIFile.memoryLimit.formattedBytes) per volume")
        }
        // The size of a gzipped file is known only once it is read; reading checks it then.
        guard !FileSystem.isGzipName(imagePath) else { return }
        let fileSize = try RegularFile(reading: imagePath, what: "NIfTI file").size
        guard fileSize >= dataEnd else {
            throw .badFormat(
                "\(imagePath) is truncated: its header describes \(dataBytes) bytes of voxel data from "
                    + "byte \(dataOffset), but the file has only \(fileSize) bytes")
        }
    }
}
