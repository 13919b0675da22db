import ArgumentParser
import Workflow

/// The `uvseg` command: segmentation, evaluation and inspection of NIfTI volumes from the shell.
@main
struct UVSeg: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uvseg",
        abstract: "In-context segmentation of medical images from a few labelled examples.",
        version: "\(UVSegVersion.text)",
        subcommands: [
            BenchCommand.self, EvaluateCommand.self, InfoCommand.self, SegmentCommand.self, ValidateCommand.self,
            VersionCommand.self,
        ])
}
