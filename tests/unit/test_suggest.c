/* Unit tests of edit distance and "did you mean" suggestions. */
#include "check.h"
#include "base/suggest.h"

int main(void)
{
    CHECK_INT(infl__suggest_edit_distance("", ""), 0);
    CHECK_INT(infl__suggest_edit_distance("abc", ""), 3);
    CHECK_INT(infl__suggest_edit_distance("kitten", "sitting"), 3);
    CHECK_INT(infl__suggest_edit_distance("engagment_rate", "engagement_rate"), 1);
    CHECK_INT(infl__suggest_edit_distance("same", "same"), 0);

    const char *keys[] = {"followers", "reach_rate", "engagement_rate", "interest_share"};
    const char *s = infl__suggest("engagment_rate", keys, 4);
    CHECK(s != NULL && strcmp(s, "engagement_rate") == 0);
    s = infl__suggest("reachrate", keys, 4);
    CHECK(s != NULL && strcmp(s, "reach_rate") == 0);
    CHECK(infl__suggest("colour", keys, 4) == NULL);
    /* Short words need a closer match: "ab" is 2 edits from anything 2 long. */
    const char *tiny[] = {"xy"};
    CHECK(infl__suggest("ab", tiny, 1) == NULL);
    CHECK(infl__suggest("anything", keys, 0) == NULL);
    return check_exit();
}
