/* sim/base/text.c -- escaping control characters for the terminal (see text.h). */
#include "text.h"

#include <stdio.h>
#include <string.h>

#include "scalesim/mem.h"

static bool is_c1(const unsigned char *p)
{
    return p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;
}

bool ss_text_needs_escape(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || is_c1(p))
            return true;
    return false;
}

char *ss_text_safe(const char *s, char *out, size_t n)
{
    size_t k = 0;
    if (n == 0)
        return out;
    for (const unsigned char *p = (const unsigned char *)s; *p && k + 1 < n; p++) {
        char esc[8];
        size_t len;
        if (*p < 0x20 || *p == 0x7f)
            len = (size_t)snprintf(esc, sizeof esc, "\\x%02x", *p);
        else if (is_c1(p))
            len = (size_t)snprintf(esc, sizeof esc, "\\u%04x", p[1]), p++;
        else {
            out[k++] = (char)*p;
            continue;
        }
        if (k + len >= n)
            break;
        memcpy(out + k, esc, len);
        k += len;
    }
    out[k] = '\0';
    return out;
}

char *ss_text_safe_dup(const char *s)
{
    size_t n = strlen(s) * 6 + 1;
    char *out = ss_malloc(n);
    return ss_text_safe(s, out, n);
}
