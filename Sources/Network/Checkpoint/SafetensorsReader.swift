import Diagnostics

/// Reads the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
/// (`name: {"dtype", "shape", "data_offsets": [begin, end]}` plus an optional `__metadata__` map of
/// strings), then the tensors' bytes, offsets counted from the end of the header.
enum SafetensorsReader {
    /// The header-size limit the safetensors reference implementation sets.
    static let maximumHeaderLength = 100_000_000

    /// The checkpoint in `bytes`; the parsed header and the decoded values are charged to `budget`.
    static func read(_ bytes: [UInt8], budget: inout MemoryBudget) throws(UVSegError) -> Checkpoint {
        guard bytes.count >= 8 else {
            throw .badFormat("safetensors file is \(bytes.count) bytes, too short for its header length")
        }
        let declaredLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard declaredLength <= UInt64(maximumHeaderLength), Int(declaredLength) <= bytes.count - 8 else {
            throw .badFormat(
                "safetensors header claims \(declaredLength) bytes, but the file has \(bytes.count - 8) after the length field (limit \(maximumHeaderLength))")
        }
        let headerEnd = 8 + Int(declaredLength)
        try budget.charge(headerEnd - 8, of: 1, for: "the safetensors header")
        let header = try JSONParser.parse(
            Array(bytes[8..<headerEnd]), context: "the safetensors header", budget: &budget)
        guard case .object(let entries) = header else {
            throw .badFormat("the safetensors header is not a JSON object")
        }

        var layouts: [TensorLayout] = []
        var metadata: [String: String] = [:]
        let dataCount = bytes.count - headerEnd
        for (name, entry) in entries {
            if name == "__metadata__" {
                metadata = try readMetadata(entry)
            } else {
                layouts.append(try TensorLayout(named: name, entry, dataCount: dataCount))
            }
        }
        try checkTiling(layouts, dataCount: dataCount)

        var tensors: [String: CheckpointTensor] = [:]
        let result = bytes.withUnsafeBytes { file in
            Result { () throws(UVSegError) in
                let data = UnsafeRawBufferPointer(rebasing: file[headerEnd...])
                for layout in layouts {
                    let count = layout.range.count / layout.dtype.byteCount
                    try budget.charge(count, of: MemoryLayout<Float>.stride, for: "the values of tensor '\(layout.name)'")
                    let values = layout.dtype.decode(UnsafeRawBufferPointer(rebasing: data[layout.range]))
                    tensors[layout.name] = CheckpointTensor(shape: layout.shape, values: values)
                }
            }
        }
        try result.get()
        return Checkpoint(tensors: tensors, metadata: metadata)
    }

    /// The format requires the tensors' byte ranges to tile the data exactly, in any order, as its
    /// reference implementation checks. With no overlap no byte is decoded twice, so the values take
    /// at most twice the file's bytes (float16 widened to float32); with no gap nothing else hides in
    /// the file.
    private static func checkTiling(_ layouts: [TensorLayout], dataCount: Int) throws(UVSegError) {
        var end = 0
        var previous = ""
        for layout in layouts.sorted(by: { ($0.range.lowerBound, $0.range.upperBound, $0.name) < ($1.range.lowerBound, $1.range.upperBound, $1.name) }) {
            guard layout.range.lowerBound >= end else {
                throw .badFormat(
                    "tensors '\(previous)' and '\(layout.name)' share data bytes (their data_offsets overlap); "
                        + "the tensors of a safetensors file lie side by side")
            }
            guard layout.range.lowerBound == end else {
                throw .badFormat(
                    "the safetensors data has \(layout.range.lowerBound - end) bytes at offset \(end) that no tensor covers")
            }
            end = layout.range.upperBound
            previous = layout.name
        }
        guard end == dataCount else {
            throw .badFormat("the safetensors data has \(dataCount - end) bytes after its last tensor that no tensor covers")
        }
    }

    private static func readMetadata(_ entry: JSONValue) throws(UVSegError) -> [String: String] {
        guard case .object(let members) = entry else {
            throw .badFormat("safetensors __metadata__ is not a JSON object")
        }
        var metadata: [String: String] = [:]
        for (key, value) in members {
            guard case .string(let text) = value else {
                throw .badFormat("safetensors __metadata__ entry '\(key)' is not a string")
            }
            metadata[key] = text
        }
        return metadata
    }

    /// Where one tensor's values lie and how to read them, checked against the data's size.
    private struct TensorLayout {
        let name: String
        let dtype: SafetensorsDType
        let shape: [Int]
        /// The tensor's bytes, counted from the start of the data.
        let range: Range<Int>

        init(named name: String, _ entry: JSONValue, dataCount: Int) throws(UVSegError) {
            guard case .object(let fields) = entry,
                  case .string(let dtypeName)? = fields["dtype"],
                  case .array(let shapeValues)? = fields["shape"],
                  case .array(let offsetValues)? = fields["data_offsets"]
            else {
                throw .badFormat("safetensors entry for tensor '\(name)' lacks dtype, shape or data_offsets")
            }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                let readable = SafetensorsDType.allCases.map(\.rawValue).joined(separator: ", ")
                throw .unsupported("tensor '\(name)' has dtype \(dtypeName); uvseg reads \(readable)")
            }
            let shape = shapeValues.compactMap(\.nonNegativeInteger)
            let offsets = offsetValues.compactMap(\.nonNegativeInteger)
            guard shape.count == shapeValues.count else {
                throw .badFormat("tensor '\(name)' has a shape that is not a list of non-negative integers")
            }
            guard offsets.count == 2, offsetValues.count == 2, offsets[0] <= offsets[1], offsets[1] <= dataCount else {
                throw .badFormat("tensor '\(name)' has data_offsets outside the file's \(dataCount) data bytes")
            }
            var byteCount = dtype.byteCount
            for extent in shape {
                let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
                guard !overflow else { throw .badFormat("tensor '\(name)' has an impossibly large shape \(shape)") }
                byteCount = product
            }
            guard offsets[1] - offsets[0] == byteCount else {
                throw .badFormat(
                    "tensor '\(name)' of shape \(shape) and dtype \(dtypeName) needs \(byteCount) bytes but data_offsets span \(offsets[1] - offsets[0])")
            }
            self.name = name
            self.dtype = dtype
            self.shape = shape
            range = offsets[0]..<offsets[1]
        }
    }
}
