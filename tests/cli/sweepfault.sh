#!/bin/sh
# tests/cli/sweepfault.sh -- a sweep child that exits 0 without its part,
# and a finished part that vanishes before the sweep merges.
# sweep_reaped() takes a child's exit 0 (ok) or 1 (failed checks) at its
# word only when the child's part directory, DIR/runs/<config>-<N>, is
# there: a crash that its own handler turned into an exit (AddressSanitizer
# reports a SIGSEGV and exits 1) leaves none. README 'Experiments at scale':
# a lost run is recorded as crashed, the study goes on and exits 1. A
# preloaded library makes the child's rename of its finished part into
# DIR/runs/Rep-2 report success without renaming anything, once (a flag
# file SF_ONCE, since the child is a fork of the sweep and the sweep's own
# placeholder for the run goes to the same name). A sanitizer build cannot
# run with a preloaded library, so it skips these.
. tests/cli_lib.sh

case $GM in */build-san/*)
    echo "sweepfault.sh: skipped under a sanitizer build"
    cli_done
    exit ;;
esac

cat >"$T/swallow.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SF_SUFFIX: a rename whose target ends so returns 0 and does nothing,
 * the first time only (SF_ONCE: a file made at that first time); with
 * SF_EXIT set, the process exits with that status there instead. */
static int swallow(const char *to)
{
    const char *suf = getenv("SF_SUFFIX"), *once = getenv("SF_ONCE");
    size_t n, k;
    int fd;

    if (!suf || !once || !to)
        return 0;
    n = strlen(to);
    k = strlen(suf);
    if (n < k || strcmp(to + n - k, suf) != 0)
        return 0;
    fd = open(once, O_CREAT | O_EXCL | O_WRONLY, 0600);
    if (fd < 0)
        return 0;
    close(fd);
    if (getenv("SF_EXIT"))
        _exit(atoi(getenv("SF_EXIT")));
    return 1;
}

#define REAL(fn) static __typeof__(fn) *real; \
    if (!real) real = (__typeof__(fn) *)dlsym(RTLD_NEXT, #fn)

int rename(const char *a, const char *b)
{
    REAL(rename);
    return swallow(b) ? 0 : real(a, b);
}

int renameat(int fa, const char *a, int fb, const char *b)
{
    REAL(renameat);
    return swallow(b) ? 0 : real(fa, a, fb, b);
}

int renameat2(int fa, const char *a, int fb, const char *b, unsigned fl)
{
    REAL(renameat2);
    return swallow(b) ? 0 : real(fa, a, fb, b, fl);
}
C
if ${CC:-cc} -shared -fPIC -o "$T/swallow.so" "$T/swallow.c" -ldl 2>"$T/err"; then
    ok
else
    bad "cannot build the rename shim"; cat "$T/err" >&2
    cli_done
    exit
fi

cat >"$T/p.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 200s
sim.sample-interval = 50s
phold.lps = 16
phold.events-per-lp = 2
seed = 3

[Config Rep]
repeat = 4
INI

# -j 1 and -j 2: the local pool's children both ways
for j in 1 2; do
    rm -f "$T/once"
    SF_SUFFIX=/runs/Rep-2 SF_ONCE="$T/once" LD_PRELOAD="$T/swallow.so" \
        "$GM" sweep "$T/p.ini" -c Rep -j $j -o "$T/s$j" -q --no-plots >"$T/out" 2>"$T/err"
    rc=$?
    if [ -e "$T/once" ]; then ok; else bad "-j $j: the child's rename of Rep-2 was never seen"; fi
    if [ $rc = 1 ]; then ok; else bad "-j $j: sweep with a child that wrote no part: exit $rc, want 1"; cat "$T/err" >&2; fi
    grep_err "-j $j: the lost run is reported" "run 2 crashed (exit 0, no results); the study goes on"
    v=$(col "$T/s$j/runs.csv" status 2>/dev/null | tr '\n' ' ')
    if [ "$v" = "ok ok crashed ok " ]; then ok; else
        bad "-j $j: runs.csv statuses '$v', want run 2 crashed and the others ok"; fi
    # the child's finished part, never renamed, is not left behind
    left=$(ls "$T/s$j/runs" | grep -v '^Rep-[0-3]$' | tr '\n' ' ')
    if [ -z "$left" ]; then ok; else bad "-j $j: left in runs/: $left"; fi
done

# A child that stops with status 3 (out of memory: SIM_OOM) just before it
# commits its part. README 'Command line': 3 is "the machine's limit, not a
# bug: a sweep records that run as lost and goes on", so the study is
# complete with run 2 recorded not ok and the others ok, and exits 1 ("sweep
# also a crashed run"), not 2 (a run that cannot be set up stops the study)
# nor 3. Its temporary part is not kept in the result.
rm -f "$T/once"
SF_EXIT=3 SF_SUFFIX=/runs/Rep-2 SF_ONCE="$T/once" LD_PRELOAD="$T/swallow.so" \
    "$GM" sweep "$T/p.ini" -c Rep -j 2 -o "$T/oom" -q --no-plots >"$T/out" 2>"$T/err"
rc=$?
if [ -e "$T/once" ]; then ok; else bad "exit 3: the child's rename of Rep-2 was never seen"; fi
if [ $rc = 1 ]; then ok; else bad "sweep with a child that exited 3: exit $rc, want 1"; cat "$T/err" >&2; fi
v=$(col "$T/oom/runs.csv" run_id 2>/dev/null | tr '\n' ' ')
if [ "$v" = "Rep-0 Rep-1 Rep-2 Rep-3 " ]; then ok; else bad "exit 3: runs.csv run_ids '$v', want all four"; fi
v=$(col "$T/oom/runs.csv" status 2>/dev/null | tr '\n' ' ')
case $v in
    "ok ok ok ok "|"ok ok  ok ") bad "exit 3: runs.csv statuses '$v': run 2 is not recorded lost" ;;
    "ok ok "?*" ok ") ok ;;
    *) bad "exit 3: runs.csv statuses '$v', want run 2 lost and the others ok" ;;
esac
# FAILED lists each run that did not end ok (sim/merge.c write_failed): run 2 alone
v=$(cut -d: -f1 "$T/oom/FAILED" 2>/dev/null | tr '\n' ' ')
if [ "$v" = "Rep-2 " ]; then ok; else bad "exit 3: FAILED lists '$v', want Rep-2 alone"; fi
left=$(ls "$T/oom/runs" 2>/dev/null | grep -v '^Rep-[0-3]$' | tr '\n' ' ')
if [ -z "$left" ]; then ok; else bad "exit 3: left in runs/: $left"; fi


# A part that vanishes after its child finished and before the merge (a
# user's clean-up deleting it mid-sweep) is a gap merge counts as missing:
# the sweep exits 1, as merge does (README: "runs missing or failed").
# The library's opendir() moves runs/Rep-1 aside the first time the
# sweep reads DIR/runs with that part in it.
cat >"$T/vanish.c" <<'C'
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

DIR *opendir(const char *name)
{
    static __typeof__(opendir) *real;
    const char *part = getenv("SF_PART"), *gone = getenv("SF_GONE");
    size_t n = name ? strlen(name) : 0;
    char path[4096];

    if (!real)
        real = (__typeof__(opendir) *)dlsym(RTLD_NEXT, "opendir");
    if (part && gone && n >= 5 && strcmp(name + n - 5, "/runs") == 0 &&
        access(gone, F_OK) != 0) {
        snprintf(path, sizeof path, "%s/%s", name, part);
        rename(path, gone);     /* fails, and so waits, until the part is there */
    }
    return real(name);
}
C
if ${CC:-cc} -shared -fPIC -o "$T/vanish.so" "$T/vanish.c" -ldl 2>"$T/err"; then
    ok
else
    bad "cannot build the opendir shim"; cat "$T/err" >&2
    cli_done
    exit
fi
rm -rf "$T/v" "$T/gone"
SF_PART=Rep-1 SF_GONE="$T/gone" LD_PRELOAD="$T/vanish.so" \
    "$GM" sweep "$T/p.ini" -c Rep -j 1 -o "$T/v" -q --no-plots >"$T/out" 2>"$T/err"
rc=$?
if [ -d "$T/gone" ]; then ok; else bad "the part Rep-1 was never moved aside"; fi
if [ $rc = 1 ]; then ok; else bad "sweep whose part Rep-1 vanished before the merge: exit $rc, want 1"; cat "$T/err" >&2; fi
v=$(col "$T/v/runs.csv" run_id 2>/dev/null | tr '\n' ' ')
if [ "$v" = "Rep-0 Rep-2 Rep-3 " ]; then ok; else bad "runs.csv run_ids '$v', want Rep-0 Rep-2 Rep-3"; cat "$T/err" >&2; fi
cli_done
