/*
 * Unit tests of the ISO 3166-1 table: all 249 codes, unique and two upper-case
 * letters, lookups by code and name in any case, the aliases, and the
 * suggestions for codes and names that are not known.
 */
#include "check.h"
#include "scenario/country.h"

#include <ctype.h>

static const char *suggest(const char *text, char *buf, size_t n)
{
    const char *s = infl__country_suggest(text, buf, n);
    return s ? s : "(none)";
}

int main(void)
{
    char buf[96];
    CHECK_INT(infl__country_count(), 249);
    for (size_t i = 0; i < infl__country_count(); i++) {
        const char *c = infl__country_code(i);
        CHECK(c != NULL && strlen(c) == 2 && isupper((unsigned char)c[0]) &&
              isupper((unsigned char)c[1]));
        CHECK(infl__country_name(i) != NULL && infl__country_name(i)[0] != '\0');
        CHECK_INT(infl__country_find_code(c), i);
        CHECK_INT(infl__country_find_name(infl__country_name(i)), i);
        if (i > 0)
            CHECK(strcmp(infl__country_code(i - 1), c) < 0); /* sorted, so unique */
    }
    CHECK(infl__country_code(249) == NULL && infl__country_name(249) == NULL);

    size_t fr = infl__country_find_code("fr");
    CHECK(fr != INFL_COUNTRY_NONE && strcmp(infl__country_name(fr), "France") == 0);
    CHECK_INT(infl__country_find_code("Fr"), fr);
    CHECK_INT(infl__country_find_code("UK"), INFL_COUNTRY_NONE);
    CHECK_INT(infl__country_find_code("EU"), INFL_COUNTRY_NONE);
    CHECK_INT(infl__country_find_code("F"), INFL_COUNTRY_NONE);
    CHECK_INT(infl__country_find_code("FRA"), INFL_COUNTRY_NONE);
    CHECK_INT(infl__country_find_code(""), INFL_COUNTRY_NONE);
    CHECK_INT(infl__country_find_code(NULL), INFL_COUNTRY_NONE);
    CHECK_INT(infl__country_find_name("  FRANCE "), fr);
    CHECK_INT(infl__country_find_name("france"), fr);
    CHECK_INT(infl__country_find_name("French Republic"), fr);
    CHECK_INT(infl__country_find_name("Frnace"), INFL_COUNTRY_NONE);
    CHECK_INT(infl__country_find_name(NULL), INFL_COUNTRY_NONE);
    CHECK_INT(infl__country_find("FR"), fr);
    CHECK_INT(infl__country_find("France"), fr);
    CHECK_INT(infl__country_find("Fr"), fr); /* a code before a name */

    /* Common and everyday names of countries whose ISO name differs. */
    CHECK_INT(infl__country_find_name("South Korea"), infl__country_find_code("KR"));
    CHECK_INT(infl__country_find_name("korea, republic of"), infl__country_find_code("KR"));
    CHECK_INT(infl__country_find_name("North Korea"), infl__country_find_code("KP"));
    CHECK_INT(infl__country_find_name("Czech Republic"), infl__country_find_code("CZ"));
    CHECK_INT(infl__country_find_name("Czechia"), infl__country_find_code("CZ"));
    CHECK_INT(infl__country_find_name("Russia"), infl__country_find_code("RU"));
    CHECK_INT(infl__country_find_name("United States"), infl__country_find_code("US"));
    CHECK_INT(infl__country_find_name("United States of America"), infl__country_find_code("US"));
    CHECK_INT(infl__country_find_name("United Kingdom"), infl__country_find_code("GB"));
    CHECK_INT(infl__country_find_name("Vietnam"), infl__country_find_code("VN"));
    CHECK_INT(infl__country_find_name("Turkey"), infl__country_find_code("TR"));
    CHECK_INT(infl__country_find_name("Türkiye"), infl__country_find_code("TR"));
    CHECK_INT(infl__country_find_name("Côte d'Ivoire"), infl__country_find_code("CI"));
    CHECK_INT(infl__country_find_name("UK"), INFL_COUNTRY_NONE); /* suggested, not taken */

    CHECK(strcmp(suggest("UK", buf, sizeof buf), "GB (United Kingdom)") == 0);
    CHECK(strcmp(suggest("uk", buf, sizeof buf), "GB (United Kingdom)") == 0);
    CHECK(strcmp(suggest("EL", buf, sizeof buf), "GR (Greece)") == 0);
    CHECK(strcmp(suggest("USA", buf, sizeof buf), "US (United States)") == 0);
    CHECK(strcmp(suggest("FRA", buf, sizeof buf), "FR (France)") == 0);
    CHECK(strcmp(suggest("deu", buf, sizeof buf), "DE (Germany)") == 0);
    CHECK(strcmp(suggest("Frnace", buf, sizeof buf), "FR (France)") == 0);
    CHECK(strcmp(suggest("germny", buf, sizeof buf), "DE (Germany)") == 0);
    CHECK(strcmp(suggest("France", buf, sizeof buf), "FR (France)") == 0);
    CHECK(strcmp(suggest("Untied Kingdom", buf, sizeof buf), "GB (United Kingdom)") == 0);
    CHECK(strcmp(suggest("Sout Korea", buf, sizeof buf), "KR (Korea, Republic of)") == 0);
    CHECK(strcmp(suggest("XX", buf, sizeof buf), "(none)") == 0);
    CHECK(strcmp(suggest("Atlantis", buf, sizeof buf), "(none)") == 0);
    CHECK(strcmp(suggest("", buf, sizeof buf), "(none)") == 0);
    CHECK(infl__country_suggest(NULL, buf, sizeof buf) == NULL);
    /* A small buffer is truncated, not overrun. */
    char small[6];
    CHECK(infl__country_suggest("UK", small, sizeof small) == small && strlen(small) == 5);
    return check_exit();
}
