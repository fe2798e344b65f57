/// Runs work on a thread with a large stack, so deeply nested SQL cannot overflow it.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Binding, planning and evaluating recurse once per level of expression nesting; the parser
/// admits 1000 levels, which in a debug build needs more than the main thread's 8 MiB. Statements
/// therefore run on a thread whose stack is reserved (not committed) at 1 GiB.
enum LargeStack {
    static let size = 1 << 30

    /// Runs `body` on a large-stack thread and waits for it; on the calling thread when no
    /// thread can be created.
    static func run(_ body: () -> Void) {
        withoutActuallyEscaping(body) { escapable in
            let task = Task(escapable)
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            defer { pthread_attr_destroy(&attributes) }
            pthread_attr_setstacksize(&attributes, size)
            let context = Unmanaged.passRetained(task).toOpaque()
            #if canImport(Glibc)
            var thread = pthread_t()
            #else
            var thread: pthread_t?
            #endif
            let created = pthread_create(&thread, &attributes, { context in
                guard let context else { return nil }
                Unmanaged<Task>.fromOpaque(context).takeRetainedValue().body()
                return nil
            }, context)
            guard created == 0 else {
                Unmanaged<Task>.fromOpaque(context).release()
                escapable()
                return
            }
            #if canImport(Glibc)
            pthread_join(thread, nil)
            #else
            if let thread { pthread_join(thread, nil) }
            #endif
        }
    }

    private final class Task {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }
}
