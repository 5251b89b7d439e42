/*
 * Unit test of the parallel chunk compressor (sim/h5/chunk_set.c): columns of
 * several chunks, a padded last chunk, an empty column, doubles (NaN and
 * infinities included) and 64-bit integers, compressed on 1 and 3 threads and
 * in batches that split a column, written with H5Dwrite_chunk into
 * shuffle+deflate+fletcher32 datasets, read back by HDF5's own filter
 * pipeline (which verifies the checksums) equal to the input; and both ways
 * store the same number of bytes.
 */
#include "check.h"
#include "h5/chunk_set.h"

#include <hdf5.h>
#include <unistd.h>

enum { N1 = 2500, N2 = 1000, CHUNK = 1000 };

static hid_t dataset(hid_t file, const char *name, hid_t type, hsize_t n)
{
    hid_t space = H5Screate_simple(1, &n, NULL), dcpl = H5Pcreate(H5P_DATASET_CREATE);
    hsize_t chunk = CHUNK;
    if (n > 0) {
        H5Pset_chunk(dcpl, 1, &chunk);
        H5Pset_shuffle(dcpl);
        H5Pset_deflate(dcpl, 4);
        H5Pset_fletcher32(dcpl);
    }
    hid_t d = H5Dcreate2(file, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Sclose(space);
    H5Pclose(dcpl);
    return d;
}

int main(void)
{
    double *a = malloc(N1 * sizeof *a), *b = malloc(N2 * sizeof *b), back[N1];
    for (int i = 0; i < N1; i++)
        a[i] = i % 7 == 0 ? NAN : sin(i) * exp(i % 50);
    a[3] = INFINITY;
    a[4] = -INFINITY;
    for (int i = 0; i < N2; i++)
        b[i] = (double)(i * 37 % 1009);
    infl_chunk_column cols[3] = {{a, N1, false}, {b, N2, true}, {a, 0, false}};
    char path[] = "/tmp/influsim-test-chunk-set-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    close(fd);

    size_t sizes[2] = {0, 0};
    for (int pass = 0; pass < 2; pass++) {
        infl_chunk_set *set = infl__chunk_set_new(cols, 3, CHUNK);
        CHECK(set != NULL);
        CHECK_INT(infl__chunk_set_count(set), 3 + 1 + 0);
        hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
        hid_t da = dataset(file, "a", H5T_IEEE_F64LE, N1);
        hid_t db = dataset(file, "b", H5T_STD_U64LE, N2);
        hid_t de = dataset(file, "e", H5T_IEEE_F64LE, 0);
        hid_t ds[3] = {da, db, de};
        /* In batches of 2 chunks on pass 1 (the batch boundary splits a
         * column), all at once on pass 0. */
        size_t batch = pass == 0 ? 4 : 2;
        for (size_t first = 0; first < 4; first += batch) {
            size_t count = 4 - first < batch ? 4 - first : batch;
            CHECK(infl__chunk_set_compress(set, first, count, 4, pass == 0 ? 1 : 3));
            CHECK(infl__chunk_set_write(set, first, count, ds) >= 0);
        }
        CHECK(H5Dread(da, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) >= 0);
        int equal = 1;
        for (int i = 0; i < N1; i++)
            equal &= memcmp(&a[i], &back[i], sizeof a[i]) == 0;
        CHECK(equal);
        unsigned long long ib[N2];
        CHECK(H5Dread(db, H5T_NATIVE_ULLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, ib) >= 0);
        equal = 1;
        for (int i = 0; i < N2; i++)
            equal &= ib[i] == (unsigned long long)b[i];
        CHECK(equal);
        sizes[pass] = (size_t)H5Dget_storage_size(da) + (size_t)H5Dget_storage_size(db);
        /* HDF5's own pipeline stores the very same bytes, checksum included;
         * a chunk with one byte changed is refused by the checksum. */
        hid_t dh = dataset(file, "h", H5T_IEEE_F64LE, N1);
        CHECK(H5Dwrite(dh, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, a) >= 0);
        for (hsize_t first = 0; first < N1; first += CHUNK) {
            static unsigned char ours[CHUNK * 8 + 64], theirs[CHUNK * 8 + 64];
            hsize_t so = 0, st = 0;
            uint32_t fo = 0, ft = 0;
            CHECK(H5Dget_chunk_storage_size(da, &first, &so) >= 0);
            CHECK(H5Dget_chunk_storage_size(dh, &first, &st) >= 0);
            CHECK_INT(so, st);
            CHECK(so <= sizeof ours && H5Dread_chunk(da, H5P_DEFAULT, &first, &fo, ours) >= 0);
            CHECK(st <= sizeof theirs && H5Dread_chunk(dh, H5P_DEFAULT, &first, &ft, theirs) >= 0);
            CHECK(so == st && memcmp(ours, theirs, (size_t)so) == 0);
            if (first == 0 && pass == 0) {
                ours[so / 2] ^= 1;
                CHECK(H5Dwrite_chunk(dh, H5P_DEFAULT, 0, &first, (size_t)so, ours) >= 0);
                H5E_auto2_t func;
                void *data;
                H5Eget_auto2(H5E_DEFAULT, &func, &data);
                H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
                CHECK(H5Dread(dh, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, back) < 0);
                H5Eset_auto2(H5E_DEFAULT, func, data);
            }
        }
        H5Dclose(dh);
        H5Dclose(da);
        H5Dclose(db);
        H5Dclose(de);
        H5Fclose(file);
        infl__chunk_set_free(set);
    }
    CHECK(sizes[0] > 0 && sizes[0] == sizes[1]);
    unlink(path);
    free(a);
    free(b);
    return check_exit();
}
