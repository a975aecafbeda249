/*
 * record-json: msi.dll records and tables as JSON, shared by the test tools
 * (see record-json.h). Test code only; never shipped.
 */
#include "record-json.h"

#include <stdlib.h>
#include <string.h>

static FILE *out;
static const char *tool_name = "tool";

void record_json_init(const char *tool)
{
    tool_name = tool;
}

void record_json_output(FILE *file)
{
    out = file;
}

void record_json_fail(const char *what, UINT code)
{
    fprintf(stderr, "%s: %s failed (%u)\n", tool_name, what, code);
    exit(3);
}

void record_json_string(const WCHAR *s, int len)
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

WCHAR *record_field_string(MSIHANDLE rec, UINT field, DWORD *length)
{
    DWORD size = 0;
    WCHAR empty[1];
    WCHAR *buffer;
    UINT r = MsiRecordGetStringW(rec, field, empty, &size);
    if (r != ERROR_MORE_DATA && r != ERROR_SUCCESS) record_json_fail("MsiRecordGetStringW", r);
    buffer = malloc((size + 1) * sizeof(WCHAR));
    size++;
    r = MsiRecordGetStringW(rec, field, buffer, &size);
    if (r != ERROR_SUCCESS) record_json_fail("MsiRecordGetStringW", r);
    *length = size;
    return buffer;
}

static void write_stream(MSIHANDLE rec, UINT field)
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
        if (r != ERROR_SUCCESS) record_json_fail("MsiRecordReadStream", r);
        if (size == 0) break;
        for (i = 0; i < size; i++) fprintf(out, "%02x", (unsigned char)chunk[i]);
    }
    fputc('"', out);
}

static void write_table(MSIHANDLE db, const WCHAR *table, enum record_json_mode mode)
{
    WCHAR query[512];
    MSIHANDLE view = 0, names = 0, types = 0, keys = 0, rec;
    UINT r, count, i, first_row = 1;
    const char *step = NULL;

    record_json_string(table, -1);
    swprintf(query, 512, L"SELECT * FROM `%ls`", table);
    if ((r = MsiDatabaseOpenViewW(db, query, &view))) step = "MsiDatabaseOpenViewW";
    else if ((r = MsiViewExecute(view, 0))) step = "MsiViewExecute";
    else if ((r = MsiViewGetColumnInfo(view, MSICOLINFO_NAMES, &names)) ||
             (r = MsiViewGetColumnInfo(view, MSICOLINFO_TYPES, &types)))
        step = "MsiViewGetColumnInfo";
    else if ((r = MsiDatabaseGetPrimaryKeysW(db, table, &keys))) step = "MsiDatabaseGetPrimaryKeysW";
    if (step)
    {
        if (mode == RECORD_JSON_STRICT) record_json_fail(step, r);
        /* What msi.dll refuses for one table is that table's answer. */
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
        WCHAR *name = record_field_string(names, i, &len), *type = record_field_string(types, i, &len);
        fprintf(out, "%s{\"name\": ", i > 1 ? ", " : "");
        record_json_string(name, -1);
        fprintf(out, ", \"type\": ");
        record_json_string(type, -1);
        fputc('}', out);
        free(name);
        free(type);
    }
    fprintf(out, "], \"keys\": [");
    for (i = 1; i <= MsiRecordGetFieldCount(keys); i++)
    {
        DWORD len;
        WCHAR *key = record_field_string(keys, i, &len);
        if (i > 1) fprintf(out, ", ");
        record_json_string(key, -1);
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
            WCHAR *type = record_field_string(types, i, &len);
            WCHAR letter = type[0] | 0x20;
            if (i > 1) fprintf(out, ", ");
            if (MsiRecordIsNull(rec, i)) fprintf(out, "null");
            else if (letter == 'v') write_stream(rec, i);
            else if (letter == 'i' || letter == 'j') fprintf(out, "%d", MsiRecordGetInteger(rec, i));
            else
            {
                WCHAR *value = record_field_string(rec, i, &len);
                record_json_string(value, (int)len);
                free(value);
            }
            free(type);
        }
        fputc(']', out);
        MsiCloseHandle(rec);
    }
    if (mode == RECORD_JSON_STRICT)
    {
        if (r != ERROR_NO_MORE_ITEMS) record_json_fail("MsiViewFetch", r);
        fprintf(out, "]}");
    }
    else fprintf(out, "], \"fetch\": %u}", r == ERROR_NO_MORE_ITEMS ? 0 : r);
    MsiCloseHandle(names);
    MsiCloseHandle(types);
    MsiViewClose(view);
    MsiCloseHandle(view);
}

void record_json_tables(MSIHANDLE db, enum record_json_mode mode)
{
    MSIHANDLE view, rec;
    UINT r;
    int first = 1;

    if ((r = MsiDatabaseOpenViewW(db, L"SELECT `Name` FROM `_Tables`", &view)))
        record_json_fail("MsiDatabaseOpenViewW(_Tables)", r);
    if ((r = MsiViewExecute(view, 0))) record_json_fail("MsiViewExecute(_Tables)", r);
    while ((r = MsiViewFetch(view, &rec)) == ERROR_SUCCESS)
    {
        DWORD len;
        WCHAR *name = record_field_string(rec, 1, &len);
        fprintf(out, "%s\n", first ? "" : ",");
        first = 0;
        write_table(db, name, mode);
        free(name);
        MsiCloseHandle(rec);
    }
    if (r != ERROR_NO_MORE_ITEMS) record_json_fail("MsiViewFetch(_Tables)", r);
    MsiViewClose(view);
    MsiCloseHandle(view);
}
