import Foundation
import Synchronization
import Workflow

/// A one-line progress bar on standard error, drawn only when standard error is a terminal and
/// the user did not ask for quiet, and cleared when the work is done. Safe to use from several
/// threads (studies segmented side by side).
final class ProgressBar: Sendable {
    private let isShown: Bool
    private let state = Mutex((caption: "", lastDrawn: ""))

    /// Words shown before the stage ("case 2 of 5, support size 16"); empty for none.
    var caption: String {
        get { state.withLock { $0.caption } }
        set { state.withLock { $0.caption = newValue } }
    }

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
        guard isShown else { return }
        state.withLock { state in
            guard !state.lastDrawn.isEmpty else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
            state.lastDrawn = ""
        }
    }

    private func draw(_ fraction: Double, _ stage: ProgressStage) {
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        state.withLock { state in
            let label = state.caption.isEmpty ? stage.rawValue : "\(state.caption): \(stage.rawValue)"
            let line = "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
                + "] " + String(format: "%3d%% ", Int((fraction * 100).rounded(.down))) + label
            guard line != state.lastDrawn else { return }
            FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
            state.lastDrawn = line
        }
    }
}
