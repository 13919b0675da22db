import ArgumentParser
import Foundation
import Workflow

/// `uvseg validate`: leave-one-out validation on the site's own labelled cases.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Measure the model on your own labelled cases (leave-one-out).",
        discussion: """
            Each case is segmented with support drawn only from the other cases, at each support \
            size, and compared with its own labels (Dice, IoU, HD95 and ASSD in mm). Prints a table \
            of per-case results and of mean +- sample standard deviation per support size and label, \
            or one JSON object with --json. Distances of a label missed entirely (or found where there \
            is none) are infinite: printed as inf (null in JSON) and left out of means.
            """)

    @Option(name: .customLong("case"), help: "A labelled case as IMAGE:LABELS (NIfTI files); give at least two.")
    var cases: [String] = []

    @Option(parsing: .unconditional, help: "Support sizes to validate, comma-separated.")
    var supportSizes = LocalValidation.standardSupportSizes.map(String.init).joined(separator: ",")

    @Option(parsing: .unconditional, help: """
        Segmentations run at once, each with its share of --threads (at least one) and of the \
        memory limit; the results do not depend on it.
        """)
    var jobs = 1

    @Flag(help: "Print one JSON object instead of tables.")
    var json = false

    @OptionGroup var segmentation: SegmentationArguments

    func validate() throws {
        try Self.refuseRepeatedOptions()
        try JobsOption.check(jobs)
    }

    func run() throws {
        let closingLine = ClosingLine(quiet: segmentation.quiet)
        var options = try segmentation.options()
        let sizes = try SegmentationArguments.numbers(supportSizes, "--support-sizes")
        guard cases.count >= 2 else {
            throw UVSegError.invalidArgument("leave-one-out validation needs at least two --case IMAGE:LABELS")
        }
        for pair in cases { try VolumeFiles.requireExistingPair(pair, role: "case") }
        let volumes = try cases.map { pair throws(UVSegError) in try VolumeFiles.labelledVolume(pair, role: "case") }
        let jobs = max(1, min(jobs, volumes.count * sizes.count))
        let model = try ModelLoading.model(weights: segmentation.weights).shared(among: jobs, options: &options)
        let validation = LocalValidation(model: model, options: options, supportSizes: sizes)
        try validation.check(cases: volumes)

        let bar = ProgressBar(quiet: segmentation.quiet)
        if jobs > 1 { bar.caption = "\(jobs) cases at a time" }
        let report: ValidationReport
        do {
            defer { bar.finish() }
            report = try validation.run(cases: volumes, jobs: jobs, progress: bar.reporter) { heldOut, supportSize in
                if jobs == 1 { bar.caption = "case \(heldOut + 1) of \(volumes.count), support size \(supportSize)" }
            }
        }
        print(json ? report.json(caseFiles: cases) : Self.table(report))
        closingLine.print(
            "validated \(cases.count) cases leave-one-out at support sizes "
                + sizes.map(String.init).joined(separator: ", "))
    }

    /// Per-case rows, then mean +- sd per support size and label.
    static func table(_ report: ValidationReport) -> String {
        var lines = [row(["support", "case", "label", "Dice", "IoU", "HD95 mm", "ASSD mm"], widths: [8, 6, 6, 8, 8, 10, 10])]
        for result in report.cases {
            for m in result.evaluation.labels {
                lines.append(String(
                    format: "%8d %6d %6d %8.4f %8.4f %10.2f %10.2f", result.supportSize, result.caseIndex + 1, m.label,
                    m.dice, m.iou, m.hausdorff95Millimetres, m.averageSurfaceDistanceMillimetres))
            }
        }
        lines.append("")
        let summaryWidths = [8, 6, 6, 18, 18, 18, 18]
        lines.append(row(["support", "label", "cases", "Dice", "IoU", "HD95 mm", "ASSD mm"], widths: summaryWidths))
        for summary in report.summaries {
            let cells = [summary.dice, summary.iou, summary.hausdorff95Millimetres, summary.averageSurfaceDistanceMillimetres]
                .map { value -> String in
                    guard let mean = value.mean, let sd = value.standardDeviation else { return "-" }
                    let spread = String(format: "%.4f +- %.4f", mean, sd)
                    return value.finiteCount < value.count ? spread + "*" : spread
                }
            lines.append(row(
                ["\(summary.supportSize)", "\(summary.label)", "\(summary.dice.count)"] + cells, widths: summaryWidths))
        }
        if report.summaries.contains(where: { $0.hausdorff95Millimetres.finiteCount < $0.hausdorff95Millimetres.count }) {
            lines.append("* some cases had no finite distance (a label missed or found where there is none); left out")
        }
        return lines.joined(separator: "\n")
    }

    /// Cells right-aligned in columns of the given widths, one space apart.
    private static func row(_ cells: [String], widths: [Int]) -> String {
        zip(cells, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }.joined(separator: " ")
    }
}
