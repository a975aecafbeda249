// msi.dll's string-out convention, in one place: the caller passes a buffer and its size
// in characters; ERROR_MORE_DATA answers with the length the value needs (without its NUL).
#pragma once

#include <cstdint>
#include <string>

#include "win_types.h"

namespace msilua {

// A value read from msi.dll, or the status that says why there is none.
struct MsiStringOutcome {
  uint32_t status = ERROR_SUCCESS;
  std::string value;  // UTF-8; set when status is ERROR_SUCCESS
};

// Calls query(buffer, &length) — MsiGetProductInfoExW, MsiGetPatchInfoExW,
// MsiRecordGetStringW, MsiFormatRecordW and the like, bound to their other arguments —
// and grows the buffer until the value fits. The value may grow between two calls (another
// process installs), so it tries a few times and then reports ERROR_MORE_DATA.
template <typename Query>
MsiStringOutcome QueryMsiString(const Query& query, size_t initialLength = 128) {
  std::wstring buffer(initialLength, L'\0');
  for (int attempt = 0; attempt < 4; ++attempt) {
    DWORD length = static_cast<DWORD>(buffer.size());
    UINT status = query(buffer.data(), &length);
    if (status == ERROR_MORE_DATA) {
      buffer.assign(static_cast<size_t>(length) + 1, L'\0');
      continue;
    }
    MsiStringOutcome outcome;
    outcome.status = status;
    if (status == ERROR_SUCCESS) outcome.value = WideToUtf8(buffer.data(), length);
    return outcome;
  }
  return MsiStringOutcome{ERROR_MORE_DATA, {}};
}

}  // namespace msilua
