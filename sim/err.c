/* sim/err.c -- diagnostics and the GSL error handler. */
#include "sim/err.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>

static void vreport(struct diag *d, const struct srcloc *at, const char *tag,
                    const char *fmt, va_list ap)
{
    FILE *f = d && d->out ? d->out : stderr;

    if (d && d->silent)
        return;
    if (at && at->file && at->line > 0)
        fprintf(f, "%s:%d: %s: ", at->file, at->line, tag);
    else if (at && at->file)
        fprintf(f, "%s: %s: ", at->file, tag);
    else
        fprintf(f, "%s: ", tag);
    vfprintf(f, fmt, ap);
    fputc('\n', f);
}

int diag_error(struct diag *d, const struct srcloc *at, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(d, at, "error", fmt, ap);
    va_end(ap);
    if (d)
        d->nerrors++;
    return SIM_EINVAL;
}

void diag_warn(struct diag *d, const struct srcloc *at, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(d, at, "warning", fmt, ap);
    va_end(ap);
    if (d)
        d->nwarnings++;
}

void diag_note(struct diag *d, const struct srcloc *at, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vreport(d, at, "note", fmt, ap);
    va_end(ap);
}

void sim_panic(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "%s:%d: internal error: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void sim_oom(const char *file, int line, const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fputs("gpumarket: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (%s:%d)\n", file, line);
    exit(SIM_EXIT_NOMEM);
}

bool sim_opt_once(const char *cmd, const char *opt, const char **slot, const char *val)
{
    if (*slot && strcmp(*slot, val) != 0) {
        fprintf(stderr, "gpumarket %s: %s given twice ('%s', then '%s'): give it once\n", cmd,
                opt, *slot, val);
        return false;
    }
    *slot = val;
    return true;
}

static void gsl_handler(const char *reason, const char *file, int line,
                        int gsl_errno)
{
    /* GSL reports a failed allocation (gsl_rng_alloc, gsl_matrix_alloc)
     * through this handler, before its caller could see the NULL */
    if (gsl_errno == GSL_ENOMEM)
        sim_oom(file, line, "GSL: %s", reason);
    sim_panic(file, line, "GSL: %s (%s)", reason, gsl_strerror(gsl_errno));
}

void sim_install_gsl_handler(void)
{
    gsl_set_error_handler(gsl_handler);
}
