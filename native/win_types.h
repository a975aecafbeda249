// RAII owners for Windows resources and the one path by which a native failure
// becomes a JavaScript error. Every area file includes this header.
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <oleauto.h>
#include <objbase.h>

#include <cstdint>
#include <exception>
#include <string>
#include <utility>

namespace msilua {

// A failed Windows call: the HRESULT (Win32 codes are stored as HRESULT_FROM_WIN32),
// the API that failed and the system's own text. Thrown on worker threads and turned
// into a JS error on the main thread by ToJsError (addon_support.h).
class NativeFailure : public std::exception {
 public:
  NativeFailure(std::string syscall, uint32_t hresult, std::wstring systemMessage, std::string detail = {})
      : syscall_(std::move(syscall)),
        hresult_(hresult),
        systemMessage_(std::move(systemMessage)),
        detail_(std::move(detail)) {}
  const char* what() const noexcept override { return syscall_.c_str(); }
  const std::string& syscall() const { return syscall_; }
  uint32_t hresult() const { return hresult_; }
  const std::wstring& systemMessage() const { return systemMessage_; }
  const std::string& detail() const { return detail_; }

 private:
  std::string syscall_;
  uint32_t hresult_;
  std::wstring systemMessage_;
  std::string detail_;
};

std::wstring SystemMessage(uint32_t code);
[[noreturn]] void ThrowWin32(const char* syscall, DWORD code, std::string detail = {});
[[noreturn]] void ThrowHResult(const char* syscall, HRESULT hr, std::string detail = {});
inline void CheckHResult(const char* syscall, HRESULT hr) {
  if (FAILED(hr)) ThrowHResult(syscall, hr);
}

std::wstring Utf8ToWide(const std::string& utf8);
std::string WideToUtf8(const wchar_t* wide, size_t length);
inline std::string WideToUtf8(const std::wstring& wide) { return WideToUtf8(wide.data(), wide.size()); }

// Generic unique owner for handle-like values with a closing function.
template <typename T, typename Traits>
class UniqueResource {
 public:
  UniqueResource() = default;
  explicit UniqueResource(T value) : value_(value) {}
  ~UniqueResource() { reset(); }
  UniqueResource(const UniqueResource&) = delete;
  UniqueResource& operator=(const UniqueResource&) = delete;
  UniqueResource(UniqueResource&& other) noexcept : value_(other.release()) {}
  UniqueResource& operator=(UniqueResource&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  T get() const { return value_; }
  T* put() {
    reset();
    return &value_;
  }
  T release() {
    T v = value_;
    value_ = Traits::invalid();
    return v;
  }
  void reset(T value = Traits::invalid()) {
    if (value_ != Traits::invalid()) Traits::close(value_);
    value_ = value;
  }
  explicit operator bool() const { return value_ != Traits::invalid(); }

 private:
  T value_ = Traits::invalid();
};

struct HandleTraits {
  static HANDLE invalid() { return nullptr; }
  static void close(HANDLE h) { ::CloseHandle(h); }
};
struct HKeyTraits {
  static HKEY invalid() { return nullptr; }
  static void close(HKEY k) { ::RegCloseKey(k); }
};
struct LocalMemTraits {
  static HLOCAL invalid() { return nullptr; }
  static void close(HLOCAL p) { ::LocalFree(p); }
};
using UniqueHandle = UniqueResource<HANDLE, HandleTraits>;
using UniqueHKey = UniqueResource<HKEY, HKeyTraits>;
using UniqueLocal = UniqueResource<HLOCAL, LocalMemTraits>;

// Owning COM pointer. Early-bound vtable calls only: Wine's IDispatch entry points are stubs.
template <typename T>
class ComPtr {
 public:
  ComPtr() = default;
  ~ComPtr() { reset(); }
  ComPtr(const ComPtr& other) : p_(other.p_) {
    if (p_) p_->AddRef();
  }
  ComPtr& operator=(const ComPtr& other) {
    if (this != &other) {
      if (other.p_) other.p_->AddRef();
      reset();
      p_ = other.p_;
    }
    return *this;
  }
  ComPtr(ComPtr&& other) noexcept : p_(other.p_) { other.p_ = nullptr; }
  ComPtr& operator=(ComPtr&& other) noexcept {
    if (this != &other) {
      reset();
      p_ = other.p_;
      other.p_ = nullptr;
    }
    return *this;
  }
  // Takes a reference the caller already owns (e.g. from an out-parameter).
  static ComPtr Attach(T* p) {
    ComPtr c;
    c.p_ = p;
    return c;
  }
  T* get() const { return p_; }
  T* operator->() const { return p_; }
  T** put() {
    reset();
    return &p_;
  }
  void** put_void() { return reinterpret_cast<void**>(put()); }
  void reset() {
    if (p_) {
      T* p = p_;
      p_ = nullptr;
      p->Release();
    }
  }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  T* p_ = nullptr;
};

class UniqueBstr {
 public:
  UniqueBstr() = default;
  explicit UniqueBstr(const std::wstring& s) : b_(::SysAllocStringLen(s.data(), static_cast<UINT>(s.size()))) {
    if (!b_ && !s.empty()) ThrowHResult("SysAllocStringLen", E_OUTOFMEMORY);
  }
  ~UniqueBstr() { reset(); }
  UniqueBstr(const UniqueBstr&) = delete;
  UniqueBstr& operator=(const UniqueBstr&) = delete;
  UniqueBstr(UniqueBstr&& o) noexcept : b_(o.b_) { o.b_ = nullptr; }
  BSTR get() const { return b_; }
  BSTR* put() {
    reset();
    return &b_;
  }
  void reset() {
    if (b_) ::SysFreeString(b_);
    b_ = nullptr;
  }
  std::string utf8() const { return b_ ? WideToUtf8(b_, ::SysStringLen(b_)) : std::string(); }

 private:
  BSTR b_ = nullptr;
};

class UniqueVariant {
 public:
  UniqueVariant() { ::VariantInit(&v_); }
  ~UniqueVariant() { ::VariantClear(&v_); }
  UniqueVariant(const UniqueVariant&) = delete;
  UniqueVariant& operator=(const UniqueVariant&) = delete;
  VARIANT* get() { return &v_; }
  VARIANT* put() {
    ::VariantClear(&v_);
    return &v_;
  }

 private:
  VARIANT v_;
};

// COM initialised in the multithreaded apartment for the lifetime of this object,
// on the thread that constructs it (each worker thread owns its own).
class ComApartment {
 public:
  ComApartment() {
    HRESULT hr = ::CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    if (FAILED(hr)) ThrowHResult("CoInitializeEx", hr);
  }
  ~ComApartment() { ::CoUninitialize(); }
  ComApartment(const ComApartment&) = delete;
  ComApartment& operator=(const ComApartment&) = delete;
};

}  // namespace msilua
