import Diagnostics
import Foundation
import Testing
@testable import NIfTI

@Suite("Writing label and probability maps")
struct WritingTests {
    /// A reference image with every geometry field set to something unusual.
    private func reference(version: Int = 1, bigEndian: Bool = false, in folder: TemporaryFolder) throws -> Volume {
        var file = NIfTIBytes(
            version: version, bigEndian: bigEndian, dims: [3, 3, 2, 2], pixdim: [-1, 0.9, 1.1, 2.5, 3, 1, 1, 1],
            qformCode: 1, sformCode: 4, quaternion: [0.1, -0.2, 0.3, -90.5, 12.25, 33],
            sform: [-0.9, 0.01, 0, 91.5, 0, 1.1, 0.02, -120.25, 0, 0, 2.5, -70], xyztUnits: 2 | 8)
        file.data = file.encode((0..<12).map(Int16.init))
        let path = folder.file("reference\(version)\(bigEndian).nii")
        try file.write(to: path)
        return try NIfTIFile(path: path).volume()
    }

    private func labels(on reference: Volume, _ values: [Float]) -> Volume {
        Volume(size: reference.size, voxels: values, geometry: reference.geometry, metadata: reference.metadata)
    }

    @Test("a label map keeps the reference geometry field for field", arguments: [(1, false), (1, true), (2, false)])
    func geometryKept(version: Int, bigEndian: Bool) throws {
        let folder = try TemporaryFolder()
        let reference = try reference(version: version, bigEndian: bigEndian, in: folder)
        let values: [Float] = [0, 1, 2, 0, 0, 3, 1, 1, 0, 0, 2, 2]
        try NIfTIWriter.writeLabelMap(labels(on: reference, values), to: folder.file("labels.nii.gz"))
        let written = try NIfTIFile(path: folder.file("labels.nii.gz"))
        #expect(written.header.datatype == .uint8)
        #expect(written.header.version == version)
        #expect(written.header.intent.code == 1002)
        let volume = try written.volume()
        #expect(volume.geometry == reference.geometry)
        #expect(volume.voxels == values)
        #expect(try folder.bytes("labels.nii.gz").prefix(2) == [0x1f, 0x8b])
    }

    @Test("labels above 255 are stored as uint16")
    func wideLabels() throws {
        let folder = try TemporaryFolder()
        let reference = try reference(in: folder)
        let values: [Float] = [0, 256, 65535] + [Float](repeating: 1, count: 9)
        try NIfTIWriter.writeLabelMap(labels(on: reference, values), to: folder.file("wide.nii"))
        let written = try NIfTIFile(path: folder.file("wide.nii"))
        #expect(written.header.datatype == .uint16)
        #expect(try written.volume().voxels == values)
        #expect(try folder.bytes("wide.nii").prefix(2) != [0x1f, 0x8b])
    }

    @Test("probability maps become one 4-D float32 file")
    func probabilityMaps() throws {
        let folder = try TemporaryFolder()
        let reference = try reference(in: folder)
        let maps = (0..<3).map { map in labels(on: reference, (0..<12).map { Float($0 + map) / 20 }) }
        try NIfTIWriter.writeProbabilityMaps(maps, to: folder.file("p.nii"))
        let written = try NIfTIFile(path: folder.file("p.nii"))
        #expect(written.header.dims == [3, 2, 2, 3] && written.header.datatype == .float32)
        for index in 0..<3 {
            let volume = try written.volume(at: index)
            #expect(volume.voxels == maps[index].voxels && volume.geometry == reference.geometry)
        }
    }

    @Test("bad labels are refused, leaving no file and an existing output untouched",
          arguments: [Float(-1), 2.5, .nan, 70000, .infinity])
    func badLabels(value: Float) throws {
        let folder = try TemporaryFolder()
        let reference = try reference(in: folder)
        let path = folder.file("out.nii")
        try Data("previous result".utf8).write(to: URL(fileURLWithPath: path))
        let before = try folder.contents()
        let error = caughtError {
            try NIfTIWriter.writeLabelMap(labels(on: reference, [value] + [Float](repeating: 0, count: 11)), to: path)
        }
        #expect(error?.kind == .invalidArgument)
        #expect(error?.message.contains("whole numbers from 0 to 65535, but voxel 0 is") == true)
        #expect(try folder.contents() == before)
        #expect(try folder.bytes("out.nii") == Array("previous result".utf8))
    }

    @Test("an I/O failure leaves nothing behind")
    func ioFailure() throws {
        let folder = try TemporaryFolder()
        let reference = try reference(in: folder)
        let missing = caughtError { try NIfTIWriter.writeLabelMap(reference, to: folder.file("no/such/folder/x.nii")) }
        #expect(missing?.kind == .io && missing?.message.contains("cannot create a file in") == true)

        // A directory in the way of the rename: the temporary file must be removed again.
        try FileManager.default.createDirectory(atPath: folder.file("taken.nii"), withIntermediateDirectories: false)
        try FileManager.default.createDirectory(atPath: folder.file("taken.nii/inside"), withIntermediateDirectories: false)
        let before = try folder.contents()
        let blocked = caughtError { try NIfTIWriter.writeLabelMap(reference, to: folder.file("taken.nii")) }
        #expect(blocked?.kind == .io && blocked?.message.contains("cannot move the finished file") == true)
        #expect(try folder.contents() == before)
    }

    @Test("wrong names, counts and empty map lists are invalid arguments")
    func invalidArguments() throws {
        let folder = try TemporaryFolder()
        let reference = try reference(in: folder)
        let name = caughtError { try NIfTIWriter.writeLabelMap(reference, to: folder.file("x.img")) }
        #expect(name?.kind == .invalidArgument && name?.message.contains(".nii or .nii.gz") == true)
        let count = caughtError { try NIfTIWriter.writeLabelMap(labels(on: reference, [1, 2]), to: folder.file("x.nii")) }
        #expect(count?.kind == .invalidArgument && count?.message.contains("needs 12 voxels but has 2") == true)
        let none = caughtError { try NIfTIWriter.writeProbabilityMaps([], to: folder.file("x.nii")) }
        #expect(none?.kind == .invalidArgument && none?.message.contains("no probability maps") == true)
        var other = reference
        other.geometry.sformCode = 1
        let mixed = caughtError { try NIfTIWriter.writeProbabilityMaps([reference, other], to: folder.file("x.nii")) }
        #expect(mixed?.kind == .invalidArgument && mixed?.message.contains("differs from map 0") == true)
    }

    @Test("several outputs are all or nothing: a failed rename puts back what was replaced", arguments: [true, false])
    func rollBack(firstExists: Bool) throws {
        let folder = try TemporaryFolder()
        let reference = try reference(in: folder)
        if firstExists { try Data("previous labels".utf8).write(to: URL(fileURLWithPath: folder.file("labels.nii"))) }
        // A folder that appears where the second output goes: its rename fails after the first's.
        try FileManager.default.createDirectory(atPath: folder.file("taken.nii/inside"), withIntermediateDirectories: true)
        let before = try folder.contents()
        let error = caughtError {
            try NIfTIWriter.write([
                .labelMap(reference, to: folder.file("labels.nii")),
                .probabilityMaps([reference], to: folder.file("taken.nii")),
            ])
        }
        #expect(error?.kind == .io && error?.message.contains("cannot move the finished file to") == true)
        #expect(try folder.contents() == before)
        if firstExists { #expect(try folder.bytes("labels.nii") == Array("previous labels".utf8)) }
    }

    @Test("several outputs replace their destinations together, each keeping its mode")
    func replaceTogether() throws {
        let folder = try TemporaryFolder()
        let reference = try reference(in: folder)
        for (name, mode) in [("labels.nii.gz", 0o600), ("maps.nii", 0o640)] {
            try Data("previous".utf8).write(to: URL(fileURLWithPath: folder.file(name)))
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: folder.file(name))
        }
        let before = try folder.contents()
        try NIfTIWriter.write([
            .labelMap(reference, to: folder.file("labels.nii.gz")),
            .probabilityMaps([reference, reference], to: folder.file("maps.nii")),
        ])
        #expect(try folder.contents() == before)
        #expect(try NIfTIFile(path: folder.file("labels.nii.gz")).header.datatype == .uint8)
        #expect(try NIfTIFile(path: folder.file("maps.nii")).volumeCount == 2)
        for (name, mode) in [("labels.nii.gz", 0o600), ("maps.nii", 0o640)] {
            let attributes = try FileManager.default.attributesOfItem(atPath: folder.file(name))
            #expect(attributes[.posixPermissions] as? Int == mode)
        }
    }

    @Test("names up to the file system's longest are written", arguments: [
        String(repeating: "n", count: 248) + ".nii", String(repeating: "\u{e9}", count: 123) + ".nii.gz",
    ])
    func longNames(name: String) throws {
        let folder = try TemporaryFolder()
        let reference = try reference(in: folder)
        try NIfTIWriter.writeLabelMap(reference, to: folder.file(name))
        #expect(try NIfTIFile(path: folder.file(name)).volume().voxels == reference.voxels)
        #expect(try folder.contents() == [name, "reference1false.nii"].sorted())
    }

    @Test("probability maps on a grid whose qform is NaN are written")
    func notANumberQuaternion() throws {
        let folder = try TemporaryFolder()
        var reference = try reference(in: folder)
        reference.geometry.qform.b = .nan
        try NIfTIWriter.writeProbabilityMaps([reference, reference], to: folder.file("maps.nii"))
        #expect(try NIfTIFile(path: folder.file("maps.nii")).header.geometry.qform.b.isNaN)
    }
}
