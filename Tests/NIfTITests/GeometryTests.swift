import Diagnostics
import Testing
@testable import NIfTI

@Suite("Geometry and axis codes")
struct GeometryTests {
    private func header(_ file: NIfTIBytes) throws -> NIfTIHeader {
        let folder = try TemporaryFolder()
        var file = file
        file.data = file.encode([Int16](repeating: 0, count: file.dims[1...3].reduce(1, *)))
        try file.write(to: folder.file("g.nii"))
        return try NIfTIFile(path: folder.file("g.nii")).header
    }

    @Test("the sform wins when its code is not 0, as nibabel chooses")
    func sformFirst() throws {
        let sform = [0.0, 0, 2, -1, 3, 0, 0, 4, 0, -1.5, 0, 9]
        let chosen = try header(NIfTIBytes(qformCode: 1, sformCode: 2, quaternion: [0, 0, 1, 5, 5, 5], sform: sform))
        #expect(chosen.affine == sform + [0, 0, 0, 1])
        #expect(chosen.geometry.spacing == [3, 1.5, 2])
    }

    @Test("the qform is rotation * diag(pixdim) with qfac flipping k, plus the offsets")
    func qform() throws {
        let half = 0.5.squareRoot()
        let file = NIfTIBytes(
            dims: [3, 2, 3, 4], pixdim: [-1, 2, 3, 4, 1, 1, 1, 1], qformCode: 1, quaternion: [0, 0, half, 10, 20, 30])
        let affine = try header(file).affine
        let expected: [Double] = [0, -3, 0, 10, 2, 0, 0, 20, 0, 0, -4, 30, 0, 0, 0, 1]
        #expect(close(affine, expected), "\(rows(affine))")
    }

    @Test("without codes the affine is nibabel's base affine: x flipped, grid centred")
    func baseAffine() throws {
        let affine = try header(NIfTIBytes(dims: [3, 2, 3, 4], pixdim: [1, 2, 3, 4, 1, 1, 1, 1])).affine
        #expect(affine == [-2, 0, 0, 1, 0, 3, 0, -3, 0, 0, 4, -6, 0, 0, 0, 1])
    }

    @Test("axis codes as nibabel's aff2axcodes", arguments: [
        ([1.0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0], "RAS"),
        ([-1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1, 0], "LPS"),
        ([-2, 0, 0, 10, 0, 0, 3, -5, 0, 1.5, 0, 7], "LSA"),
        ([0.866, -0.5, 0, 0, 0.5, 0.866, 0, 0, 0, 0, 1, 0], "RAS"),
        ([0.5, -0.866, 0, 0, 0.866, 0.5, 0, 0, 0, 0, 1, 0], "ALS"),
        ([0, 0, -1, 0, 1, 0, 0, 0, 0, -1, 0, 0], "AIL"),
        ([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0], "R?S"),
    ])
    func axisCodes(affine: [Double], codes: String) throws {
        #expect(try AxisCodes(affine: affine + [0, 0, 0, 1]).description == codes)
    }

    @Test("malformed affines are invalid arguments")
    func malformedAffine() {
        let short = caughtError { try AxisCodes(affine: [1, 2, 3]) }
        #expect(short?.kind == .invalidArgument && short?.message.contains("16 numbers") == true)
        let infinite = caughtError { try Geometry(affine: [.infinity] + [Double](repeating: 0, count: 14) + [1]) }
        #expect(infinite?.kind == .invalidArgument && infinite?.message.contains("finite") == true)
        let lastRow = caughtError { try Geometry(affine: [Double](repeating: 1, count: 16)) }
        #expect(lastRow?.kind == .invalidArgument && lastRow?.message.contains("last row") == true)
    }

    @Test("a geometry from an affine alone has an aligned sform and a matching qform")
    func geometryFromAffine() throws {
        let affine: [Double] = [0, 0, -2, 5, 1.5, 0, 0, 6, 0, 3, 0, 7, 0, 0, 0, 1]
        let geometry = try Geometry(affine: affine)
        #expect(geometry.sformCode == 2 && geometry.sform == affine && geometry.spacing == [1.5, 3, 2])
        let qform = geometry.qform.matrix(spacing: geometry.pixdim).elements
        #expect(close(qform, affine), "\(rows(qform))")
    }
}
