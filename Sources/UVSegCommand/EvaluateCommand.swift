import ArgumentParser
import Foundation
import Workflow

/// `uvseg evaluate`: how well a predicted label map agrees with the truth, label by label.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Compare a predicted label map with the true one.",
        discussion: """
            For every label other than 0 in either map: Dice, IoU, the 95th percentile Hausdorff \
            distance and the average symmetric surface distance in mm (voxel spacing honoured), and \
            both volumes in ml. Both maps must be on the same grid. A label present in only one map \
            has Dice 0 and infinite distances, printed as "inf" (null in JSON).
            """)

    @Option(name: .customLong("pred"), help: "The predicted label map (NIfTI).")
    var prediction: String

    @Option(help: "The true label map (NIfTI) on the same grid.")
    var truth: String

    @Option(parsing: .unconditional, help: "Labels to evaluate, comma-separated (default: every label in either map).")
    var labels: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    func validate() throws { try Self.refuseRepeatedOptions() }

    func run() throws {
        let closingLine = ClosingLine(quiet: false)
        let predicted = try Self.labelMap(at: prediction, role: "--pred")
        let expected = try Self.labelMap(at: truth, role: "--truth")
        let evaluation: SegmentationEvaluation
        if let labels {
            evaluation = try SegmentationEvaluation(
                prediction: predicted, truth: expected,
                labels: try SegmentationArguments.numbers(labels, "--labels").map(Int32.init))
        } else {
            for (map, role) in [(predicted, "--pred"), (expected, "--truth")] {
                try Self.requireFewLabels(map, role: role, path: role == "--pred" ? prediction : truth)
            }
            evaluation = try SegmentationEvaluation(prediction: predicted, truth: expected)
        }
        print(json ? evaluation.json : Self.table(evaluation))
        closingLine.print("compared \(prediction) with \(truth): \(ClosingLine.count(evaluation.labels.count, "label"))")
    }

    /// The single 3-D label volume of a NIfTI file.
    private static func labelMap(at path: String, role: String) throws(UVSegError) -> LabelMap {
        try VolumeFiles.requireExisting(path, role: role)
        let file = try NIfTIFile(path: path)
        guard file.volumeCount == 1 else {
            throw .invalidArgument("\(path) holds \(file.volumeCount) volumes; a label map must be a single 3-D volume")
        }
        let volume = try file.volume()
        do {
            return try LabelMap(volume)
        } catch {
            throw UVSegError(error.kind, "\(path): \(error.message)")
        }
    }

    /// Throws unless the map holds at most as many labels as `segment` segments at once: more are
    /// the sign of an intensity image given as a label map.
    private static func requireFewLabels(_ map: LabelMap, role: String, path: String) throws(UVSegError) {
        let count = map.foregroundLabels.count
        guard count <= SegmentationOptions.maximumLabelCount else {
            throw .invalidArgument(
                "\(role) \(path) holds \(count) different labels, more than the \(SegmentationOptions.maximumLabelCount) "
                    + "a label map is evaluated with; is it an image rather than a label map? Give the labels to "
                    + "evaluate with --labels")
        }
    }

    /// One row per label, then the mean Dice; distances that do not exist print as "inf".
    static func table(_ evaluation: SegmentationEvaluation) -> String {
        guard let meanDice = evaluation.meanDice else {
            return "Neither map holds a label other than background (0): nothing to compare."
        }
        let columns = [("label", 8), ("Dice", 8), ("IoU", 8), ("HD95 mm", 10), ("ASSD mm", 10), ("pred ml", 12), ("truth ml", 12)]
        let header = columns.map { String(repeating: " ", count: $1 - $0.count) + $0 }.joined(separator: " ")
        let rows = evaluation.labels.map { m in
            String(
                format: "%8d %8.4f %8.4f %10.2f %10.2f %12.3f %12.3f", m.label, m.dice, m.iou,
                m.hausdorff95Millimetres, m.averageSurfaceDistanceMillimetres, m.predictedMillilitres,
                m.truthMillilitres)
        }
        return ([header] + rows + [String(format: "mean Dice %.4f", meanDice)]).joined(separator: "\n")
    }
}
