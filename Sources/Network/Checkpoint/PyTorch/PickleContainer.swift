import Diagnostics

/// One key/value pair of a pickled dict.
struct PickleItem: PickleNestable {
    var key: PickleValue
    var value: PickleValue

    var height: Int { max(key.height, value.height) }
}

/// Something a pickle container can hold and whose nesting it can measure.
protocol PickleNestable {
    var height: Int { get }
}

extension PickleValue: PickleNestable {}

/// The elements of a pickled tuple, list or dict, and how deeply containers nest inside it.
///
/// Nesting is bounded so that a hostile pickle (a million TUPLE1 opcodes in a row) cannot build a
/// value whose release would recurse deeper than the thread's stack. Every element is charged to
/// the reading's memory budget, and so is the copy a container makes when it changes while another
/// value (a memo entry) still shares its elements: a pickle that recalls a large container and
/// appends to it again and again is refused once the copies outgrow the budget.
struct PickleContainer<Element: PickleNestable> {
    static var nestingLimit: Int { 64 }
    /// About what the allocator takes for a container's storage object and its array's header.
    static var storageOverhead: Int { 64 }

    /// The elements, in an object whose uniqueness tells whether a change has to copy them.
    private final class Storage {
        var elements: [Element]

        init(_ elements: [Element]) {
            self.elements = elements
        }
    }

    /// None until the first element arrives: empty containers cost nothing.
    private var storage: Storage?
    private(set) var height = 1

    var elements: [Element] { storage?.elements ?? [] }

    mutating func append(_ element: Element, budget: inout MemoryBudget) throws(UVSegError) {
        let needed = element.height + 1
        guard needed <= Self.nestingLimit else {
            throw .badFormat(
                "the checkpoint's pickle nests containers more than \(Self.nestingLimit) levels deep")
        }
        let stride = MemoryLayout<Element>.stride
        let what = "the checkpoint pickle's containers"
        if storage == nil {
            try budget.charge(1, of: Self.storageOverhead + stride, for: what)
            storage = Storage([])
        } else if isKnownUniquelyReferenced(&storage) {
            try budget.charge(1, of: stride, for: what)
        } else {
            // The elements are shared with another value (a memo entry): changing them copies them.
            let count = elements.count + 1
            try budget.charge(
                count, of: stride,
                for: "a \(count)-element copy of a container that the checkpoint's pickle changes after storing it")
            try budget.charge(1, of: Self.storageOverhead, for: what)
            storage = Storage(elements)
        }
        height = max(height, needed)
        storage?.elements.append(element)
    }
}
