#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import Workflow

/// What a `uvs_validation *` points to: the immutable report of one local validation, and its JSON
/// text as one C string that lives as long as the handle.
final class ValidationObject {
    let report: ValidationReport
    /// NUL-terminated UTF-8, owned by this object (freed in deinit).
    let json: UnsafeMutablePointer<CChar>

    init(_ report: ValidationReport) throws(UVSegError) {
        guard let json = strdup(report.json()) else {
            throw .outOfMemory("no memory for the validation report's JSON text")
        }
        self.report = report
        self.json = json
    }

    deinit { free(json) }
}
