import ArgumentParser
import Foundation
import Synchronization
import Workflow

/// `uvseg segment --query-dir DIR --out-dir DIR`: every NIfTI volume of a folder (a cohort of
/// studies) segmented from one support set, with the model loaded and the support read and
/// prepared once.
///
/// Resumable: a study whose label map is already in the output folder (and reads as one on the
/// study's grid) is skipped unless `--overwrite`; label maps are written atomically, so an
/// interrupted run leaves none half-written. Each study stands alone: one that cannot be read or
/// segmented is reported and the others are still done, and the command then exits non-zero.
///
/// With several jobs, that many studies are segmented at once, each by its own thread with its
/// share of the threads and memory; the report then lists studies as they finish.
struct FolderSegmentation {
    /// What became of one study.
    enum Status: String {
        case ok, skipped, failed
    }

    /// One study's line of the report.
    struct Record {
        let query: String
        let output: String
        let status: Status
        let error: String?
        let seconds: Double
        /// The evaluation against the study's true labels, as JSON (`--truth-dir`).
        let metrics: String?

        var json: String {
            "{\"query\": \(JSONText.string(query)), \"output\": \(JSONText.string(output)), "
                + "\"status\": \(JSONText.string(status.rawValue)), "
                + "\"error\": \(error.map(JSONText.string) ?? "null"), \"seconds\": \(JSONText.number(seconds)), "
                + "\"metrics\": \(metrics ?? "null")}"
        }
    }

    let queryFolder: String
    let outFolder: String
    let truthFolder: String?
    let report: String?
    let overwrite: Bool
    /// The studies' file names, in order.
    let studies: [String]

    /// Checks the folders before any work: the query folder holds NIfTI volumes, the output folder
    /// (made if missing) is another folder, and no output or report would replace an input.
    init(
        queryFolder: String, outFolder: String, truthFolder: String?, report: String?, overwrite: Bool,
        supportFiles: [VolumeFiles.Role]
    ) throws(UVSegError) {
        (self.queryFolder, self.outFolder, self.truthFolder, self.report, self.overwrite) =
            (queryFolder, outFolder, truthFolder, report, overwrite)
        studies = try Self.volumeNames(in: queryFolder, role: "--query-dir")
        if let truthFolder { _ = try Self.volumeNames(in: truthFolder, role: "--truth-dir") }
        do {
            try FileManager.default.createDirectory(atPath: outFolder, withIntermediateDirectories: true)
        } catch {
            throw .io("--out-dir \(outFolder): cannot make the folder: \(error.localizedDescription)")
        }
        guard FileIdentity(path: outFolder) != FileIdentity(path: queryFolder) else {
            throw .invalidArgument("--out-dir is the --query-dir; the label maps would replace the studies")
        }
        let outputs = studies.map { (Self.path(outFolder, $0), "--out-dir file") }
            + (report.map { [($0, "--report")] } ?? [])
        try VolumeFiles.requireSeparate(
            outputs: outputs, inputs: supportFiles + studies.map { (Self.path(queryFolder, $0), "study") })
    }

    /// Segments every study, `jobs` at a time; throws `ExitCode.failure` after the report when any
    /// failed.
    func run(
        segmenter: VolumeSegmenter, support: [LabelledVolume], jobs: Int, quiet: Bool, closingLine: ClosingLine
    ) throws {
        let prepared = try segmenter.prepare(support: support)
        let reportFile = try report.map { path throws(UVSegError) in try ReportFile(path: path) }
        let bar = ProgressBar(quiet: quiet)
        let progress = Mutex([Record]())  // the records so far
        do {
            defer { bar.finish() }
            SideBySide.forEach(count: studies.count, jobs: jobs) { index in
                // One study at a time reports its own stages; side by side, only finished studies.
                if jobs == 1 { bar.caption = "study \(index + 1) of \(studies.count), \(studies[index])" }
                let reporter = jobs == 1 ? bar.reporter.part(index, of: studies.count) : .silent
                let record = study(studies[index], segmenter: segmenter, support: prepared, progress: reporter)
                progress.withLock { records in  // held while reporting, so lines and counts keep order
                    records.append(record)
                    reportFile?.append(record.json)
                    if jobs > 1 {
                        bar.caption = "\(records.count) of \(studies.count) studies done"
                        try? bar.reporter.report(Double(records.count) / Double(studies.count), .segmenting)
                    }
                }
                return true
            }
        }
        let records = progress.withLock { $0 }
        let failed = records.filter { $0.status == .failed }.sorted { $0.query < $1.query }  // study order
        for record in failed {
            FileHandle.standardError.write(Data("uvseg: \(record.query) failed: \(record.error ?? "")\n".utf8))
        }
        let skipped = records.count { $0.status == .skipped }
        closingLine.print(
            "segmented \(records.count - skipped - failed.count) of \(ClosingLine.count(studies.count, "study", plural: "studies")) "
                + "in \(queryFolder) into \(outFolder) (\(skipped) skipped as done, \(failed.count) failed)")
        if !failed.isEmpty { throw ExitCode.failure }
    }

    /// One study: skipped, segmented and written, or failed with the reason.
    private func study(
        _ name: String, segmenter: VolumeSegmenter, support: PreparedSupport, progress: ProgressReporter
    ) -> Record {
        let (query, output) = (Self.path(queryFolder, name), Self.path(outFolder, name))
        let start = ContinuousClock.now
        func record(_ status: Status, _ error: String? = nil, metrics: String? = nil) -> Record {
            let elapsed = start.duration(to: .now).components
            let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) * 1e-18
            return Record(query: query, output: output, status: status, error: error, seconds: seconds, metrics: metrics)
        }
        do throws(UVSegError) {
            if !overwrite, Self.isComplete(output, forStudy: query) {
                return record(.skipped, metrics: try metrics(of: output, study: name))
            }
            let volume = try VolumeFiles.volume(at: query, role: "study")
            let labels = try segmenter.check(query: volume, support: support.volumes)
            try SegmentCommand.requireWritableLabels(labels)
            let result = try segmenter.segment(query: volume, support: support, progress: progress)
            AlignmentWarning.print(result.alignments, query: query)
            try NIfTIWriter.write([NIfTIWriter.Output.labelMap(result.labelVolume, to: output)])
            return record(.ok, metrics: try metrics(of: output, study: name))
        } catch {
            return record(.failed, error.message)
        }
    }

    /// The evaluation of the label map at `output` against the study's true labels, as JSON; nil
    /// without `--truth-dir` or when it holds no file of the study's name.
    private func metrics(of output: String, study name: String) throws(UVSegError) -> String? {
        guard let truthFolder, FileIdentity(path: Self.path(truthFolder, name)) != nil else { return nil }
        let truth = try LabelMap(VolumeFiles.volume(at: Self.path(truthFolder, name), role: "true label map"))
        let prediction = try LabelMap(VolumeFiles.volume(at: output, role: "label map"))
        return try SegmentationEvaluation(prediction: prediction, truth: truth).json
    }

    /// Whether a label map written earlier is there in full: it reads as NIfTI with the study's
    /// grid size (an interrupted run leaves no partial file, but a file from elsewhere may differ).
    private static func isComplete(_ output: String, forStudy query: String) -> Bool {
        guard FileIdentity(path: output) != nil,
              let written = try? NIfTIFile(path: output), let study = try? NIfTIFile(path: query)
        else { return false }
        return Array(written.header.dims.prefix(3)) == Array(study.header.dims.prefix(3))
    }

    /// The names of the NIfTI volumes (.nii, .nii.gz) in `folder`, sorted; hidden files left out.
    private static func volumeNames(in folder: String, role: String) throws(UVSegError) -> [String] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw .io("\(role) \(folder) is not a folder")
        }
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { name in
            let lowercased = name.lowercased()
            return !name.hasPrefix(".") && (lowercased.hasSuffix(".nii") || lowercased.hasSuffix(".nii.gz"))
        }
        guard !names.isEmpty else { throw .invalidArgument("\(role) \(folder) holds no NIfTI volume (.nii, .nii.gz)") }
        return names.sorted()
    }

    private static func path(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }
}

/// The JSON Lines report of a folder run, written line by line as studies finish, so that an
/// interrupted run still says what it did; whole lines, whichever thread appends.
private final class ReportFile: Sendable {
    private let file: Mutex<UnsafeMutablePointer<FILE>>

    init(path: String) throws(UVSegError) {
        guard let file = fopen(path, "w") else {
            throw .io("--report \(path): \(String(cString: strerror(errno)))")
        }
        self.file = Mutex(file)
    }

    deinit { file.withLock { _ = fclose($0) } }

    func append(_ line: String) {
        file.withLock { file in
            fputs(line + "\n", file)
            fflush(file)
        }
    }
}
