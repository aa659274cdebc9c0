/*
 * sim/cli/cli_progress.c -- the progress bar (see cli.h).
 *
 * The line must never be wider than the terminal: a wrapped line is not
 * overwritten by "\r" and floods the screen. The parts are dropped in
 * order of least use (events per second, the simulated time) and the bar
 * and the name shrink until the line fits.
 */
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "text.h"

static double seconds_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

static int terminal_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        return ws.ws_col;
    const char *cols = getenv("COLUMNS");
    int c = cols ? atoi(cols) : 0;
    return c > 0 ? c : 80;
}

static void format_left(char *buf, size_t n, double s)
{
    if (!(s >= 0) || s > 1e7)
        snprintf(buf, n, "?");
    else if (s < 60)
        snprintf(buf, n, "%.0fs", s);
    else if (s < 3600)
        snprintf(buf, n, "%dm%02ds", (int)(s / 60), (int)s % 60);
    else
        snprintf(buf, n, "%dh%02dm", (int)(s / 3600), (int)(s / 60) % 60);
}

void ss_progress_start(ss_progress *p)
{
    memset(p, 0, sizeof *p);
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    p->last_draw = -1;
    p->drawn_run = -1;
}

void ss_progress_clear(ss_progress *p)
{
    if (p->drawn_run >= 0) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        p->drawn_run = -1;
    }
}

void ss_progress_draw(void *ctx, long run, long runs, const char *name, double done,
                      double sim_end_s, uint64_t events)
{
    ss_progress *p = ctx;
    double el = seconds_since(&p->start);
    if (done < 1 && el - p->last_draw < 0.1 && run == p->drawn_run)
        return;
    p->last_draw = el;
    /* the share of everything done: each run counts the same */
    double total = ((double)run + done) / (double)runs;
    char left[32], runs_part[48] = "", rate[32], simt[32], who[64];
    format_left(left, sizeof left, total > 0 ? el * (1 - total) / total : -1);
    if (runs > 1)
        snprintf(runs_part, sizeof runs_part, "[%ld/%ld] ", run + 1, runs);
    snprintf(rate, sizeof rate, "  %.1fM ev/s", el > 0 ? (double)events / el / 1e6 : 0);
    if (sim_end_s > 0)
        snprintf(simt, sizeof simt, " t=%.0fs", done * sim_end_s);
    else
        simt[0] = '\0'; /* several runs at once: no one simulated clock */
    ss_text_safe(name, who, sizeof who);
    int width = terminal_width() - 1; /* the last column would wrap */
    int name_w = (int)strlen(who) < 22 ? (int)strlen(who) : 22;
    bool show_rate = true, show_t = true, show_left_word = true;
    int bar_w = 24; /* 0: no bar */
    for (;;) {
        /* runs, name, " [bar]" , " 100%", t, rate, "  1m05s", " left" */
        int w = (int)strlen(runs_part) + name_w + (bar_w ? bar_w + 3 : 0) + 5 +
                (show_t ? (int)strlen(simt) : 0) + (show_rate ? (int)strlen(rate) : 0) + 2 +
                (int)strlen(left) + (show_left_word ? 5 : 0);
        if (w <= width)
            break;
        if (show_rate)
            show_rate = false;
        else if (show_t)
            show_t = false;
        else if (bar_w > 6)
            bar_w = bar_w - (w - width) >= 6 ? bar_w - (w - width) : 6;
        else if (name_w > 8)
            name_w = name_w - (w - width) >= 8 ? name_w - (w - width) : 8;
        else if (bar_w)
            bar_w = 0;
        else if (show_left_word)
            show_left_word = false;
        else
            break; /* a very narrow terminal: it wraps, nothing to be done */
    }
    char bar[64] = "";
    if (bar_w) {
        int fill = (int)(done * bar_w + 0.5);
        bar[0] = ' ';
        bar[1] = '[';
        for (int i = 0; i < bar_w; i++)
            bar[2 + i] = i < fill ? '#' : '.';
        bar[2 + bar_w] = ']';
        bar[3 + bar_w] = '\0';
    }
    fprintf(stderr, "\r%s%-*.*s%s %3.0f%%%s%s  %s%s\033[K", runs_part, name_w, name_w, who, bar,
            done * 100, show_t ? simt : "", show_rate ? rate : "", left,
            show_left_word ? " left" : "");
    fflush(stderr);
    p->drawn_run = run;
}
