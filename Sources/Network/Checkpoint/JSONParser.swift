import Diagnostics

/// A strict JSON parser (RFC 8259) for headers of untrusted files: nesting depth is bounded,
/// duplicate object keys, invalid UTF-8 and trailing bytes are refused, and every value, member and
/// string is charged to a memory budget before it is kept.
struct JSONParser {
    /// Deeper nesting than any header uvseg reads needs; refusing it keeps recursion shallow.
    static let maximumDepth = 16
    /// About what one object member takes in its dictionary: key, value and the table's spare room.
    static let memberSize = 2 * (MemoryLayout<String>.stride + MemoryLayout<JSONValue>.stride)

    private let bytes: [UInt8]
    private var position = 0
    private let context: String
    private var budget: MemoryBudget
    /// What the charges are for, in an out-of-memory message.
    private let parsedValues: String

    /// Parses `bytes` as one JSON value; `context` names the document in error messages, and what the
    /// value takes is charged to `budget`.
    static func parse(_ bytes: [UInt8], context: String, budget: inout MemoryBudget) throws(UVSegError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, context: context, budget: budget)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.failure("unexpected bytes after the JSON value")
        }
        budget = parser.budget
        return value
    }

    private init(bytes: [UInt8], context: String, budget: MemoryBudget) {
        self.bytes = bytes
        self.context = context
        self.budget = budget
        parsedValues = "the values of \(context)"
    }

    /// Charges `count` bytes of what the value being parsed keeps.
    private mutating func charge(_ count: Int) throws(UVSegError) {
        try budget.charge(count, of: 1, for: parsedValues)
    }

    private func failure(_ reason: String) -> UVSegError {
        .badFormat("\(context) is not valid JSON: \(reason) at byte \(position)")
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            position += 1
        }
    }

    private mutating func expect(_ byte: UInt8) throws(UVSegError) {
        guard current == byte else {
            throw failure("expected '\(Character(Unicode.Scalar(byte)))'")
        }
        position += 1
    }

    private mutating func parseValue(depth: Int) throws(UVSegError) -> JSONValue {
        guard depth < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        switch current {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try parseLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try parseLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try parseLiteral("null"); return .null
        case .some(let byte) where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
            return .number(try parseNumber())
        case .some: throw failure("unexpected character")
        case .none: throw failure("unexpected end")
        }
    }

    private mutating func parseLiteral(_ literal: String) throws(UVSegError) {
        for byte in literal.utf8 {
            guard current == byte else { throw failure("invalid literal") }
            position += 1
        }
    }

    private mutating func parseObject(depth: Int) throws(UVSegError) -> JSONValue {
        try expect(UInt8(ascii: "{"))
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            let value = try parseValue(depth: depth + 1)
            try charge(Self.memberSize)
            guard members.updateValue(value, forKey: key) == nil else {
                throw failure("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
            } else {
                try expect(UInt8(ascii: "}"))
                return .object(members)
            }
        }
    }

    private mutating func parseArray(depth: Int) throws(UVSegError) -> JSONValue {
        try expect(UInt8(ascii: "["))
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            let element = try parseValue(depth: depth + 1)
            try charge(MemoryLayout<JSONValue>.stride)
            elements.append(element)
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
            } else {
                try expect(UInt8(ascii: "]"))
                return .array(elements)
            }
        }
    }

    private mutating func parseNumber() throws(UVSegError) -> String {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else {
            guard skipDigits() else { throw failure("invalid number") }
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard skipDigits() else { throw failure("invalid number") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard skipDigits() else { throw failure("invalid number") }
        }
        try charge(position - start)
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// Skips decimal digits; whether there was at least one.
    private mutating func skipDigits() -> Bool {
        let start = position
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            position += 1
        }
        return position > start
    }

    private mutating func parseString() throws(UVSegError) -> String {
        try expect(UInt8(ascii: "\""))
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else { throw failure("unterminated string") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                try charge(utf8.count)
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw failure("string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                try appendEscape(to: &utf8)
            case 0x00..<0x20:
                throw failure("control character in a string")
            default:
                utf8.append(byte)
            }
        }
    }

    private mutating func appendEscape(to utf8: inout [UInt8]) throws(UVSegError) {
        guard let byte = current else { throw failure("unterminated escape") }
        position += 1
        if let replacement = Self.simpleEscapes[byte] {
            utf8.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else { throw failure("invalid escape") }
        var scalarValue = UInt32(try parseHexQuad())
        if (0xD800..<0xDC00).contains(scalarValue) {
            // A high surrogate must be followed by an escaped low surrogate.
            guard current == UInt8(ascii: "\\"), position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "u") else {
                throw failure("unpaired surrogate")
            }
            position += 2
            let low = UInt32(try parseHexQuad())
            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
            scalarValue = 0x10000 + ((scalarValue - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else { throw failure("unpaired surrogate") }
        utf8.append(contentsOf: String(Character(scalar)).utf8)
    }

    private mutating func parseHexQuad() throws(UVSegError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexDigitValue(byte) else {
                throw failure("invalid \\u escape")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    /// The one-character escapes and the byte each stands for.
    private static let simpleEscapes: [UInt8: UInt8] = [
        UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
        UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]

    private static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
