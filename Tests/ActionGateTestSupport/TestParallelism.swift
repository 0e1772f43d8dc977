import CTestSupport

/// The bound on test cases running at once that `CTestSupport` sets when the test binary loads.
public enum TestParallelism {
    /// The value Swift Testing reads (`SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH`); empty when unset.
    public static var width: String {
        String(cString: actiongate_test_parallelization_width())
    }
}
