import Foundation
@testable import Network

/// The committed checkpoint fixtures (written by tools/reference/make_fixtures.py).
enum CheckpointFixtures {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appending(path: "Fixtures")

    /// The path of `name` under Fixtures/ ("uneven/weights.pt", "checkpoints/empty.pt").
    static func path(_ name: String) -> String {
        folder.appending(path: name).path
    }

    static func load(_ name: String) throws -> Checkpoint {
        try Checkpoint.load(contentsOf: path(name))
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appending(path: name)))
    }
}
