#include "addon_support.h"

#include <memory>

namespace msilua {

Napi::Error ToJsError(Napi::Env env, const NativeFailure& failure) {
  std::string message = failure.syscall() + " failed";
  if (!failure.detail().empty()) message += ": " + failure.detail();
  Napi::Error error = Napi::Error::New(env, message);
  Napi::Object object = error.Value();
  object.Set("nativeFailure", Napi::Boolean::New(env, true));
  object.Set("hresult", Napi::Number::New(env, failure.hresult()));
  object.Set("syscall", Napi::String::New(env, failure.syscall()));
  if (!failure.systemMessage().empty()) {
    object.Set("systemMessage", Napi::String::New(env, WideToUtf8(failure.systemMessage())));
  }
  if (!failure.detail().empty()) object.Set("detail", Napi::String::New(env, failure.detail()));
  return error;
}

namespace {
[[noreturn]] void ThrowArgumentError(Napi::Env env, const char* name, const char* expected) {
  throw Napi::TypeError::New(env, std::string("The \"") + name + "\" argument must be " + expected);
}
}  // namespace

std::string RequireString(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsString()) ThrowArgumentError(info.Env(), name, "a string");
  return info[index].As<Napi::String>().Utf8Value();
}

std::optional<std::string> OptionalString(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || info[index].IsUndefined() || info[index].IsNull()) return std::nullopt;
  if (!info[index].IsString()) ThrowArgumentError(info.Env(), name, "a string, null or undefined");
  return info[index].As<Napi::String>().Utf8Value();
}

std::vector<std::string> RequireStringArray(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsArray()) ThrowArgumentError(info.Env(), name, "an array of strings");
  Napi::Array array = info[index].As<Napi::Array>();
  std::vector<std::string> values;
  values.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsString()) ThrowArgumentError(info.Env(), name, "an array of strings");
    values.push_back(item.As<Napi::String>().Utf8Value());
  }
  return values;
}

uint32_t RequireUint32(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsNumber()) ThrowArgumentError(info.Env(), name, "a number");
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!(value >= 0 && value <= 4294967295.0) || value != static_cast<double>(static_cast<uint32_t>(value))) {
    ThrowArgumentError(info.Env(), name, "an unsigned 32-bit integer");
  }
  return static_cast<uint32_t>(value);
}

std::vector<std::vector<uint8_t>> RequireBufferArray(const Napi::CallbackInfo& info, size_t index, const char* name,
                                                     uint32_t maxCount) {
  if (info.Length() <= index || !info[index].IsArray()) ThrowArgumentError(info.Env(), name, "an array of Buffers");
  Napi::Array array = info[index].As<Napi::Array>();
  if (array.Length() == 0 || array.Length() > maxCount) {
    ThrowArgumentError(info.Env(), name, ("an array of 1 to " + std::to_string(maxCount) + " Buffers").c_str());
  }
  std::vector<std::vector<uint8_t>> values;
  values.reserve(array.Length());
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value item = array.Get(i);
    if (!item.IsBuffer()) ThrowArgumentError(info.Env(), name, "an array of Buffers");
    Napi::Buffer<uint8_t> buffer = item.As<Napi::Buffer<uint8_t>>();
    values.emplace_back(buffer.Data(), buffer.Data() + buffer.Length());
  }
  return values;
}

bool RequireBoolean(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (info.Length() <= index || !info[index].IsBoolean()) ThrowArgumentError(info.Env(), name, "a boolean");
  return info[index].As<Napi::Boolean>().Value();
}

namespace {
DWORD WINAPI ThreadMain(void* parameter) {
  std::unique_ptr<std::function<void()>> body(static_cast<std::function<void()>*>(parameter));
  try {
    (*body)();
  } catch (...) {
    // The body reports its own failures.
  }
  return 0;
}
}  // namespace

UniqueHandle StartThread(std::function<void()> body) {
  auto heap = std::make_unique<std::function<void()>>(std::move(body));
  HANDLE thread = ::CreateThread(nullptr, 0, ThreadMain, heap.get(), 0, nullptr);
  if (thread == nullptr) ThrowWin32("CreateThread", ::GetLastError());
  heap.release();  // the thread owns it now
  return UniqueHandle(thread);
}

}  // namespace msilua
