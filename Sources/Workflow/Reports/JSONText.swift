import Foundation

/// How the JSON reports write single values, so that every report writes them alike.
enum JSONText {
    /// A number as the shortest decimal that reads back as the same double, or null when it is
    /// absent or not finite (JSON has no infinity; an infinite distance means "no surface").
    static func number(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "null" }
        return "\(value)"
    }

    /// A string literal, quoted and escaped as `JSONEncoder` escapes it.
    static func string(_ text: String) -> String {
        // Encoding a String cannot fail; the fallback only satisfies the type checker.
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
