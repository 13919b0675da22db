import Diagnostics

/// Gives the objects of a `torch.save`d state dict their meaning, and refuses everything else.
///
/// The only globals it names are `collections.OrderedDict`, the tensor rebuild functions and the
/// floating-point storage classes; calls are interpreted, never executed, and only with the
/// arguments `torch.save` writes.
struct TorchPickleInterpreter: PickleInterpreter {
    /// A storage as a persistent id describes it: its element type and its archive entry's bytes.
    struct Storage {
        var type: TorchStorageType
        var count: Int
        var bytes: ArraySlice<UInt8>
    }

    enum Object {
        case storage(Storage)
        case tensor(TorchTensorView)
    }

    private static let rebuildFunctions: Set<String> = ["_rebuild_tensor_v2", "_rebuild_tensor"]

    /// Returns the bytes of the archive entry `data/<key>`, or nil when there is none.
    private let storageEntry: (String) -> ArraySlice<UInt8>?
    private(set) var objects: [Object] = []
    /// Storage key -> index in `objects`, so that views of one storage share it.
    private var storageIndices: [String: Int] = [:]

    init(storageEntry: @escaping (String) -> ArraySlice<UInt8>?) {
        self.storageEntry = storageEntry
    }

    mutating func global(module: String, name: String) throws(UVSegError) -> PickleValue {
        let allowed =
            switch module {
            case "collections": name == "OrderedDict"
            case "torch._utils": Self.rebuildFunctions.contains(name)
            case "torch": TorchStorageType(rawValue: name) != nil
            default: false
            }
        guard allowed else {
            throw .unsupported(
                "checkpoint refers to \(module).\(name); uvseg loads only tensors "
                    + "(a state dict of float tensors saved with torch.save)")
        }
        return .global(module: module, name: name)
    }

    /// ('storage', <storage class>, key, location, element count): the location (cpu, cuda:0, ...)
    /// does not matter, everything is read to the CPU.
    mutating func persistentLoad(_ id: PickleValue, budget: inout MemoryBudget) throws(UVSegError) -> PickleValue {
        guard case .tuple(let tuple) = id, tuple.elements.count == 5,
            case .string("storage") = tuple.elements[0],
            case .global("torch", let className) = tuple.elements[1],
            let type = TorchStorageType(rawValue: className),
            case .string(let key) = tuple.elements[2],
            case .string = tuple.elements[3],
            case .int(let count) = tuple.elements[4], count >= 0
        else {
            throw .badFormat("the checkpoint refers to a storage in a form uvseg does not know (\(id.kindName))")
        }
        if let index = storageIndices[key] { return .object(index) }
        guard let bytes = storageEntry(key) else {
            throw .badFormat("the checkpoint refers to storage '\(key)', which its archive does not hold")
        }
        let (size, overflow) = count.multipliedReportingOverflow(by: type.elementSize)
        guard !overflow, size == bytes.count else {
            throw .badFormat(
                "the checkpoint's storage '\(key)' should hold \(count) \(className) elements "
                    + "but has \(bytes.count) bytes")
        }
        try budget.charge(key.utf8.count + MemoryLayout<(String, Int)>.stride, of: 1, for: "the checkpoint's storage names")
        storageIndices[key] = objects.count
        return try add(.storage(Storage(type: type, count: count, bytes: bytes)), budget: &budget)
    }

    mutating func reduce(_ callable: PickleValue, arguments: [PickleValue], budget: inout MemoryBudget)
        throws(UVSegError) -> PickleValue
    {
        switch callable {
        case .global("collections", "OrderedDict") where arguments.isEmpty:
            return .dictionary(PickleContainer())
        case .global("torch._utils", "_rebuild_tensor_v2") where (6...7).contains(arguments.count),
            .global("torch._utils", "_rebuild_tensor") where arguments.count == 4:
            return try rebuildTensor(arguments, budget: &budget)
        default:
            throw .unsupported(
                "the checkpoint calls \(callable.kindName) with \(arguments.count) arguments, "
                    + "which is not how torch.save writes a tensor")
        }
    }

    /// BUILD on a dict sets attributes such as the `_metadata` of a module's state dict: per-module
    /// version numbers that do not change any tensor, so they are accepted and dropped.
    mutating func build(_ object: PickleValue, state: PickleValue) throws(UVSegError) -> PickleValue {
        guard case .dictionary = object, case .dictionary = state else {
            throw .unsupported("the checkpoint sets the state of \(object.kindName), which a state dict never does")
        }
        return object
    }

    /// (storage, offset, size, stride[, requires_grad, backward_hooks[, metadata]]): requires_grad
    /// and metadata do not change the values; backward hooks would be code, so there must be none.
    private mutating func rebuildTensor(_ arguments: [PickleValue], budget: inout MemoryBudget)
        throws(UVSegError) -> PickleValue
    {
        guard case .object(let storage) = arguments[0], objects.indices.contains(storage),
            case .storage = objects[storage]
        else {
            throw .badFormat("the checkpoint rebuilds a tensor from \(arguments[0].kindName) instead of a storage")
        }
        if arguments.count > 5 {
            guard case .dictionary(let hooks) = arguments[5], hooks.elements.isEmpty else {
                throw .unsupported("the checkpoint attaches backward hooks to a tensor")
            }
        }
        let view = try TorchTensorView(
            storage: storage, offset: arguments[1], size: arguments[2], stride: arguments[3], budget: &budget)
        return try add(.tensor(view), budget: &budget)
    }

    /// Adds `object` to the objects, charging it to `budget`; its value for the pickle's stack.
    private mutating func add(_ object: Object, budget: inout MemoryBudget) throws(UVSegError) -> PickleValue {
        try budget.charge(1, of: MemoryLayout<Object>.stride, for: "the checkpoint's storages and tensors")
        objects.append(object)
        return .object(objects.count - 1)
    }
}
