/*
 * Unit tests of the results file's integrity record (sim/h5/integrity.c,
 * infl_h5_verify): a file as written is intact and its record is the line
 * docs/output.md describes; a file without a user block (as written before
 * records) is unverified and still read; a dataset added afterwards is
 * "modified" and still read; a file cut short, a record broken, and bytes
 * of a checksummed dataset changed are "damaged" with exit-1 status
 * (INFL_EFORMAT) and a message naming the file, refused by the readers too.
 */
#include "check.h"
#include "influsim/engine.h"
#include "influsim/h5.h"

#include <hdf5.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *SCENARIO = "name: integrity\n"
                              "seed: 3\n"
                              "trials: 300\n"
                              "budget: 3000\n"
                              "regions: [{name: A, shippable: true}, {name: B, shippable: false}]\n"
                              "product: {price: 50, unit_cost: 10}\n"
                              "market: {purchase_rate: {beta: {mean: 0.05, kappa: 50}}}\n"
                              "tiers:\n"
                              "  micro: {followers: 5000, price: 100, reach_rate: 0.3,"
                              " engagement_rate: 0.05, audience: [0.8, 0.2], interest_share: 0.2}\n"
                              "strategies:\n"
                              "  - {name: micro, allocation: {micro: 1}}\n";

static unsigned char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc(*n ? *n : 1);
    if (b != NULL && fread(b, 1, *n, f) != *n) {
        free(b);
        b = NULL;
    }
    fclose(f);
    return b;
}

static void spit(const char *path, const unsigned char *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (f != NULL) {
        fwrite(b, 1, n, f);
        fclose(f);
    }
}

/* The state infl_h5_verify gives, or -1 for damaged (INFL_EFORMAT with a
 * message naming the file and `why`). */
static int verify(const char *path, const char *why)
{
    infl_error err;
    infl_error_init(&err);
    infl_h5_integrity state;
    infl_status rc = infl_h5_verify(path, &state, &err);
    int out = rc == INFL_OK ? (int)state : -1;
    if (rc != INFL_OK) {
        CHECK_INT(rc, INFL_EFORMAT);
        CHECK_CONTAINS(infl_error_message(&err), path);
        CHECK_CONTAINS(infl_error_message(&err), why);
    }
    infl_error_destroy(&err);
    return out;
}

static bool readable(const char *path)
{
    infl_summary *sm = NULL;
    infl_h5_meta meta;
    infl_status rc = infl_h5_read_summary(path, &sm, &meta, NULL);
    infl_summary_free(sm);
    if (rc == INFL_OK)
        infl_h5_meta_destroy(&meta);
    return rc == INFL_OK;
}

int main(void)
{
    char dir[] = "/tmp/influsim-test-h5-integrity-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256], copy[256];
    snprintf(path, sizeof path, "%s/out.h5", dir);
    snprintf(copy, sizeof copy, "%s/copy.h5", dir);

    infl_error err;
    infl_error_init(&err);
    infl_scenario *sc = NULL;
    infl_trials *tr = NULL;
    infl_summary *sm = NULL;
    CHECK_INT(infl_scenario_load_text(SCENARIO, strlen(SCENARIO), "i.yaml", NULL, 0, &sc, &err),
              INFL_OK);
    CHECK_INT(infl_engine_run(sc, &(infl_run_options){.threads = 2}, &tr, NULL, NULL, &err),
              INFL_OK);
    CHECK_INT(infl_summary_compute(tr, 2, &sm, &err), INFL_OK);
    infl_run_info info = {.threads = 2, .wall_seconds = 0.5};
    CHECK_INT(infl_h5_write(path, sc, tr, sm, &info, &err), INFL_OK);

    size_t n = 0;
    unsigned char *good = slurp(path, &n);
    CHECK(good != NULL && n > 4096);
    if (good == NULL)
        return check_exit();
    char line[128];
    snprintf(line, sizeof line, "influsim integrity record v1: size %zu crc32 0x", n);
    CHECK(memcmp(good, line, strlen(line)) == 0);
    CHECK(memcmp(good + 512, "\x89HDF\r\n\x1a\n", 8) == 0);
    CHECK_INT(verify(path, ""), INFL_H5_INTACT);
    CHECK(readable(path));

    /* Cut short. */
    spit(copy, good, n - 100);
    CHECK_INT(verify(copy, "cut short"), -1);
    CHECK(!readable(copy));

    /* The record broken (a letter of its text, or a byte after it). A
     * changed digit of its size or checksum, the rest intact, is only a
     * change: the read-through finds nothing wrong (modified). */
    unsigned char *b = malloc(n);
    memcpy(b, good, n);
    b[3] ^= 0x01;
    spit(copy, b, n);
    CHECK_INT(verify(copy, "integrity record is broken"), -1);
    CHECK(!readable(copy));
    memcpy(b, good, n);
    b[300] = 'x';
    spit(copy, b, n);
    CHECK_INT(verify(copy, "integrity record is broken"), -1);
    memcpy(b, good, n);
    b[strlen(line) + 2] = b[strlen(line) + 2] == 'a' ? 'b' : 'a';
    spit(copy, b, n);
    CHECK_INT(verify(copy, ""), INFL_H5_MODIFIED);
    CHECK(readable(copy));
    /* ... or wiped, the user block still there. */
    memset(b, 0, 512);
    spit(copy, b, n);
    CHECK_INT(verify(copy, "integrity record is broken"), -1);

    /* One byte of a per-trial chunk changed: Fletcher-32 refuses it. */
    memcpy(b, good, n);
    {
        hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        hid_t d = H5Dopen2(f, "strategies/micro/trials/conversions", H5P_DEFAULT);
        hsize_t zero = 0;
        hsize_t size = 0;
        CHECK(H5Dget_chunk_storage_size(d, &zero, &size) >= 0 && size > 0);
        unsigned char *raw = malloc((size_t)size);
        uint32_t filters = 0;
        CHECK(H5Dread_chunk(d, H5P_DEFAULT, &zero, &filters, raw) >= 0);
        H5Dclose(d);
        H5Fclose(f);
        /* Find the chunk's bytes in the file and change one. */
        unsigned char *hit = NULL;
        for (size_t i = 512; i + size <= n && hit == NULL; i++)
            if (memcmp(good + i, raw, (size_t)size) == 0)
                hit = b + i;
        CHECK(hit != NULL);
        if (hit != NULL)
            hit[size / 2] ^= 0x10;
        free(raw);
    }
    spit(copy, b, n);
    CHECK_INT(verify(copy, "does not read back"), -1);
    CHECK(!readable(copy));

    /* A dataset added afterwards: modified, still read. */
    spit(copy, good, n);
    {
        hid_t f = H5Fopen(copy, H5F_ACC_RDWR, H5P_DEFAULT);
        hsize_t three = 3;
        double v[3] = {1, 2, 3};
        hid_t s = H5Screate_simple(1, &three, NULL);
        hid_t d = H5Dcreate2(f, "mine", H5T_IEEE_F64LE, s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
        CHECK(d >= 0 && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0);
        H5Dclose(d);
        H5Sclose(s);
        H5Fclose(f);
    }
    CHECK_INT(verify(copy, ""), INFL_H5_MODIFIED);
    CHECK(readable(copy));

    /* A file without a user block, as written before records: unverified. */
    {
        hid_t fin = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
        hid_t fout = H5Fcreate(copy, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        hid_t ocpy = H5Pcreate(H5P_OBJECT_COPY);
        CHECK(H5Ocopy(fin, "strategies", fout, "strategies", ocpy, H5P_DEFAULT) >= 0);
        H5Pclose(ocpy);
        H5Fclose(fout);
        H5Fclose(fin);
    }
    CHECK_INT(verify(copy, ""), INFL_H5_UNVERIFIED);

    free(b);
    free(good);
    unlink(path);
    unlink(copy);
    rmdir(dir);
    infl_summary_free(sm);
    infl_trials_free(tr);
    infl_scenario_free(sc);
    infl_error_destroy(&err);
    return check_exit();
}
