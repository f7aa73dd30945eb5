/* tests/check_main.c -- the only main() of the test runner. */
#define _XOPEN_SOURCE 700       /* nftw() */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim/err.h"
#include "tests/suites.h"

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) != 0)
        perror(path);
    return 0;
}

int main(void)
{
    SRunner *sr = srunner_create(NULL);
    const char *keep = getenv("GM_KEEP_TEST_TMP");
    const char *tmp = getenv("TMPDIR");
    char dir[4096];
    int failed;

    /* Every test's scratch directory goes under this one (test_tmpdir),
     * removed at the end unless GM_KEEP_TEST_TMP is set (to look at what
     * a failing test wrote). */
    snprintf(dir, sizeof dir, "%s/gmcheck-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("check_all: scratch directory");
        return EXIT_FAILURE;
    }
    setenv("GM_TEST_TMP", dir, 1);
    sim_install_gsl_handler();
#define ADD_SUITE(name) srunner_add_suite(sr, name##_suite());
    SUITES(ADD_SUITE)
#undef ADD_SUITE
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    if (keep && *keep)
        fprintf(stderr, "check_all: scratch files kept in %s\n", dir);
    else
        nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
