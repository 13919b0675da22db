import Diagnostics

/// What the pickle machine asks of whoever gives a pickle's objects their meaning.
///
/// The machine itself executes nothing: globals, persistent ids, calls (REDUCE) and state
/// assignments (BUILD) all go through an interpreter, which accepts what it knows and refuses the
/// rest.
protocol PickleInterpreter {
    /// GLOBAL: the value standing for `module.name`, or an error when that global is not allowed.
    mutating func global(module: String, name: String) throws(UVSegError) -> PickleValue
    /// BINPERSID: the object a persistent id refers to; what it allocates is charged to `budget`.
    mutating func persistentLoad(_ id: PickleValue, budget: inout MemoryBudget) throws(UVSegError) -> PickleValue
    /// REDUCE: the result of calling `callable` (a value `global` returned) with `arguments`; what it
    /// allocates is charged to `budget`.
    mutating func reduce(_ callable: PickleValue, arguments: [PickleValue], budget: inout MemoryBudget)
        throws(UVSegError) -> PickleValue
    /// BUILD: `object` after setting its state.
    mutating func build(_ object: PickleValue, state: PickleValue) throws(UVSegError) -> PickleValue
}
