/// How uvseg's JSON output (reports, `uvseg info --json`) writes single values, so that all of it
/// writes them alike.
public enum JSONText {
    /// A number as the shortest decimal that reads back as the same double, or null when it is
    /// absent or not finite (JSON has no infinity; an infinite distance means "no surface").
    public static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return "\(value)"
    }

    /// A string literal: quotes, backslashes and control characters escaped as RFC 8259 requires,
    /// everything else (non-ASCII included) as it is, in UTF-8.
    public static func string(_ text: String) -> String {
        var literal = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": literal += "\\\""
            case "\\": literal += "\\\\"
            case "\n": literal += "\\n"
            case "\r": literal += "\\r"
            case "\t": literal += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                literal += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: literal.unicodeScalars.append(scalar)
            }
        }
        return literal + "\""
    }
}
