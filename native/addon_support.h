// Node-API side of the native layer: argument checks whose messages name the
// argument, and a promise runner that does Windows work off the JS thread.
#pragma once

#include <napi.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "win_types.h"

namespace msilua {

// The one error path from native code to JS: a plain Error carrying hresult,
// syscall and systemMessage; lib/native/load.ts turns it into the typed error.
Napi::Error ToJsError(Napi::Env env, const NativeFailure& failure);

// Argument checks (the TypeScript facade validates first; these keep the native
// surface safe when called directly).
std::string RequireString(const Napi::CallbackInfo& info, size_t index, const char* name);
std::optional<std::string> OptionalString(const Napi::CallbackInfo& info, size_t index, const char* name);
std::vector<std::string> RequireStringArray(const Napi::CallbackInfo& info, size_t index, const char* name);
uint32_t RequireUint32(const Napi::CallbackInfo& info, size_t index, const char* name);
bool RequireBoolean(const Napi::CallbackInfo& info, size_t index, const char* name);
// Copies the bytes so worker threads never touch JS memory; `maxCount` bounds the array.
std::vector<std::vector<uint8_t>> RequireBufferArray(const Napi::CallbackInfo& info, size_t index, const char* name,
                                                     uint32_t maxCount);

// Runs `work` on a libuv worker thread and settles a promise: `convert` builds the JS
// value on the main thread from the result; a NativeFailure thrown by `work` rejects
// through ToJsError. Work must not touch Napi values.
template <typename Result>
class PromiseWorker : public Napi::AsyncWorker {
 public:
  using Work = std::function<Result()>;
  using Convert = std::function<Napi::Value(Napi::Env, Result&)>;

  static Napi::Promise Run(Napi::Env env, const char* resourceName, Work work, Convert convert) {
    auto* worker = new PromiseWorker(env, resourceName, std::move(work), std::move(convert));
    Napi::Promise promise = worker->deferred_.Promise();
    worker->Queue();
    return promise;
  }

 protected:
  void Execute() override {
    try {
      result_ = work_();
    } catch (const NativeFailure& failure) {
      failure_ = failure;
      SetError(failure.syscall());
    } catch (const std::bad_alloc&) {
      failure_ = NativeFailure("operator new", static_cast<uint32_t>(E_OUTOFMEMORY), L"");
      SetError("out of memory");
    } catch (const std::exception& e) {
      failure_ = NativeFailure("native", static_cast<uint32_t>(E_UNEXPECTED), L"", e.what());
      SetError(e.what());
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    try {
      deferred_.Resolve(convert_(env, result_));
    } catch (const Napi::Error& e) {
      deferred_.Reject(e.Value());
    }
  }

  void OnError(const Napi::Error&) override {
    Napi::HandleScope scope(Env());
    deferred_.Reject(ToJsError(Env(), *failure_).Value());
  }

 private:
  PromiseWorker(Napi::Env env, const char* resourceName, Work work, Convert convert)
      : Napi::AsyncWorker(env, resourceName),
        deferred_(Napi::Promise::Deferred::New(env)),
        work_(std::move(work)),
        convert_(std::move(convert)) {}

  Napi::Promise::Deferred deferred_;
  Work work_;
  Convert convert_;
  Result result_{};
  std::optional<NativeFailure> failure_;
};

// Runs `body` on a new Win32 thread. Not std::thread: mingw's std::thread (winpthreads)
// under Wine lost about 1 thread in 3,000 and sometimes crashed in its start routine
// (issue 12); CreateThread lost none of 9,000. Throws NativeFailure when no thread can be
// made; the body must catch its own failures (nothing may escape a thread procedure).
UniqueHandle StartThread(std::function<void()> body);

}  // namespace msilua
