/*
 * sim/scenario/diag.c -- collected, sorted, compiler-style diagnostics (see diag.h).
 */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "scalesim/mem.h"
#include "text.h"

typedef struct source {
    char *name;
    char *text;
} source;

typedef struct entry {
    ss_mark at;
    int file_index;   /* order of the file, for sorting */
    size_t seq;       /* discovery order, to keep the sort stable */
    char *msg;
} entry;

struct ss_diag {
    source *sources;
    size_t n_sources, cap_sources;
    entry *entries;
    size_t n_entries, cap_entries;
    int n_errors;
};

ss_diag *ss_diag_new(void)
{
    return ss_calloc(1, sizeof(ss_diag));
}

void ss_diag_free(ss_diag *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->n_sources; i++) {
        ss_free(d->sources[i].name);
        ss_free(d->sources[i].text);
    }
    for (size_t i = 0; i < d->n_entries; i++)
        ss_free(d->entries[i].msg);
    ss_free(d->sources);
    ss_free(d->entries);
    ss_free(d);
}

const char *ss_diag_add_source(ss_diag *d, const char *name, const char *text)
{
    /* One entry per (name, text): a file read twice shares its entry, while
     * each --set argument (all named "<command line>") keeps its own text. */
    for (size_t i = 0; i < d->n_sources; i++) {
        source *s = &d->sources[i];
        if (strcmp(s->name, name) != 0)
            continue;
        if (!text || !s->text || strcmp(s->text, text) == 0) {
            if (text && !s->text)
                s->text = ss_strdup(text);
            return s->name;
        }
    }
    SS_GROW(d->sources, d->cap_sources, d->n_sources + 1);
    source *s = &d->sources[d->n_sources++];
    s->name = ss_strdup(name);
    s->text = text ? ss_strdup(text) : NULL;
    return s->name;
}

static int file_index(const ss_diag *d, const char *file)
{
    for (size_t i = 0; i < d->n_sources; i++)
        if (d->sources[i].name == file)
            return (int)i;
    for (size_t i = 0; i < d->n_sources; i++)
        if (file && strcmp(d->sources[i].name, file) == 0)
            return (int)i;
    return -1;
}

void ss_diag_error(ss_diag *d, ss_mark at, const char *fmt, ...)
{
    d->n_errors++;
    if (d->n_entries >= SS_DIAG_MAX)
        return;
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    SS_GROW(d->entries, d->cap_entries, d->n_entries + 1);
    entry *e = &d->entries[d->n_entries];
    e->at = at;
    e->file_index = file_index(d, at.file);
    e->seq = d->n_entries;
    e->msg = ss_strdup(buf);
    d->n_entries++;
}

int ss_diag_errors(const ss_diag *d)
{
    return d->n_errors;
}

static int cmp_entry(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    if (x->file_index != y->file_index)
        return x->file_index < y->file_index ? -1 : 1;
    if (x->at.line != y->at.line)
        return x->at.line < y->at.line ? -1 : 1;
    if (x->at.col != y->at.col)
        return x->at.col < y->at.col ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Messages quote what a file says: escaped, so a scenario cannot send
 * the terminal escape sequences (sim/base/text.h). */
static void print_head(const entry *e, FILE *out)
{
    const char *file = e->at.file ? e->at.file : "scalesim";
    char *f = ss_text_safe_dup(file), *msg = ss_text_safe_dup(e->msg);
    if (e->at.line > 0)
        fprintf(out, "%s:%d:%d: error: %s\n", f, e->at.line, e->at.col, msg);
    else
        fprintf(out, "%s: error: %s\n", f, msg);
    ss_free(f);
    ss_free(msg);
}

/* The width a byte of a source line takes once escaped (a tab stays a
 * tab: it is harmless, and the caret line keeps it to line up). */
static int shown_width(const char *p)
{
    char one[2] = {*p, '\0'}, buf[16];
    if (*p == '\t' || (unsigned char)*p >= 0x80)
        return 1;
    return (int)strlen(ss_text_safe(one, buf, sizeof buf));
}

/* The source line `line` of text, without its newline. */
static const char *find_line(const char *text, int line, size_t *len)
{
    const char *p = text;
    for (int l = 1; l < line && p; l++) {
        p = strchr(p, '\n');
        if (p)
            p++;
    }
    if (!p)
        return NULL;
    const char *e = strchr(p, '\n');
    *len = e ? (size_t)(e - p) : strlen(p);
    if (*len > 0 && p[*len - 1] == '\r')
        (*len)--;
    return p;
}

void ss_diag_print(const ss_diag *d, FILE *out)
{
    entry *sorted = ss_malloc((d->n_entries ? d->n_entries : 1) * sizeof *sorted);
    if (d->n_entries)
        memcpy(sorted, d->entries, d->n_entries * sizeof *sorted);
    qsort(sorted, d->n_entries, sizeof *sorted, cmp_entry);
    for (size_t i = 0; i < d->n_entries; i++) {
        const entry *e = &sorted[i];
        print_head(e, out);
        int fi = e->file_index;
        if (fi < 0 || e->at.line <= 0 || !d->sources[fi].text)
            continue;
        size_t len;
        const char *line = find_line(d->sources[fi].text, e->at.line, &len);
        if (!line || len > 300)
            continue;
        fprintf(out, "%5d | ", e->at.line);
        for (size_t k = 0; k < len; k++) {
            char one[2] = {line[k], '\0'}, buf[16];
            fputs(line[k] == '\t' || (unsigned char)line[k] >= 0x80
                      ? one
                      : ss_text_safe(one, buf, sizeof buf),
                  out);
        }
        fputs("\n      | ", out);
        /* Keep tabs in the caret line so it lines up under the source. */
        for (int c = 1; c < e->at.col && (size_t)(c - 1) < len; c++) {
            if (line[c - 1] == '\t')
                fputc('\t', out);
            else
                fprintf(out, "%*s", shown_width(&line[c - 1]), "");
        }
        fputs("^\n", out);
    }
    if (d->n_errors > (int)d->n_entries)
        fprintf(out, "scalesim: %d more errors not shown\n", d->n_errors - (int)d->n_entries);
    ss_free(sorted);
}

const char *ss_diag_first(const ss_diag *d, char *buf, size_t n)
{
    if (d->n_entries == 0) {
        snprintf(buf, n, "%s", "");
        return buf;
    }
    size_t best = 0;
    for (size_t i = 1; i < d->n_entries; i++)
        if (cmp_entry(&d->entries[i], &d->entries[best]) < 0)
            best = i;
    const entry *e = &d->entries[best];
    const char *file = e->at.file ? e->at.file : "scalesim";
    if (e->at.line > 0)
        snprintf(buf, n, "%s:%d:%d: error: %s", file, e->at.line, e->at.col, e->msg);
    else
        snprintf(buf, n, "%s: error: %s", file, e->msg);
    return buf;
}
