// Bounds how many test cases Swift Testing runs at once, before the test run starts.
//
// By default Swift Testing starts every test case of the run at once: some 500 here, on a machine
// with two cores. A test that has just connected to the gateway then waits for its next turn
// behind hundreds of other tests' first steps, long enough (10 s and more were measured) for the
// gateway under test to time the connection out, and the test fails for a reason that is not in
// the code it tests. With a bounded width a resumed test waits behind at most a few others; the
// whole run takes no longer (measured: 21-23 s either way on 2 cores).
//
// The width is read from the environment when the run starts, so it is set here, in a constructor
// that runs when the test binary loads. A value already in the environment wins.

#include <stdlib.h>

#include "CTestSupport.h"

#define WIDTH "12"

__attribute__((constructor)) static void actiongate_bound_test_parallelism(void) {
    setenv("SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH", WIDTH, 0);
}

const char *actiongate_test_parallelization_width(void) {
    const char *value = getenv("SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH");
    return value ? value : "";
}
