/* tests/check_main.c -- the only main() of the test runner. */
#include <stdlib.h>
#include "sim/err.h"
#include "tests/suites.h"

int main(void)
{
    SRunner *sr = srunner_create(NULL);
    int failed;

    sim_install_gsl_handler();
#define ADD_SUITE(name) srunner_add_suite(sr, name##_suite());
    SUITES(ADD_SUITE)
#undef ADD_SUITE
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
