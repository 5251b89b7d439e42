/*
 * strbuf.c — a growable string (see strbuf.h).
 */
#include "base/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void infl__strbuf_vput(infl__strbuf *b, const char *fmt, va_list ap)
{
    if (b->failed)
        return;
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (n >= 0 && cap < b->len + (size_t)n + 1)
            cap *= 2;
        char *g = n < 0 ? NULL : realloc(b->s, cap);
        if (g == NULL) {
            b->failed = true;
            return;
        }
        b->s = g;
        b->cap = cap;
    }
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void infl__strbuf_put(infl__strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    infl__strbuf_vput(b, fmt, ap);
    va_end(ap);
}

void infl__strbuf_put_quoted(infl__strbuf *b, const char *s)
{
    infl__strbuf_put(b, "\"");
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            infl__strbuf_put(b, "\\%c", c);
        else if (c == '\n')
            infl__strbuf_put(b, "\\n");
        else if (c < 0x20)
            infl__strbuf_put(b, "\\x%02x", c);
        else
            infl__strbuf_put(b, "%c", c);
    }
    infl__strbuf_put(b, "\"");
}

char *infl__strbuf_take(infl__strbuf *b)
{
    char *s = b->failed ? NULL : b->s;
    if (b->failed)
        free(b->s);
    if (s == NULL && !b->failed)
        s = calloc(1, 1);
    b->s = NULL;
    b->len = b->cap = 0;
    b->failed = false;
    return s;
}

const char *infl__shortest_decimal(char buf[32], double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}
