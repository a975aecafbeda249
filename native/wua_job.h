// Windows Update Agent (wuapi.dll): what the wua_*.cc files share on the Node-API side:
// the session handle, the MTA keeper, the long-job runner (a thread per job, progress and
// outcome through one thread-safe function), property reads and option readers.
//
// Rules kept here: early-bound vtable calls only (Wine's IDispatch entry points are
// stubs); COM in the multithreaded apartment on the thread that owns each job; every
// COM pointer, BSTR and VARIANT owned by an RAII type from win_types.h.
#pragma once

#include <napi.h>

#include "win_types.h"  // windows.h first: wuapi.h depends on it
#include <wuapi.h>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace msilua {

// Called by addon.cc: binds wuaOpenSession, wuaCloseSession, wuaSearch, wuaDownload,
// wuaInstall (install and uninstall) and wuaInstallerIsBusy. See lib/native/wua-binding.ts for the JS shapes.
void RegisterWua(Napi::Env env, Napi::Object exports);

namespace wua {

// Keeps the process's multithreaded apartment alive between jobs, so the COM objects a
// session holds (the IUpdateSession and the IUpdate objects found by searches) stay
// usable when no job thread is running. CoIncrementMTAUsage where it exists (Windows 8
// and later, Wine); otherwise a parked thread that has joined the MTA.
class MtaKeeper {
 public:
  MtaKeeper();
  ~MtaKeeper();
  MtaKeeper(const MtaKeeper&) = delete;
  MtaKeeper& operator=(const MtaKeeper&) = delete;

 private:
  void* cookie_ = nullptr;
  HANDLE stop_ = nullptr;
  HANDLE thread_ = nullptr;
};

// One createUpdateSession() on the JS side. The COM objects are created lazily on a job
// thread (which has joined the MTA) and released by Close() on a thread that has too.
class Session {
 public:
  explicit Session(std::wstring clientApplicationId) : clientApplicationId_(std::move(clientApplicationId)) {}
  ~Session();

  // On an MTA thread: the IUpdateSession, created with CoCreateInstance and given the
  // ClientApplicationID on first use. Throws NativeFailure.
  ComPtr<IUpdateSession> Get();
  // Updates found by searches, by UpdateID (the newest revision seen wins).
  void Remember(const std::wstring& updateId, const ComPtr<IUpdate>& update);
  // Throws NativeFailure(E_INVALIDARG) naming the first id no search of this session found.
  std::vector<ComPtr<IUpdate>> Find(const std::vector<std::wstring>& updateIds);
  // On an MTA thread: releases every COM object; later calls fail with E_ABORT.
  void Close();

 private:
  void ThrowIfClosed();
  std::wstring clientApplicationId_;
  std::mutex mutex_;
  bool closed_ = false;
  std::unique_ptr<MtaKeeper> mta_;
  ComPtr<IUpdateSession> session_;
  std::map<std::wstring, ComPtr<IUpdate>> updates_;
};

std::shared_ptr<Session> SessionFromValue(const Napi::CallbackInfo& info, size_t index);

// What a job reports while it runs (download and installation progress share it).
struct Progress {
  int32_t currentUpdateIndex = 0;
  int32_t currentUpdatePercent = 0;
  int32_t percent = 0;
  // Download only (phase -1 means "not a download").
  int32_t downloadPhase = -1;
  double currentUpdateBytes = 0;
  double currentUpdateBytesTotal = 0;
  double totalBytes = 0;
  double totalBytesTotal = 0;
};

// Builds the JS value of a finished job on the main thread from plain C++ data.
using ResultBuilder = std::function<Napi::Value(Napi::Env)>;

// A long WUA job (search, download, install, uninstall) on its own thread, which
// joins the MTA for its lifetime. Progress and the outcome reach JS in order through one
// thread-safe function; JS gets { promise, abort }.
class Job : public std::enable_shared_from_this<Job> {
 public:
  using Work = std::function<ResultBuilder(Job&)>;

  // Starts the thread and returns the { promise, abort } object.
  static Napi::Object Start(Napi::Env env, const char* name, Napi::Value onProgress, Work work);
  ~Job();

  // Signalled by abort() from JS.
  HANDLE abortEvent() const { return abortEvent_; }
  // Signalled by the completed callback.
  HANDLE completedEvent() const { return completedEvent_; }
  bool abortRequested() const { return abortRequested_.load(); }
  // RequestAbort's own HRESULT (meaningful when abortRequested()).
  HRESULT abortHResult() const { return abortHResult_.load(); }

  // From any thread (WUA's callback threads): queue a progress event for JS.
  void PostProgress(const Progress& progress);

  // Waits until the completed callback fires (or the job says it is complete), calling
  // requestAbort once when JS asks to abort and keeping its HRESULT. isCompleted polls
  // the job as a safety net.
  void WaitForCompletion(const std::function<HRESULT()>& requestAbort, const std::function<bool()>& isCompleted);

 private:
  struct Message;
  static void CallJs(Napi::Env env, Napi::Function callback, Job* context, Message* message);
  using Tsfn = Napi::TypedThreadSafeFunction<Job, Message, &Job::CallJs>;

  Job();
  void Run(Work work);
  void Finish(Message* message);

  HANDLE abortEvent_ = nullptr;
  HANDLE completedEvent_ = nullptr;
  std::atomic<bool> abortRequested_{false};
  std::atomic<HRESULT> abortHResult_{S_OK};
  std::mutex postMutex_;
  bool finished_ = false;
  std::optional<Napi::Promise::Deferred> deferred_;  // main thread only
  Tsfn tsfn_;
};

// Property reads over early-bound getters; each failure names the method that failed.
template <typename Object, typename Value>
Value ReadValue(const char* syscall, Object* object, HRESULT (STDMETHODCALLTYPE Object::*getter)(Value*)) {
  Value value{};
  CheckHResult(syscall, (object->*getter)(&value));
  return value;
}

template <typename Object>
bool ReadBool(const char* syscall, Object* object, HRESULT (STDMETHODCALLTYPE Object::*getter)(VARIANT_BOOL*)) {
  return ReadValue(syscall, object, getter) != VARIANT_FALSE;
}

template <typename Object>
std::string ReadString(const char* syscall, Object* object, HRESULT (STDMETHODCALLTYPE Object::*getter)(BSTR*)) {
  UniqueBstr value;
  CheckHResult(syscall, (object->*getter)(value.put()));
  return value.utf8();
}

// An interface-valued property; an S_OK with a null pointer comes back empty.
template <typename Object, typename Interface>
ComPtr<Interface> ReadObject(const char* syscall, Object* object,
                             HRESULT (STDMETHODCALLTYPE Object::*getter)(Interface**)) {
  ComPtr<Interface> value;
  CheckHResult(syscall, (object->*getter)(value.put()));
  return value;
}

// Small helpers.
double DecimalToDouble(const DECIMAL& value);

// Options objects (the facade validates first; these keep the native surface safe).
Napi::Object OptionsArg(const Napi::CallbackInfo& info, size_t index);
std::optional<bool> OptionalBool(Napi::Object options, const char* name);
std::optional<uint32_t> OptionalUint32(Napi::Object options, const char* name);
std::optional<std::string> OptionalText(Napi::Object options, const char* name);
std::vector<std::wstring> RequireUpdateIds(const Napi::CallbackInfo& info, size_t index);

// Per-file registration (wua_session.cc calls them from RegisterWua).
void RegisterSearch(Napi::Env env, Napi::Object exports);
void RegisterInstall(Napi::Env env, Napi::Object exports);
void RegisterSystem(Napi::Env env, Napi::Object exports);

}  // namespace wua
}  // namespace msilua
