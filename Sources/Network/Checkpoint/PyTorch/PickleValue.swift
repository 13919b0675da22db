import Diagnostics

/// A value on the restricted pickle machine's stack.
///
/// Containers are Swift values: a memo entry is a snapshot taken when the pickle stored it. The
/// Python pickler writes every container completely before referring to it again, so for the
/// pickles uvseg reads (state dicts of tensors) this is what Python would see; a contrived pickle
/// that mutates a container after re-reading it from the memo gets the snapshot, never a trap, and
/// pays for the copy from the reading's memory budget.
enum PickleValue {
    case none
    case bool(Bool)
    case int(Int)
    case float(Double)
    case string(String)
    case tuple(PickleContainer<PickleValue>)
    case list(PickleContainer<PickleValue>)
    /// A dict's items in insertion order (later items win over earlier ones with the same key).
    case dictionary(PickleContainer<PickleItem>)
    /// A global the interpreter agreed to name (it refuses every other one).
    case global(module: String, name: String)
    /// An object the interpreter made (a storage, a tensor), by its index in the interpreter.
    case object(Int)

    /// How many containers nest in this value, itself included.
    var height: Int {
        switch self {
        case .tuple(let container), .list(let container): container.height
        case .dictionary(let container): container.height
        default: 0
        }
    }

    /// The value's kind, for error messages.
    var kindName: String {
        switch self {
        case .none: "None"
        case .bool: "a boolean"
        case .int: "an integer"
        case .float: "a float"
        case .string: "a string"
        case .tuple: "a tuple"
        case .list: "a list"
        case .dictionary: "a dict"
        case .global(let module, let name): "\(module).\(name)"
        case .object: "an object"
        }
    }

    /// A tuple of `elements`, checking how deeply they nest and charging them to `budget`.
    static func tuple(_ elements: [PickleValue], budget: inout MemoryBudget) throws(UVSegError) -> PickleValue {
        var container = PickleContainer<PickleValue>()
        for element in elements { try container.append(element, budget: &budget) }
        return .tuple(container)
    }
}
