/// A parsed JSON value, as much of JSON as a safetensors header needs and no more.
enum JSONValue: Equatable, Sendable {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    /// A number kept as its text, so that integers of any size are converted exactly or refused.
    case number(String)
    case bool(Bool)
    case null

    /// The value as a non-negative integer, if it is written as one that fits in `Int`.
    var nonNegativeInteger: Int? {
        guard case .number(let text) = self, let value = Int(text), value >= 0 else { return nil }
        return value
    }
}
