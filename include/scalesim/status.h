/*
 * scalesim/status.h -- the one status type of the project.
 *
 * Functions that can fail return ss_status; SS_OK is zero so `if (st)` reads
 * as "if it failed". The values map onto the exit statuses of the command
 * line (SPEC.md section 2) through ss_status_exit().
 */
#ifndef SCALESIM_STATUS_H
#define SCALESIM_STATUS_H

/* X-macro: name, exit status, message. The enum and the strings come from
 * this one list so they cannot drift apart. */
#define SS_STATUS_MAP(XX)                                                  \
    XX(OK, 0, "success")                                                   \
    XX(INVALID, 1, "the scenario is invalid")                              \
    XX(USAGE, 2, "wrong usage")                                            \
    XX(RUNTIME, 3, "the run failed")                                       \
    XX(IO, 1, "a file could not be read")                                  \
    XX(NOMEM, 3, "out of memory")                                          \
    XX(INTERRUPTED, 130, "interrupted")                                    \
    XX(SLO_FAILED, 4, "a service-level objective failed")                  \
    XX(SLO_UNRESOLVED, 5, "a service-level objective is unresolved")

typedef enum ss_status {
#define XX(name, code, msg) SS_##name,
    SS_STATUS_MAP(XX)
#undef XX
} ss_status;

const char *ss_status_str(ss_status st);
int ss_status_exit(ss_status st);

#endif
