/// A property a fuzz target asserts did not hold for an input: a bug in the code under test.
///
/// Targets throw it instead of trapping so the corpus replay (a normal test) can report every failing
/// file; the libFuzzer entry point turns it into an abort, which libFuzzer records as a crash.
struct PropertyViolation: Error, CustomStringConvertible {
    /// What went wrong, in words (never the raw input: the reproducer file carries that).
    let message: String

    var description: String { message }

    /// Throws a violation unless `condition` holds.
    static func check(_ condition: Bool, _ message: @autoclosure () -> String) throws(PropertyViolation) {
        if !condition { throw PropertyViolation(message: message()) }
    }
}
