import Diagnostics
import Testing
@testable import NIfTI

/// One stored datatype: its code, some values at its extremes, and how a file stores them.
struct StoredValues: CustomTestStringConvertible, Sendable {
    let name: String
    let code: Int
    let bitpix: Int
    /// The values as nibabel's get_fdata would give them (Double), before rounding to Float.
    let expected: [Double]
    let encode: @Sendable (NIfTIBytes) -> [UInt8]

    var testDescription: String { name }

    /// 1e-320, below Double's normal range; parsed at run time because the literal warns that it underflows.
    private static let subnormal = Double("1e-320")!

    static let all: [StoredValues] = [
        .init(name: "uint8", code: 2, bitpix: 8, expected: [0, 255, 7, 1]) { $0.encode([UInt8(0), 255, 7, 1]) },
        .init(name: "int8", code: 256, bitpix: 8, expected: [-128, 127, 0, -1]) { $0.encode([Int8.min, .max, 0, -1]) },
        .init(name: "int16", code: 4, bitpix: 16, expected: [-32768, 32767, 3, -2]) { $0.encode([Int16.min, .max, 3, -2]) },
        .init(name: "uint16", code: 512, bitpix: 16, expected: [0, 65535, 256, 1]) { $0.encode([UInt16(0), .max, 256, 1]) },
        .init(name: "int32", code: 8, bitpix: 32, expected: [-2147483648, 2147483647, 70000, -5]) {
            $0.encode([Int32.min, .max, 70000, -5])
        },
        .init(name: "uint32", code: 768, bitpix: 32, expected: [0, 4294967295, 70000, 9]) {
            $0.encode([UInt32(0), .max, 70000, 9])
        },
        .init(name: "int64", code: 1024, bitpix: 64, expected: [-9223372036854775808, Double(Int64(9007199254740993)), 1, -1]) {
            $0.encode([Int64.min, 9007199254740993, 1, -1])
        },
        .init(name: "uint64", code: 1280, bitpix: 64, expected: [Double(UInt64.max), 0, 1, 12]) {
            $0.encode([UInt64.max, 0, 1, 12])
        },
        .init(name: "float32", code: 16, bitpix: 32, expected: [-1.5, 3.25e-20, .infinity, 0]) {
            $0.encode([Float(-1.5), 3.25e-20, .infinity, 0])
        },
        .init(name: "float64", code: 64, bitpix: 64, expected: [1e300, -0.1, 2.5, -subnormal]) {
            $0.encode([1e300, -0.1, 2.5, -subnormal])
        },
    ]
}

@Suite("Reading NIfTI files")
struct ReadingTests {
    @Test("every numeric datatype, both byte orders, both versions", arguments: StoredValues.all, [false, true])
    func datatypes(stored: StoredValues, bigEndian: Bool) throws {
        let folder = try TemporaryFolder()
        for version in [1, 2] {
            var file = NIfTIBytes(version: version, bigEndian: bigEndian, dims: [3, 2, 2, 1], datatype: stored.code)
            file.bitpix = stored.bitpix
            file.data = stored.encode(file)
            let path = folder.file("v\(version).nii")
            try file.write(to: path)
            let nifti = try NIfTIFile(path: path)
            #expect(nifti.header.version == version)
            #expect(nifti.header.isByteSwapped == (bigEndian == (1.littleEndian == 1)))
            #expect(nifti.header.datatype.name == stored.name)
            let volume = try nifti.volume()
            #expect(volume.size == GridSize(i: 2, j: 2, k: 1))
            #expect(volume.voxels == stored.expected.map { Float($0) })
        }
    }

    @Test("scl_slope and scl_inter are applied, in Double, unless the slope is 0 or not finite")
    func scaling() throws {
        let folder = try TemporaryFolder()
        for (slope, intercept, expected) in [
            (2.0, -1.0, [Float(-1), 199, -21, 2047]), (0.5, 0.25, [0.25, 50.25, -4.75, 512.25]),
            (0.0, 7.0, [0, 100, -10, 1024]), (Double.nan, 7.0, [0, 100, -10, 1024]),
        ] {
            var file = NIfTIBytes(dims: [3, 4, 1, 1], slope: slope, intercept: intercept)
            file.data = file.encode([Int16(0), 100, -10, 1024])
            try file.write(to: folder.file("s.nii"))
            let volume = try NIfTIFile(path: folder.file("s.nii")).volume()
            #expect(volume.voxels == expected, "slope \(slope) intercept \(intercept)")
            #expect(volume.metadata.scaling.isApplied == (slope != 0 && slope.isFinite))
        }
    }

    @Test("a 4-D file reads one volume by index, and all volumes in one pass")
    func fourDimensional() throws {
        let folder = try TemporaryFolder()
        var file = NIfTIBytes(dims: [4, 2, 1, 1, 3], datatype: 2, bitpix: 8)
        file.data = [1, 2, 10, 20, 100, 200]
        try file.write(to: folder.file("t.nii"))
        let nifti = try NIfTIFile(path: folder.file("t.nii"))
        #expect(nifti.volumeCount == 3)
        #expect(try nifti.volume(at: 1).voxels == [10, 20])
        #expect(try nifti.volume(at: 2).metadata.volumeIndex == 2)
        var seen: [[Float]] = []
        try nifti.forEachVolume { volume in seen.append(volume.voxels) }
        #expect(seen == [[1, 2], [10, 20], [100, 200]])
        let error = caughtError { try nifti.volume(at: 3) }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("out of range") == true)
    }

    @Test("dims 5 to 7 count as further volumes")
    func higherDimensions() throws {
        let folder = try TemporaryFolder()
        var file = NIfTIBytes(dims: [6, 1, 1, 1, 2, 1, 2], datatype: 2, bitpix: 8)
        file.data = [5, 6, 7, 8]
        try file.write(to: folder.file("t.nii"))
        let nifti = try NIfTIFile(path: folder.file("t.nii"))
        #expect(nifti.header.dims == [1, 1, 1, 2, 1, 2])
        #expect(nifti.volumeCount == 4)
        #expect(try nifti.volume(at: 3).voxels == [8])
    }

    @Test("a .hdr/.img pair reads from either name, and a .nii.gz decompresses")
    func pairsAndGzip() throws {
        let folder = try TemporaryFolder()
        var pair = NIfTIBytes(dims: [3, 2, 1, 1], magic: "ni1")
        pair.data = pair.encode([Int16(-3), 4])
        try pair.write(to: folder.file("p.hdr"))
        #expect(try NIfTIFile(path: folder.file("p.hdr")).volume().voxels == [-3, 4])
        let fromImage = try NIfTIFile(path: folder.file("p.img"))
        #expect(fromImage.header.imagePath.hasSuffix("p.img"))
        #expect(try fromImage.volume().voxels == [-3, 4])

        var single = NIfTIBytes(version: 2, dims: [3, 1, 2, 1])
        single.data = single.encode([Int16(9), 8])
        try writeGzip(single.bytes, to: folder.file("g.nii.gz"))
        #expect(try NIfTIFile(path: folder.file("g.nii.gz")).volume().voxels == [9, 8])
    }

    @Test("intent, description, units and the file's dims are kept in the metadata")
    func metadata() throws {
        let folder = try TemporaryFolder()
        var file = NIfTIBytes(dims: [3, 1, 1, 1], xyztUnits: 2 | 16, intentCode: 1002, description: "T1 weighted")
        file.data = file.encode([Int16(1)])
        try file.write(to: folder.file("m.nii"))
        let volume = try NIfTIFile(path: folder.file("m.nii")).volume()
        #expect(volume.metadata.intent.code == 1002)
        #expect(volume.metadata.description == "T1 weighted")
        #expect(volume.metadata.dims == [1, 1, 1])
        #expect(volume.geometry.units == Units(spatial: .millimetre, temporal: .millisecond))
    }

    @Test("statistics follow numpy: a NaN makes them NaN, infinities count as numbers")
    func statistics() {
        var finite = VoxelStatistics()
        finite.add([1, -2, 4] as [Float])
        finite.add([5] as [Float])
        #expect(finite.minimum == -2 && finite.maximum == 5 && finite.mean == 2)
        var infinite = finite
        infinite.add([Float.infinity])
        #expect(infinite.maximum == .infinity && infinite.mean == .infinity && infinite.infiniteCount == 1)
        var nan = finite
        nan.add([Float.nan])
        #expect(nan.minimum.isNaN && nan.maximum.isNaN && nan.mean.isNaN && nan.nanCount == 1)
    }

    @Test("NaN voxels are kept as they are")
    func nanVoxels() throws {
        let folder = try TemporaryFolder()
        var file = NIfTIBytes(dims: [3, 3, 1, 1], datatype: 16, bitpix: 32)
        file.data = file.encode([Float.nan, 1, -.infinity])
        try file.write(to: folder.file("n.nii"))
        let voxels = try NIfTIFile(path: folder.file("n.nii")).volume().voxels
        #expect(voxels[0].isNaN && voxels[1] == 1 && voxels[2] == -.infinity)
    }
}
