import Diagnostics

/// Arithmetic on sizes that come from files, where overflow is a property of the input, not a bug.
extension Array where Element == Int {
    /// The product of the elements, or nil when it overflows.
    func checkedProduct() -> Int? {
        var product = 1
        for factor in self {
            guard let next = product.checkedMultiply(factor) else { return nil }
            product = next
        }
        return product
    }
}

extension Int {
    /// `self * other`, or nil when it overflows.
    func checkedMultiply(_ other: Int) -> Int? {
        let (result, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? nil : result
    }

    /// `self + other`, or nil when it overflows.
    func checkedAdd(_ other: Int) -> Int? {
        let (result, overflow) = addingReportingOverflow(other)
        return overflow ? nil : result
    }

    /// A byte count for a person: "4.0 GiB", "12 MiB", "1234 bytes".
    var formattedBytes: String { MemoryBudget.text(self) }
}
