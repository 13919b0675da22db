import Foundation
import Workflow

/// A one-line progress bar on standard error, drawn only when standard error is a terminal and
/// the user did not ask for quiet, and cleared when the work is done.
final class ProgressBar {
    private let isShown: Bool
    private var lastDrawn = ""
    /// Words shown before the stage ("case 2 of 5, support size 16"); empty for none.
    var caption = ""

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

    /// Clears the bar's line, so that what is printed next starts on an empty line.
    func finish() {
        guard isShown, !lastDrawn.isEmpty else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        lastDrawn = ""
    }

    private func draw(_ fraction: Double, _ stage: ProgressStage) {
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let label = caption.isEmpty ? stage.rawValue : "\(caption): \(stage.rawValue)"
        let line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
            + String(format: "%3d%% ", Int((fraction * 100).rounded(.down))) + label
        guard line != lastDrawn else { return }
        FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        lastDrawn = line
    }
}
