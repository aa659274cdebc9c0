/*
 * tests/ss_test.h -- what every scalesim test includes.
 *
 * cmocka 1.1.5 (Debian 12) needs these headers first and lacks
 * assert_double_equal, hence assert_near. The run helpers load a scenario
 * from the source tree with --set style overrides and run replications
 * through the library, the way a planner would.
 */
#ifndef SS_TEST_H
#define SS_TEST_H

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define assert_near(actual, expected, tol)                                                   \
    do {                                                                                     \
        double a_ = (actual), e_ = (expected), t_ = (tol);                                   \
        if (!(fabs(a_ - e_) <= t_)) {                                                        \
            print_error("%s = %.6g, expected %.6g +- %.3g\n", #actual, a_, e_, t_);          \
            fail();                                                                          \
        }                                                                                    \
    } while (0)

#define assert_rel(actual, expected, rel)                                                    \
    assert_near((actual), (expected), fabs((double)(expected)) * (rel))

#endif
