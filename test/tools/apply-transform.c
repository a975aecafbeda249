/*
 * apply-transform: the independent side of msi-lua's transform cross-check.
 * Copies a base database, applies transforms to the copy with msi.dll's
 * MsiDatabaseApplyTransformW (Wine's under Wine), commits it, and dumps every
 * table of the result through msi.dll's own query API as JSON: column names
 * and types, primary keys, and the rows (binary cells as hex of their stream).
 * Test code only, built by test/tools/build.js with mingw-w64; never shipped.
 *
 *   apply-transform.exe <base.msi> <out.msi> <dump.json> <transform.mst>...
 *
 * Exit status: 0 when everything ran (the per-transform results are in the
 * dump), 2 on bad usage, 3 when a step other than applying failed.
 */
#ifndef UNICODE
#define UNICODE
#endif
#ifndef _UNICODE
#define _UNICODE
#endif
#include <windows.h>
#include <msi.h>
#include <msiquery.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static FILE *out;

static void fail(const char *what, UINT code)
{
    fprintf(stderr, "apply-transform: %s failed (%u)\n", what, code);
    exit(3);
}

/* Writes a UTF-16 string as a JSON string in UTF-8. */
static void json_string(const WCHAR *s, int len)
{
    int bytes;
    char *utf8;
    int i;
    if (len < 0) len = (int)wcslen(s);
    bytes = WideCharToMultiByte(CP_UTF8, 0, s, len, NULL, 0, NULL, NULL);
    utf8 = malloc(bytes + 1);
    WideCharToMultiByte(CP_UTF8, 0, s, len, utf8, bytes, NULL, NULL);
    fputc('"', out);
    for (i = 0; i < bytes; i++)
    {
        unsigned char c = (unsigned char)utf8[i];
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
    free(utf8);
}

/* A record field as a newly allocated string. */
static WCHAR *field_string(MSIHANDLE rec, UINT field, DWORD *length)
{
    DWORD size = 0;
    WCHAR empty[1];
    WCHAR *buffer;
    UINT r = MsiRecordGetStringW(rec, field, empty, &size);
    if (r != ERROR_MORE_DATA && r != ERROR_SUCCESS) fail("MsiRecordGetStringW", r);
    buffer = malloc((size + 1) * sizeof(WCHAR));
    size++;
    r = MsiRecordGetStringW(rec, field, buffer, &size);
    if (r != ERROR_SUCCESS) fail("MsiRecordGetStringW", r);
    *length = size;
    return buffer;
}

static void dump_stream(MSIHANDLE rec, UINT field)
{
    char chunk[4096];
    DWORD size;
    UINT r;
    fputc('"', out);
    for (;;)
    {
        DWORD i;
        size = sizeof chunk;
        r = MsiRecordReadStream(rec, field, chunk, &size);
        if (r != ERROR_SUCCESS) fail("MsiRecordReadStream", r);
        if (size == 0) break;
        for (i = 0; i < size; i++) fprintf(out, "%02x", (unsigned char)chunk[i]);
    }
    fputc('"', out);
}

static void dump_table(MSIHANDLE db, const WCHAR *table)
{
    WCHAR query[512];
    MSIHANDLE view, names, types, keys, rec;
    UINT r, count, i, first_row = 1;

    swprintf(query, 512, L"SELECT * FROM `%ls`", table);
    if ((r = MsiDatabaseOpenViewW(db, query, &view))) fail("MsiDatabaseOpenViewW", r);
    if ((r = MsiViewExecute(view, 0))) fail("MsiViewExecute", r);
    if ((r = MsiViewGetColumnInfo(view, MSICOLINFO_NAMES, &names))) fail("MsiViewGetColumnInfo", r);
    if ((r = MsiViewGetColumnInfo(view, MSICOLINFO_TYPES, &types))) fail("MsiViewGetColumnInfo", r);
    count = MsiRecordGetFieldCount(names);

    json_string(table, -1);
    fprintf(out, ": {\"columns\": [");
    for (i = 1; i <= count; i++)
    {
        DWORD len;
        WCHAR *name = field_string(names, i, &len), *type = field_string(types, i, &len);
        fprintf(out, "%s{\"name\": ", i > 1 ? ", " : "");
        json_string(name, -1);
        fprintf(out, ", \"type\": ");
        json_string(type, -1);
        fputc('}', out);
        free(name);
        free(type);
    }
    fprintf(out, "], \"keys\": [");
    if ((r = MsiDatabaseGetPrimaryKeysW(db, table, &keys))) fail("MsiDatabaseGetPrimaryKeysW", r);
    for (i = 1; i <= MsiRecordGetFieldCount(keys); i++)
    {
        DWORD len;
        WCHAR *key = field_string(keys, i, &len);
        if (i > 1) fprintf(out, ", ");
        json_string(key, -1);
        free(key);
    }
    MsiCloseHandle(keys);
    fprintf(out, "], \"rows\": [");
    while ((r = MsiViewFetch(view, &rec)) == ERROR_SUCCESS)
    {
        fprintf(out, "%s\n  [", first_row ? "" : ",");
        first_row = 0;
        for (i = 1; i <= count; i++)
        {
            DWORD len;
            WCHAR *type = field_string(types, i, &len);
            WCHAR letter = type[0] | 0x20;
            if (i > 1) fprintf(out, ", ");
            if (MsiRecordIsNull(rec, i)) fprintf(out, "null");
            else if (letter == 'v') dump_stream(rec, i);
            else if (letter == 'i' || letter == 'j') fprintf(out, "%d", MsiRecordGetInteger(rec, i));
            else
            {
                WCHAR *value = field_string(rec, i, &len);
                json_string(value, (int)len);
                free(value);
            }
            free(type);
        }
        fputc(']', out);
        MsiCloseHandle(rec);
    }
    if (r != ERROR_NO_MORE_ITEMS) fail("MsiViewFetch", r);
    fprintf(out, "]}");
    MsiCloseHandle(names);
    MsiCloseHandle(types);
    MsiViewClose(view);
    MsiCloseHandle(view);
}

int wmain(int argc, WCHAR **argv)
{
    MSIHANDLE db, view, rec;
    UINT r;
    int i, first = 1;

    if (argc < 5)
    {
        fprintf(stderr, "usage: apply-transform <base.msi> <out.msi> <dump.json> <transform.mst>...\n");
        return 2;
    }
    if (!CopyFileW(argv[1], argv[2], FALSE)) fail("CopyFileW", GetLastError());
    if ((r = MsiOpenDatabaseW(argv[2], MSIDBOPEN_TRANSACT, &db))) fail("MsiOpenDatabaseW", r);
    out = _wfopen(argv[3], L"wb");
    if (!out) fail("_wfopen", GetLastError());

    fprintf(out, "{\"results\": [");
    for (i = 4; i < argc; i++)
    {
        r = MsiDatabaseApplyTransformW(db, argv[i], 0);
        fprintf(out, "%s%u", i > 4 ? ", " : "", r);
    }
    fprintf(out, "],\n\"commit\": %u,\n\"tables\": {", MsiDatabaseCommit(db));

    if ((r = MsiDatabaseOpenViewW(db, L"SELECT `Name` FROM `_Tables`", &view))) fail("MsiDatabaseOpenViewW(_Tables)", r);
    if ((r = MsiViewExecute(view, 0))) fail("MsiViewExecute(_Tables)", r);
    while ((r = MsiViewFetch(view, &rec)) == ERROR_SUCCESS)
    {
        DWORD len;
        WCHAR *name = field_string(rec, 1, &len);
        fprintf(out, "%s\n", first ? "" : ",");
        first = 0;
        dump_table(db, name);
        free(name);
        MsiCloseHandle(rec);
    }
    if (r != ERROR_NO_MORE_ITEMS) fail("MsiViewFetch(_Tables)", r);
    MsiViewClose(view);
    MsiCloseHandle(view);
    fprintf(out, "\n}}\n");
    fclose(out);
    MsiCloseHandle(db);
    return 0;
}
