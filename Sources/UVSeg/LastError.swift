#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The thread-local text behind `uvs_last_error()`.
///
/// Each thread owns one heap copy of its last message, replaced by the next failure on that thread
/// and freed when the thread exits, so the pointer handed to C stays valid until then.
enum LastError {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    /// An empty string for threads that have not failed yet.
    private static let none: StaticString = ""

    static func set(_ message: String) {
        let copy = strdup(message)
        free(pthread_getspecific(key))
        pthread_setspecific(key, copy)
    }

    static var pointer: UnsafePointer<CChar> {
        if let text = pthread_getspecific(key) {
            return UnsafePointer(text.assumingMemoryBound(to: CChar.self))
        }
        return UnsafeRawPointer(none.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
