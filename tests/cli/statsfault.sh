#!/bin/sh
# tests/cli/statsfault.sh -- summary.csv and contrasts.csv that cannot be
# written: `gpumarket merge` (and `run`) exits 2 naming the file and the
# reason, and leaves no scratch file. A preloaded library makes fopen()
# of a path containing PF_FOPEN fail with ENOSPC. Both messages used to
# lack the reason, and contrasts.csv's failure was not reported at all
# (exit 2 without a word). A sanitizer build cannot run with a preloaded
# library, so it skips these.
. tests/cli_lib.sh

case $GM in */build-san/*)
    echo "statsfault.sh: skipped under a sanitizer build"
    cli_done
    exit ;;
esac

cat >"$T/fault.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PF_FOPEN=TEXT: fopen() of a path containing TEXT fails with ENOSPC. */
FILE *fopen(const char *path, const char *mode)
{
    static FILE *(*real)(const char *, const char *);
    const char *v = getenv("PF_FOPEN");

    if (!real)
        real = (FILE *(*)(const char *, const char *))dlsym(RTLD_NEXT, "fopen");
    if (v && *v && strstr(path, v)) {
        errno = ENOSPC;
        return NULL;
    }
    return real(path, mode);
}
C
if ! cc -shared -fPIC -o "$T/fault.so" "$T/fault.c" -ldl 2>"$T/cc.err"; then
    echo "statsfault.sh: no C compiler for the preload: skipped"; cat "$T/cc.err"
    cli_done
    exit
fi

cat >"$T/s.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 20s
phold.lps = 4
repeat = 3
INI
# the Slurm-array layout merge reads: one run per part under runs/
for r in 0 1 2; do
    check "statsfault: run $r" "$GM" run "$T/s.ini" -r $r -o "$T/base/runs/General-$r" -q --no-plots
done
for f in summary contrasts; do
    rm -rf "$T/d" && cp -r "$T/base" "$T/d"
    env LD_PRELOAD="$T/fault.so" PF_FOPEN=".$f.csv.tmp" "$GM" merge "$T/d" >"$T/out" 2>"$T/err"
    st=$?
    if [ $st = 2 ]; then ok; else bad "statsfault: $f: exit $st, want 2"; fi
    if grep -qF "$f.csv: No space left on device" "$T/err"; then ok; else
        bad "statsfault: $f: stderr lacks '$f.csv: No space left on device'"; cat "$T/err" >&2; fi
    left=$(find "$T/d" -name ".$f.csv.tmp" -o -name '.merge.tmp-*' | head -n 1)
    if [ -z "$left" ]; then ok; else bad "statsfault: $f: $left left behind"; fi
done
# a run writes its statistics inside its temporary directory: no result
env LD_PRELOAD="$T/fault.so" PF_FOPEN=".contrasts.csv.tmp" "$GM" run "$T/s.ini" -o "$T/r" -q \
    --no-plots >"$T/out" 2>"$T/err"
st=$?
if [ $st = 2 ]; then ok; else bad "statsfault: run: exit $st, want 2"; fi
if grep -qF "contrasts.csv: No space left on device" "$T/err"; then ok; else
    bad "statsfault: run: stderr lacks the reason"; cat "$T/err" >&2; fi
if [ ! -e "$T/r" ]; then ok; else bad "statsfault: run: a result directory was left"; ls -la "$T/r" >&2; fi
cli_done
