/*
 * sim/cli/cli_outputs.c -- output files, checked before anything runs (see
 * cli.h). A problem found after an hour's sweep costs the hour; one found
 * after the scenario file was opened for writing costs the scenario.
 *
 * Identity is (device, inode) for files that exist; a file that does not
 * exist yet is named by its folder's resolved path and its own name, so
 * "out.csv" and "./out.csv" are one file.
 */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct ident {
    bool exists;
    dev_t dev;
    ino_t ino;
    char name[PATH_MAX + 256]; /* the resolved path, when it does not exist */
} ident;

static bool identify(const char *path, ident *id, char *why, size_t n)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) == 0) {
        id->exists = true;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        if (S_ISDIR(st.st_mode)) {
            snprintf(why, n, "it is a folder");
            return false;
        }
        if (S_ISCHR(st.st_mode)) {
            /* /dev/null takes anything, /dev/full nothing: ask it once with
             * one byte (a terminal is left alone: it would show it) */
            int fd = open(path, O_WRONLY | O_NONBLOCK);
            if (fd < 0) {
                snprintf(why, n, "%s", strerror(errno));
                return false;
            }
            bool ok = isatty(fd) || write(fd, "\n", 1) == 1;
            int err = errno;
            close(fd);
            if (!ok) {
                snprintf(why, n, "%s", strerror(err));
                return false;
            }
            return true;
        }
        if (access(path, W_OK) != 0) {
            snprintf(why, n, "%s", strerror(errno));
            return false;
        }
        return true;
    }
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX], real[PATH_MAX];
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) + 1 : 1, slash ? path : ".");
    if (access(dir, W_OK | X_OK) != 0 || !realpath(dir, real)) {
        snprintf(why, n, "%s", strerror(errno));
        return false;
    }
    snprintf(id->name, sizeof id->name, "%s/%s", real, slash ? slash + 1 : path);
    return true;
}

static bool same(const ident *a, const ident *b)
{
    if (a->exists && b->exists)
        return a->dev == b->dev && a->ino == b->ino;
    return !a->exists && !b->exists && strcmp(a->name, b->name) == 0;
}

bool ss_outfiles_check(const ss_outfile *outs, int n, char *const *sources, int n_sources)
{
    ident *ids = calloc((size_t)(n ? n : 1), sizeof *ids);
    bool ok = true;
    char why[256];
    for (int i = 0; i < n && ok; i++) {
        if (!outs[i].path)
            continue;
        if (!identify(outs[i].path, &ids[i], why, sizeof why)) {
            fprintf(stderr, "scalesim: error: %s: cannot write \"%s\": %s\n", outs[i].option,
                    outs[i].path, why);
            ok = false;
            break;
        }
        for (int k = 0; k < n_sources && ok && ids[i].exists; k++) {
            struct stat st;
            if (stat(sources[k], &st) == 0 && st.st_dev == ids[i].dev && st.st_ino == ids[i].ino) {
                fprintf(stderr, "scalesim: error: %s: \"%s\" is %s, which a scenario is read "
                        "from: writing it would destroy it\n", outs[i].option, outs[i].path,
                        sources[k]);
                ok = false;
            }
        }
        for (int k = 0; k < i && ok; k++)
            if (outs[k].path && same(&ids[i], &ids[k])) {
                fprintf(stderr, "scalesim: error: %s and %s both name \"%s\": give each its "
                        "own file\n", outs[k].option, outs[i].option, outs[i].path);
                ok = false;
            }
        struct stat so;
        if (ok && ids[i].exists && fstat(STDOUT_FILENO, &so) == 0 && S_ISREG(so.st_mode) &&
            so.st_dev == ids[i].dev && so.st_ino == ids[i].ino) {
            fprintf(stderr, "scalesim: error: %s: \"%s\" is where the report (stdout) goes\n",
                    outs[i].option, outs[i].path);
            ok = false;
        }
    }
    free(ids);
    return ok;
}

bool ss_outfiles_open(ss_outfile *outs, int n)
{
    for (int i = 0; i < n; i++) {
        if (!outs[i].path)
            continue;
        outs[i].f = fopen(outs[i].path, "w");
        if (!outs[i].f) {
            fprintf(stderr, "scalesim: error: %s: cannot write \"%s\": %s\n", outs[i].option,
                    outs[i].path, strerror(errno));
            return false;
        }
    }
    return true;
}

bool ss_outfiles_close(ss_outfile *outs, int n)
{
    bool ok = true;
    for (int i = 0; i < n; i++) {
        if (!outs[i].f)
            continue;
        bool bad = ferror(outs[i].f);
        if (fclose(outs[i].f) != 0 || bad) {
            fprintf(stderr, "scalesim: error: %s: cannot write \"%s\"\n", outs[i].option,
                    outs[i].path);
            ok = false;
        }
        outs[i].f = NULL;
    }
    return ok;
}
