import ArgumentParser
import Workflow

/// `uvseg info`: what a NIfTI file holds and where its grid sits, for a person or as JSON.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show the header, orientation and value range of a NIfTI file.",
        discussion: """
            Reads .nii, .nii.gz and .hdr/.img files (NIfTI-1 and NIfTI-2). The affine is the one \
            nibabel uses (sform, else qform, else pixdim). min, max and mean are over the scaled \
            voxels of all volumes, with numpy's rules: one NaN voxel makes them NaN. In JSON, \
            numbers that are not finite are written as null; nan_voxels and infinite_voxels count \
            such voxels.
            """)

    @Argument(help: "The NIfTI file.")
    var file: String

    @Flag(help: "Print one JSON object instead of a summary.")
    var json = false

    func run() throws {
        let nifti = try NIfTIFile(path: file)
        let summary = try FileSummary(nifti)
        print(json ? summary.json : summary.text)
    }
}

/// The facts `uvseg info` reports about one file.
private struct FileSummary {
    let header: NIfTIHeader
    let axisCodes: AxisCodes
    let statistics: VoxelStatistics

    init(_ file: NIfTIFile) throws(UVSegError) {
        header = file.header
        axisCodes = try AxisCodes(affine: header.affine)
        statistics = try file.statistics()
    }

    var json: String {
        let fields: [(String, String)] = [
            ("path", JSONText.string(header.headerPath)),
            ("image_path", JSONText.string(header.imagePath)),
            ("nifti_version", "\(header.version)"),
            ("byte_order", JSONText.string(header.isByteSwapped == isLittleEndianHost ? "big" : "little")),
            ("dims", "[" + header.dims.map(String.init).joined(separator: ", ") + "]"),
            ("datatype", JSONText.string(header.datatype.name)),
            ("pixdim", jsonNumbers(header.pixdim.prefix(header.dims.count))),
            ("spacing", jsonNumbers(header.geometry.spacing)),
            ("affine", jsonMatrix(header.affine)),
            ("axcodes", JSONText.string(axisCodes.description)),
            ("qform_code", "\(header.qformCode)"),
            ("sform_code", "\(header.sformCode)"),
            ("qform", jsonMatrix(header.qformAffine)),
            ("sform", jsonMatrix(header.sform)),
            ("xyzt_units", "\(header.units.code)"),
            ("scl_slope", JSONText.number(header.scaling.slope)),
            ("scl_inter", JSONText.number(header.scaling.intercept)),
            ("intent_code", "\(header.intent.code)"),
            ("intent_name", JSONText.string(header.intent.name)),
            ("description", JSONText.string(header.description)),
            ("volumes", "\(header.volumeCount)"),
            ("min", JSONText.number(Double(statistics.minimum))),
            ("max", JSONText.number(Double(statistics.maximum))),
            ("mean", JSONText.number(statistics.mean)),
            ("nan_voxels", "\(statistics.nanCount)"),
            ("infinite_voxels", "\(statistics.infiniteCount)"),
        ]
        return "{" + fields.map { "\(JSONText.string($0)): \($1)" }.joined(separator: ", ") + "}"
    }

    var text: String {
        let affine = header.affine
        let rows = (0..<4).map { row in
            "  " + (0..<4).map { formatted(affine[row * 4 + $0]) }.joined(separator: " ")
        }
        return ([
            "\(header.headerPath): NIfTI-\(header.version), \(header.datatype.name), "
                + "\(header.isByteSwapped == isLittleEndianHost ? "big" : "little")-endian",
            "dims      \(header.dims.map(String.init).joined(separator: " x "))"
                + (header.volumeCount > 1 ? " (\(header.volumeCount) volumes)" : ""),
            "pixdim    \(header.pixdim.prefix(header.dims.count).map(formatted).joined(separator: " x "))",
            "axcodes   \(axisCodes)",
            "qform     code \(header.qformCode), sform code \(header.sformCode)",
            "scaling   " + (header.scaling.isApplied
                ? "slope \(formatted(header.scaling.slope)), intercept \(formatted(header.scaling.intercept))"
                : "none"),
            "values    min \(formatted(Double(statistics.minimum))), max \(formatted(Double(statistics.maximum))), "
                + "mean \(formatted(statistics.mean))"
                + (statistics.nanCount + statistics.infiniteCount > 0
                    ? " (\(statistics.nanCount) NaN, \(statistics.infiniteCount) infinite voxels)" : ""),
            "affine (voxel to world, mm, RAS+):",
        ] + rows).joined(separator: "\n")
    }
}

private let isLittleEndianHost = 1.littleEndian == 1

private func jsonNumbers<Values: Sequence>(_ values: Values) -> String where Values.Element == Double {
    "[" + values.map { JSONText.number($0) }.joined(separator: ", ") + "]"
}

/// A 4 x 4 row-major matrix as four JSON rows.
private func jsonMatrix(_ elements: [Double]) -> String {
    "[" + (0..<4).map { jsonNumbers(elements[($0 * 4)..<($0 * 4 + 4)]) }.joined(separator: ", ") + "]"
}

/// A compact number for people: "1", "0.9375", "-120.5", "nan", "inf".
private func formatted(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return "\(Float(value))"
}
