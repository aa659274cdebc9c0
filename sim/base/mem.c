/* sim/base/mem.c -- allocation that aborts with a message when memory runs out. */
#include "scalesim/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *oom(void)
{
    fputs("scalesim: out of memory\n", stderr);
    abort();
}

void *ss_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    return p ? p : oom();
}

void *ss_calloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size ? size : 1);
    return p ? p : oom();
}

void *ss_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    return q ? q : oom();
}

char *ss_strdup(const char *s)
{
    return ss_strndup(s, strlen(s));
}

char *ss_strndup(const char *s, size_t n)
{
    char *d = ss_malloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void ss_grow(void **items, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return;
    size_t n = *cap ? *cap : 8;
    while (n < need)
        n *= 2;
    *items = ss_realloc(*items, n * elem);
    *cap = n;
}
