/*
 * sim/base/sim_assert.h -- SS_ASSERT: checks of scalesim's own invariants.
 * Never for user input (that is a diagnostic). Compiled out with NDEBUG.
 */
#ifndef SS_SIM_ASSERT_H
#define SS_SIM_ASSERT_H

#include <stdio.h>
#include <stdlib.h>

#ifdef NDEBUG
#define SS_ASSERT(c) ((void)0)
#else
#define SS_ASSERT(c)                                                                   \
    ((c) ? (void)0                                                                     \
         : (fprintf(stderr, "scalesim: internal error: %s (%s:%d)\n", #c, __FILE__,    \
                    __LINE__),                                                         \
            abort()))
#endif

#endif
