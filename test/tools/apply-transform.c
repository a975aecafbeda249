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
#include <stdio.h>
#include <stdlib.h>

#include "record-json.h"

int wmain(int argc, WCHAR **argv)
{
    FILE *out;
    MSIHANDLE db;
    UINT r;
    int i;

    record_json_init("apply-transform");

    if (argc < 5)
    {
        fprintf(stderr, "usage: apply-transform <base.msi> <out.msi> <dump.json> <transform.mst>...\n");
        return 2;
    }
    if (!CopyFileW(argv[1], argv[2], FALSE)) record_json_fail("CopyFileW", GetLastError());
    if ((r = MsiOpenDatabaseW(argv[2], MSIDBOPEN_TRANSACT, &db))) record_json_fail("MsiOpenDatabaseW", r);
    out = _wfopen(argv[3], L"wb");
    if (!out) record_json_fail("_wfopen", GetLastError());
    record_json_output(out);

    fprintf(out, "{\"results\": [");
    for (i = 4; i < argc; i++)
    {
        r = MsiDatabaseApplyTransformW(db, argv[i], 0);
        fprintf(out, "%s%u", i > 4 ? ", " : "", r);
    }
    fprintf(out, "],\n\"commit\": %u,\n\"tables\": {", MsiDatabaseCommit(db));

    record_json_tables(db, RECORD_JSON_STRICT);
    fprintf(out, "\n}}\n");
    fclose(out);
    MsiCloseHandle(db);
    return 0;
}
