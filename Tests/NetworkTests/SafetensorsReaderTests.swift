import Diagnostics
@testable import Network
import Testing

/// The safetensors reader on handcrafted and damaged files, and the format dispatch of `Checkpoint`.
@Suite("Safetensors: reading, hostile headers, format dispatch")
struct SafetensorsReaderTests {
    /// A safetensors file: 8-byte little-endian header length, the header, the data.
    static func file(header: String, data: [UInt8] = []) -> [UInt8] {
        let header = Array(header.utf8)
        return (0..<8).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header + data
    }

    static func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in (0..<T.bitWidth / 8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    }

    static func failure(_ bytes: [UInt8]) -> UVSegError? {
        #expect(throws: UVSegError.self) { try Checkpoint(bytes: bytes) }
    }

    @Test("tensors of several dtypes and the metadata map read back")
    func readsTensorsAndMetadata() throws {
        let header = #"""
            {"__metadata__": {"format": "pt", "note": "caf\u00e9 \ud83d\ude00 \"quoted\""},
             "a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
             "b": {"dtype": "F16", "shape": [1, 5], "data_offsets": [8, 18]},
             "c": {"dtype": "BF16", "shape": [], "data_offsets": [18, 20]},
             "d": {"dtype": "F64", "shape": [1], "data_offsets": [20, 28]},
             "e": {"dtype": "F32", "shape": [0, 3], "data_offsets": [28, 28]}}
            """#
        let data = Self.littleEndian([Float(1.5).bitPattern, Float(-2).bitPattern])
            + Self.littleEndian([UInt16(0x3C00), 0x0001, 0x7BFF, 0xFC00, 0x8000])  // 1, 2^-24, 65504, -inf, -0
            + Self.littleEndian([UInt16(0x4049)])  // bfloat16 3.140625
            + Self.littleEndian([Double(0.1).bitPattern])
        let checkpoint = try Checkpoint(bytes: Self.file(header: header, data: data))
        #expect(checkpoint.metadata == ["format": "pt", "note": "café 😀 \"quoted\""])
        #expect(checkpoint.tensors["a"] == CheckpointTensor(shape: [2], values: [1.5, -2]))
        let half = try #require(checkpoint.tensors["b"])
        #expect(half.shape == [1, 5])
        #expect(half.values[0...2] == [1, 0x1p-24, 65504])
        #expect(half.values[3] == -.infinity)
        #expect(half.values[4] == 0 && half.values[4].sign == .minus)
        #expect(checkpoint.tensors["c"] == CheckpointTensor(shape: [], values: [3.140625]))
        #expect(checkpoint.tensors["d"] == CheckpointTensor(shape: [1], values: [Float(0.1)]))
        #expect(checkpoint.tensors["e"] == CheckpointTensor(shape: [0, 3], values: []))
    }

    @Test("every float16 bit pattern widens exactly as the platform's Float16 does")
    func float16Widening() {
        let mismatches = (0...UInt16.max).filter { bits in
            let widened = HalfPrecision.float(fromFloat16Bits: bits)
            let native = Float(Float16(bitPattern: bits))
            return !(widened.bitPattern == native.bitPattern || (widened.isNaN && native.isNaN))
        }
        #expect(mismatches.isEmpty)
    }

    @Test("header lengths beyond the file or the limit are refused before anything is read",
          arguments: [UInt64.max, UInt64(Int.max), 100_000_001, 60])
    func hostileHeaderLength(length: UInt64) throws {
        let bytes = Self.littleEndian([length]) + Array(#"{"a": 1}"#.utf8)
        let error = Self.failure(bytes)
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains("header claims") == true, "\(error?.message ?? "")")
    }

    @Test("malformed headers are bad formats that say what is wrong",
          arguments: [
            (#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}"#, "not valid JSON"),
            (#"{"a": 1, "a": 2}"#, "duplicate key"),
            (#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}} x"#, "unexpected bytes"),
            (#"{"a": "\ud800"}"#, "surrogate"),
            (#"{"a": {"dtype": "F32", "shape": [1]}}"#, "lacks dtype, shape or data_offsets"),
            (#"{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}"#, "not a list of non-negative integers"),
            (#"{"a": {"dtype": "F32", "shape": [1.5], "data_offsets": [0, 4]}}"#, "not a list of non-negative integers"),
            (#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [4, 0]}}"#, "data_offsets outside"),
            (#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 400]}}"#, "data_offsets outside"),
            (#"{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 99999999999999999999]}}"#, "data_offsets outside"),
            (#"{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}"#, "needs 8 bytes"),
            (#"{"a": {"dtype": "F32", "shape": [4294967296, 4294967296], "data_offsets": [0, 4]}}"#, "impossibly large"),
            (#"{"__metadata__": {"n": 1}}"#, "is not a string"),
          ])
    func malformedHeader(header: String, reason: String) {
        let error = Self.failure(Self.file(header: header, data: [0, 0, 0, 0]))
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test("data ranges that overlap, leave a gap or stop short of the end are refused",
          arguments: [
            ("[0, 4]", "[0, 4]", 4, "share data bytes"),
            ("[0, 8]", "[4, 8]", 8, "share data bytes"),
            ("[0, 4]", "[8, 12]", 12, "4 bytes at offset 4 that no tensor covers"),
            ("[0, 4]", "[4, 8]", 12, "4 bytes after its last tensor"),
          ])
    func rangesMustTile(first: String, second: String, dataCount: Int, reason: String) {
        let shape = { (range: String) in range == "[0, 8]" ? "[2]" : "[1]" }
        let header = #"{"a": {"dtype": "F32", "shape": \#(shape(first)), "data_offsets": \#(first)}, "#
            + #""b": {"dtype": "F32", "shape": \#(shape(second)), "data_offsets": \#(second)}}"#
        let error = Self.failure(Self.file(header: header, data: Array(repeating: 0, count: dataCount)))
        #expect(error?.kind == .badFormat)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test("the header's parsed values and the decoded tensors are charged to the budget")
    func budgetCharges() throws {
        var small = MemoryBudget(limit: 1000)
        let numbers = Array(("[" + Array(repeating: "0", count: 100).joined(separator: ",") + "]").utf8)
        let parse = #expect(throws: UVSegError.self) { try JSONParser.parse(numbers, context: "a list", budget: &small) }
        #expect(parse?.kind == .outOfMemory)
        #expect(parse?.message.contains("the values of a list would need") == true, "\(parse?.message ?? "")")

        let bytes = Self.file(
            header: #"{"a": {"dtype": "F16", "shape": [300], "data_offsets": [0, 600]}}"#, data: Array(repeating: 0, count: 600))
        var budget = MemoryBudget(limit: 1000)
        let read = #expect(throws: UVSegError.self) { try SafetensorsReader.read(bytes, budget: &budget) }
        #expect(read?.kind == .outOfMemory)
        #expect(read?.message.contains("the values of tensor 'a' would need 1200 bytes") == true, "\(read?.message ?? "")")
        var enough = MemoryBudget(limit: 2000)
        #expect(try SafetensorsReader.read(bytes, budget: &enough).tensors["a"]?.values.count == 300)
        #expect(enough.charged > 1200)
    }

    @Test("deeply nested JSON is refused without deep recursion")
    func deepNesting() {
        let header = "{\"a\": " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        let error = Self.failure(Self.file(header: header))
        #expect(error?.message.contains("nesting deeper") == true)
    }

    @Test("a dtype uvseg does not convert is unsupported and named")
    func unsupportedDType() {
        let error = Self.failure(Self.file(
            header: #"{"steps": {"dtype": "I64", "shape": [1], "data_offsets": [0, 8]}}"#, data: Array(repeating: 0, count: 8)))
        #expect(error?.kind == .unsupported)
        #expect(error?.message.contains("tensor 'steps' has dtype I64") == true)
    }

    @Test("every truncation and many corruptions of a real file throw instead of trapping")
    func truncationAndCorruption() throws {
        let bytes = try CheckpointFixtures.bytes("uneven/weights.safetensors")
        let headerEnd = 8 + Int(bytes[0]) + Int(bytes[1]) << 8
        // Every length through the first bytes, then a sample through header and data.
        for length in Array(0..<64) + Array(stride(from: 64, to: bytes.count, by: 127)) {
            #expect(throws: UVSegError.self) { try Checkpoint(bytes: Array(bytes.prefix(length))) }
        }
        for position in stride(from: 0, to: headerEnd, by: 5) {
            for value: UInt8 in [0x22, 0x5B, 0xFF] where bytes[position] != value {
                var corrupted = bytes
                corrupted[position] = value
                _ = try? Checkpoint(bytes: corrupted)
            }
        }
    }

    @Test("empty, unknown and legacy-pickle bytes are refused with the reason",
          arguments: [
            ([], UVSegError.Kind.badFormat, "empty"),
            (Array("just some text, not a checkpoint".utf8), .badFormat, "neither a PyTorch zip archive"),
            ([0x80, 0x02, 0x8A, 0x0A, 0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20], .unsupported, "legacy pickle format"),
          ])
    func dispatch(bytes: [UInt8], kind: UVSegError.Kind, reason: String) {
        let error = Self.failure(bytes)
        #expect(error?.kind == kind)
        #expect(error?.message.contains(reason) == true, "\(error?.message ?? "")")
    }

    @Test("a file that cannot be read is an I/O error naming the path")
    func unreadableFile() {
        for path in ["/nonexistent/uvseg/weights.safetensors", CheckpointFixtures.folder.path] {
            let error = #expect(throws: UVSegError.self) { try Checkpoint.load(contentsOf: path) }
            #expect(error?.kind == .io)
            #expect(error?.message.contains(path) == true)
        }
    }
}
