import ActionGateTestSupport
import Testing

/// The timing-sensitive tests here rely on a bounded test parallelism (Tests/CTestSupport): the
/// constructor that sets it must have been linked into the test binary and run.
@Test func theTestRunHasABoundedParallelism() throws {
    let width = try #require(Int(TestParallelism.width), "SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH is not set")
    #expect(width > 0)
}
