import Diagnostics
import Foundation
@testable import Network
import Testing

/// Handcrafted and corrupted checkpoints: each must be refused with a clear error, never trap.
@Suite("CheckpointLoading: hostile and damaged archives")
struct CheckpointLoadingHostileTests {
    private func failure(_ bytes: [UInt8]) -> UVSegError? {
        #expect(throws: UVSegError.self) { try Checkpoint(bytes: bytes).tensors }
    }

    @Test("a handcrafted archive in another folder with a strided tensor reads back")
    func handcraftedTensor() throws {
        let pickle = Pickle.stateDict([
            ("w", Pickle.tensor(key: "7", count: 6, offset: 1, size: [2, 2], stride: [1, 3]))
        ])
        let bytes = Pickle.checkpoint(pickle, storages: ["7": [0, 1, 2, 3, 4, 5]], folder: "elsewhere")
        let tensors = try Checkpoint(bytes: bytes).tensors
        // Element [i, j] is storage[1 + i + 3 j].
        #expect(tensors == ["w": CheckpointTensor(shape: [2, 2], values: [1, 4, 2, 5])])
    }

    @Test("views that reach beyond their storage are refused",
          arguments: [
            (4, [3], [1]),  // offset + size past the end
            (0, [2, 4], [4, 1]),  // 8 elements of a 6-element storage
            (0, [2, 2], [Int(Int32.max), 1]),  // stride far out of range
          ])
    func viewOutsideStorage(offset: Int, size: [Int], stride: [Int]) {
        let pickle = Pickle.stateDict([("w", Pickle.tensor(key: "0", count: 6, offset: offset, size: size, stride: stride))])
        let error = failure(Pickle.checkpoint(pickle, storages: ["0": [0, 1, 2, 3, 4, 5]]))
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains("beyond its storage") == true, "\(error?.message ?? "")")
    }

    @Test("a storage whose bytes do not match its element count, or that is missing, is refused",
          arguments: [("0", 7, "should hold 7"), ("9", 6, "does not hold")])
    func storageMismatch(key: String, count: Int, reason: String) {
        let pickle = Pickle.stateDict([("w", Pickle.tensor(key: key, count: count, offset: 0, size: [6], stride: [1]))])
        let error = failure(Pickle.checkpoint(pickle, storages: ["0": [0, 1, 2, 3, 4, 5]]))
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test("huge views of one small storage exceed the element budget")
    func viewExpansion() {
        // Each view has stride 0: 100,000 elements, all reading storage[0].
        let view = Pickle.tensor(key: "0", count: 1, offset: 0, size: [100_000], stride: [0])
        let pickle = Pickle.stateDict([("a", view), ("b", view)])
        let error = failure(Pickle.checkpoint(pickle, storages: ["0": [1]]))
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("more values than the file has bytes") == true)
    }

    @Test("a memoised list that the pickle appends to again and again is charged for every copy")
    func repeatedCopies() {
        // Each APPEND changes a list the memo still holds, so it copies all 20,001 elements.
        let list = Pickle.emptyList + Pickle.mark + Array(repeating: Pickle.none[0], count: 20_000) + Pickle.appends
        let copies = (0..<400).flatMap { _ in Pickle.get(0) + Pickle.none + Pickle.append }
        let error = failure(Pickle.checkpoint(Pickle.proto2 + list + Pickle.put(0) + copies + Pickle.stop))
        #expect(error?.kind == .outOfMemory)
        #expect(error?.message.contains("20001-element copy of a container") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("reading a checkpoint may take 64 MiB plus 8 bytes per byte") == true)
    }

    @Test("a list that the pickle memoises and then fills, as Python's pickler does, is copied once")
    func fillingAfterMemoisingCopiesOnce() throws {
        let appends = (0..<60_000).flatMap { _ in Pickle.none + Pickle.append }
        let pickle = Pickle.proto2 + Pickle.emptyList + Pickle.none + Pickle.append + Pickle.put(0) + appends + Pickle.stop
        var budget = MemoryBudget()
        let run = try PickleMachine.run(pickle[...], interpreter: TorchPickleInterpreter { _ in nil }, budget: &budget)
        guard case .list(let list) = run.value else {
            Issue.record("the pickle gave \(run.value.kindName)")
            return
        }
        #expect(list.elements.count == 60_001)
        // One charge per element and one small copy; a copy per append would charge 2,000 times more.
        let elements = 60_001 * MemoryLayout<PickleValue>.stride
        #expect(budget.charged >= elements && budget.charged < elements + 1024, "\(budget.charged)")
    }

    @Test("tensor views rebuilt again and again from one long shape are charged for their shapes")
    func repeatedLongViews() {
        let storage = Pickle.mark + Pickle.string("storage") + Pickle.global("torch", "FloatStorage") + Pickle.string("0")
            + Pickle.string("cpu") + Pickle.int(1) + Pickle.tuple + Pickle.binPersId
        let hooks = Pickle.global("collections", "OrderedDict") + Pickle.emptyTuple + Pickle.reduce
        // Size and stride: one tuple of 60,000 zeros, so each view holds two arrays of 60,000 integers.
        let zeros = Pickle.intTuple(Array(repeating: 0, count: 60_000)) + Pickle.put(2)
        let arguments = Pickle.mark + storage + Pickle.int(0) + zeros + Pickle.get(2) + Pickle.newFalse + hooks + Pickle.tuple
        let rebuild = Pickle.global("torch._utils", "_rebuild_tensor_v2")
        let views = (0..<200).flatMap { _ in Pickle.get(1) + Pickle.get(3) + Pickle.reduce + Pickle.append }
        let pickle = Pickle.proto2 + Pickle.emptyList + rebuild + Pickle.put(1) + arguments + Pickle.put(3) + Pickle.reduce
            + Pickle.append + views + Pickle.stop
        let error = failure(Pickle.checkpoint(pickle, storages: ["0": [1]]))
        #expect(error?.kind == .outOfMemory)
        #expect(error?.message.contains("the checkpoint's tensor shapes would need") == true, "\(error?.message ?? "")")
    }

    @Test("values that are not tensors, and pickles that are not state dicts, are refused")
    func nonTensors() {
        let notTensor = failure(Pickle.checkpoint(Pickle.stateDict([("w", Pickle.int(3))])))
        #expect(notTensor?.kind == .unsupported)
        #expect(notTensor?.message.contains("'w' is an integer, not a tensor") == true)
        let notDict = failure(Pickle.checkpoint(Pickle.proto2 + Pickle.int(3) + Pickle.stop))
        #expect(notDict?.message.contains("not a state dict") == true)
    }

    @Test("a call of an allowed global with unexpected arguments is refused")
    func unexpectedCall() {
        let call = Pickle.global("collections", "OrderedDict") + Pickle.int(1) + Pickle.tuple1 + Pickle.reduce
        let error = failure(Pickle.checkpoint(Pickle.stateDict([("w", call)])))
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("collections.OrderedDict with 1 arguments") == true)
    }

    @Test("unknown opcodes, deep nesting and stack misuse are refused",
          arguments: [
            (Pickle.proto2 + Array("cos\nsystem\n".utf8), UVSegError.Kind.unsupported, "os.system"),
            (Pickle.proto2 + [0x95] + [UInt8](repeating: 0, count: 8), .unsupported, "opcode 0x95"),
            (Pickle.proto2 + Array("h\u{05}".utf8), .badFormat, "memo entry 5"),
            (Pickle.proto2 + Pickle.int(1) + Pickle.mark + Pickle.tuple1, .badFormat, "pops more values"),
            (Pickle.proto2 + Pickle.int(1) + Pickle.int(2) + Pickle.stop, .badFormat, "2 values"),
            (Pickle.proto2 + [UInt8(ascii: "X"), 0xff, 0xff, 0xff, 0x7f], .badFormat, "truncated"),
            (Pickle.proto2 + Pickle.emptyDict, .badFormat, "truncated"),
          ])
    func malformedPickles(pickle: [UInt8], kind: UVSegError.Kind, reason: String) {
        let error = failure(Pickle.checkpoint(pickle))
        #expect(error?.kind == kind)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test("containers nested beyond the limit are refused before they can exhaust the stack")
    func deepNesting() {
        let nested = Pickle.proto2 + Pickle.emptyTuple + Array(repeating: Pickle.tuple1[0], count: 100_000) + Pickle.stop
        let error = failure(Pickle.checkpoint(nested))
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains("levels deep") == true)
    }

    @Test("a pickle that piles values beyond the stack limit is refused")
    func stackLimit() {
        let limit = PickleMachine<TorchPickleInterpreter>.stackLimit
        let pile = Pickle.proto2 + Array(repeating: Pickle.newFalse[0], count: limit + 1) + Pickle.stop
        let error = failure(Pickle.checkpoint(pile))
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("stack values") == true)
    }

    @Test("every truncation of a real checkpoint throws instead of trapping")
    func everyTruncation() throws {
        let bytes = try CheckpointFixtures.bytes("checkpoints/views.pt")
        for length in 0..<bytes.count {
            #expect(throws: UVSegError.self) { try Checkpoint(bytes: Array(bytes[..<length])) }
        }
    }

    @Test("corrupting any single byte of a real checkpoint never traps")
    func everyByteCorrupted() throws {
        let bytes = try CheckpointFixtures.bytes("checkpoints/views.pt")
        var (read, refused) = (0, 0)
        for index in bytes.indices {
            for pattern: UInt8 in [0xFF, 0x80, 0x01] {
                var corrupted = bytes
                corrupted[index] ^= pattern
                // Bytes the reader does not use (CRCs, padding), storage bytes and name characters
                // may change and still read; structural bytes must be refused.
                if (try? Checkpoint(bytes: corrupted)) != nil { read += 1 } else { refused += 1 }
            }
        }
        #expect(read > 0)
        #expect(refused > 0)
    }
}
