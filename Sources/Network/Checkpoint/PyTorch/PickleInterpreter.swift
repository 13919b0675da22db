import Diagnostics

/// What the pickle machine asks of whoever gives a pickle's objects their meaning.
///
/// The machine itself executes nothing: globals, persistent ids, calls (REDUCE) and state
/// assignments (BUILD) all go through an interpreter, which accepts what it knows and refuses the
/// rest.
protocol PickleInterpreter {
    /// GLOBAL: the value standing for `module.name`, or an error when that global is not allowed.
    mutating func global(module: String, name: String) throws(UVSegError) -> PickleValue
    /// BINPERSID: the object a persistent id refers to.
    mutating func persistentLoad(_ id: PickleValue) throws(UVSegError) -> PickleValue
    /// REDUCE: the result of calling `callable` (a value `global` returned) with `arguments`.
    mutating func reduce(_ callable: PickleValue, arguments: [PickleValue]) throws(UVSegError) -> PickleValue
    /// BUILD: `object` after setting its state.
    mutating func build(_ object: PickleValue, state: PickleValue) throws(UVSegError) -> PickleValue
}
