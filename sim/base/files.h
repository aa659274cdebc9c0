/*
 * sim/base/files.h -- may this path be read as a scenario's file?
 *
 * Only regular files: a FIFO, a device (/dev/zero, /dev/stdin) or a folder
 * named by `extends:`, `pricing:` or `empirical(...)` would block or never
 * end, so it is refused before it is opened.
 */
#ifndef SS_FILES_H
#define SS_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* True when path is a regular file; else false with the reason in why. */
bool ss_file_readable(const char *path, char *why, size_t why_len);

#endif
