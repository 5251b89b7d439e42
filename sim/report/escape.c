/*
 * escape.c — text from a results file into HTML. Strategy names, scenario
 * comments and keys come from files anyone may have written, so every byte
 * that could end a text node or an attribute becomes an entity, and bytes
 * that are not valid UTF-8 (or are control characters) become U+FFFD: the
 * page stays well-formed whatever the file holds.
 */
#include "report/report.h"

#include <string.h>

/* The length of the valid UTF-8 sequence at s (1 to 4), or 0 if it is not
 * one (overlong forms, surrogates and values past U+10FFFF included). */
static size_t utf8_length(const unsigned char *s, size_t left)
{
    unsigned c = s[0];
    size_t n;
    unsigned min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        n = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        n = 4, min = 0x10000;
    else
        return 0;
    if (left < n)
        return 0;
    unsigned v = c & (0x3f >> (n - 1));
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3f);
    }
    if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    return n;
}

void infl__report_escape_n(infl__strbuf *b, const char *s, size_t n)
{
    if (s == NULL)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        unsigned c = p[i];
        size_t len = utf8_length(p + i, n - i);
        if (len == 0 || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) {
            infl__strbuf_put(b, "\xef\xbf\xbd");
            i++;
            continue;
        }
        switch (c) {
        case '&':
            infl__strbuf_put(b, "&amp;");
            break;
        case '<':
            infl__strbuf_put(b, "&lt;");
            break;
        case '>':
            infl__strbuf_put(b, "&gt;");
            break;
        case '"':
            infl__strbuf_put(b, "&quot;");
            break;
        case '\'':
            infl__strbuf_put(b, "&#39;");
            break;
        default:
            infl__strbuf_put(b, "%.*s", (int)len, s + i);
        }
        i += len;
    }
}

void infl__report_escape(infl__strbuf *b, const char *s)
{
    if (s != NULL)
        infl__report_escape_n(b, s, strlen(s));
}
