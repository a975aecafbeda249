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
#include <stdio.h>
#include <stdlib.h>

#include "record-json.h"

int wmain(int argc, WCHAR **argv)
{
    FILE *out;
    MSIHANDLE db;
    UINT r;

    record_json_init("dump-database");

    if (argc != 3)
    {
        fprintf(stderr, "usage: dump-database <package> <dump.json>\n");
        return 2;
    }
    out = _wfopen(argv[2], L"wb");
    if (!out) record_json_fail("_wfopen", GetLastError());
    record_json_output(out);
    if ((r = MsiOpenDatabaseW(argv[1], MSIDBOPEN_READONLY, &db)))
    {
        fprintf(out, "{\"open\": %u, \"tables\": {}}\n", r);
        fclose(out);
        return 4;
    }
    fprintf(out, "{\"open\": 0, \"tables\": {");
    record_json_tables(db, RECORD_JSON_TOLERANT);
    fprintf(out, "\n}}\n");
    fclose(out);
    MsiCloseHandle(db);
    return 0;
}
