import ArgumentParser
import Foundation
import Workflow

/// `uvseg version`: the version of uvseg and of the built-in model, for a person or as JSON (for
/// the records a site keeps of what produced its segmentations).
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Show the version of uvseg and of its built-in model.")

    @Flag(help: "Print one JSON object instead of text.")
    var json = false

    /// What the command reports; the model's fields come from its checkpoint metadata.
    private struct Report: Encodable {
        struct Model: Encodable {
            let name: String?
            let version: String?
            let inputSize: Int
            let trainingSteps: String?
        }

        let uvseg: String
        let builtInModel: Model
    }

    func validate() throws { try Self.refuseRepeatedOptions() }

    func run() throws {
        let model = try UniverSegModel.builtInDefault()
        let report = Report(
            uvseg: "\(UVSegVersion.text)",
            builtInModel: Report.Model(
                name: model.metadata["uvseg.model"], version: model.metadata["uvseg.version"],
                inputSize: model.inputSize, trainingSteps: model.metadata["uvseg.training_steps"]))
        if json {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            let model = report.builtInModel
            print("uvseg \(report.uvseg)")
            print("built-in model \(model.name ?? "unnamed") version \(model.version ?? "?"), \(model.inputSize) x \(model.inputSize) input")
        }
    }
}
