/* sim/base/files.c -- refuse what is not a regular file before opening it. */
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

bool ss_file_readable(const char *path, char *why, size_t why_len)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, why_len, "%s", strerror(errno));
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(why, why_len, "%s", S_ISDIR(st.st_mode) ? "it is a folder"
                                                         : "it is not a regular file");
        return false;
    }
    return true;
}
