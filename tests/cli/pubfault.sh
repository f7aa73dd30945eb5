#!/bin/sh
# tests/cli/pubfault.sh -- `gpumarket merge` when a rename or an unlink
# fails part-way. README 'Outputs': merge writes its files in
# DIR/.merge.tmp-PID and moves them in when all are written, runs.csv and
# manifest.ini last; a merge that fails leaves the earlier merge's files
# as they were, or a directory without those two (merge again). A
# preloaded library makes the N-th rename (PF_RENAME=N) or unlink
# (PF_UNLINK=N; remove() counts as one) fail with EIO, for every N a merge
# reaches. For each: merge says which file and exits 2, DIR holds the
# earlier merge or lacks runs.csv and manifest.ini, no scratch directory
# is left, and merging again gives the clean merge byte for byte. A
# sanitizer build cannot run with a preloaded library, so it skips these.
. tests/cli_lib.sh

case $GM in */build-san/*) preload=0 ;; *) preload=1 ;; esac
if [ $preload = 0 ]; then
    echo "pubfault.sh: skipped under a sanitizer build"
    cli_done
    exit
fi

cat >"$T/fault.c" <<'C'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/* PF_RENAME=N / PF_UNLINK=N: the N-th rename / unlink fails with EIO;
 * PF_LOG=FILE: each call is appended to FILE as "KIND N PATH". */
static int nren, nunl;

static int hit(const char *kind, int *count, const char *var, const char *path)
{
    const char *v = getenv(var), *log = getenv("PF_LOG");
    int n = ++*count;
    FILE *f;

    if (log && (f = fopen(log, "a"))) {
        fprintf(f, "%s %d %s\n", kind, n, path);
        fclose(f);
    }
    if (v && atoi(v) == n) {
        errno = EIO;
        return 1;
    }
    return 0;
}

#define REAL(fn) static __typeof__(fn) *real; \
    if (!real) real = (__typeof__(fn) *)dlsym(RTLD_NEXT, #fn)

int rename(const char *a, const char *b)
{
    REAL(rename);
    return hit("rename", &nren, "PF_RENAME", a) ? -1 : real(a, b);
}

int renameat(int fa, const char *a, int fb, const char *b)
{
    REAL(renameat);
    return hit("rename", &nren, "PF_RENAME", a) ? -1 : real(fa, a, fb, b);
}

int renameat2(int fa, const char *a, int fb, const char *b, unsigned fl)
{
    REAL(renameat2);
    return hit("rename", &nren, "PF_RENAME", a) ? -1 : real(fa, a, fb, b, fl);
}

/* glibc's remove() calls its own unlink, not this one: it counts too */
int unlink(const char *p)
{
    REAL(unlink);
    return hit("unlink", &nunl, "PF_UNLINK", p) ? -1 : real(p);
}

int unlinkat(int fd, const char *p, int fl)
{
    REAL(unlinkat);
    return hit("unlink", &nunl, "PF_UNLINK", p) ? -1 : real(fd, p, fl);
}

int remove(const char *p)
{
    REAL(remove);
    return hit("unlink", &nunl, "PF_UNLINK", p) ? -1 : real(p);
}
C
if ${CC:-cc} -shared -fPIC -o "$T/fault.so" "$T/fault.c" -ldl 2>"$T/err"; then
    ok
else
    bad "cannot build the rename/unlink shim"; cat "$T/err" >&2
    cli_done
    exit
fi

cat >"$T/s.ini" <<'INI'
[General]
sim.model = phold
sim.horizon = 100s
sim.sample-interval = 50s
phold.lps = 8
phold.events-per-lp = 2
seed = 5
repeat = 2
phold.remote = ${remote=0.1,0.5}
INI
NAMES="runs.csv params.csv scalars.csv timeseries.csv scenario.resolved.ini summary.csv
contrasts.csv manifest.ini FAILED"
same() {    # same A B: A's and B's published files, byte for byte (absent in both counts)
    for f in $NAMES; do
        if [ -e "$1/$f" ] || [ -e "$2/$f" ]; then
            cmp -s "$1/$f" "$2/$f" || return 1
        fi
    done
}
for r in 0 1 2 3; do
    "$GM" run "$T/s.ini" -r $r -o "$T/parts/p$r" -q --no-plots || bad "run -r $r"
done

# The clean merge of all four parts: what every merge must end with.
mkdir -p "$T/clean/runs" && cp -r "$T/parts/"* "$T/clean/runs/"
expect_status "clean merge" 0 "$GM" merge "$T/clean"
# The earlier merge: parts 0-2 with run 1 failed (so it has a FAILED the
# new merge must take away) and run 3 missing.
mkdir -p "$T/base/runs" && cp -r "$T/parts/p0" "$T/parts/p1" "$T/parts/p2" "$T/base/runs/"
sed 's/"ok"/"failed"/' "$T/parts/p1/runs.csv" >"$T/base/runs/p1/runs.csv"
expect_status "earlier merge" 1 "$GM" merge "$T/base"
if [ -e "$T/base/FAILED" ]; then ok; else bad "the earlier merge wrote no FAILED"; fi
rm -rf "$T/base/runs" && mkdir -p "$T/base/runs" && cp -r "$T/parts/"* "$T/base/runs/"

# Each rename and unlink a merge of base makes, in order.
cp -r "$T/base" "$T/d"
expect_status "merge with the shim" 0 env LD_PRELOAD="$T/fault.so" PF_LOG="$T/log" "$GM" merge "$T/d"
if same "$T/d" "$T/clean"; then ok; else bad "merge with the shim differs from the clean merge"; fi
nr=$(grep -c '^rename ' "$T/log"); nu=$(grep -c '^unlink ' "$T/log")
# 9 files and 2 statistics move at least: the shim must see them
if [ "$nr" -ge 11 ] && [ "$nu" -ge 3 ]; then ok; else bad "the shim saw $nr renames, $nu unlinks"; fi

while read -r kind n path; do
    what="$kind $n ($path)"
    base=${path##*/}        # the file it names: x.part and .x.tmp are written as x
    base=${base%.part}; base=${base%.tmp}; base=${base#.}
    rm -rf "$T/d" && cp -r "$T/base" "$T/d"
    if [ "$kind" = rename ]; then var=PF_RENAME; else var=PF_UNLINK; fi
    env LD_PRELOAD="$T/fault.so" "$var=$n" "$GM" merge "$T/d" >"$T/out" 2>"$T/err"
    st=$?
    left=$(cd "$T/d" && ls -d .merge.tmp-* 2>/dev/null)
    if [ $st = 0 ]; then
        # a failure that does not matter: the merge must then be whole
        if same "$T/d" "$T/clean"; then ok; else bad "$what: exit 0, files differ from the clean merge"; fi
        if [ -z "$left" ] || grep -qF ".merge.tmp-" "$T/err"; then ok; else
            bad "$what: $left left behind, unreported"; fi
    else
        if [ $st = 2 ]; then ok; else bad "$what: exit $st, want 2"; fi
        if grep -qF -- "$base" "$T/err"; then ok; else
            bad "$what: stderr does not name $base"; cat "$T/err" >&2; fi
        # and says why (the scratch files' 'cannot write' said nothing more)
        if grep -qF -- "Input/output error" "$T/err"; then ok; else
            bad "$what: stderr does not give the error"; cat "$T/err" >&2; fi
        if [ -z "$left" ]; then ok; else bad "$what: failed merge left $left"; fi
        if same "$T/d" "$T/base"; then
            ok
        elif [ ! -e "$T/d/runs.csv" ] && [ ! -e "$T/d/manifest.ini" ]; then
            ok
        else
            bad "$what: neither the earlier merge nor a directory without runs.csv and manifest.ini"
            ls -la "$T/d" >&2
        fi
    fi
    expect_status "$what: merge again" 0 "$GM" merge "$T/d"
    if same "$T/d" "$T/clean"; then ok; else bad "$what: merging again differs from the clean merge"; fi
done <"$T/log"
cli_done
