/// Pickle opcodes spelled out, for handcrafted (and hostile) pickles in tests.
enum Pickle {
    static let proto2: [UInt8] = [0x80, 2]
    static let stop: [UInt8] = Array(".".utf8)
    static let mark: [UInt8] = Array("(".utf8)
    static let tuple: [UInt8] = Array("t".utf8)
    static let tuple1: [UInt8] = [0x85]
    static let emptyTuple: [UInt8] = Array(")".utf8)
    static let emptyDict: [UInt8] = Array("}".utf8)
    static let setItems: [UInt8] = Array("u".utf8)
    static let setItem: [UInt8] = Array("s".utf8)
    static let reduce: [UInt8] = Array("R".utf8)
    static let binPersId: [UInt8] = Array("Q".utf8)
    static let newFalse: [UInt8] = [0x89]
    static let none: [UInt8] = Array("N".utf8)
    static let emptyList: [UInt8] = Array("]".utf8)
    static let append: [UInt8] = Array("a".utf8)
    static let appends: [UInt8] = Array("e".utf8)

    /// BINPUT: stores the top of the stack as memo entry `index`.
    static func put(_ index: UInt8) -> [UInt8] { [UInt8(ascii: "q"), index] }

    /// BINGET: pushes memo entry `index`.
    static func get(_ index: UInt8) -> [UInt8] { [UInt8(ascii: "h"), index] }

    static func global(_ module: String, _ name: String) -> [UInt8] {
        Array("c\(module)\n\(name)\n".utf8)
    }

    static func string(_ text: String) -> [UInt8] {
        [UInt8(ascii: "X")] + StoredZipWriter.le(text.utf8.count, 4) + Array(text.utf8)
    }

    static func int(_ value: Int) -> [UInt8] {
        [UInt8(ascii: "J")] + StoredZipWriter.le(value, 4)
    }

    static func intTuple(_ values: [Int]) -> [UInt8] {
        mark + values.flatMap(int) + tuple
    }

    /// `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())` over
    /// the storage ('storage', FloatStorage, key, 'cpu', count), as torch.save writes it.
    static func tensor(key: String, count: Int, offset: Int, size: [Int], stride: [Int]) -> [UInt8] {
        let storage = mark + string("storage") + global("torch", "FloatStorage") + string(key) + string("cpu")
            + int(count) + tuple + binPersId
        let hooks = global("collections", "OrderedDict") + emptyTuple + reduce
        return global("torch._utils", "_rebuild_tensor_v2") + mark + storage + int(offset) + intTuple(size)
            + intTuple(stride) + newFalse + hooks + tuple + reduce
    }

    /// A state dict pickle {name: value, ...} with the values' opcodes given.
    static func stateDict(_ items: [(String, [UInt8])]) -> [UInt8] {
        proto2 + emptyDict + mark + items.flatMap { string($0.0) + $0.1 } + setItems + stop
    }

    /// A whole .pt archive around `pickle` with float32 storages named by key.
    static func checkpoint(_ pickle: [UInt8], storages: [String: [Float]] = [:], folder: String = "archive")
        -> [UInt8]
    {
        let data = storages.sorted { $0.key < $1.key }.map { key, values in
            (name: "\(folder)/data/\(key)", contents: values.flatMap { StoredZipWriter.le(Int($0.bitPattern), 4) })
        }
        return StoredZipWriter.archive(
            [(name: "\(folder)/data.pkl", contents: pickle), (name: "\(folder)/byteorder", contents: Array("little".utf8))]
                + data)
    }
}
