/*
 * record-json: what the msi.dll test tools (apply-transform, dump-database)
 * share: writing msi.dll records and whole tables, read through msi.dll's own
 * query API, as JSON in UTF-8. Test code only, built into each tool by
 * test/tools/build.js; never shipped.
 */
#ifndef MSI_LUA_RECORD_JSON_H
#define MSI_LUA_RECORD_JSON_H

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

/* How a table msi.dll refuses is written. */
enum record_json_mode
{
    /* Any failed step ends the tool (exit 3). */
    RECORD_JSON_STRICT,
    /* A table msi.dll refuses is written as {"error": <code>} and the others
     * are still dumped; each table also gets "fetch": the code that ended
     * MsiViewFetch (0 when every row was read). */
    RECORD_JSON_TOLERANT
};

/* Names the tool in failure messages. */
void record_json_init(const char *tool);

/* Sets the file the JSON goes to. */
void record_json_output(FILE *out);

/* Prints "<tool>: <what> failed (<code>)" to stderr and exits with 3. */
void record_json_fail(const char *what, UINT code);

/* A record field as a newly allocated string (free it); its length in *length. */
WCHAR *record_field_string(MSIHANDLE rec, UINT field, DWORD *length);

/* Writes a UTF-16 string (len < 0: NUL-terminated) as a JSON string. */
void record_json_string(const WCHAR *s, int len);

/* Writes the members of the "tables" object: one "<name>": {"columns", "keys",
 * "rows"} per row of _Tables, in _Tables order (binary cells as hex). */
void record_json_tables(MSIHANDLE db, enum record_json_mode mode);

#endif
