import Workflow

/// Runs the body of a C entry point: a thrown `UVSegError` becomes its status code, and its
/// message becomes this thread's `uvs_last_error()`. Success leaves the last error as it was, as
/// errno does, so a caller may read it after a later successful call.
func callBoundary(_ body: () throws(UVSegError) -> Void) -> Int32 {
    do {
        try body()
        return Status.ok.rawValue
    } catch {
        LastError.set(error.message)
        return Status(error.kind).rawValue
    }
}

/// Checks a pointer argument the contract requires to be non-null.
func required<T>(_ pointer: T?, _ name: String) throws(UVSegError) -> T {
    guard let pointer else { throw .invalidArgument("\(name) must not be NULL") }
    return pointer
}

/// Checks a C string argument and converts it, refusing NULL and invalid UTF-8 text.
func requiredString(_ pointer: UnsafePointer<CChar>?, _ name: String) throws(UVSegError) -> String {
    let text = try required(pointer, name)
    guard let string = String(validatingCString: text) else {
        throw .invalidArgument("\(name) is not valid UTF-8")
    }
    return string
}

/// Checks a count argument: at least `minimum`, as a Swift `Int`.
func count(_ value: Int32, _ name: String, minimum: Int32 = 1) throws(UVSegError) -> Int {
    guard value >= minimum else { throw .invalidArgument("\(name) must be at least \(minimum), got \(value)") }
    return Int(value)
}

/// The product of sizes of a caller's array, refusing one that would overflow.
func elementCount(_ factors: Int..., of name: String) throws(UVSegError) -> Int {
    var product = 1
    for factor in factors {
        let (result, overflow) = product.multipliedReportingOverflow(by: factor)
        guard !overflow else { throw .outOfMemory("\(name) would hold more elements than memory can address") }
        product = result
    }
    return product
}
