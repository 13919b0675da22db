import ArgumentParser
import Foundation
import Workflow

/// ArgumentParser keeps the last value of an option that takes one value and is given twice, so
/// `uvseg segment --out a.nii --out b.nii` would silently write only b.nii. The commands refuse it.
extension ParsableCommand {
    /// Throws `.invalidArgument` naming the first option of this command that takes one value and
    /// appears more than once in `arguments` (by default the process's command line).
    static func refuseRepeatedOptions(in arguments: [String] = Array(CommandLine.arguments.dropFirst())) throws(UVSegError) {
        let spellings = singleValueOptionSpellings()
        var seen = Set<String>()
        for argument in arguments.prefix(while: { $0 != "--" }) where argument.hasPrefix("-") {
            let spelling = String(argument.split(separator: "=", maxSplits: 1).first ?? "")
            guard let option = spellings[spelling] else { continue }
            guard seen.insert(option).inserted else {
                throw .invalidArgument("\(option) takes one value and may be given only once")
            }
        }
    }

    /// Each spelling ("--out", "-o") of this command's single-value options, mapped to its
    /// preferred spelling, as ArgumentParser describes the command (its JSON help).
    private static func singleValueOptionSpellings() -> [String: String] {
        guard let help = try? JSONDecoder().decode(DumpedHelp.self, from: Data(_dumpHelp().utf8)) else { return [:] }
        var spellings = [String: String]()
        for argument in help.command.arguments ?? [] where argument.kind == "option" && !argument.isRepeating {
            let names = (argument.names ?? []).map(\.spelling)
            guard let preferred = argument.preferredName?.spelling ?? names.first else { continue }
            for name in names { spellings[name] = preferred }
        }
        return spellings
    }
}

/// The part of ArgumentParser's JSON help (`--experimental-dump-help`) that says which options
/// take one value.
private struct DumpedHelp: Decodable {
    struct Command: Decodable {
        let arguments: [Argument]?
    }

    struct Argument: Decodable {
        let kind: String
        let isRepeating: Bool
        let names: [Name]?
        let preferredName: Name?
    }

    struct Name: Decodable {
        let kind: String
        let name: String

        /// "--name" for a long name; "-n" for a short one or a long one with a single dash.
        var spelling: String { kind == "long" ? "--\(name)" : "-\(name)" }
    }

    let command: Command
}
