/*
 * The msitools side of the corpus cross-check (test/unit/package/corpus.test.ts),
 * for Linux: what `msiinfo tables` and `msiinfo export` print for every table
 * of one package, from one process instead of one msiinfo run per table
 * (each run costs a process start and a full open of the package).
 *
 *   msitools-reference <package> <out-dir>
 *
 * (<package> must be an absolute path: the tool works in <out-dir>.)
 * Writes <out-dir>/tables (the names, one per line, as `msiinfo tables`
 * prints them), and for the i-th name <out-dir>/<i>.idt (what
 * `msiinfo export <package> <name>` writes) or <out-dir>/<i>.err (its error
 * message). Exit 0 when the database opened, 1 otherwise.
 *
 * libmsi (msitools' library) is loaded with dlopen: Debian ships
 * libmsi.so.0 without its development headers, so the few calls used are
 * declared here, with the signatures of msitools 0.101 (libmsi-database.h,
 * libmsi-query.h, libmsi-record.h).
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    unsigned domain;
    int code;
    char *message;
} GErrorView;

typedef void *(*database_new_fn)(const char *path, unsigned flags, const char *persist, GErrorView **error);
typedef void *(*query_new_fn)(void *database, const char *sql, GErrorView **error);
typedef int (*query_execute_fn)(void *query, void *record, GErrorView **error);
typedef void *(*query_fetch_fn)(void *query, GErrorView **error);
typedef char *(*record_get_string_fn)(void *record, unsigned field);
typedef int (*database_export_fn)(void *database, const char *table, int fd, GErrorView **error);
typedef void (*unref_fn)(void *object);
typedef void (*free_fn)(void *memory);
typedef void (*clear_error_fn)(GErrorView **error);

#define LIBMSI_DB_FLAGS_READONLY 1u
#define MAX_TABLES 4096

static void *need(void *library, const char *name)
{
    void *symbol = dlsym(library, name);
    if (!symbol) {
        fprintf(stderr, "msitools-reference: %s not found: %s\n", name, dlerror());
        exit(2);
    }
    return symbol;
}

static void write_text(const char *path, const char *text)
{
    FILE *out = fopen(path, "wb");
    if (!out) {
        perror(path);
        exit(2);
    }
    fputs(text, out);
    fclose(out);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: msitools-reference <package> <out-dir>\n");
        return 2;
    }
    /* libmsi_database_export writes the streams of binary columns into the
     * current directory (Binary/..., Icon/...): keep them in the out dir. */
    if (chdir(argv[2]) != 0) {
        perror(argv[2]);
        return 2;
    }
    void *msi = dlopen("libmsi.so.0", RTLD_NOW | RTLD_GLOBAL);
    if (!msi) {
        fprintf(stderr, "msitools-reference: cannot load libmsi.so.0: %s\n", dlerror());
        return 2;
    }
    database_new_fn database_new = (database_new_fn)need(msi, "libmsi_database_new");
    query_new_fn query_new = (query_new_fn)need(msi, "libmsi_query_new");
    query_execute_fn query_execute = (query_execute_fn)need(msi, "libmsi_query_execute");
    query_fetch_fn query_fetch = (query_fetch_fn)need(msi, "libmsi_query_fetch");
    record_get_string_fn record_get_string = (record_get_string_fn)need(msi, "libmsi_record_get_string");
    database_export_fn database_export = (database_export_fn)need(msi, "libmsi_database_export");
    unref_fn object_unref = (unref_fn)need(RTLD_DEFAULT, "g_object_unref");
    free_fn g_free_ = (free_fn)need(RTLD_DEFAULT, "g_free");
    clear_error_fn clear_error = (clear_error_fn)need(RTLD_DEFAULT, "g_clear_error");

    char path[4096];
    GErrorView *error = NULL;
    void *database = database_new(argv[1], LIBMSI_DB_FLAGS_READONLY, NULL, &error);
    /* Paths below are relative to the out dir, now the current directory. */
    argv[2] = ".";
    if (!database) {
        snprintf(path, sizeof path, "%s/open.err", argv[2]);
        write_text(path, error && error->message ? error->message : "open failed");
        return 1;
    }

    /* What msiinfo tables prints: the two pseudo tables, then the rows of
     * the query it runs. */
    static char *names[MAX_TABLES];
    unsigned count = 0;
    names[count++] = strdup("_SummaryInformation");
    names[count++] = strdup("_ForceCodepage");
    void *query = query_new(database, "SELECT `Name` FROM `_Tables`", &error);
    snprintf(path, sizeof path, "%s/tables", argv[2]);
    FILE *list = fopen(path, "wb");
    if (!list) {
        perror(path);
        return 2;
    }
    fprintf(list, "%s\n%s\n", names[0], names[1]);
    if (query && query_execute(query, NULL, &error) && !error) {
        void *record;
        while (count < MAX_TABLES && (record = query_fetch(query, &error)) != NULL) {
            char *name = record_get_string(record, 1);
            fprintf(list, "%s\n", name ? name : "");
            names[count++] = strdup(name ? name : "");
            g_free_(name);
            object_unref(record);
        }
    }
    fclose(list);
    clear_error(&error);
    if (query)
        object_unref(query);

    for (unsigned i = 0; i < count; i++) {
        snprintf(path, sizeof path, "%s/%u.idt", argv[2], i);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) {
            perror(path);
            return 2;
        }
        int ok = database_export(database, names[i], fd, &error);
        close(fd);
        if (!ok || error) {
            snprintf(path, sizeof path, "%s/%u.err", argv[2], i);
            write_text(path, error && error->message ? error->message : "export failed");
            clear_error(&error);
        }
        free(names[i]);
    }
    object_unref(database);
    return 0;
}
