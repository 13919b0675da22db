import Workflow

/// What a `uvs_model *` points to: the network with the slice size its checkpoint declares.
/// Immutable, so one handle may be used by many threads at once.
final class ModelObject: Sendable {
    let model: UniverSegModel

    init(_ model: UniverSegModel) {
        self.model = model
    }
}
