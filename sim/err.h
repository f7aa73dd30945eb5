/* sim/err.h -- error codes, diagnostics about the analyst's input, and
 * assertions for our own bugs.
 *
 * Three kinds of trouble, three mechanisms (STYLE.md 2.6):
 *  - recoverable failures return 0 or a negative SIM_E* code;
 *  - bad input names the input: "file:line: error: message", counted in a
 *    struct diag so a checker can report every bad field before failing;
 *  - bugs stop loudly with file:line (SIM_ASSERT), never as wrong numbers.
 */
#ifndef SIM_ERR_H
#define SIM_ERR_H

#include <stdbool.h>
#include <stdio.h>

enum sim_err {
    SIM_OK = 0,
    SIM_ENOMEM = -1,
    SIM_EINVAL = -2,
    SIM_EPARSE = -3,
    SIM_EIO = -4,
    SIM_ECHECK = -5,        /* an invariant or validation check was negative */
    SIM_EINTR = -6          /* interrupted by a signal */
};

/* A place in the analyst's input. 'file' is borrowed: it points into a
 * string owned by whoever parsed the file (the scenario keeps them). */
struct srcloc {
    const char *file;
    int line;               /* 0 when unknown or not a file (e.g. --set) */
};

/* Where diagnostics go: stderr, or a memstream in tests. */
struct diag {
    FILE *out;
    int nerrors;
    int nwarnings;
    bool silent;            /* count, print nothing (a probe's own attempts) */
};

#define DIAG_INIT(f) { (f), 0, 0, false }
#define DIAG_SILENT { NULL, 0, 0, true }

/* Prints "file:line: error: <msg>\n" (or "file: error:" without a line,
 * or "error:" without a file), counts it and returns SIM_EINVAL. */
int diag_error(struct diag *d, const struct srcloc *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warn(struct diag *d, const struct srcloc *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same, with a "note:" tag and not counted. */
void diag_note(struct diag *d, const struct srcloc *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A bug: prints "file:line: internal error: <msg>" and aborts. */
_Noreturn void sim_panic(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#define SIM_ASSERT(cond) \
    do { if (!(cond)) sim_panic(__FILE__, __LINE__, "assertion failed: %s", #cond); } while (0)
#define SIM_PANIC(...) sim_panic(__FILE__, __LINE__, __VA_ARGS__)

/* Not a bug but the machine's limit: an allocation failed. Prints
 * "gpumarket: error: <msg> (file:line)" and exits with SIM_EXIT_NOMEM, a
 * status of its own, so a sweep counts the run as lost and goes on
 * (2 would read as bad input and stop the study). Any result directory
 * being written stays under its temporary name, as after a kill. */
#define SIM_EXIT_NOMEM 3
_Noreturn void sim_oom(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define SIM_OOM(...) sim_oom(__FILE__, __LINE__, __VA_ARGS__)

/* Stores the value of a command-line option that takes one ('-c CONFIG')
 * in '*slot'. Given a second time with another value it says so on stderr,
 * "gpumarket CMD: OPT given twice ('A', then 'B')", and returns false: the
 * last one silently winning ran a config the analyst did not ask for. The
 * same value twice is harmless. '*slot' starts NULL (a default is applied
 * after the options are read). */
bool sim_opt_once(const char *cmd, const char *opt, const char **slot, const char *val);

/* GSL's default handler calls abort() without context; main() and the test
 * runner install this one, which names GSL's file:line first. */
void sim_install_gsl_handler(void);

#endif
