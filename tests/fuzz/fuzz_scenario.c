/*
 * tests/fuzz/fuzz_scenario.c -- libFuzzer target for the scenario loader.
 *
 * Each input is written to a temporary file and loaded with
 * ss_scenario_load; the loader must never crash, whatever the bytes: every
 * problem is a diagnostic. When an input loads, it is also run for 50 ms of
 * simulated time (no warm-up), so odd-but-valid scenarios exercise the
 * engine and the models too. Scenarios that are merely big (many users, a
 * high rate) are loaded but not run: they are slow, not wrong.
 *
 * Build and run: see tests/fuzz/README.md.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scalesim/scalesim.h"
/* the scenario's insides, only to skip running what is merely big */
#include "scenario.h"

/* Above these a 50 ms run is slow (per-user state, many events), not buggy. */
#define FUZZ_MAX_USERS 2000
#define FUZZ_MAX_RATE 20000.0

static int write_input(const uint8_t *data, size_t size, char *path, size_t n)
{
    const char *dir = getenv("TMPDIR");
    snprintf(path, n, "%s/fuzz-scenario-XXXXXX", dir && *dir ? dir : P_tmpdir);
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    size_t off = 0;
    while (off < size) {
        ssize_t w = write(fd, data + off, size - off);
        if (w <= 0) {
            close(fd);
            unlink(path);
            return -1;
        }
        off += (size_t)w;
    }
    close(fd);
    return 0;
}

static int too_big_to_run(const ss_scenario *sc)
{
    const ss_workload *wl = &sc->wl;
    if (wl->closed)
        return wl->users > FUZZ_MAX_USERS;
    if (wl->rate_per_s > FUZZ_MAX_RATE)
        return 1;
    for (int i = 0; i < wl->n_profile; i++)
        if (wl->profile[i].rate_per_s > FUZZ_MAX_RATE)
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[64];
    if (write_input(data, size, path, sizeof path) != 0)
        return 0;

    ss_diag *diag = ss_diag_new();
    ss_scenario *sc = ss_scenario_load(path, NULL, diag);
    char first[1024];
    const char *msg = ss_diag_first(diag, first, sizeof first);
    (void)msg;
    /* The loader's contract: NULL comes with at least one diagnostic, and
     * a scenario with none. Anything else is a bug the fuzzer should stop at. */
    if (!sc && ss_diag_errors(diag) == 0) {
        fprintf(stderr, "fuzz_scenario: ss_scenario_load returned NULL without a diagnostic\n");
        abort();
    }
    if (sc && ss_diag_errors(diag) != 0) {
        fprintf(stderr, "fuzz_scenario: a scenario loaded with diagnostics: %s\n", first);
        abort();
    }
    /* Printing quotes source lines and draws carets: fuzz that too. */
    static FILE *devnull;
    if (!devnull)
        devnull = fopen("/dev/null", "w");
    if (devnull && ss_diag_errors(diag))
        ss_diag_print(diag, devnull);

    if (sc && !too_big_to_run(sc) && !getenv("FUZZ_NO_RUN")) {
        ss_run_opts opts;
        ss_run_opts_init(&opts);
        opts.duration = SS_MS(50);
        opts.warmup = 0;
        ss_result *res = NULL;
        ss_status st = ss_run(sc, &opts, &res);
        (void)st;
        ss_result_free(res);
    }

    ss_scenario_free(sc);
    ss_diag_free(diag);
    unlink(path);
    return 0;
}
