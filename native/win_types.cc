#include "win_types.h"

#include <vector>

namespace msilua {

std::wstring SystemMessage(uint32_t code) {
  wchar_t* buffer = nullptr;
  DWORD flags = FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS;
  DWORD length = ::FormatMessageW(flags, nullptr, code, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  if (length == 0 && HRESULT_FACILITY(code) == FACILITY_WIN32) {
    length = ::FormatMessageW(flags, nullptr, HRESULT_CODE(code), 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  }
  UniqueLocal owner(buffer);
  if (length == 0 || buffer == nullptr) return {};
  std::wstring text(buffer, length);
  while (!text.empty() &&
         (text.back() == L'\n' || text.back() == L'\r' || text.back() == L' ' || text.back() == L'.')) {
    text.pop_back();
  }
  return text;
}

void ThrowWin32(const char* syscall, DWORD code, std::string detail) {
  throw NativeFailure(syscall, static_cast<uint32_t>(HRESULT_FROM_WIN32(code)), SystemMessage(code), std::move(detail));
}

void ThrowHResult(const char* syscall, HRESULT hr, std::string detail) {
  throw NativeFailure(syscall, static_cast<uint32_t>(hr), SystemMessage(static_cast<uint32_t>(hr)), std::move(detail));
}

std::wstring Utf8ToWide(const std::string& utf8) {
  if (utf8.empty()) return {};
  int length = ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), nullptr, 0);
  if (length <= 0) ThrowWin32("MultiByteToWideChar", ::GetLastError());
  std::wstring wide(static_cast<size_t>(length), L'\0');
  ::MultiByteToWideChar(CP_UTF8, 0, utf8.data(), static_cast<int>(utf8.size()), wide.data(), length);
  return wide;
}

std::string WideToUtf8(const wchar_t* wide, size_t length) {
  if (length == 0) return {};
  int size = ::WideCharToMultiByte(CP_UTF8, 0, wide, static_cast<int>(length), nullptr, 0, nullptr, nullptr);
  if (size <= 0) ThrowWin32("WideCharToMultiByte", ::GetLastError());
  std::string utf8(static_cast<size_t>(size), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, wide, static_cast<int>(length), utf8.data(), size, nullptr, nullptr);
  return utf8;
}

}  // namespace msilua
