/*
 * error.c — the status table's descriptions and the message-collecting error
 * object (see include/influsim/error.h).
 */
#include "influsim/error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *infl_status_str(infl_status status)
{
    switch (status) {
#define INFL__STATUS_CASE(name, value, text)                                                       \
    case name:                                                                                     \
        return text;
        INFL_STATUS_TABLE(INFL__STATUS_CASE)
#undef INFL__STATUS_CASE
    }
    return "unknown status";
}

void infl_error_init(infl_error *err)
{
    memset(err, 0, sizeof *err);
}

void infl_error_destroy(infl_error *err)
{
    if (err == NULL)
        return;
    free(err->text);
    infl_error_init(err);
}

void infl_error_clear(infl_error *err)
{
    if (err == NULL)
        return;
    err->status = INFL_OK;
    err->count = 0;
    err->length = 0;
    if (err->text != NULL)
        err->text[0] = '\0';
}

infl_status infl_error_vadd(infl_error *err, infl_status status, const char *fmt, va_list ap)
{
    if (err == NULL)
        return status;
    if (err->status == INFL_OK)
        err->status = status;
    err->count++;

    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return status;
    size_t need = err->length + (size_t)n + 2;
    if (need > err->capacity) {
        size_t cap = err->capacity ? err->capacity : 256;
        while (cap < need)
            cap *= 2;
        char *grown = realloc(err->text, cap);
        if (grown == NULL)
            return status; /* the status survives even if the words do not */
        err->text = grown;
        err->capacity = cap;
    }
    vsnprintf(err->text + err->length, (size_t)n + 1, fmt, ap);
    err->length += (size_t)n;
    err->text[err->length++] = '\n';
    err->text[err->length] = '\0';
    return status;
}

infl_status infl_error_add(infl_error *err, infl_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    infl_status rc = infl_error_vadd(err, status, fmt, ap);
    va_end(ap);
    return rc;
}

infl_status infl_error_add_lines(infl_error *dst, infl_status status, const char *text, size_t len)
{
    while (len > 0) {
        const char *end = memchr(text, '\n', len);
        size_t line = end ? (size_t)(end - text) : len;
        infl_error_add(dst, status, "%.*s", (int)line, text);
        text += line + (end != NULL);
        len -= line + (end != NULL);
    }
    return status;
}

infl_status infl_error_merge(infl_error *dst, const infl_error *src)
{
    const char *text = infl_error_message(src);
    return infl_error_add_lines(dst, src->status, text, strlen(text));
}

const char *infl_error_message(const infl_error *err)
{
    return (err != NULL && err->text != NULL) ? err->text : "";
}
