/* Unit tests of the UTF-8 and control-character checks for text that enters
 * the results file from the command line. */
#include "check.h"
#include "base/text.h"

int main(void)
{
    CHECK_INT(infl__text_check("plain ascii"), -1);
    CHECK_INT(infl__text_check("Österreich 日本 \xf0\x9f\x98\x80"), -1);
    CHECK_INT(infl__text_check("tab\tis fine"), -1);
    CHECK_INT(infl__text_check(""), -1);
    CHECK_INT(infl__text_check("x\x7fy"), 1);
    CHECK_INT(infl__text_check("line\nbreak"), 4);
    CHECK_INT(infl__text_check("bad\xff"), 3);
    CHECK_INT(infl__text_check("cut \xc3"), 4);          /* truncated sequence */
    CHECK_INT(infl__text_check("overlong \xc0\xaf"), 9); /* '/' written in two bytes */
    CHECK_INT(infl__text_check("surrogate \xed\xa0\x80"), 10);
    CHECK_INT(infl__text_check("too big \xf4\x90\x80\x80"), 8);

    char *s = infl__text_sanitized("a\xff"
                                   "b\nc Ö");
    CHECK(s != NULL && strcmp(s, "a?b?c Ö") == 0);
    free(s);
    return check_exit();
}
