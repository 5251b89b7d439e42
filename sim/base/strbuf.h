/*
 * strbuf.h — a growable string for text the library renders (the resolved
 * scenario, the plan a roster search writes): append formatted text, then
 * take the string. An allocation failure marks the buffer failed, later
 * appends do nothing, and taking it gives NULL, so a renderer checks once.
 */
#ifndef INFL_SIM_BASE_STRBUF_H
#define INFL_SIM_BASE_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *s;
    size_t len, cap;
    bool failed;
} infl__strbuf;

/* Appends vprintf-style text to b (nothing once b has failed). */
void infl__strbuf_vput(infl__strbuf *b, const char *fmt, va_list ap);
__attribute__((format(printf, 2, 3))) void infl__strbuf_put(infl__strbuf *b, const char *fmt, ...);
/* Appends s as a YAML double-quoted string, escaping '"', '\\' and control
 * characters. */
void infl__strbuf_put_quoted(infl__strbuf *b, const char *s);
/* The shortest decimal that reads back as exactly v (0.3, not
 * 0.29999999999999999), written into buf; returns buf. */
const char *infl__shortest_decimal(char buf[32], double v);

/* The text (the caller frees it), or NULL if b failed or is empty and could
 * not be allocated; b is left empty. */
char *infl__strbuf_take(infl__strbuf *b);

#endif
