/*
 * yaml_tree.h — a parsed YAML document as a small tree that remembers where
 * every node came from (origin name, line, column), so that validation can say
 * `FILE:LINE:COLUMN: key.path: ...`. The only file that includes libyaml is
 * yaml_tree.c. The tree can also be edited by key path, which is how
 * `--set key.path=value` overrides a scenario before it is validated.
 */
#ifndef INFL_SIM_YAML_TREE_H
#define INFL_SIM_YAML_TREE_H

#include "influsim/error.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { INFL_NODE_SCALAR, INFL_NODE_MAP, INFL_NODE_SEQ } infl_node_kind;

typedef struct infl_node infl_node;

typedef struct {
    char *key;
    size_t line, column; /* of the key, 1-based */
    infl_node *value;
} infl_node_pair;

struct infl_node {
    infl_node_kind kind;
    const char *origin;    /* file name or "--set"; not owned, outlives the tree */
    size_t line, column;   /* 1-based position of the node's first character */
    char *text;            /* SCALAR: the value as written, NUL-terminated */
    bool quoted;           /* SCALAR: written in quotes (so never a number or bool) */
    size_t count;          /* MAP: pairs; SEQ: items */
    infl_node_pair *pairs; /* MAP */
    infl_node **items;     /* SEQ */
};

/*
 * Parses `text` (length bytes) into a tree. `origin` names the source in
 * messages and must outlive the tree. On failure returns INFL_ESYNTAX (or
 * INFL_ENOMEM) with "ORIGIN:LINE:COLUMN: syntax error: ..." in err. An empty
 * document yields an empty mapping. Duplicate keys are syntax errors.
 * The caller owns *out and frees it with infl__yaml_tree_free.
 */
infl_status infl__yaml_tree_parse(const char *text, size_t length, const char *origin,
                                  infl_node **out, infl_error *err);

/* Frees a node and everything below it; accepts NULL. */
void infl__yaml_tree_free(infl_node *node);

/* Returns the value of `key` in a MAP node, or NULL (also if node is not a MAP). */
infl_node *infl__yaml_tree_get(const infl_node *map, const char *key);

/* Returns the pair of `key` in a MAP node, or NULL. */
infl_node_pair *infl__yaml_tree_get_pair(const infl_node *map, const char *key);

/*
 * Sets the scalar at `path` (keys separated by '.', list items as `[i]`, e.g.
 * `tiers.micro.audience.mean[0]`) to `value`. A list whose items are mappings
 * with a `name` also takes that name as a key (`regions.Canada.shippable`);
 * items with a `handle` instead (roster creators) are addressed by it, case
 * and one leading '@' ignored (`roster.anna.price`, `roster.@Anna.price`).
 * A name or handle holding '.' is found too: the longest that matches wins.
 * A name no item has is an error that suggests a close one with its index.
 * Missing mapping keys along the path are created, but not one before the
 * last key that is a likely misspelling of a key beside it (infl__suggest):
 * that is an error with "did you mean". A list index must exist; whatever is
 * at the end of the path is replaced. A value that starts with '{', '[' or a quote is read as
 * YAML, so `--set 'tiers.micro.reach_rate={beta: {mean: 0.3, kappa: 20}}'`
 * works; any other value is taken as a plain scalar. The new node's position
 * is (origin, line, column). Errors name the path and what is in the way.
 */
infl_status infl__yaml_tree_set_path(infl_node *root, const char *path, const char *value,
                                     const char *origin, size_t line, size_t column,
                                     infl_error *err);

/*
 * Building trees in code (roster files become trees like a scenario's). Each
 * constructor returns a new node at (origin, line, column), origin not owned
 * and outliving the tree, or NULL if out of memory; free with
 * infl__yaml_tree_free. A scalar copies `text`; its `quoted` is false.
 */
infl_node *infl__yaml_tree_new_scalar(const char *text, const char *origin, size_t line,
                                      size_t column);
infl_node *infl__yaml_tree_new_map(const char *origin, size_t line, size_t column);
infl_node *infl__yaml_tree_new_seq(const char *origin, size_t line, size_t column);

/* Appends the pair (key at line, column; value) to a MAP node. The map takes
 * `value` whatever happens: on failure it is freed. Duplicate keys are not
 * checked (the caller does). Returns INFL_OK, INFL_ENOMEM, or INFL_EARG if
 * map is not a MAP or value is NULL; no message is written. */
infl_status infl__yaml_tree_map_append(infl_node *map, const char *key, size_t line, size_t column,
                                       infl_node *value);

/* Appends `item` to a SEQ node (one from this file: parsed, built or copied,
 * whose array is sized for doubling), which takes it whatever happens (freed on
 * failure). Returns INFL_OK, INFL_ENOMEM, or INFL_EARG if seq is not a SEQ
 * or item is NULL; no message is written. */
infl_status infl__yaml_tree_seq_append(infl_node *seq, infl_node *item);

/* A deep copy of a node (same origins and positions), or NULL if out of
 * memory or node is NULL. */
infl_node *infl__yaml_tree_copy(const infl_node *node);

/* Returns a short description of a node's kind for messages: "a mapping",
 * "a list" or the quoted scalar text. Writes into buf (size n) and returns it. */
const char *infl__yaml_tree_describe(const infl_node *node, char *buf, size_t n);

/* The version of libyaml in use ("0.2.5"). */
const char *infl__yaml_tree_libyaml_version(void);

#endif
