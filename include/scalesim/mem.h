/*
 * scalesim/mem.h -- allocation that cannot fail.
 *
 * Running out of memory is not something a simulation can recover from in a
 * useful way, so these print one line and abort instead of making every
 * caller carry an error path it could never test. ss_free(NULL) is a no-op,
 * like free().
 */
#ifndef SCALESIM_MEM_H
#define SCALESIM_MEM_H

#include <stddef.h>

void *ss_malloc(size_t n);
void *ss_calloc(size_t count, size_t size);
void *ss_realloc(void *p, size_t n);
char *ss_strdup(const char *s);
char *ss_strndup(const char *s, size_t n);
#define ss_free free
#include <stdlib.h>

/* Grow *items (of *cap elements of elem bytes) to hold at least need. */
void ss_grow(void **items, size_t *cap, size_t need, size_t elem);
#define SS_GROW(arr, cap, need) ss_grow((void **)&(arr), &(cap), (need), sizeof *(arr))

#endif
