import Foundation
import Workflow

/// A one-line progress bar on standard error, drawn only when standard error is a terminal and
/// the user did not ask for quiet; otherwise the command stays silent.
final class ProgressBar {
    private let isShown: Bool
    private var lastDrawn = ""

    init(quiet: Bool) {
        isShown = !quiet && isatty(FileHandle.standardError.fileDescriptor) != 0
    }

    /// A reporter that draws this bar and never cancels (Ctrl-C ends the process; outputs are only
    /// ever renamed into place once complete, so nothing partial is left).
    var reporter: ProgressReporter {
        guard isShown else { return .silent }
        return ProgressReporter { [self] fraction, stage in
            draw(fraction, stage)
            return .proceed
        }
    }

    /// Ends the bar's line.
    func finish() {
        guard isShown, !lastDrawn.isEmpty else { return }
        FileHandle.standardError.write(Data("\n".utf8))
        lastDrawn = ""
    }

    private func draw(_ fraction: Double, _ stage: ProgressStage) {
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + String(format: "%3d%% ", Int((fraction * 100).rounded(.down))) + stage.rawValue
        guard line != lastDrawn else { return }
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        lastDrawn = line
    }
}
