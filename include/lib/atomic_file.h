/* atomic_file: replace a file's content whole. A temporary file beside
 * PATH (PATH.XXXXXX, same directory, so the rename cannot cross file
 * systems) is filled and renamed over PATH: a reader sees the old text or
 * the new, never a part. mkostemp's O_EXCL means nothing already there (a
 * planted symlink) is written through, and rename replaces a symlink at
 * PATH instead of following it. Used for the metrics files that
 * node_exporter's textfile collector reads. */
#ifndef LVSAGENT_LIB_ATOMIC_FILE_H
#define LVSAGENT_LIB_ATOMIC_FILE_H

/* Write TEXT (a C string) to PATH, mode 0644. 0 or -errno; on failure the
 * temporary file is removed and PATH is as it was. */
int atomic_file_write(const char *path, const char *text);

#endif
