import Diagnostics

/// Reads the zip checkpoints `torch.save(model.state_dict(), path)` writes, without executing
/// anything from them.
///
/// The archive's pickle is run by a restricted machine that knows only the opcodes and globals a
/// state dict of float tensors needs; each tensor's values come from the archive's `data/<key>`
/// entries, converted to float32. The archive's top folder (torch names it after the file) may be
/// anything.
enum PyTorchCheckpoint {
    /// The state dict in `bytes` (a whole `.pt` file): tensor name -> tensor. What reading it
    /// allocates is charged to `budget` first.
    static func read(bytes: [UInt8], budget: inout MemoryBudget) throws(UVSegError) -> [String: CheckpointTensor] {
        let archive = try ZipArchive(bytes: bytes, budget: &budget)
        let pickleNames = archive.names.filter { $0 == "data.pkl" || $0.hasSuffix("/data.pkl") }
        guard pickleNames.count == 1, let pickleName = pickleNames.first,
            let pickle = archive.contents(of: pickleName)
        else {
            throw .badFormat(
                pickleNames.isEmpty
                    ? "the zip archive is not a PyTorch checkpoint: it has no data.pkl entry"
                    : "the checkpoint archive holds \(pickleNames.count) data.pkl entries")
        }
        let folder = String(pickleName.dropLast("data.pkl".count))
        let bigEndian = try isBigEndian(archive.contents(of: folder + "byteorder"))

        let storages = TorchPickleInterpreter { key in archive.contents(of: folder + "data/" + key) }
        let run = try PickleMachine.run(pickle, interpreter: storages, budget: &budget)
        // At most one element per byte of the file: a small hostile file cannot ask for huge views
        // of one storage (or of overlapping zip entries), while a float32 state dict, at one element
        // per 4 bytes, has room for tied weights and overlapping views.
        return try tensors(
            in: run.value, objects: run.interpreter.objects, bigEndian: bigEndian, valueLimit: bytes.count,
            budget: &budget)
    }

    /// Files written before torch recorded the byte order are little-endian.
    private static func isBigEndian(_ record: ArraySlice<UInt8>?) throws(UVSegError) -> Bool {
        guard let record else { return false }
        switch String(decoding: record, as: UTF8.self) {
        case "little": return false
        case "big": return true
        case let other: throw .badFormat("the checkpoint records an unknown byte order '\(other.prefix(16))'")
        }
    }

    /// The pickle's result must be a dict of tensor name -> tensor; anything else is refused.
    private static func tensors(
        in root: PickleValue, objects: [TorchPickleInterpreter.Object], bigEndian: Bool, valueLimit: Int,
        budget: inout MemoryBudget
    ) throws(UVSegError) -> [String: CheckpointTensor] {
        guard case .dictionary(let items) = root else {
            throw .unsupported("the checkpoint holds \(root.kindName), not a state dict of tensors")
        }
        var valuesLeft = valueLimit
        var result: [String: CheckpointTensor] = [:]
        for item in items.elements {
            guard case .string(let name) = item.key else {
                throw .unsupported("the checkpoint's state dict has a key that is \(item.key.kindName), not a name")
            }
            guard case .object(let index) = item.value, objects.indices.contains(index),
                case .tensor(let view) = objects[index], case .storage(let storage) = objects[view.storage]
            else {
                throw .unsupported("the checkpoint's entry '\(name)' is \(item.value.kindName), not a tensor")
            }
            guard let count = view.elementCount, count <= valuesLeft else {
                throw .unsupported(
                    "the checkpoint's tensors hold more values than the file has bytes (views that "
                        + "repeat their storage); uvseg reads state dicts of ordinary tensors")
            }
            valuesLeft -= count
            try budget.charge(count, of: MemoryLayout<Float>.stride, for: "the values of tensor '\(name)'")
            let values = try view.values(
                from: storage.bytes, storageCount: storage.count, type: storage.type, bigEndian: bigEndian)
            result[name] = CheckpointTensor(shape: view.shape, values: values)
        }
        return result
    }
}
