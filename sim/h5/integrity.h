/*
 * integrity.h — the integrity record of a results file: what the writer
 * puts in the file's HDF5 user block last, and what every reader checks
 * first (docs/output.md, "Integrity").
 *
 * The record is one line of text at the start of the file's 512-byte user
 * block (HDF5 leaves the user block alone, and h5py preserves it):
 *     influsim integrity record v1: size N crc32 0xXXXXXXXX
 * then zeros to byte 512; N is the file's size and the CRC-32 (zlib's) is
 * that of the whole file with the user block read as zeros. A reader,
 * before any HDF5 call (so without risk), classifies the file:
 *   intact      the record matches: exactly the bytes influsim wrote;
 *   unverified  no record and no user block: a file written before records
 *               (or not influsim's), read as before, with a note;
 *   modified    the record is sound but the bytes have changed since (a
 *               dataset added or an attribute edited with h5py, say): then
 *               every object, attribute and dataset is read in a guarded
 *               child, so HDF5 checks every checksum it has (the metadata's
 *               of the 1.10 format, every dataset's Fletcher-32, the hashes
 *               of the strings in /integrity, where a string that changed
 *               into other text is an edit and into non-text damage), and
 *               the file is read, with a note, if all pass;
 *   damaged     anything else: cut short, the record itself broken, or
 *               changed bytes that fail the read-through (INFL_EFORMAT,
 *               "PATH: damaged (...)").
 */
#ifndef INFL_SIM_H5_INTEGRITY_H
#define INFL_SIM_H5_INTEGRITY_H

#include "h5/h5io.h"
#include "influsim/h5.h"

/* The user block the writer reserves for the record (bytes). */
#define INFL__H5_USERBLOCK 512

/* Writes the writer's string log (h5io.h) as the attributes of the group
 * /integrity: `name` (fixed-length strings, in the checksummed object
 * header, not the heap), `fnv1a64` (the hashes) and `address` (a string
 * dataset's object header address, 0 for an attribute: a dataset replaced
 * is an edit, one changed in place damage). Attributes, not
 * datasets, so that two runs' datasets stay bit-identical while their
 * `created` times differ. Nothing when the log is empty or incomplete. False (failure recorded in
 * io) on error. */
bool infl__h5_integrity_write_log(infl__h5_io *io, hid_t file);

/* Writes the record into the user block of the closed file at tmp (written
 * with a user block of INFL__H5_USERBLOCK bytes) and flushes it; `path`
 * names the file in messages. INFL_EIO on failure. */
infl_status infl__h5_integrity_seal(const char *tmp, const char *path, infl_error *err);

#endif
