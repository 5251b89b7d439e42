/*
 * country.h — the ISO 3166-1 alpha-2 country codes (all 249 officially
 * assigned), compiled in with their English short names, for the audience of
 * named creators (`audience: {FR: 0.55, BE: 0.10}`) and for regions that list
 * their `countries`. Codes are looked up case-insensitively; so are English
 * names (exports such as CreatorIQ's write the country out in full), which
 * also match a few common and official forms ("South Korea", "Czech
 * Republic", "Russia"). A code or name that is not known gets a suggestion:
 * "UK" -> "GB (United Kingdom)", "FRA" -> "FR (France)", "Frnace" -> "FR
 * (France)".
 */
#ifndef INFL_SIM_COUNTRY_H
#define INFL_SIM_COUNTRY_H

#include <stddef.h>

/* Returned by the lookups for a code or name that is not known. */
#define INFL_COUNTRY_NONE ((size_t)-1)

/* The number of codes in the table (249); indices run from 0 to count-1 in
 * alphabetical order of the code. */
size_t infl__country_count(void);

/* The upper-case alpha-2 code ("FR") and English short name ("France") of
 * index i, or NULL if i is out of range. Static strings. */
const char *infl__country_code(size_t i);
const char *infl__country_name(size_t i);

/* The index of an alpha-2 code, compared case-insensitively ("fr", "FR"),
 * or INFL_COUNTRY_NONE. Only the 249 assigned codes match: "UK" and "EU"
 * do not. */
size_t infl__country_find_code(const char *code);

/* The index of a country by its English name, compared case-insensitively
 * after trimming spaces ("france", "United Kingdom", "South Korea",
 * "Korea, Republic of"), or INFL_COUNTRY_NONE. */
size_t infl__country_find_name(const char *name);

/* infl__country_find_code, else infl__country_find_name. */
size_t infl__country_find(const char *code_or_name);

/*
 * A likely meant country for a code or name that is not known, written as
 * "GB (United Kingdom)" into buf (size n). Knows common non-ISO abbreviations
 * (UK, EL, USA, UAE, KSA), alpha-3 codes (FRA, DEU) and misspelt names (by
 * edit distance, sim/base/suggest.h). Returns buf, or NULL (buf untouched)
 * if nothing is close.
 */
const char *infl__country_suggest(const char *text, char *buf, size_t n);

#endif
