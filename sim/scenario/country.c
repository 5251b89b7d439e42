/*
 * country.c — the ISO 3166-1 table (codes, alpha-3 codes for suggestions,
 * English short names as ISO publishes them) and the lookups of country.h.
 * The table was taken from Debian's iso-codes 4.15 (iso_3166-1.json), but the
 * program does not need that package. Lookups are linear: 249 entries,
 * called once per audience entry of a roster.
 */
#include "scenario/country.h"

#include "base/suggest.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    const char *code;  /* alpha-2 */
    const char *code3; /* alpha-3 */
    const char *name;  /* English short name */
} country;

static const country COUNTRIES[] = {
    {"AD", "AND", "Andorra"},
    {"AE", "ARE", "United Arab Emirates"},
    {"AF", "AFG", "Afghanistan"},
    {"AG", "ATG", "Antigua and Barbuda"},
    {"AI", "AIA", "Anguilla"},
    {"AL", "ALB", "Albania"},
    {"AM", "ARM", "Armenia"},
    {"AO", "AGO", "Angola"},
    {"AQ", "ATA", "Antarctica"},
    {"AR", "ARG", "Argentina"},
    {"AS", "ASM", "American Samoa"},
    {"AT", "AUT", "Austria"},
    {"AU", "AUS", "Australia"},
    {"AW", "ABW", "Aruba"},
    {"AX", "ALA", "Åland Islands"},
    {"AZ", "AZE", "Azerbaijan"},
    {"BA", "BIH", "Bosnia and Herzegovina"},
    {"BB", "BRB", "Barbados"},
    {"BD", "BGD", "Bangladesh"},
    {"BE", "BEL", "Belgium"},
    {"BF", "BFA", "Burkina Faso"},
    {"BG", "BGR", "Bulgaria"},
    {"BH", "BHR", "Bahrain"},
    {"BI", "BDI", "Burundi"},
    {"BJ", "BEN", "Benin"},
    {"BL", "BLM", "Saint Barthélemy"},
    {"BM", "BMU", "Bermuda"},
    {"BN", "BRN", "Brunei Darussalam"},
    {"BO", "BOL", "Bolivia, Plurinational State of"},
    {"BQ", "BES", "Bonaire, Sint Eustatius and Saba"},
    {"BR", "BRA", "Brazil"},
    {"BS", "BHS", "Bahamas"},
    {"BT", "BTN", "Bhutan"},
    {"BV", "BVT", "Bouvet Island"},
    {"BW", "BWA", "Botswana"},
    {"BY", "BLR", "Belarus"},
    {"BZ", "BLZ", "Belize"},
    {"CA", "CAN", "Canada"},
    {"CC", "CCK", "Cocos (Keeling) Islands"},
    {"CD", "COD", "Congo, The Democratic Republic of the"},
    {"CF", "CAF", "Central African Republic"},
    {"CG", "COG", "Congo"},
    {"CH", "CHE", "Switzerland"},
    {"CI", "CIV", "Côte d'Ivoire"},
    {"CK", "COK", "Cook Islands"},
    {"CL", "CHL", "Chile"},
    {"CM", "CMR", "Cameroon"},
    {"CN", "CHN", "China"},
    {"CO", "COL", "Colombia"},
    {"CR", "CRI", "Costa Rica"},
    {"CU", "CUB", "Cuba"},
    {"CV", "CPV", "Cabo Verde"},
    {"CW", "CUW", "Curaçao"},
    {"CX", "CXR", "Christmas Island"},
    {"CY", "CYP", "Cyprus"},
    {"CZ", "CZE", "Czechia"},
    {"DE", "DEU", "Germany"},
    {"DJ", "DJI", "Djibouti"},
    {"DK", "DNK", "Denmark"},
    {"DM", "DMA", "Dominica"},
    {"DO", "DOM", "Dominican Republic"},
    {"DZ", "DZA", "Algeria"},
    {"EC", "ECU", "Ecuador"},
    {"EE", "EST", "Estonia"},
    {"EG", "EGY", "Egypt"},
    {"EH", "ESH", "Western Sahara"},
    {"ER", "ERI", "Eritrea"},
    {"ES", "ESP", "Spain"},
    {"ET", "ETH", "Ethiopia"},
    {"FI", "FIN", "Finland"},
    {"FJ", "FJI", "Fiji"},
    {"FK", "FLK", "Falkland Islands (Malvinas)"},
    {"FM", "FSM", "Micronesia, Federated States of"},
    {"FO", "FRO", "Faroe Islands"},
    {"FR", "FRA", "France"},
    {"GA", "GAB", "Gabon"},
    {"GB", "GBR", "United Kingdom"},
    {"GD", "GRD", "Grenada"},
    {"GE", "GEO", "Georgia"},
    {"GF", "GUF", "French Guiana"},
    {"GG", "GGY", "Guernsey"},
    {"GH", "GHA", "Ghana"},
    {"GI", "GIB", "Gibraltar"},
    {"GL", "GRL", "Greenland"},
    {"GM", "GMB", "Gambia"},
    {"GN", "GIN", "Guinea"},
    {"GP", "GLP", "Guadeloupe"},
    {"GQ", "GNQ", "Equatorial Guinea"},
    {"GR", "GRC", "Greece"},
    {"GS", "SGS", "South Georgia and the South Sandwich Islands"},
    {"GT", "GTM", "Guatemala"},
    {"GU", "GUM", "Guam"},
    {"GW", "GNB", "Guinea-Bissau"},
    {"GY", "GUY", "Guyana"},
    {"HK", "HKG", "Hong Kong"},
    {"HM", "HMD", "Heard Island and McDonald Islands"},
    {"HN", "HND", "Honduras"},
    {"HR", "HRV", "Croatia"},
    {"HT", "HTI", "Haiti"},
    {"HU", "HUN", "Hungary"},
    {"ID", "IDN", "Indonesia"},
    {"IE", "IRL", "Ireland"},
    {"IL", "ISR", "Israel"},
    {"IM", "IMN", "Isle of Man"},
    {"IN", "IND", "India"},
    {"IO", "IOT", "British Indian Ocean Territory"},
    {"IQ", "IRQ", "Iraq"},
    {"IR", "IRN", "Iran, Islamic Republic of"},
    {"IS", "ISL", "Iceland"},
    {"IT", "ITA", "Italy"},
    {"JE", "JEY", "Jersey"},
    {"JM", "JAM", "Jamaica"},
    {"JO", "JOR", "Jordan"},
    {"JP", "JPN", "Japan"},
    {"KE", "KEN", "Kenya"},
    {"KG", "KGZ", "Kyrgyzstan"},
    {"KH", "KHM", "Cambodia"},
    {"KI", "KIR", "Kiribati"},
    {"KM", "COM", "Comoros"},
    {"KN", "KNA", "Saint Kitts and Nevis"},
    {"KP", "PRK", "Korea, Democratic People's Republic of"},
    {"KR", "KOR", "Korea, Republic of"},
    {"KW", "KWT", "Kuwait"},
    {"KY", "CYM", "Cayman Islands"},
    {"KZ", "KAZ", "Kazakhstan"},
    {"LA", "LAO", "Lao People's Democratic Republic"},
    {"LB", "LBN", "Lebanon"},
    {"LC", "LCA", "Saint Lucia"},
    {"LI", "LIE", "Liechtenstein"},
    {"LK", "LKA", "Sri Lanka"},
    {"LR", "LBR", "Liberia"},
    {"LS", "LSO", "Lesotho"},
    {"LT", "LTU", "Lithuania"},
    {"LU", "LUX", "Luxembourg"},
    {"LV", "LVA", "Latvia"},
    {"LY", "LBY", "Libya"},
    {"MA", "MAR", "Morocco"},
    {"MC", "MCO", "Monaco"},
    {"MD", "MDA", "Moldova, Republic of"},
    {"ME", "MNE", "Montenegro"},
    {"MF", "MAF", "Saint Martin (French part)"},
    {"MG", "MDG", "Madagascar"},
    {"MH", "MHL", "Marshall Islands"},
    {"MK", "MKD", "North Macedonia"},
    {"ML", "MLI", "Mali"},
    {"MM", "MMR", "Myanmar"},
    {"MN", "MNG", "Mongolia"},
    {"MO", "MAC", "Macao"},
    {"MP", "MNP", "Northern Mariana Islands"},
    {"MQ", "MTQ", "Martinique"},
    {"MR", "MRT", "Mauritania"},
    {"MS", "MSR", "Montserrat"},
    {"MT", "MLT", "Malta"},
    {"MU", "MUS", "Mauritius"},
    {"MV", "MDV", "Maldives"},
    {"MW", "MWI", "Malawi"},
    {"MX", "MEX", "Mexico"},
    {"MY", "MYS", "Malaysia"},
    {"MZ", "MOZ", "Mozambique"},
    {"NA", "NAM", "Namibia"},
    {"NC", "NCL", "New Caledonia"},
    {"NE", "NER", "Niger"},
    {"NF", "NFK", "Norfolk Island"},
    {"NG", "NGA", "Nigeria"},
    {"NI", "NIC", "Nicaragua"},
    {"NL", "NLD", "Netherlands"},
    {"NO", "NOR", "Norway"},
    {"NP", "NPL", "Nepal"},
    {"NR", "NRU", "Nauru"},
    {"NU", "NIU", "Niue"},
    {"NZ", "NZL", "New Zealand"},
    {"OM", "OMN", "Oman"},
    {"PA", "PAN", "Panama"},
    {"PE", "PER", "Peru"},
    {"PF", "PYF", "French Polynesia"},
    {"PG", "PNG", "Papua New Guinea"},
    {"PH", "PHL", "Philippines"},
    {"PK", "PAK", "Pakistan"},
    {"PL", "POL", "Poland"},
    {"PM", "SPM", "Saint Pierre and Miquelon"},
    {"PN", "PCN", "Pitcairn"},
    {"PR", "PRI", "Puerto Rico"},
    {"PS", "PSE", "Palestine, State of"},
    {"PT", "PRT", "Portugal"},
    {"PW", "PLW", "Palau"},
    {"PY", "PRY", "Paraguay"},
    {"QA", "QAT", "Qatar"},
    {"RE", "REU", "Réunion"},
    {"RO", "ROU", "Romania"},
    {"RS", "SRB", "Serbia"},
    {"RU", "RUS", "Russian Federation"},
    {"RW", "RWA", "Rwanda"},
    {"SA", "SAU", "Saudi Arabia"},
    {"SB", "SLB", "Solomon Islands"},
    {"SC", "SYC", "Seychelles"},
    {"SD", "SDN", "Sudan"},
    {"SE", "SWE", "Sweden"},
    {"SG", "SGP", "Singapore"},
    {"SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha"},
    {"SI", "SVN", "Slovenia"},
    {"SJ", "SJM", "Svalbard and Jan Mayen"},
    {"SK", "SVK", "Slovakia"},
    {"SL", "SLE", "Sierra Leone"},
    {"SM", "SMR", "San Marino"},
    {"SN", "SEN", "Senegal"},
    {"SO", "SOM", "Somalia"},
    {"SR", "SUR", "Suriname"},
    {"SS", "SSD", "South Sudan"},
    {"ST", "STP", "Sao Tome and Principe"},
    {"SV", "SLV", "El Salvador"},
    {"SX", "SXM", "Sint Maarten (Dutch part)"},
    {"SY", "SYR", "Syrian Arab Republic"},
    {"SZ", "SWZ", "Eswatini"},
    {"TC", "TCA", "Turks and Caicos Islands"},
    {"TD", "TCD", "Chad"},
    {"TF", "ATF", "French Southern Territories"},
    {"TG", "TGO", "Togo"},
    {"TH", "THA", "Thailand"},
    {"TJ", "TJK", "Tajikistan"},
    {"TK", "TKL", "Tokelau"},
    {"TL", "TLS", "Timor-Leste"},
    {"TM", "TKM", "Turkmenistan"},
    {"TN", "TUN", "Tunisia"},
    {"TO", "TON", "Tonga"},
    {"TR", "TUR", "Türkiye"},
    {"TT", "TTO", "Trinidad and Tobago"},
    {"TV", "TUV", "Tuvalu"},
    {"TW", "TWN", "Taiwan, Province of China"},
    {"TZ", "TZA", "Tanzania, United Republic of"},
    {"UA", "UKR", "Ukraine"},
    {"UG", "UGA", "Uganda"},
    {"UM", "UMI", "United States Minor Outlying Islands"},
    {"US", "USA", "United States"},
    {"UY", "URY", "Uruguay"},
    {"UZ", "UZB", "Uzbekistan"},
    {"VA", "VAT", "Holy See (Vatican City State)"},
    {"VC", "VCT", "Saint Vincent and the Grenadines"},
    {"VE", "VEN", "Venezuela, Bolivarian Republic of"},
    {"VG", "VGB", "Virgin Islands, British"},
    {"VI", "VIR", "Virgin Islands, U.S."},
    {"VN", "VNM", "Viet Nam"},
    {"VU", "VUT", "Vanuatu"},
    {"WF", "WLF", "Wallis and Futuna"},
    {"WS", "WSM", "Samoa"},
    {"YE", "YEM", "Yemen"},
    {"YT", "MYT", "Mayotte"},
    {"ZA", "ZAF", "South Africa"},
    {"ZM", "ZMB", "Zambia"},
    {"ZW", "ZWE", "Zimbabwe"},
};

#define N_COUNTRIES (sizeof COUNTRIES / sizeof COUNTRIES[0])

typedef struct {
    const char *name;
    const char *code;
} alias;

/* Other English names by which exports write a country: ISO's common and
 * official names, and a few names in everyday use. Matched like the names. */
static const alias ALIASES[] = {
    {"Aland Islands", "AX"},
    {"Arab Republic of Egypt", "EG"},
    {"Argentine Republic", "AR"},
    {"Bolivarian Republic of Venezuela", "VE"},
    {"Bolivia", "BO"},
    {"British Virgin Islands", "VG"},
    {"Brunei", "BN"},
    {"Burma", "MM"},
    {"Cape Verde", "CV"},
    {"Commonwealth of Dominica", "DM"},
    {"Commonwealth of the Bahamas", "BS"},
    {"Commonwealth of the Northern Mariana Islands", "MP"},
    {"Congo-Brazzaville", "CG"},
    {"Congo-Kinshasa", "CD"},
    {"Cote d'Ivoire", "CI"},
    {"Curacao", "CW"},
    {"Czech Republic", "CZ"},
    {"DR Congo", "CD"},
    {"Democratic People's Republic of Korea", "KP"},
    {"Democratic Republic of Sao Tome and Principe", "ST"},
    {"Democratic Republic of Timor-Leste", "TL"},
    {"Democratic Republic of the Congo", "CD"},
    {"Democratic Socialist Republic of Sri Lanka", "LK"},
    {"East Timor", "TL"},
    {"Eastern Republic of Uruguay", "UY"},
    {"England", "GB"},
    {"Federal Democratic Republic of Ethiopia", "ET"},
    {"Federal Democratic Republic of Nepal", "NP"},
    {"Federal Republic of Germany", "DE"},
    {"Federal Republic of Nigeria", "NG"},
    {"Federal Republic of Somalia", "SO"},
    {"Federated States of Micronesia", "FM"},
    {"Federative Republic of Brazil", "BR"},
    {"French Republic", "FR"},
    {"Gabonese Republic", "GA"},
    {"Grand Duchy of Luxembourg", "LU"},
    {"Great Britain", "GB"},
    {"Hashemite Kingdom of Jordan", "JO"},
    {"Hellenic Republic", "GR"},
    {"Holland", "NL"},
    {"Hong Kong SAR", "HK"},
    {"Hong Kong Special Administrative Region of China", "HK"},
    {"Independent State of Papua New Guinea", "PG"},
    {"Independent State of Samoa", "WS"},
    {"Iran", "IR"},
    {"Islamic Republic of Afghanistan", "AF"},
    {"Islamic Republic of Iran", "IR"},
    {"Islamic Republic of Mauritania", "MR"},
    {"Islamic Republic of Pakistan", "PK"},
    {"Italian Republic", "IT"},
    {"Ivory Coast", "CI"},
    {"Kingdom of Bahrain", "BH"},
    {"Kingdom of Belgium", "BE"},
    {"Kingdom of Bhutan", "BT"},
    {"Kingdom of Cambodia", "KH"},
    {"Kingdom of Denmark", "DK"},
    {"Kingdom of Eswatini", "SZ"},
    {"Kingdom of Lesotho", "LS"},
    {"Kingdom of Morocco", "MA"},
    {"Kingdom of Norway", "NO"},
    {"Kingdom of Saudi Arabia", "SA"},
    {"Kingdom of Spain", "ES"},
    {"Kingdom of Sweden", "SE"},
    {"Kingdom of Thailand", "TH"},
    {"Kingdom of Tonga", "TO"},
    {"Kingdom of the Netherlands", "NL"},
    {"Korea", "KR"},
    {"Kyrgyz Republic", "KG"},
    {"Laos", "LA"},
    {"Lebanese Republic", "LB"},
    {"Macao SAR", "MO"},
    {"Macao Special Administrative Region of China", "MO"},
    {"Macau", "MO"},
    {"Macedonia", "MK"},
    {"Micronesia", "FM"},
    {"Moldova", "MD"},
    {"North Korea", "KP"},
    {"Northern Ireland", "GB"},
    {"Palestine", "PS"},
    {"People's Democratic Republic of Algeria", "DZ"},
    {"People's Republic of Bangladesh", "BD"},
    {"People's Republic of China", "CN"},
    {"Plurinational State of Bolivia", "BO"},
    {"Portuguese Republic", "PT"},
    {"Principality of Andorra", "AD"},
    {"Principality of Liechtenstein", "LI"},
    {"Principality of Monaco", "MC"},
    {"Republic of Albania", "AL"},
    {"Republic of Angola", "AO"},
    {"Republic of Armenia", "AM"},
    {"Republic of Austria", "AT"},
    {"Republic of Azerbaijan", "AZ"},
    {"Republic of Belarus", "BY"},
    {"Republic of Benin", "BJ"},
    {"Republic of Bosnia and Herzegovina", "BA"},
    {"Republic of Botswana", "BW"},
    {"Republic of Bulgaria", "BG"},
    {"Republic of Burundi", "BI"},
    {"Republic of Cabo Verde", "CV"},
    {"Republic of Cameroon", "CM"},
    {"Republic of Chad", "TD"},
    {"Republic of Chile", "CL"},
    {"Republic of Colombia", "CO"},
    {"Republic of Costa Rica", "CR"},
    {"Republic of Croatia", "HR"},
    {"Republic of Cuba", "CU"},
    {"Republic of Cyprus", "CY"},
    {"Republic of Côte d'Ivoire", "CI"},
    {"Republic of Djibouti", "DJ"},
    {"Republic of Ecuador", "EC"},
    {"Republic of El Salvador", "SV"},
    {"Republic of Equatorial Guinea", "GQ"},
    {"Republic of Estonia", "EE"},
    {"Republic of Fiji", "FJ"},
    {"Republic of Finland", "FI"},
    {"Republic of Ghana", "GH"},
    {"Republic of Guatemala", "GT"},
    {"Republic of Guinea", "GN"},
    {"Republic of Guinea-Bissau", "GW"},
    {"Republic of Guyana", "GY"},
    {"Republic of Haiti", "HT"},
    {"Republic of Honduras", "HN"},
    {"Republic of Iceland", "IS"},
    {"Republic of India", "IN"},
    {"Republic of Indonesia", "ID"},
    {"Republic of Iraq", "IQ"},
    {"Republic of Kazakhstan", "KZ"},
    {"Republic of Kenya", "KE"},
    {"Republic of Kiribati", "KI"},
    {"Republic of Korea", "KR"},
    {"Republic of Latvia", "LV"},
    {"Republic of Liberia", "LR"},
    {"Republic of Lithuania", "LT"},
    {"Republic of Madagascar", "MG"},
    {"Republic of Malawi", "MW"},
    {"Republic of Maldives", "MV"},
    {"Republic of Mali", "ML"},
    {"Republic of Malta", "MT"},
    {"Republic of Mauritius", "MU"},
    {"Republic of Moldova", "MD"},
    {"Republic of Mozambique", "MZ"},
    {"Republic of Myanmar", "MM"},
    {"Republic of Namibia", "NA"},
    {"Republic of Nauru", "NR"},
    {"Republic of Nicaragua", "NI"},
    {"Republic of North Macedonia", "MK"},
    {"Republic of Palau", "PW"},
    {"Republic of Panama", "PA"},
    {"Republic of Paraguay", "PY"},
    {"Republic of Peru", "PE"},
    {"Republic of Poland", "PL"},
    {"Republic of San Marino", "SM"},
    {"Republic of Senegal", "SN"},
    {"Republic of Serbia", "RS"},
    {"Republic of Seychelles", "SC"},
    {"Republic of Sierra Leone", "SL"},
    {"Republic of Singapore", "SG"},
    {"Republic of Slovenia", "SI"},
    {"Republic of South Africa", "ZA"},
    {"Republic of South Sudan", "SS"},
    {"Republic of Suriname", "SR"},
    {"Republic of Tajikistan", "TJ"},
    {"Republic of Trinidad and Tobago", "TT"},
    {"Republic of Tunisia", "TN"},
    {"Republic of Türkiye", "TR"},
    {"Republic of Uganda", "UG"},
    {"Republic of Uzbekistan", "UZ"},
    {"Republic of Vanuatu", "VU"},
    {"Republic of Yemen", "YE"},
    {"Republic of Zambia", "ZM"},
    {"Republic of Zimbabwe", "ZW"},
    {"Republic of the Congo", "CG"},
    {"Republic of the Gambia", "GM"},
    {"Republic of the Marshall Islands", "MH"},
    {"Republic of the Niger", "NE"},
    {"Republic of the Philippines", "PH"},
    {"Republic of the Sudan", "SD"},
    {"Reunion", "RE"},
    {"Russia", "RU"},
    {"Rwandese Republic", "RW"},
    {"Saint Barthelemy", "BL"},
    {"Scotland", "GB"},
    {"Slovak Republic", "SK"},
    {"Socialist Republic of Viet Nam", "VN"},
    {"South Korea", "KR"},
    {"State of Israel", "IL"},
    {"State of Kuwait", "KW"},
    {"State of Qatar", "QA"},
    {"Sultanate of Oman", "OM"},
    {"Swaziland", "SZ"},
    {"Swiss Confederation", "CH"},
    {"Syria", "SY"},
    {"Taiwan", "TW"},
    {"Tanzania", "TZ"},
    {"The Bahamas", "BS"},
    {"The Gambia", "GM"},
    {"The Netherlands", "NL"},
    {"Togolese Republic", "TG"},
    {"Turkey", "TR"},
    {"Turkiye", "TR"},
    {"Union of the Comoros", "KM"},
    {"United Kingdom of Great Britain and Northern Ireland", "GB"},
    {"United Mexican States", "MX"},
    {"United Republic of Tanzania", "TZ"},
    {"United States of America", "US"},
    {"Vatican", "VA"},
    {"Vatican City", "VA"},
    {"Venezuela", "VE"},
    {"Vietnam", "VN"},
    {"Virgin Islands of the United States", "VI"},
    {"Wales", "GB"},
};

/* Abbreviations that are not ISO alpha-2 codes but are often written as if
 * they were; they are only suggested, never accepted. */
static const alias ABBREVIATIONS[] = {
    {"UK", "GB"},  {"EL", "GR"},   {"EN", "GB"},   {"USA", "US"},    {"UAE", "AE"},
    {"KSA", "SA"}, {"U.S.", "US"}, {"U.K.", "GB"}, {"U.S.A.", "US"},
};

size_t infl__country_count(void)
{
    return N_COUNTRIES;
}

const char *infl__country_code(size_t i)
{
    return i < N_COUNTRIES ? COUNTRIES[i].code : NULL;
}

const char *infl__country_name(size_t i)
{
    return i < N_COUNTRIES ? COUNTRIES[i].name : NULL;
}

/* strcasecmp for ASCII letters, after skipping spaces around `s`; bytes
 * beyond ASCII (accents) must match exactly. */
static bool same_name(const char *s, const char *name)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    if (strlen(name) != len)
        return false;
    for (size_t i = 0; i < len; i++)
        if (tolower((unsigned char)s[i]) != tolower((unsigned char)name[i]))
            return false;
    return true;
}

size_t infl__country_find_code(const char *code)
{
    if (code == NULL || strlen(code) != 2)
        return INFL_COUNTRY_NONE;
    char up[3] = {(char)toupper((unsigned char)code[0]), (char)toupper((unsigned char)code[1]),
                  '\0'};
    for (size_t i = 0; i < N_COUNTRIES; i++)
        if (strcmp(COUNTRIES[i].code, up) == 0)
            return i;
    return INFL_COUNTRY_NONE;
}

size_t infl__country_find_name(const char *name)
{
    if (name == NULL)
        return INFL_COUNTRY_NONE;
    for (size_t i = 0; i < N_COUNTRIES; i++)
        if (same_name(name, COUNTRIES[i].name))
            return i;
    for (size_t i = 0; i < sizeof ALIASES / sizeof ALIASES[0]; i++)
        if (same_name(name, ALIASES[i].name))
            return infl__country_find_code(ALIASES[i].code);
    return INFL_COUNTRY_NONE;
}

size_t infl__country_find(const char *code_or_name)
{
    size_t i = infl__country_find_code(code_or_name);
    return i != INFL_COUNTRY_NONE ? i : infl__country_find_name(code_or_name);
}

static const char *write_suggestion(size_t i, char *buf, size_t n)
{
    if (i == INFL_COUNTRY_NONE || n == 0)
        return NULL;
    snprintf(buf, n, "%s (%s)", COUNTRIES[i].code, COUNTRIES[i].name);
    return buf;
}

const char *infl__country_suggest(const char *text, char *buf, size_t n)
{
    if (text == NULL)
        return NULL;
    char word[64];
    size_t len = 0;
    while (*text == ' ')
        text++;
    for (; text[len] != '\0' && len + 1 < sizeof word; len++)
        word[len] = (char)tolower((unsigned char)text[len]);
    while (len > 0 && word[len - 1] == ' ')
        len--;
    word[len] = '\0';
    if (len == 0)
        return NULL;
    for (size_t i = 0; i < sizeof ABBREVIATIONS / sizeof ABBREVIATIONS[0]; i++)
        if (same_name(word, ABBREVIATIONS[i].name))
            return write_suggestion(infl__country_find_code(ABBREVIATIONS[i].code), buf, n);
    for (size_t i = 0; i < N_COUNTRIES; i++)
        if (same_name(word, COUNTRIES[i].code3))
            return write_suggestion(i, buf, n);
    /* A name written exactly (when a code was expected), else the closest
     * name or alias by edit distance, compared in lower case. */
    size_t exact = infl__country_find(word);
    if (exact != INFL_COUNTRY_NONE)
        return write_suggestion(exact, buf, n);
    enum { N_NAMES = N_COUNTRIES + sizeof ALIASES / sizeof ALIASES[0] };
    static const size_t n_names = N_NAMES;
    char lower[N_NAMES][64];
    const char *names[N_NAMES];
    for (size_t i = 0; i < n_names; i++) {
        const char *src = i < N_COUNTRIES ? COUNTRIES[i].name : ALIASES[i - N_COUNTRIES].name;
        size_t k = 0;
        for (; src[k] != '\0' && k + 1 < sizeof lower[i]; k++)
            lower[i][k] = (char)tolower((unsigned char)src[k]);
        lower[i][k] = '\0';
        names[i] = lower[i];
    }
    const char *hint = infl__suggest(word, names, n_names);
    if (hint == NULL)
        return NULL;
    size_t at = (size_t)(hint - lower[0]) / sizeof lower[0];
    size_t index = at < N_COUNTRIES ? at : infl__country_find_code(ALIASES[at - N_COUNTRIES].code);
    return write_suggestion(index, buf, n);
}
