import ArgumentParser
import Workflow

/// `uvseg segment`: segments a query volume from labelled support volumes.
struct SegmentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment",
        abstract: "Segment a volume from labelled example volumes.",
        discussion: """
            Every query slice along the chosen plane is segmented by the network from support slices \
            of the labelled volumes, one label at a time; planes are found from the affines, so support \
            and query may be stored in different orientations. Slices are scaled onto the network's \
            square input with their aspect ratio kept, all at one scale (the rest padded). The \
            probabilities are refined with the query's own intensities and each voxel gets the most \
            probable of background and the labels. Inputs are checked before any work starts; nothing \
            is written if anything fails.
            """)

    @Option(help: "The volume to segment (NIfTI).")
    var query: String?

    @Option(name: .customLong("support"), help: "A labelled example as IMAGE:LABELS (NIfTI files); repeat for more.")
    var supports: [String] = []

    @Option(help: "Where to write the label map (.nii or .nii.gz), on the query's grid.")
    var out: String?

    @Option(help: "Also write the float32 probabilities, one volume per label (4-D for several labels).")
    var probabilities: String?

    @Option(name: .customLong("query-dir"), help: """
        Segment every NIfTI volume (.nii, .nii.gz) in this folder instead of one --query, each to \
        the same file name in --out-dir.
        """)
    var queryFolder: String?

    @Option(name: .customLong("out-dir"), help: "With --query-dir: where the label maps go (made if missing).")
    var outFolder: String?

    @Flag(help: "With --query-dir: segment again studies whose label map is already there (default: skip them).")
    var overwrite = false

    @Option(help: "With --query-dir: write one JSON object per study to this file (JSON Lines).")
    var report: String?

    @Option(name: .customLong("truth-dir"), help: """
        With --query-dir: true label maps under the studies' file names; the report then carries \
        each study's metrics, as uvseg evaluate gives them.
        """)
    var truthFolder: String?

    @Option(parsing: .unconditional, help: """
        With --query-dir: studies segmented at once, each with its share of --threads (at least \
        one) and of the memory limit; the label maps do not depend on it.
        """)
    var jobs = 1

    @Option(parsing: .unconditional, help: "Most support slices per support set (the published model was trained with up to 64).")
    var supportSize = SegmentationOptions().supportSize

    @OptionGroup var segmentation: SegmentationArguments

    func validate() throws {
        try Self.refuseRepeatedOptions()
        switch (query, out, queryFolder, outFolder) {
        case (.some, .some, nil, nil), (nil, nil, .some, .some): break
        default:
            throw UVSegError.invalidArgument(
                "give either --query and --out, for one volume, or --query-dir and --out-dir, for a folder of them")
        }
        if queryFolder == nil, overwrite || report != nil || truthFolder != nil {
            throw UVSegError.invalidArgument("--overwrite, --report and --truth-dir go with --query-dir")
        }
        if queryFolder == nil, jobs != 1 {
            throw UVSegError.invalidArgument("--jobs goes with --query-dir")
        }
        try JobsOption.check(jobs)
        if queryFolder != nil, probabilities != nil {
            throw UVSegError.invalidArgument("--probabilities takes one file: it goes with --query, not --query-dir")
        }
    }

    func run() throws {
        let closingLine = ClosingLine(quiet: segmentation.quiet)
        var options = try segmentation.options()
        options.supportSize = supportSize
        try options.validate()
        guard !supports.isEmpty else {
            throw UVSegError.invalidArgument("no support volumes; give at least one --support IMAGE:LABELS")
        }
        for pair in supports { try VolumeFiles.requireExistingPair(pair, role: "support") }
        let inputs = supports.flatMap { VolumeFiles.roles(ofPair: $0, role: "support") }
            + (segmentation.weights.map { [($0, "--weights file")] } ?? [])
        if let queryFolder, let outFolder {
            let cohort = try FolderSegmentation(
                queryFolder: queryFolder, outFolder: outFolder, truthFolder: truthFolder, report: report,
                overwrite: overwrite, supportFiles: inputs)
            let supportVolumes = try supports.map { pair throws(UVSegError) in
                try VolumeFiles.labelledVolume(pair, role: "support")
            }
            let jobs = min(jobs, cohort.studies.count)
            let model = try ModelLoading.model(weights: segmentation.weights).shared(among: jobs, options: &options)
            let segmenter = try VolumeSegmenter(model: model, options: options)
            try cohort.run(
                segmenter: segmenter, support: supportVolumes, jobs: jobs, quiet: segmentation.quiet,
                closingLine: closingLine)
        } else if let query, let out {
            try segmentOne(query: query, out: out, inputs: inputs, options: options, closingLine: closingLine)
        }
    }

    private func segmentOne(
        query: String, out: String, inputs: [VolumeFiles.Role], options: SegmentationOptions, closingLine: ClosingLine
    ) throws {
        let outputs = [(out, "--out")] + (probabilities.map { [($0, "--probabilities")] } ?? [])
        for (path, role) in outputs { try VolumeFiles.requireWritable(path, role: role) }
        try VolumeFiles.requireExisting(query, role: "query")
        try VolumeFiles.requireSeparate(outputs: outputs, inputs: [(query, "query")] + inputs)

        let queryVolume = try VolumeFiles.volume(at: query, role: "query")
        let supportVolumes = try supports.map { pair throws(UVSegError) in
            try VolumeFiles.labelledVolume(pair, role: "support")
        }
        let segmenter = try VolumeSegmenter(model: try ModelLoading.model(weights: segmentation.weights), options: options)
        let labels = try segmenter.check(query: queryVolume, support: supportVolumes)
        try Self.requireWritableLabels(labels)

        let bar = ProgressBar(quiet: segmentation.quiet)
        let result: SegmentationResult
        do {
            defer { bar.finish() }
            result = try segmenter.segment(query: queryVolume, support: supportVolumes, progress: bar.reporter)
        }
        AlignmentWarning.print(result.alignments, query: query)
        var files = [try NIfTIWriter.Output.labelMap(result.labelVolume, to: out)]
        if let probabilities {
            files.append(try NIfTIWriter.Output.probabilityMaps(result.probabilities.map(\.volume), to: probabilities))
        }
        try NIfTIWriter.write(files)
        let written = probabilities.map { "labels to \(out) and probabilities to \($0)" } ?? "labels to \(out)"
        closingLine.print("segmented \(query) (\(ClosingLine.count(labels.count, "label"))); wrote \(written)")
    }

    /// Throws unless every label fits a label map file (uint16).
    static func requireWritableLabels(_ labels: [Int32]) throws(UVSegError) {
        if let largest = labels.last, largest > 65535 {
            throw .invalidArgument("label \(largest) cannot be written: label maps hold labels up to 65535")
        }
    }
}
