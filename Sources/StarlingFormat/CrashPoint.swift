/// A test hook that kills the process at a chosen step of a commit, to prove crash safety.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbered points in every durable write. When the environment variable
/// `STARLING_TEST_CRASH_AT` is `N`, the process sends itself SIGKILL on reaching the N-th point
/// (counting from 1), exactly as `kill -9` from outside would. Unset, a point costs one branch.
public enum CrashPoint {
    private static let target: Int = {
        guard let text = getenv("STARLING_TEST_CRASH_AT").map({ String(cString: $0) }), let value = Int(text) else { return 0 }
        return value
    }()

    nonisolated(unsafe) private static var reached = 0

    /// Marks one point; `name` documents where it is.
    @inline(__always)
    public static func reach(_ name: StaticString) {
        guard target > 0 else { return }
        reached += 1
        if reached == target {
            kill(getpid(), SIGKILL)
        }
    }
}
