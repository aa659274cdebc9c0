/* sim/base/status.c -- strings and exit codes for ss_status, generated from the map. */
#include "scalesim/status.h"

const char *ss_status_str(ss_status st)
{
    switch (st) {
#define XX(name, code, msg) case SS_##name: return msg;
        SS_STATUS_MAP(XX)
#undef XX
    }
    return "unknown status";
}

int ss_status_exit(ss_status st)
{
    switch (st) {
#define XX(name, code, msg) case SS_##name: return code;
        SS_STATUS_MAP(XX)
#undef XX
    }
    return 3;
}
