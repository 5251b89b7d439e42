/*
 * Unit tests of the CSV reader of roster files: records, keys and positions;
 * what is accepted (BOM, CRLF and CR, quoted commas, quotes and line breaks,
 * spaces, empty lines and rows) and what is refused with one clear message
 * (not CSV: NUL, UTF-16, Latin-1, control characters, HTML, JSON; an empty
 * file, a ';' header, quote faults, duplicate columns, too many fields, a
 * value under a nameless column, too large a file, too many rows).
 */
#include "check.h"
#include "scenario/roster_csv.h"

#include <time.h>

static infl_node *parse_n(const char *text, size_t n, infl_error *err, infl_status *rc)
{
    infl_node *seq = NULL;
    infl_error_clear(err);
    *rc = infl__roster_csv_parse(text, n, "c.csv", &seq, err);
    return seq;
}

static infl_node *parse(const char *text, infl_error *err, infl_status *rc)
{
    return parse_n(text, strlen(text), err, rc);
}

static const char *value(const infl_node *seq, size_t row, const char *key)
{
    if (seq == NULL || row >= seq->count)
        return "(no row)";
    const infl_node *v = infl__yaml_tree_get(seq->items[row], key);
    return v ? v->text : "(none)";
}

/* Expects a refusal with `status` and one message containing `want`. */
static void refused(const char *text, size_t n, infl_status status, const char *want)
{
    infl_error err;
    infl_error_init(&err);
    infl_status rc;
    infl_node *seq = parse_n(text, n, &err, &rc);
    CHECK(seq == NULL);
    CHECK_INT(rc, status);
    CHECK_CONTAINS(infl_error_message(&err), want);
    if (strstr(infl_error_message(&err), want) == NULL)
        fprintf(stderr, "  for input: %.*s\n", (int)(n > 80 ? 80 : n), text);
    infl_error_destroy(&err);
    infl__yaml_tree_free(seq);
}

int main(void)
{
    infl_error err;
    infl_error_init(&err);
    infl_status rc;

    /* Keys lower-cased and trimmed, values as written, empty fields left
     * out, positions of rows, fields and header cells. */
    infl_node *seq =
        parse(" Handle ,Followers,  price\n@anna,12.3k, 500-900 \nbob,,300\n", &err, &rc);
    CHECK_INT(rc, INFL_OK);
    CHECK(seq != NULL && seq->kind == INFL_NODE_SEQ && seq->count == 2);
    CHECK_INT(seq->line, 1);
    CHECK(strcmp(value(seq, 0, "handle"), "@anna") == 0);
    CHECK(strcmp(value(seq, 0, "followers"), "12.3k") == 0);
    CHECK(strcmp(value(seq, 0, "price"), "500-900") == 0);
    CHECK(strcmp(value(seq, 1, "followers"), "(none)") == 0);
    CHECK_INT(seq->items[1]->count, 2);
    CHECK_INT(seq->items[1]->line, 3);
    const infl_node *price = infl__yaml_tree_get(seq->items[0], "price");
    CHECK(price->line == 2 && price->column == 14 && strcmp(price->origin, "c.csv") == 0);
    const infl_node_pair *pp = infl__yaml_tree_get_pair(seq->items[0], "price");
    CHECK(pp->line == 1 && pp->column == 22); /* the header cell */
    CHECK(infl__yaml_tree_get_pair(seq->items[0], "handle")->column == 2);
    infl__yaml_tree_free(seq);

    /* BOM, CRLF, quoted commas, doubled quotes, line breaks in quotes, empty
     * lines and rows of empty fields, a last line without its line end. */
    const char *excel = "\xef\xbb\xbfhandle,notes,audience\r\n"
                        "\r\n"
                        "anna,\"likes cats, dogs\",\"FR:55;BE:10\"\r\n"
                        ",,\r\n"
                        "bob,\"said \"\"hi\"\"\r\nthen left\",US:100\r\n"
                        "\r\n"
                        "  carl , \"x\" ,\"\"";
    seq = parse(excel, &err, &rc);
    CHECK_INT(rc, INFL_OK);
    CHECK(seq != NULL && seq->count == 3);
    CHECK(strcmp(value(seq, 0, "handle"), "anna") == 0);
    CHECK(strcmp(value(seq, 0, "notes"), "likes cats, dogs") == 0);
    CHECK(strcmp(value(seq, 0, "audience"), "FR:55;BE:10") == 0);
    CHECK_INT(seq->items[0]->line, 3);
    CHECK(strcmp(value(seq, 1, "notes"), "said \"hi\"\nthen left") == 0);
    CHECK_INT(seq->items[1]->line, 5);
    const infl_node *aud = infl__yaml_tree_get(seq->items[1], "audience");
    CHECK(aud != NULL && aud->line == 6 && aud->column == 12);
    CHECK(strcmp(value(seq, 2, "handle"), "carl") == 0);
    CHECK(strcmp(value(seq, 2, "notes"), "x") == 0);
    CHECK(strcmp(value(seq, 2, "audience"), "(none)") == 0); /* "" is empty */
    CHECK_INT(seq->items[2]->line, 8);
    CHECK_INT(infl__yaml_tree_get(seq->items[2], "handle")->column, 3);
    CHECK_INT(infl__yaml_tree_get(seq->items[2], "notes")->column, 10);
    infl__yaml_tree_free(seq);

    /* Old Mac line ends; columns count characters, not bytes; empty lines
     * before the header; a header with no rows gives an empty list. */
    seq = parse("handle,name\rcafé,élise\r", &err, &rc);
    CHECK(rc == INFL_OK && seq != NULL && seq->count == 1);
    CHECK(strcmp(value(seq, 0, "name"), "élise") == 0);
    CHECK_INT(infl__yaml_tree_get(seq->items[0], "name")->line, 2);
    CHECK_INT(infl__yaml_tree_get(seq->items[0], "name")->column, 6);
    infl__yaml_tree_free(seq);
    seq = parse("\n\n  \nhandle\n", &err, &rc);
    CHECK(rc == INFL_OK && seq != NULL && seq->count == 0 && seq->line == 4);
    infl__yaml_tree_free(seq);
    /* Trailing empty fields beyond the header, and a nameless empty column
     * (Excel's habit), are fine. */
    seq = parse("handle,followers,\nanna,100,,,\n", &err, &rc);
    CHECK(rc == INFL_OK && seq != NULL && seq->count == 1 && seq->items[0]->count == 2);
    infl__yaml_tree_free(seq);

    /* Not CSV: one message, not one a line. */
    char binary[4096];
    for (size_t i = 0; i < sizeof binary; i++)
        binary[i] = (char)(i * 7 % 256);
    refused(binary, sizeof binary, INFL_ESYNTAX, "c.csv:1:1: not a CSV file: it holds NUL bytes");
    infl_error_clear(&err);
    parse_n(binary, sizeof binary, &err, &rc);
    CHECK_INT(err.count, 1);
    refused("handle\nanna\0x\n", 13, INFL_ESYNTAX, "c.csv:2:5: not a CSV file: it holds NUL");
    refused("\xff\xfeh\0a\0", 6, INFL_ESYNTAX, "saved as UTF-16");
    refused("handle,name\nanna,\xe9lise\n", 23, INFL_ESYNTAX,
            "c.csv:2:6: not a CSV file in UTF-8: byte 0xe9 is not UTF-8");
    refused("handle\n\xc0\xaf\n", 10, INFL_ESYNTAX, "is not UTF-8");     /* overlong */
    refused("handle\n\xed\xa0\x80\n", 11, INFL_ESYNTAX, "is not UTF-8"); /* surrogate */
    refused("handle\n\xf0\x9f\x98\n", 11, INFL_ESYNTAX, "is not UTF-8"); /* cut short */
    refused("handle\nan\x1bna\n", 12, INFL_ESYNTAX,
            "c.csv:2:3: not a CSV file: it holds a control");
    const char *html = "\n  <!DOCTYPE html><html><body>Log in</body></html>\n";
    refused(html, strlen(html), INFL_ESYNTAX, "c.csv: not a CSV file: it starts like HTML");
    refused("{\"profile\": {}}", 15, INFL_ESYNTAX, "starts like JSON");
    refused("", 0, INFL_ESYNTAX, "c.csv: the file is empty");
    refused("\xef\xbb\xbf \r\n\n", 6, INFL_ESYNTAX, "the file is empty");
    refused(",,,\n,,\n", 7, INFL_ESYNTAX, "no header row");
    refused("handle;followers\nanna;100\n", 26, INFL_ESYNTAX,
            "c.csv:1:1: the header's columns are separated by ';', not commas");
    refused("handle\tfollowers\n", 17, INFL_ESYNTAX, "separated by tabs");

    /* Quote faults stop the reading at once. */
    refused("handle,notes\nanna,\"open\nbob,1\n", 30, INFL_ESYNTAX,
            "c.csv:2:6: a quote opens a field here and is never closed");
    refused("handle,notes\nanna,\"x\"y\n", 23, INFL_ESYNTAX,
            "c.csv:2:9: text after the closing quote");
    refused("handle,notes\nanna,5'10\"\n", 24, INFL_ESYNTAX,
            "c.csv:2:10: a quote inside an unquoted field");

    /* Column and row faults, every one listed. */
    refused("handle,Followers,followers \n", 28, INFL_ESYNTAX,
            "c.csv:1:18: followers: duplicate column (also column 2)");
    const char *wide = "handle,followers\nanna,1,2\nbob,3\ncarl,4,,5\n";
    refused(wide, strlen(wide), INFL_ESYNTAX,
            "c.csv:2:8: a row with 3 fields; the header names 2 columns (got 2)");
    infl_error_clear(&err);
    CHECK(parse(wide, &err, &rc) == NULL);
    CHECK_INT(err.count, 2);
    CHECK_CONTAINS(infl_error_message(&err), "c.csv:4:9: a row with 4 fields");
    refused("handle,,price\nanna,x,3\n", 23, INFL_ESYNTAX,
            "c.csv:2:6: a value under column 2, which has no name in the header (got x)");

    /* At most 50 faults are written, then a count of the rest. */
    size_t rows = 80, cap = 64 + rows * 16;
    char *many = malloc(cap);
    strcpy(many, "handle\n");
    for (size_t i = 0; i < rows; i++)
        snprintf(many + strlen(many), cap - strlen(many), "c%zu,extra\n", i);
    refused(many, strlen(many), INFL_ESYNTAX, "c.csv: 30 more faults not shown");
    infl_error_clear(&err);
    CHECK(parse(many, &err, &rc) == NULL);
    CHECK_INT(err.count, 51);
    free(many);

    /* 100 MB built in memory is refused at once, before it is read. */
    size_t huge = (size_t)100 << 20;
    char *big = malloc(huge);
    CHECK(big != NULL);
    if (big != NULL) {
        memset(big, 'a', huge);
        clock_t t0 = clock();
        refused(big, huge, INFL_ELIMIT,
                "c.csv: the file is 100.0 MiB; a roster file may be at most 32 MiB");
        CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
        free(big);
    }
    /* More than 100,000 rows. */
    size_t n_rows = INFL_ROSTER_MAX_ROWS + 1, bytes = 16 + n_rows * 3;
    char *tall = malloc(bytes);
    strcpy(tall, "handle\n");
    size_t at = strlen(tall);
    for (size_t i = 0; i < n_rows; i++) {
        tall[at++] = 'x';
        tall[at++] = '\n';
    }
    tall[at] = '\0';
    refused(tall, at, INFL_ELIMIT, "c.csv:100002: more than 100000 creators");
    /* Exactly the limit is read, and quickly. */
    clock_t t0 = clock();
    seq = parse_n(tall, at - 2, &err, &rc);
    CHECK(rc == INFL_OK && seq != NULL && seq->count == INFL_ROSTER_MAX_ROWS);
    CHECK((double)(clock() - t0) / CLOCKS_PER_SEC < 5.0);
    infl__yaml_tree_free(seq);
    free(tall);

    infl_error_destroy(&err);
    return check_exit();
}
