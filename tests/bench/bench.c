/*
 * tests/bench/bench.c -- how fast scalesim runs and how much memory it takes.
 *
 *   ss_bench [-r REPS] PATH/TO/scalesim [FILTER]
 *
 * Each case runs scalesim as a child process on one scenario and reads the
 * child's CPU time (user + system) and peak resident memory from wait4(2):
 * the whole process is measured, loading and report included. The CPU
 * time is the least of REPS runs (3 unless -r says otherwise): on a shared
 * or virtual machine a run is only ever slowed down by its neighbours, so
 * the minimum is the figure closest to the program's own cost. Requests
 * (all simulated ones, the warm-up's too, since its CPU time counts) and
 * events come from the run's JSON report. Memory is measured twice, at the
 * given simulated duration and at ten times it, to show it stays flat (the
 * tenfold run once, with the calendar queue only: it is the long part).
 * Every case runs with both event queues (calendar, heap); their results
 * are identical, only the speed differs.
 * Not part of ctest: timings on a shared machine are not pass/fail.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct measure {
    double cpu_s;
    long peak_kb;
    double customers, events, users, in_flight, req_bytes, event_bytes;
    int ok;
} measure;

/* Finds "key": NUMBER in a JSON text. */
static double json_number(const char *text, const char *key)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(text, pat);
    return p ? strtod(p + strlen(pat), NULL) : -1;
}

static measure run(const char *scalesim, char *const extra[])
{
    measure m = {0};
    int fd[2];
    if (pipe(fd) != 0)
        return m;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        char *argv[32];
        int n = 0;
        argv[n++] = (char *)scalesim;
        argv[n++] = "-q";
        argv[n++] = "-o";
        argv[n++] = "json";
        for (int i = 0; extra[i] && n < 30; i++)
            argv[n++] = extra[i];
        argv[n] = NULL;
        execv(scalesim, argv);
        _exit(127);
    }
    close(fd[1]);
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    ssize_t got;
    while ((got = read(fd[0], buf + len, cap - len - 1)) > 0) {
        len += (size_t)got;
        if (cap - len < 4096)
            buf = realloc(buf, cap *= 2);
    }
    buf[len] = '\0';
    close(fd[0]);
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru);
    m.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    m.cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 +
              (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
    m.peak_kb = ru.ru_maxrss;
    m.customers = json_number(buf, "requests_simulated"); /* warm-up included */
    m.events = json_number(buf, "events");
    m.users = json_number(buf, "users");
    m.in_flight = json_number(buf, "peak_in_flight");
    m.req_bytes = json_number(buf, "request_bytes");
    m.event_bytes = json_number(buf, "event_bytes");
    free(buf);
    return m;
}

typedef struct bench_case {
    const char *name;
    const char *file;       /* relative to the source tree */
    const char *duration;   /* as given; ten times it for the memory check */
    const char *duration10;
    const char *warmup;
    const char *set;        /* an extra --set, or NULL */
} bench_case;

static void run_case(const char *scalesim, const bench_case *c, const char *queue, int reps)
{
    char path[1024], label[96];
    snprintf(path, sizeof path, "%s/%s", SS_SOURCE_DIR, c->file);
    snprintf(label, sizeof label, "%s [%s]", c->name, queue);
    char *set = c->set ? "--set" : "--quiet";
    char *a[] = {"--event-queue", (char *)queue, "--duration", (char *)c->duration, "--warmup",
                 (char *)c->warmup, set, (char *)(c->set ? c->set : "-q"), path, NULL};
    measure m = run(scalesim, a);
    for (int i = 1; i < reps && m.ok; i++) {
        measure again = run(scalesim, a);
        if (again.ok && again.cpu_s < m.cpu_s)
            m.cpu_s = again.cpu_s;
    }
    bool tenfold = strcmp(queue, "calendar") == 0;
    measure m10 = {.ok = 1};
    if (tenfold) {
        char *b[] = {"--event-queue", (char *)queue, "--duration", (char *)c->duration10,
                     "--warmup", (char *)c->warmup, set, (char *)(c->set ? c->set : "-q"),
                     path, NULL};
        m10 = run(scalesim, b);
    }
    if (!m.ok || !m10.ok) {
        printf("%-44s failed\n", label);
        return;
    }
    printf("%-44s %8.3f %12.0f %12.0f %9.1f", label, m.cpu_s, m.customers / m.cpu_s,
           m.events / m.cpu_s, m.peak_kb / 1024.0);
    if (tenfold)
        printf(" %12.1f", m10.peak_kb / 1024.0);
    else
        printf(" %12s", "-");
    /* memory per user: the whole process's peak over the users; per
     * in-flight request: the request pool and the event set over the
     * most requests ever in flight at once */
    if (m.users > 0)
        printf(" %9.0f", m.peak_kb * 1024.0 / m.users);
    else
        printf(" %9s", "-");
    /* per in-flight request only where many are in flight: for a queue of
     * ten the request pool's first slab is all there is */
    if (m.in_flight >= 1000)
        printf(" %11.0f", (m.req_bytes + m.event_bytes) / m.in_flight);
    else
        printf(" %11s", "-");
    putchar('\n');
    fflush(stdout);
}

int main(int argc, char **argv)
{
    int reps = 3;
    if (argc > 2 && strcmp(argv[1], "-r") == 0) {
        reps = atoi(argv[2]);
        argv += 2;
        argc -= 2;
    }
    if (argc < 2 || reps < 1) {
        fprintf(stderr, "usage: ss_bench [-r REPS] PATH/TO/scalesim [FILTER]\n");
        return 2;
    }
    const char *filter = argc > 2 ? argv[2] : NULL;
    static const bench_case cases[] = {
        {"M/M/1 rho 0.9, 2M customers", "tests/bench/mm1.yaml", "2222222s", "22222222s", "0s",
         NULL},
        {"M/M/8 rho 0.9, 2M customers", "tests/bench/mm8.yaml", "277778s", "2777780s", "0s",
         NULL},
        {"stage 3, 100k users", "scenarios/stage3-load-balancer.yaml", "5m", "50m", "1m", NULL},
        {"stage 5, 300k users, 1M keys", "scenarios/stage5-cache.yaml", "5m", "50m", "1m", NULL},
        {"stage 9, 1M users", "scenarios/stage9-sharding.yaml", "1m", "10m", "20s",
         "workload.users=1M"},
        {"stage 9 as shipped, 2M users", "scenarios/stage9-sharding.yaml", "1m", "10m", "20s",
         NULL},
    };
    printf("%-44s %8s %12s %12s %9s %12s %9s %11s\n", "case [event queue]", "cpu s",
           "requests/s", "events/s", "peak MB", "peak MB x10", "B/user", "B/in-flight");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bench_case *c = &cases[i];
        if (filter && !strstr(c->name, filter) && !strstr(c->file, filter))
            continue;
        run_case(argv[1], c, "calendar", reps);
        run_case(argv[1], c, "heap", reps);
    }
    return 0;
}
