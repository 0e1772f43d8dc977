#ifndef ACTIONGATE_C_TEST_SUPPORT_H
#define ACTIONGATE_C_TEST_SUPPORT_H

/// The number of test cases Swift Testing runs at once in this test run (see BoundedParallelism.c).
const char *actiongate_test_parallelization_width(void);

#endif
