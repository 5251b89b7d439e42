/*
 * Unit tests of the YAML tree: positions, quoting, duplicate keys, syntax
 * errors with line and column, empty documents, a second document, and
 * editing by key path (create, replace, list index, list item by name, a
 * created key that looks like a typo of one beside it, errors), trees built
 * in code, and roster creators addressed by handle.
 */
#include "check.h"
#include "scenario/yaml_tree.h"

static infl_node *parse(const char *text, infl_error *err)
{
    infl_node *root = NULL;
    infl_error_clear(err);
    infl__yaml_tree_parse(text, strlen(text), "t.yaml", &root, err);
    return root;
}

int main(void)
{
    infl_error err;
    infl_error_init(&err);

    infl_node *root = parse("a: 1\nb:\n  c: 'x'\n  d: [1, 2, 3]\n", &err);
    CHECK(root != NULL);
    CHECK_INT(root->kind, INFL_NODE_MAP);
    infl_node *b = infl__yaml_tree_get(root, "b");
    CHECK(b != NULL && b->kind == INFL_NODE_MAP);
    infl_node *c = infl__yaml_tree_get(b, "c");
    CHECK(c != NULL && c->quoted && strcmp(c->text, "x") == 0);
    CHECK_INT(c->line, 3);
    CHECK_INT(c->column, 6);
    infl_node_pair *pd = infl__yaml_tree_get_pair(b, "d");
    CHECK(pd != NULL && pd->line == 4 && pd->column == 3);
    CHECK(pd->value->kind == INFL_NODE_SEQ && pd->value->count == 3);
    CHECK(infl__yaml_tree_get(root, "zzz") == NULL);
    CHECK(infl__yaml_tree_get(c, "x") == NULL); /* not a mapping */

    /* Editing by path: replace, create nested, list index. */
    CHECK_INT(infl__yaml_tree_set_path(root, "a", "2", "--set", 1, 3, &err), INFL_OK);
    CHECK(strcmp(infl__yaml_tree_get(root, "a")->text, "2") == 0);
    CHECK(strcmp(infl__yaml_tree_get(root, "a")->origin, "--set") == 0);
    CHECK_INT(infl__yaml_tree_set_path(root, "b.d[2]", "9", "--set", 1, 7, &err), INFL_OK);
    CHECK(strcmp(pd->value->items[2]->text, "9") == 0);
    CHECK_INT(infl__yaml_tree_set_path(root, "new.deep.key", "v", "--set", 2, 14, &err), INFL_OK);
    infl_node *deep =
        infl__yaml_tree_get(infl__yaml_tree_get(infl__yaml_tree_get(root, "new"), "deep"), "key");
    CHECK(deep != NULL && strcmp(deep->text, "v") == 0);
    /* A flow value replaces a scalar by a tree, positioned on the --set line. */
    CHECK_INT(infl__yaml_tree_set_path(root, "b.c", "{beta: {mean: 0.3, kappa: 20}}", "--set", 7, 5,
                                       &err),
              INFL_OK);
    infl_node *beta = infl__yaml_tree_get(infl__yaml_tree_get(b, "c"), "beta");
    CHECK(beta != NULL && beta->kind == INFL_NODE_MAP && beta->line == 7);
    CHECK(beta != NULL && strcmp(infl__yaml_tree_get(beta, "kappa")->text, "20") == 0);
    CHECK_INT(infl__yaml_tree_set_path(root, "b.q", "'quoted: text'", "--set", 8, 5, &err),
              INFL_OK);
    CHECK(strcmp(infl__yaml_tree_get(b, "q")->text, "quoted: text") == 0 &&
          infl__yaml_tree_get(b, "q")->quoted);
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "b.c", "{beta: [", "--set", 9, 5, &err), INFL_ESYNTAX);
    CHECK_CONTAINS(infl_error_message(&err), "--set:9:5: b.c: cannot read the value as YAML");
    /* Errors: index out of range, through a scalar, malformed. */
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "b.d[3]", "1", "--set", 3, 8, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "--set:3:8: b.d[3]: no item [3]");
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "a.x", "1", "--set", 4, 5, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "cannot set 'x' inside \"2\"");
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "b.d[x]", "1", "--set", 5, 8, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "malformed list index");
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "a..b", "1", "--set", 6, 6, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "malformed key path");
    infl__yaml_tree_free(root);

    /* List items that are mappings with a `name` can be addressed by it. */
    root = parse("regions:\n  - {name: home, shippable: true}\n  - {name: rest of EU, shippable: "
                 "false}\n  - [x]\ntiers:\n  micro: {reach_rate: 0.3}\n  macro: {}\n",
                 &err);
    CHECK(root != NULL);
    infl_node *regions = infl__yaml_tree_get(root, "regions");
    CHECK_INT(infl__yaml_tree_set_path(root, "regions.rest of EU.shippable", "true", "--set", 1, 30,
                                       &err),
              INFL_OK);
    CHECK(strcmp(infl__yaml_tree_get(regions->items[1], "shippable")->text, "true") == 0);
    CHECK_INT(infl__yaml_tree_set_path(root, "regions.home", "{name: home}", "--set", 2, 14, &err),
              INFL_OK);
    CHECK(regions->items[0]->count == 1);
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "regions.hme.shippable", "1", "--set", 3, 23, &err),
              INFL_EARG);
    CHECK_CONTAINS(
        infl_error_message(&err),
        "--set:3:23: regions.hme.shippable: no item named 'hme' in regions (t.yaml:2:3); "
        "did you mean 'home' (regions[0])?");
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "regions.Canada.shippable", "1", "--set", 4, 26, &err),
              INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err),
                   "--set:4:26: regions.Canada.shippable: no item named 'Canada' in regions "
                   "(t.yaml:2:3); its items are named: home (regions[0]), rest of EU (regions[1])");
    /* A list without named items is still not a mapping. */
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "regions[2].x", "1", "--set", 5, 14, &err), INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "cannot set 'x' inside a list (t.yaml:4:5)");

    /* A key created in the middle of a path must not look like a typo of a
     * key beside it; one that does not is created, and so is any last key. */
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "tiers.micor.reach_rate", "0.7", "--set", 6, 24, &err),
              INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err),
                   "--set:6:24: tiers.micor.reach_rate: no key 'micor' in tiers (t.yaml:6:3); did "
                   "you mean 'micro'? (to add 'micor', set it whole: tiers.micor={...})");
    CHECK(infl__yaml_tree_get(infl__yaml_tree_get(root, "tiers"), "micor") == NULL);
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(root, "tires.micro.reach_rate", "1", "--set", 7, 24, &err),
              INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err),
                   "no key 'tires' at the top level (t.yaml:1:1); did you mean 'tiers'?");
    CHECK_INT(
        infl__yaml_tree_set_path(root, "tiers.micro2", "{reach_rate: 1}", "--set", 8, 14, &err),
        INFL_OK);
    CHECK_INT(infl__yaml_tree_set_path(root, "tiers.micro.reach_rat", "1", "--set", 9, 23, &err),
              INFL_OK);
    CHECK_INT(infl__yaml_tree_set_path(root, "tiers.nano.reach_rate", "1", "--set", 10, 22, &err),
              INFL_OK);
    CHECK_INT(infl__yaml_tree_get(root, "tiers")->count, 4);
    infl__yaml_tree_free(root);

    /* Syntax errors carry a position. */
    root = parse("a: [1, 2\nb: 3\n", &err);
    CHECK(root == NULL);
    CHECK_INT(err.status, INFL_ESYNTAX);
    CHECK_CONTAINS(infl_error_message(&err), "t.yaml:");
    CHECK_CONTAINS(infl_error_message(&err), "syntax error");

    root = parse("a: 1\nb: 2\na: 3\n", &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err),
                   "t.yaml:3:1: syntax error: duplicate key 'a' (first at line 1)");

    root = parse("a: 1\n---\nb: 2\n", &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "a second YAML document");

    root = parse("{[1]: 2}\n", &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "a key must be a plain name");

    /* Core tags are accepted; others are refused rather than ignored. */
    root = parse("a: !!int 3\nb: !!str x\nc: !!seq [1]\n", &err);
    CHECK(root != NULL);
    infl__yaml_tree_free(root);
    root = parse("a: 1\nb: !!binary aGk=\n", &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(
        infl_error_message(&err),
        "t.yaml:2:4: syntax error: YAML tag 'tag:yaml.org,2002:binary' is not supported");
    root = parse("a: !custom 1\n", &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "YAML tag '!custom' is not supported");

    /* Aliases are expanded; an empty document is an empty mapping. */
    root = parse("x: &v {k: 1}\ny: *v\n", &err);
    CHECK(root != NULL && infl__yaml_tree_get(infl__yaml_tree_get(root, "y"), "k") != NULL);
    infl__yaml_tree_free(root);
    root = parse("", &err);
    CHECK(root != NULL && root->kind == INFL_NODE_MAP && root->count == 0);
    infl__yaml_tree_free(root);

    /* Hundreds of thousands of nested brackets are refused before libyaml
     * spends minutes on them. */
    size_t levels = 200000;
    char *nest = malloc(2 * levels + 1);
    memset(nest, '[', levels);
    memset(nest + levels, ']', levels);
    nest[2 * levels] = '\0';
    root = parse(nest, &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err),
                   "t.yaml:1:65: syntax error: brackets nested deeper than 64 levels");
    free(nest);
    /* An apostrophe inside a plain value does not hide what follows. */
    char *sneaky = malloc(levels + 64);
    strcpy(sneaky, "name: don't\nx: ");
    memset(sneaky + strlen(sneaky), '[', levels);
    sneaky[16 + levels - 4] = '\0';
    root = parse(sneaky, &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "syntax error: brackets nested deeper");
    /* A quote that never closes is a plain syntax error (brackets inside it
     * are text, not nesting). */
    strcpy(sneaky, "x: \"");
    memset(sneaky + 4, '[', levels);
    sneaky[4 + levels] = '\0';
    root = parse(sneaky, &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "while scanning a quoted scalar");
    /* ... nor does a comment ended by a carriage return (old Mac line ends). */
    strcpy(sneaky, "# comment\rx: ");
    memset(sneaky + 13, '[', levels);
    sneaky[13 + levels] = '\0';
    root = parse(sneaky, &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "syntax error: brackets nested deeper");
    free(sneaky);
    /* Brackets inside quotes and comments do not count. */
    root = parse("a: \"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\"  # {{{{{{{{{{{{{{{{{{{{{{{{{{{\n", &err);
    CHECK(root != NULL);
    infl__yaml_tree_free(root);

    /* Aliases cannot expand a small file into gigabytes of text. */
    size_t big = 200000;
    char *bomb = malloc(big + 4096);
    strcpy(bomb, "a: &x \"");
    memset(bomb + strlen(bomb), 'z', big);
    strcpy(bomb + 7 + big, "\"\nb: [");
    for (int i = 0; i < 300; i++)
        strcat(bomb, i ? ", *x" : "*x");
    strcat(bomb, "]\n");
    root = parse(bomb, &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "aliases expand the document to more than");
    free(bomb);

    /* Deep nesting is refused rather than recursed into. */
    char deepdoc[400];
    memset(deepdoc, '[', 100);
    memset(deepdoc + 100, ']', 100);
    deepdoc[200] = '\0';
    root = parse(deepdoc, &err);
    CHECK(root == NULL);
    CHECK_CONTAINS(infl_error_message(&err), "t.yaml:1:65: syntax error: brackets nested deeper");

    /* Trees built in code: positions, ownership, appends past the parsed
     * size of a list, a deep copy. */
    infl_node *seq = infl__yaml_tree_new_seq("c.csv", 1, 1);
    CHECK(seq != NULL && seq->kind == INFL_NODE_SEQ && seq->count == 0);
    for (size_t i = 0; i < 1000; i++) {
        infl_node *rec = infl__yaml_tree_new_map("c.csv", i + 2, 1);
        CHECK(rec != NULL && rec->kind == INFL_NODE_MAP);
        CHECK_INT(infl__yaml_tree_map_append(
                      rec, "handle", 1, 1,
                      infl__yaml_tree_new_scalar(i ? "bob" : "@Anna.B", "c.csv", i + 2, 1)),
                  INFL_OK);
        CHECK_INT(infl__yaml_tree_map_append(rec, "price", 1, 8,
                                             infl__yaml_tree_new_scalar("100", "c.csv", i + 2, 8)),
                  INFL_OK);
        CHECK_INT(infl__yaml_tree_seq_append(seq, rec), INFL_OK);
    }
    CHECK_INT(seq->count, 1000);
    infl_node *p999 = infl__yaml_tree_get(seq->items[999], "price");
    CHECK(p999 != NULL && p999->line == 1001 && p999->column == 8 && !p999->quoted &&
          strcmp(p999->origin, "c.csv") == 0 && strcmp(p999->text, "100") == 0);
    CHECK(infl__yaml_tree_get_pair(seq->items[0], "price")->column == 8);
    /* Wrong kinds and NULL values are refused, and the value is freed. */
    CHECK_INT(infl__yaml_tree_seq_append(seq->items[0], infl__yaml_tree_new_map("x", 1, 1)),
              INFL_EARG);
    CHECK_INT(infl__yaml_tree_map_append(seq, "k", 1, 1, infl__yaml_tree_new_map("x", 1, 1)),
              INFL_EARG);
    CHECK_INT(infl__yaml_tree_seq_append(seq, NULL), INFL_EARG);
    infl_node *copy = infl__yaml_tree_copy(seq);
    CHECK(copy != NULL && copy->count == 1000 && copy->items[5] != seq->items[5]);
    CHECK(strcmp(infl__yaml_tree_get(copy->items[0], "handle")->text, "@Anna.B") == 0);
    CHECK(infl__yaml_tree_get(copy->items[999], "price")->line == 1001);
    CHECK(infl__yaml_tree_copy(NULL) == NULL);
    infl__yaml_tree_free(copy);

    /* A roster's creators are addressed by handle: case and one '@' ignored,
     * a handle holding '.' taken whole. */
    infl_node *doc = infl__yaml_tree_new_map("s.yaml", 1, 1);
    CHECK_INT(infl__yaml_tree_map_append(doc, "roster", 1, 1, seq), INFL_OK);
    CHECK_INT(infl__yaml_tree_set_path(doc, "roster.anna.b.price", "500", "--set", 1, 1, &err),
              INFL_OK);
    CHECK(strcmp(infl__yaml_tree_get(seq->items[0], "price")->text, "500") == 0);
    CHECK_INT(infl__yaml_tree_set_path(doc, "roster.@ANNA.B.price", "600", "--set", 1, 1, &err),
              INFL_OK);
    CHECK(strcmp(infl__yaml_tree_get(seq->items[0], "price")->text, "600") == 0);
    CHECK_INT(infl__yaml_tree_set_path(doc, "roster.Bob.tier", "micro", "--set", 1, 1, &err),
              INFL_OK);
    CHECK(strcmp(infl__yaml_tree_get(seq->items[1], "tier")->text, "micro") == 0);
    CHECK(infl__yaml_tree_get(seq->items[2], "tier") == NULL); /* the first bob only */
    CHECK_INT(infl__yaml_tree_set_path(doc, "roster.@bob", "{handle: bob, price: 7}", "--set", 1, 1,
                                       &err),
              INFL_OK);
    CHECK(strcmp(infl__yaml_tree_get(seq->items[1], "price")->text, "7") == 0);
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(doc, "roster.anna.c.price", "1", "--set", 3, 9, &err),
              INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err),
                   "--set:3:9: roster.anna.c.price: no item named 'anna'");
    infl_error_clear(&err);
    CHECK_INT(infl__yaml_tree_set_path(doc, "roster.bobb.price", "1", "--set", 3, 9, &err),
              INFL_EARG);
    CHECK_CONTAINS(infl_error_message(&err), "did you mean 'bob' (roster[1])?");
    infl_error_clear(&err);
    /* A `name` still wins over a handle and matches exactly. */
    root = parse("regions:\n  - {name: Canada, handle: x, shippable: true}\n", &err);
    CHECK_INT(
        infl__yaml_tree_set_path(root, "regions.Canada.shippable", "false", "--set", 1, 1, &err),
        INFL_OK);
    CHECK_INT(infl__yaml_tree_set_path(root, "regions.x.shippable", "false", "--set", 1, 1, &err),
              INFL_EARG);
    CHECK_INT(
        infl__yaml_tree_set_path(root, "regions.canada.shippable", "false", "--set", 1, 1, &err),
        INFL_EARG);
    infl__yaml_tree_free(root);
    infl__yaml_tree_free(doc);
    infl_error_clear(&err);

    char buf[80];
    infl_node scalar = {.kind = INFL_NODE_SCALAR, .text = "abc"};
    CHECK(strcmp(infl__yaml_tree_describe(&scalar, buf, sizeof buf), "\"abc\"") == 0);
    CHECK(strcmp(infl__yaml_tree_describe(NULL, buf, sizeof buf), "nothing") == 0);
    infl__yaml_tree_free(NULL);
    infl_error_destroy(&err);
    return check_exit();
}
