import Diagnostics

/// A restricted interpreter of pickle opcodes (protocol 2 and the opcodes older writers use).
///
/// Only the opcodes a pickled state dict needs are known; any other one is refused. The stack, the
/// mark stack and the memo are bounded, every read is bounds-checked, and what the pickle makes
/// (containers and their copies, memo entries, strings, the interpreter's objects) is charged to the
/// reading's memory budget before it is allocated.
struct PickleMachine<Interpreter: PickleInterpreter> {
    static var stackLimit: Int { 1 << 16 }
    static var memoLimit: Int { 1 << 20 }
    static var globalNameLimit: Int { 256 }
    /// About what one memo entry takes in its dictionary: key, value and the table's spare room.
    static var memoEntrySize: Int { 2 * (MemoryLayout<Int>.stride + MemoryLayout<PickleValue>.stride) }

    private let pickle: BoundedBytes
    private var position = 0
    private var stack: [PickleValue] = []
    /// Stack heights at each MARK; opcodes never pop below the innermost mark.
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    private var interpreter: Interpreter
    private var budget: MemoryBudget

    /// Runs `pickle` to its STOP opcode and returns the value it leaves, with the interpreter as the
    /// run left it (holding the objects the value refers to); what the run allocates is charged to
    /// `budget`.
    static func run(_ pickle: ArraySlice<UInt8>, interpreter: Interpreter, budget: inout MemoryBudget)
        throws(UVSegError) -> (value: PickleValue, interpreter: Interpreter)
    {
        var machine = PickleMachine(
            pickle: BoundedBytes(pickle, subject: "the checkpoint's pickle"), interpreter: interpreter, budget: budget)
        let value = try machine.run()
        budget = machine.budget
        return (value, machine.interpreter)
    }

    private init(pickle: BoundedBytes, interpreter: Interpreter, budget: MemoryBudget) {
        self.pickle = pickle
        self.interpreter = interpreter
        self.budget = budget
    }

    private mutating func run() throws(UVSegError) -> PickleValue {
        while true {
            let opcode = try readByte()
            switch opcode {
            case 0x80:  // PROTO
                let version = try readByte()
                guard version <= 5 else { throw .unsupported("the checkpoint uses pickle protocol \(version)") }
            case UInt8(ascii: "."):  // STOP
                guard marks.isEmpty, stack.count == 1, let result = stack.last else {
                    throw .badFormat("the checkpoint's pickle stops with \(stack.count) values on its stack")
                }
                return result
            case UInt8(ascii: "c"):  // GLOBAL
                let module = try readLine()
                let name = try readLine()
                try push(interpreter.global(module: module, name: name))
            case UInt8(ascii: "N"): try push(.none)
            case 0x88: try push(.bool(true))  // NEWTRUE
            case 0x89: try push(.bool(false))  // NEWFALSE
            case UInt8(ascii: "K"): try push(.int(Int(readByte())))  // BININT1
            case UInt8(ascii: "M"): try push(.int(Int(readInteger(count: 2, signed: false))))  // BININT2
            case UInt8(ascii: "J"): try push(.int(Int(readInteger(count: 4, signed: true))))  // BININT
            case 0x8a:  // LONG1
                let count = Int(try readByte())
                guard count <= 8 else {
                    throw .unsupported("the checkpoint's pickle holds an integer wider than 64 bits")
                }
                try push(.int(Int(readInteger(count: count, signed: true))))
            case UInt8(ascii: "G"):  // BINFLOAT, big-endian
                let bits = try read(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                try push(.float(Double(bitPattern: bits)))
            case UInt8(ascii: "X"): try push(.string(readString(count: Int(readInteger(count: 4, signed: false)))))
            case 0x8c: try push(.string(readString(count: Int(readByte()))))  // SHORT_BINUNICODE
            case UInt8(ascii: ")"): try push(.tuple(PickleContainer()))  // EMPTY_TUPLE
            case UInt8(ascii: "]"): try push(.list(PickleContainer()))  // EMPTY_LIST
            case UInt8(ascii: "}"): try push(.dictionary(PickleContainer()))  // EMPTY_DICT
            case UInt8(ascii: "("):  // MARK
                guard marks.count < Self.stackLimit else { throw limitError("marks") }
                marks.append(stack.count)
            case UInt8(ascii: "t"): try push(.tuple(popToMark(), budget: &budget))  // TUPLE
            case 0x85, 0x86, 0x87:  // TUPLE1, TUPLE2, TUPLE3
                try push(.tuple(pop(Int(opcode - 0x84)), budget: &budget))
            case UInt8(ascii: "q"): try memoize(Int(readByte()))  // BINPUT
            case UInt8(ascii: "r"): try memoize(Int(readInteger(count: 4, signed: false)))  // LONG_BINPUT
            case UInt8(ascii: "h"): try recall(Int(readByte()))  // BINGET
            case UInt8(ascii: "j"): try recall(Int(readInteger(count: 4, signed: false)))  // LONG_BINGET
            case UInt8(ascii: "Q"):  // BINPERSID
                let id = try pop()
                try push(interpreter.persistentLoad(id, budget: &budget))
            case UInt8(ascii: "R"):  // REDUCE
                let arguments = try pop()
                let callable = try pop()
                guard case .tuple(let tuple) = arguments else {
                    throw .badFormat("the checkpoint's pickle calls \(callable.kindName) with \(arguments.kindName)")
                }
                try push(interpreter.reduce(callable, arguments: tuple.elements, budget: &budget))
            case UInt8(ascii: "b"):  // BUILD
                let state = try pop()
                let object = try pop()
                try push(interpreter.build(object, state: state))
            case UInt8(ascii: "s"):  // SETITEM
                let items = try pop(2)
                try setItems(items)
            case UInt8(ascii: "u"): try setItems(popToMark())  // SETITEMS
            case UInt8(ascii: "a"):  // APPEND
                let item = try pop()
                try append([item])
            case UInt8(ascii: "e"): try append(popToMark())  // APPENDS
            default:
                throw .unsupported(
                    "the checkpoint's pickle uses opcode 0x\(String(opcode, radix: 16)) at byte "
                        + "\(position - 1), which uvseg does not accept in a state dict")
            }
        }
    }

    // MARK: - Stack

    private mutating func push(_ value: PickleValue) throws(UVSegError) {
        guard stack.count < Self.stackLimit else { throw limitError("stack values") }
        stack.append(value)
    }

    private mutating func pop() throws(UVSegError) -> PickleValue {
        try pop(1)[0]
    }

    /// The top `count` values, bottom first; never reaching below the innermost mark.
    private mutating func pop(_ count: Int) throws(UVSegError) -> [PickleValue] {
        guard stack.count - (marks.last ?? 0) >= count else {
            throw .badFormat("the checkpoint's pickle pops more values than its stack holds")
        }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }

    private mutating func popToMark() throws(UVSegError) -> [PickleValue] {
        guard let mark = marks.popLast() else {
            throw .badFormat("the checkpoint's pickle pops to a mark it never set")
        }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private mutating func setItems(_ flat: [PickleValue]) throws(UVSegError) {
        guard flat.count.isMultiple(of: 2) else {
            throw .badFormat("the checkpoint's pickle sets a dict item without a value")
        }
        guard case .dictionary(var items) = try pop() else {
            throw .badFormat("the checkpoint's pickle sets items on something that is not a dict")
        }
        for index in stride(from: 0, to: flat.count, by: 2) {
            try items.append(PickleItem(key: flat[index], value: flat[index + 1]), budget: &budget)
        }
        try push(.dictionary(items))
    }

    private mutating func append(_ elements: [PickleValue]) throws(UVSegError) {
        guard case .list(var list) = try pop() else {
            throw .badFormat("the checkpoint's pickle appends to something that is not a list")
        }
        for element in elements { try list.append(element, budget: &budget) }
        try push(.list(list))
    }

    private mutating func memoize(_ index: Int) throws(UVSegError) {
        guard let top = stack.last, stack.count > (marks.last ?? 0) else {
            throw .badFormat("the checkpoint's pickle memoizes from an empty stack")
        }
        if memo[index] == nil {
            guard memo.count < Self.memoLimit else { throw limitError("memo entries") }
            try budget.charge(1, of: Self.memoEntrySize, for: "the checkpoint pickle's memo")
        }
        memo[index] = top
    }

    private mutating func recall(_ index: Int) throws(UVSegError) {
        guard let value = memo[index] else {
            throw .badFormat("the checkpoint's pickle refers to memo entry \(index), which it never stored")
        }
        try push(value)
    }

    private func limitError(_ what: String) -> UVSegError {
        .unsupported("the checkpoint's pickle needs more \(what) than uvseg allows for a state dict")
    }

    // MARK: - Reading

    private mutating func read(_ count: Int) throws(UVSegError) -> ArraySlice<UInt8> {
        let bytes = try pickle.bytes(at: position, count: count)
        position += count
        return bytes
    }

    private mutating func readByte() throws(UVSegError) -> UInt8 {
        try read(1).first ?? 0
    }

    /// A little-endian integer of `count` <= 8 bytes.
    private mutating func readInteger(count: Int, signed: Bool) throws(UVSegError) -> Int64 {
        let bytes = try read(count)
        guard count > 0 else { return 0 }
        let magnitude = bytes.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let unused = UInt64(64 - 8 * count)
        // Sign-extend from the top bit of the last byte; shifting by 0 is fine for count == 8.
        return signed ? Int64(bitPattern: magnitude << unused) >> Int64(unused) : Int64(bitPattern: magnitude)
    }

    private mutating func readString(count: Int) throws(UVSegError) -> String {
        let bytes = try read(count)
        try budget.charge(count, of: 1, for: "the checkpoint pickle's strings")
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw .badFormat("the checkpoint's pickle holds a string that is not UTF-8")
        }
        return string
    }

    /// A GLOBAL operand: ASCII text up to a newline.
    private mutating func readLine() throws(UVSegError) -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = try readByte()
            if byte == UInt8(ascii: "\n") { break }
            guard byte >= 0x20, byte < 0x7f, bytes.count < Self.globalNameLimit else {
                throw .badFormat("the checkpoint's pickle names a global that is not a short ASCII name")
            }
            bytes.append(byte)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
