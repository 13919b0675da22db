/// Opaque C handles are retained Swift objects: `uvs_model *` is an `UnsafeMutableRawPointer` to one.
enum Handle {
    /// Hands a new strong reference to C; balanced by `release`.
    static func retain<T: AnyObject>(_ object: T) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(object).toOpaque())
    }

    /// The object behind a handle, borrowed for the duration of the call.
    static func object<T: AnyObject>(_ handle: OpaquePointer, as type: T.Type) -> T {
        Unmanaged<T>.fromOpaque(UnsafeRawPointer(handle)).takeUnretainedValue()
    }

    /// Drops the reference handed to C; NULL is allowed and does nothing.
    static func release<T: AnyObject>(_ handle: OpaquePointer?, as type: T.Type) {
        guard let handle else { return }
        Unmanaged<T>.fromOpaque(UnsafeRawPointer(handle)).release()
    }
}
