import ArgumentParser
import Diagnostics
import NIfTI
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
            square input with their aspect ratio kept (the rest padded). Each voxel gets the label \
            whose probability is highest and above 0.5. Inputs are checked before any work starts; \
            nothing is written if anything fails.
            """)

    @Option(help: "The volume to segment (NIfTI).")
    var query: String

    @Option(name: .customLong("support"), help: "A labelled example as IMAGE:LABELS (NIfTI files); repeat for more.")
    var supports: [String] = []

    @Option(help: "Where to write the label map (.nii or .nii.gz), on the query's grid.")
    var out: String

    @Option(help: "Also write the float32 probabilities, one volume per label (4-D for several labels).")
    var probabilities: String?

    @Option(parsing: .unconditional, help: "Most support slices per support set (the published model was trained with up to 64).")
    var supportSize = 64

    @OptionGroup var segmentation: SegmentationArguments

    func validate() throws { try Self.refuseRepeatedOptions() }

    func run() throws {
        let closingLine = ClosingLine(quiet: segmentation.quiet)
        var options = try segmentation.options()
        options.supportSize = supportSize
        try options.validate()
        let outputs = [(out, "--out")] + (probabilities.map { [($0, "--probabilities")] } ?? [])
        for (path, role) in outputs { try VolumeFiles.requireWritable(path, role: role) }
        guard !supports.isEmpty else {
            throw UVSegError.invalidArgument("no support volumes; give at least one --support IMAGE:LABELS")
        }
        try VolumeFiles.requireExisting(query, role: "query")
        for pair in supports { try VolumeFiles.requireExistingPair(pair, role: "support") }
        try VolumeFiles.requireSeparate(
            outputs: outputs, inputs: [(query, "query")] + supports.flatMap { VolumeFiles.roles(ofPair: $0, role: "support") }
                + (segmentation.weights.map { [($0, "--weights file")] } ?? []))

        let queryVolume = try VolumeFiles.volume(at: query, role: "query")
        let supportVolumes = try supports.map { pair throws(UVSegError) in
            try VolumeFiles.labelledVolume(pair, role: "support")
        }
        let segmenter = VolumeSegmenter(model: try ModelLoading.model(weights: segmentation.weights, threads: segmentation.threadCount), options: options)
        let labels = try segmenter.check(query: queryVolume, support: supportVolumes)
        if let largest = labels.last, largest > 65535 {
            throw UVSegError.invalidArgument("label \(largest) cannot be written: label maps hold labels up to 65535")
        }

        let bar = ProgressBar(quiet: segmentation.quiet)
        let result: SegmentationResult
        do {
            defer { bar.finish() }
            result = try segmenter.segment(query: queryVolume, support: supportVolumes, progress: bar.reporter)
        }
        var labelVolume = result.labelMap.volume
        labelVolume.metadata.niftiVersion = queryVolume.metadata.niftiVersion
        var files = [try NIfTIWriter.Output.labelMap(labelVolume, to: out)]
        if let probabilities {
            files.append(try NIfTIWriter.Output.probabilityMaps(result.probabilities.map(\.volume), to: probabilities))
        }
        try NIfTIWriter.write(files)
        let written = probabilities.map { "labels to \(out) and probabilities to \($0)" } ?? "labels to \(out)"
        closingLine.print("segmented \(query) (\(ClosingLine.count(labels.count, "label"))); wrote \(written)")
    }
}
