import Foundation

/// The one line a command ends with on standard error: what it did, where, and how long it took,
/// so that a log of a batch job says what each run produced. Standard output keeps the results.
struct ClosingLine {
    private let start = ContinuousClock.now
    private let quiet: Bool

    /// Starts the clock; with `quiet`, nothing is printed.
    init(quiet: Bool) {
        self.quiet = quiet
    }

    /// Prints "uvseg: WHAT in S s".
    func print(_ what: String) {
        guard !quiet else { return }
        let elapsed = start.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        FileHandle.standardError.write(Data("uvseg: \(what) in \(String(format: "%.1f", seconds)) s\n".utf8))
    }

    /// "1 label", "2 labels"; "1 study", "2 studies" with the plural given.
    static func count(_ count: Int, _ noun: String, plural: String? = nil) -> String {
        "\(count) \(count == 1 ? noun : plural ?? noun + "s")"
    }
}
