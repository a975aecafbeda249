/*
 * dump-database: the Wine side of the corpus cross-check, for the files and
 * tables msitools cannot read. Opens a database read-only with msi.dll
 * (Wine's under Wine) and dumps every table of _Tables through msi.dll's own
 * query API as JSON: column names and types, primary keys, and the rows
 * (binary cells as hex of their stream). A table msi.dll refuses is written
 * as {"error": <code>} and the others are still dumped.
 * Test code only, built by test/tools/build.js with mingw-w64; never shipped.
 *
 *   dump-database.exe <package> <dump.json>
 *
 * Exit status: 0 when the dump was written, 2 on bad usage, 3 when a step
 * failed, 4 when MsiOpenDatabaseW refused the file (its code is in the dump).
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
    fprintf(stderr, "dump-database: %s failed (%u)\n", what, code);
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
    MSIHANDLE view = 0, names = 0, types = 0, keys = 0, rec;
    UINT r, count, i, first_row = 1;

    json_string(table, -1);
    /* What msi.dll refuses for one table is that table's answer. */
    swprintf(query, 512, L"SELECT * FROM `%ls`", table);
    if ((r = MsiDatabaseOpenViewW(db, query, &view)) || (r = MsiViewExecute(view, 0)) ||
        (r = MsiViewGetColumnInfo(view, MSICOLINFO_NAMES, &names)) ||
        (r = MsiViewGetColumnInfo(view, MSICOLINFO_TYPES, &types)) ||
        (r = MsiDatabaseGetPrimaryKeysW(db, table, &keys)))
    {
        fprintf(out, ": {\"error\": %u}", r);
        if (keys) MsiCloseHandle(keys);
        if (types) MsiCloseHandle(types);
        if (names) MsiCloseHandle(names);
        if (view) MsiCloseHandle(view);
        return;
    }
    count = MsiRecordGetFieldCount(names);
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
    fprintf(out, "], \"fetch\": %u}", r == ERROR_NO_MORE_ITEMS ? 0 : r);
    MsiCloseHandle(names);
    MsiCloseHandle(types);
    MsiViewClose(view);
    MsiCloseHandle(view);
}

int wmain(int argc, WCHAR **argv)
{
    MSIHANDLE db, view, rec;
    UINT r;
    int first = 1;

    if (argc != 3)
    {
        fprintf(stderr, "usage: dump-database <package> <dump.json>\n");
        return 2;
    }
    out = _wfopen(argv[2], L"wb");
    if (!out) fail("_wfopen", GetLastError());
    if ((r = MsiOpenDatabaseW(argv[1], MSIDBOPEN_READONLY, &db)))
    {
        fprintf(out, "{\"open\": %u, \"tables\": {}}\n", r);
        fclose(out);
        return 4;
    }
    fprintf(out, "{\"open\": 0, \"tables\": {");
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
