/*
 * sim/base/text.h -- text that is safe to show on a terminal.
 *
 * Names come from scenario files and the command line; a name holding an
 * escape sequence written raw to a terminal could move the cursor, clear
 * the screen or retitle the window. Everything scalesim shows a person
 * (the table, notes, diagnostics, the progress bar) passes through here:
 * C0 controls and DEL become \xNN, C1 controls (U+0080..U+009F) \uNNNN.
 * Files meant for programs (CSV, JSON) keep the bytes as they are.
 */
#ifndef SS_TEXT_H
#define SS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Writes s escaped into out (always terminated, truncated to fit);
 * returns out. */
char *ss_text_safe(const char *s, char *out, size_t n);
/* A malloc'd escaped copy; the caller frees it. */
char *ss_text_safe_dup(const char *s);
/* True when s holds something ss_text_safe would escape. */
bool ss_text_needs_escape(const char *s);

#endif
