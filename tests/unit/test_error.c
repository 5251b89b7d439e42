/* Unit tests of the error object: messages accumulate, the first status wins,
 * NULL is accepted everywhere, every status has a description. */
#include "check.h"
#include "influsim/error.h"

int main(void)
{
    infl_error err;
    infl_error_init(&err);
    CHECK_INT(err.status, INFL_OK);
    CHECK(strcmp(infl_error_message(&err), "") == 0);

    CHECK_INT(infl_error_add(&err, INFL_EINVAL, "a.yaml:%d:%d: budget: bad", 3, 9), INFL_EINVAL);
    CHECK_INT(infl_error_add(&err, INFL_EIO, "second %s", "message"), INFL_EIO);
    CHECK_INT(err.status, INFL_EINVAL);
    CHECK_INT(err.count, 2);
    CHECK(strcmp(infl_error_message(&err), "a.yaml:3:9: budget: bad\nsecond message\n") == 0);

    /* Long messages grow the buffer. */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    infl_error_add(&err, INFL_EIO, "%s", big);
    CHECK_INT(strlen(infl_error_message(&err)),
              strlen("a.yaml:3:9: budget: bad\nsecond message\n") + 3000);

    infl_error_clear(&err);
    CHECK_INT(err.status, INFL_OK);
    CHECK_INT(err.count, 0);
    CHECK(strcmp(infl_error_message(&err), "") == 0);
    infl_error_destroy(&err);

    /* Merging passes on every message, with its count and first status. */
    infl_error from, into;
    infl_error_init(&from);
    infl_error_init(&into);
    infl_error_add(&from, INFL_ELIMIT, "trial 3: first");
    infl_error_add(&from, INFL_EIO, "second");
    CHECK_INT(infl_error_merge(&into, &from), INFL_ELIMIT);
    CHECK_INT(into.status, INFL_ELIMIT);
    CHECK_INT(into.count, 2);
    CHECK(strcmp(infl_error_message(&into), "trial 3: first\nsecond\n") == 0);
    infl_error_destroy(&from);
    infl_error_destroy(&into);

    /* NULL error objects: the status still comes back. */
    CHECK_INT(infl_error_add(NULL, INFL_ENOMEM, "ignored"), INFL_ENOMEM);
    CHECK(strcmp(infl_error_message(NULL), "") == 0);
    infl_error_destroy(NULL);

    CHECK(strcmp(infl_status_str(INFL_OK), "success") == 0);
    CHECK(strcmp(infl_status_str(INFL_EFORMAT), "not a readable influsim results file") == 0);
    CHECK(strcmp(infl_status_str((infl_status)-999), "unknown status") == 0);
    return check_exit();
}
