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
/// value whose release would recurse deeper than the thread's stack.
struct PickleContainer<Element: PickleNestable> {
    static var nestingLimit: Int { 64 }

    private(set) var elements: [Element] = []
    private(set) var height = 1

    mutating func append(_ element: Element) throws(UVSegError) {
        let needed = element.height + 1
        guard needed <= Self.nestingLimit else {
            throw .badFormat(
                "the checkpoint's pickle nests containers more than \(Self.nestingLimit) levels deep")
        }
        height = max(height, needed)
        elements.append(element)
    }
}
