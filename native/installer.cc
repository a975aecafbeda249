// Windows Installer actions: MsiInstallProductW, MsiApplyMultiplePatchesW,
// MsiRemovePatchesW, MsiReinstallProductW and MsiConfigureProductExW, one after
// another on a long-lived native thread, with an external UI record handler that
// forwards every record (message type and raw fields) in order to JS through a
// thread-safe function, in batches. Decoding the progress protocol, validation and
// result shaping live in lib/installer/.
#include "installer.h"

#include "addon_support.h"
#include "msi_query.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <functional>
#include <vector>

#include <msi.h>
#include <msiquery.h>
#include <winternl.h>

namespace msilua {
namespace {

// The external UI handler, the internal UI level and the log setting are
// msi.dll's process state: one action of ours at a time holds them (the facade
// queues too, this keeps direct calls of the binding safe).
// Win32's slim lock and condition variable rather than std::mutex and
// std::condition_variable: they hold no kernel handle, and they leave no winpthreads
// state on the CreateThread threads below (a handle-leak test counts Events).
class SlimLock {
 public:
  void lock() { ::AcquireSRWLockExclusive(&lock_); }
  void unlock() { ::ReleaseSRWLockExclusive(&lock_); }
  SRWLOCK* get() { return &lock_; }

 private:
  SRWLOCK lock_ = SRWLOCK_INIT;
};

class SlimCondition {
 public:
  void NotifyOne() { ::WakeConditionVariable(&condition_); }
  // With `lock` held: sleeps until notified or `timeoutMs` passed (or spuriously).
  void Wait(SlimLock& lock, DWORD timeoutMs = INFINITE) {
    ::SleepConditionVariableSRW(&condition_, lock.get(), timeoutMs, 0);
  }

 private:
  CONDITION_VARIABLE condition_ = CONDITION_VARIABLE_INIT;
};

SlimLock actionLock;

// One raw field: null, an integer (MsiRecordGetInteger) or text (MsiRecordGetStringW).
struct ForwardedField {
  enum Kind : uint8_t { kNull, kInteger, kString } kind = kNull;
  int integer = 0;
  std::string text;
};

struct ForwardedRecord {
  uint32_t messageType = 0;
  bool hasRecord = false;
  std::vector<ForwardedField> fields;  // 0..n
  std::string text;                    // MsiFormatRecordW without an install handle
};

// Records wait at most this long before they go to the JS thread, together: one
// thread-safe-function call (one wake-up of the event loop) per window instead of one per
// record. An install sends hundreds of records; under Wine each wake-up costs wineserver
// round trips on a machine the engine keeps busy. 16 ms: one batch per 60 Hz frame.
constexpr auto kBatchWindow = std::chrono::milliseconds(16);

struct ActionRequest {
  std::string kind;
  std::wstring packagePath;
  std::wstring patchList;
  std::wstring productCode;
  bool hasProductCode = false;
  std::wstring commandLine;
  uint32_t reinstallMode = 0;
  int installLevel = 0;
  int installState = 0;
  std::wstring logPath;
  bool hasLog = false;
  uint32_t logMode = 0;
  uint32_t messageFilter = 0;
};

void Join(UniqueHandle& thread) {
  if (thread) ::WaitForSingleObject(thread.get(), INFINITE);
  thread.reset();
}

using RecordBatch = std::vector<ForwardedRecord>;
struct ActionState;
void DeliverBatch(Napi::Env env, Napi::Function, ActionState* state, RecordBatch* data);
using RecordTsfn = Napi::TypedThreadSafeFunction<ActionState, RecordBatch, DeliverBatch>;

// Collects the handler's records and hands them to the thread-safe function from a
// thread of its own, in order, at most one call per kBatchWindow; Close() sends what is
// left and joins. Only its thread calls the thread-safe function, so batches keep order.
class RecordBatcher {
 public:
  explicit RecordBatcher(RecordTsfn* tsfn) : tsfn_(tsfn) {}
  ~RecordBatcher() { Close(); }
  RecordBatcher(const RecordBatcher&) = delete;
  RecordBatcher& operator=(const RecordBatcher&) = delete;

  void Start() {
    thread_ = StartThread([this]() { Run(); });
  }

  void Add(ForwardedRecord&& record) {
    std::lock_guard<SlimLock> hold(lock_);
    bool wasEmpty = pending_.empty();
    pending_.push_back(std::move(record));
    if (wasEmpty) wake_.NotifyOne();
  }

  // Sends the rest and joins; the thread-safe function may be released afterwards.
  void Close() {
    {
      std::lock_guard<SlimLock> hold(lock_);
      closing_ = true;
    }
    wake_.NotifyOne();
    Join(thread_);
  }

 private:
  void Run() {
    using Clock = std::chrono::steady_clock;
    std::unique_lock<SlimLock> hold(lock_);
    Clock::time_point lastSent = Clock::now() - kBatchWindow;
    for (;;) {
      while (!closing_ && pending_.empty()) wake_.Wait(lock_);
      if (pending_.empty()) return;  // closing, nothing left
      // Let the window since the last batch pass (unless the action is over), so the
      // records that arrive meanwhile travel in the same batch.
      for (Clock::time_point now = Clock::now(); !closing_ && now < lastSent + kBatchWindow; now = Clock::now()) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(lastSent + kBatchWindow - now).count();
        wake_.Wait(lock_, static_cast<DWORD>(left + 1));
      }
      auto batch = std::make_unique<RecordBatch>();
      batch->swap(pending_);
      pending_.reserve(batch->size());
      lastSent = Clock::now();
      hold.unlock();
      tsfn_->NonBlockingCall(batch.release());
      hold.lock();
    }
  }

  RecordTsfn* tsfn_;
  SlimLock lock_;
  SlimCondition wake_;
  RecordBatch pending_;
  bool closing_ = false;
  UniqueHandle thread_;
};

struct ActionState {
  ActionRequest request;
  Napi::FunctionReference onRecord;
  Napi::Promise::Deferred deferred;
  RecordTsfn tsfn;
  RecordBatcher batcher{&tsfn};
  std::shared_ptr<std::atomic<bool>> cancelRequested = std::make_shared<std::atomic<bool>>(false);
  std::atomic<bool> cancelAnswered{false};
  // Written by the action's thread before it releases the thread-safe function.
  uint32_t status = 0;
  std::optional<NativeFailure> failure;
  explicit ActionState(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}
};

std::string ReadRecordString(MSIHANDLE record, UINT field) {
  return QueryMsiString(
             [&](wchar_t* buffer, DWORD* length) { return ::MsiRecordGetStringW(record, field, buffer, length); }, 64)
      .value;
}

std::string FormatRecordText(MSIHANDLE record) {
  return QueryMsiString([&](wchar_t* buffer, DWORD* length) { return ::MsiFormatRecordW(0, record, buffer, length); },
                        256)
      .value;
}

// On the JS thread: every record of a batch, in order, each as its own onRecord call
// (the facade decodes them one at a time).
void DeliverBatch(Napi::Env env, Napi::Function, ActionState* state, RecordBatch* data) {
  std::unique_ptr<RecordBatch> batch(data);
  if (env == nullptr || state == nullptr || !batch) return;
  Napi::Function onRecord = state->onRecord.Value();
  for (const ForwardedRecord& record : *batch) {
    Napi::HandleScope scope(env);
    Napi::Value fields = env.Null();
    if (record.hasRecord) {
      Napi::Array array = Napi::Array::New(env, record.fields.size());
      for (size_t i = 0; i < record.fields.size(); ++i) {
        const ForwardedField& field = record.fields[i];
        Napi::Value value = env.Null();
        if (field.kind == ForwardedField::kInteger) value = Napi::Number::New(env, field.integer);
        if (field.kind == ForwardedField::kString) value = Napi::String::New(env, field.text);
        array.Set(static_cast<uint32_t>(i), value);
      }
      fields = array;
    }
    try {
      // The facade's callback never throws; a throw here must not take the process down
      // nor keep the records after it from their turn.
      onRecord.Call({Napi::Number::New(env, record.messageType), fields, Napi::String::New(env, record.text)});
    } catch (const Napi::Error&) {
    }
  }
}

INT CALLBACK RecordHandler(LPVOID context, UINT messageType, MSIHANDLE record) {
  auto* state = static_cast<ActionState*>(context);
  ForwardedRecord forwarded;
  forwarded.messageType = messageType;
  if (record != 0) {
    UINT count = ::MsiRecordGetFieldCount(record);
    if (count != static_cast<UINT>(-1)) {
      forwarded.hasRecord = true;
      forwarded.fields.resize(static_cast<size_t>(count) + 1);
      for (UINT index = 0; index <= count; ++index) {
        ForwardedField& field = forwarded.fields[index];
        if (::MsiRecordIsNull(record, index)) continue;
        // ActionStart and other records carry text fields; MsiRecordGetInteger also
        // converts numeric text, so a field counts as an integer only when its text
        // reads back as the same number.
        field.text = ReadRecordString(record, index);
        int integer = ::MsiRecordGetInteger(record, index);
        if (integer != static_cast<int>(MSI_NULL_INTEGER) && field.text == std::to_string(integer)) {
          field.kind = ForwardedField::kInteger;
          field.integer = integer;
          field.text.clear();
        } else {
          field.kind = ForwardedField::kString;
        }
      }
      forwarded.text = FormatRecordText(record);
    }
  }
  state->batcher.Add(std::move(forwarded));
  UINT kind = messageType & 0xFF000000;
  if (state->cancelRequested->load() &&
      (kind == INSTALLMESSAGE_PROGRESS || kind == INSTALLMESSAGE_ACTIONSTART || kind == INSTALLMESSAGE_ACTIONDATA)) {
    state->cancelAnswered.store(true);
    return IDCANCEL;
  }
  // 0: not handled, so the engine takes the default answer (the internal UI is off).
  return kind == INSTALLMESSAGE_PROGRESS || kind == INSTALLMESSAGE_ACTIONSTART || kind == INSTALLMESSAGE_ACTIONDATA
             ? IDOK
             : 0;
}

// Puts back the process state an action replaced, whatever way the action ends.
class InstallerStateScope {
 public:
  explicit InstallerStateScope(ActionState* state) {
    previousLevel_ = ::MsiSetInternalUI(INSTALLUILEVEL_NONE, nullptr);
    UINT status = ::MsiSetExternalUIRecord(RecordHandler, state->request.messageFilter, state, &previousHandler_);
    if (status != ERROR_SUCCESS) {
      ::MsiSetInternalUI(previousLevel_, nullptr);
      ThrowWin32("MsiSetExternalUIRecord", status);
    }
    if (state->request.hasLog) {
      status =
          ::MsiEnableLogW(state->request.logMode, state->request.logPath.c_str(), INSTALLLOGATTRIBUTES_FLUSHEACHLINE);
      if (status != ERROR_SUCCESS) {
        Restore();
        ThrowWin32("MsiEnableLogW", status, WideToUtf8(state->request.logPath));
      }
      logEnabled_ = true;
    }
  }
  ~InstallerStateScope() { Restore(); }
  InstallerStateScope(const InstallerStateScope&) = delete;
  InstallerStateScope& operator=(const InstallerStateScope&) = delete;

 private:
  void Restore() {
    // msi.dll has no way to read the log setting back: an action that set one turns logging off.
    if (logEnabled_) ::MsiEnableLogW(0, nullptr, 0);
    logEnabled_ = false;
    // The previous record handler's filter and context cannot be read back either; a handler
    // installed by someone else in this process gets its pointer back with every message.
    ::MsiSetExternalUIRecord(previousHandler_, previousHandler_ ? static_cast<DWORD>(-1) : 0, nullptr, nullptr);
    ::MsiSetInternalUI(previousLevel_, nullptr);
  }
  INSTALLUILEVEL previousLevel_ = INSTALLUILEVEL_NOCHANGE;
  INSTALLUI_HANDLER_RECORD previousHandler_ = nullptr;
  bool logEnabled_ = false;
};

uint32_t RunAction(const ActionRequest& request) {
  const wchar_t* commandLine = request.commandLine.empty() ? nullptr : request.commandLine.c_str();
  if (request.kind == "install") return ::MsiInstallProductW(request.packagePath.c_str(), commandLine);
  if (request.kind == "applyPatches") {
    return ::MsiApplyMultiplePatchesW(request.patchList.c_str(),
                                      request.hasProductCode ? request.productCode.c_str() : nullptr, commandLine);
  }
  if (request.kind == "removePatches") {
    return ::MsiRemovePatchesW(request.patchList.c_str(), request.productCode.c_str(), INSTALLTYPE_SINGLE_INSTANCE,
                               commandLine);
  }
  if (request.kind == "reinstall") return ::MsiReinstallProductW(request.productCode.c_str(), request.reinstallMode);
  if (request.kind == "configure") {
    return ::MsiConfigureProductExW(request.productCode.c_str(), request.installLevel,
                                    static_cast<INSTALLSTATE>(request.installState), commandLine);
  }
  throw NativeFailure("installerAction", static_cast<uint32_t>(E_INVALIDARG), L"",
                      "unknown action kind " + request.kind);
}

void ActionThread(ActionState* state) {
  try {
    // Started here, not on the JS thread: creating a thread takes wineserver round trips.
    state->batcher.Start();
    std::lock_guard<SlimLock> hold(actionLock);
    InstallerStateScope scope(state);
    state->status = RunAction(state->request);
  } catch (const NativeFailure& failure) {
    state->failure = failure;
  } catch (const std::exception& e) {
    state->failure = NativeFailure("installerAction", static_cast<uint32_t>(E_UNEXPECTED), L"", e.what());
  }
  // Every record is queued for the JS thread before the release; the finalizer settles
  // the promise once they have been delivered. The state is the finalizer's from here on.
  state->batcher.Close();
  state->tsfn.Release();
}

// One long-lived thread runs the actions, one after another, as msi.dll's UI state allows
// anyway. Starting a thread per action cost the JS thread 1-12 ms per call under Wine
// (mingw's std::thread: up to 32 ms for two); queueing to this one costs a signal. The
// runner is created on first use and lives, with its thread, as long as the process.
class ActionRunner {
 public:
  static void Submit(ActionState* state) {
    static ActionRunner* runner = new ActionRunner();
    runner->Enqueue(state);
  }

 private:
  void Enqueue(ActionState* state) {
    std::lock_guard<SlimLock> hold(lock_);
    if (!thread_) thread_ = StartThread([this]() { Run(); });
    queue_.push_back(state);
    wake_.NotifyOne();
  }

  void Run() {
    for (;;) {
      ActionState* state = nullptr;
      {
        std::lock_guard<SlimLock> hold(lock_);
        while (queue_.empty()) wake_.Wait(lock_);
        state = queue_.front();
        queue_.pop_front();
      }
      ActionThread(state);
    }
  }

  SlimLock lock_;
  SlimCondition wake_;
  std::deque<ActionState*> queue_;
  UniqueHandle thread_;
};

// Runs on the JS thread after the last record (the action thread's last step released
// the function and touches the state no more): settles.
void Finish(Napi::Env env, void*, ActionState* state) {
  std::unique_ptr<ActionState> owner(state);
  if (env == nullptr) return;
  Napi::HandleScope scope(env);
  if (state->failure) {
    state->deferred.Reject(ToJsError(env, *state->failure).Value());
    return;
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("status", Napi::Number::New(env, state->status));
  result.Set("cancelRequested", Napi::Boolean::New(env, state->cancelRequested->load()));
  result.Set("cancelAnswered", Napi::Boolean::New(env, state->cancelAnswered.load()));
  state->deferred.Resolve(result);
}

std::wstring OptionalWide(const Napi::Object& object, const char* key, bool* present) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() || value.IsNull()) {
    if (present) *present = false;
    return {};
  }
  if (!value.IsString())
    throw Napi::TypeError::New(object.Env(), std::string("The \"request.") + key + "\" field must be a string");
  if (present) *present = true;
  return Utf8ToWide(value.As<Napi::String>().Utf8Value());
}

double NumberField(const Napi::Object& object, const char* key) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) return 0;
  if (!value.IsNumber())
    throw Napi::TypeError::New(object.Env(), std::string("The \"request.") + key + "\" field must be a number");
  return value.As<Napi::Number>().DoubleValue();
}

// installerAction(request, onRecord(messageType, fields|null, text)) → { promise, cancel() }
// The promise resolves { status, cancelRequested, cancelAnswered } with the API's own
// return code (success or not); it rejects only when the action could not be started.
Napi::Value InstallerAction(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsFunction()) {
    throw Napi::TypeError::New(env, "installerAction(request, onRecord) needs an object and a function");
  }
  Napi::Object object = info[0].As<Napi::Object>();
  auto state = new ActionState(env);
  try {
    Napi::Value kind = object.Get("kind");
    if (!kind.IsString()) throw Napi::TypeError::New(env, "The \"request.kind\" field must be a string");
    state->request.kind = kind.As<Napi::String>().Utf8Value();
    state->request.packagePath = OptionalWide(object, "packagePath", nullptr);
    state->request.patchList = OptionalWide(object, "patchList", nullptr);
    state->request.productCode = OptionalWide(object, "productCode", &state->request.hasProductCode);
    state->request.commandLine = OptionalWide(object, "commandLine", nullptr);
    state->request.logPath = OptionalWide(object, "logPath", &state->request.hasLog);
    state->request.reinstallMode = static_cast<uint32_t>(NumberField(object, "reinstallMode"));
    state->request.installLevel = static_cast<int>(NumberField(object, "installLevel"));
    state->request.installState = static_cast<int>(NumberField(object, "installState"));
    state->request.logMode = static_cast<uint32_t>(NumberField(object, "logMode"));
    state->request.messageFilter = static_cast<uint32_t>(NumberField(object, "messageFilter"));
  } catch (...) {
    delete state;
    throw;
  }
  state->onRecord = Napi::Persistent(info[1].As<Napi::Function>());
  state->tsfn = RecordTsfn::New(env, "msi-lua:installerAction", 0, 1, state, Finish, static_cast<void*>(nullptr));
  Napi::Object handle = Napi::Object::New(env);
  handle.Set("promise", state->deferred.Promise());
  // The flag outlives the action: cancel() may be called after the promise settled.
  std::shared_ptr<std::atomic<bool>> flag = state->cancelRequested;
  handle.Set("cancel", Napi::Function::New(env, [flag](const Napi::CallbackInfo&) { flag->store(true); }));
  try {
    ActionRunner::Submit(state);
  } catch (const NativeFailure& failure) {
    // No thread: the finalizer still settles the promise, with this failure.
    state->failure = failure;
    state->tsfn.Release();
  }
  return handle;
}

// The object type's name (NtQueryObject ObjectTypeInformation) of one of this process's
// handles, e.g. "Key" or "Thread"; the type number when that fails.
std::string TypeName(BYTE typeNumber, USHORT handleValue) {
  using QueryObject = LONG(NTAPI*)(HANDLE, ULONG, PVOID, ULONG, PULONG);
  static auto query =
      reinterpret_cast<QueryObject>(::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "NtQueryObject"));
  if (query) {
    alignas(8) uint8_t buffer[1024];
    ULONG length = 0;
    if (query(reinterpret_cast<HANDLE>(static_cast<ULONG_PTR>(handleValue)), 2 /* ObjectTypeInformation */, buffer,
              sizeof(buffer), &length) >= 0) {
      auto* name = reinterpret_cast<UNICODE_STRING*>(buffer);
      if (name->Buffer && name->Length) return WideToUtf8(name->Buffer, name->Length / sizeof(wchar_t));
    }
  }
  return std::to_string(typeNumber);
}

// processHandleCount() → { processHandleCount, systemHandleCount }: GetProcessHandleCount
// (0 under Wine 8, which does not count) and this process's entries in
// NtQuerySystemInformation(SystemHandleInformation) (null when that call fails).
Napi::Value ProcessHandleCount(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  DWORD count = 0;
  result.Set("processHandleCount",
             ::GetProcessHandleCount(::GetCurrentProcess(), &count) ? Napi::Number::New(env, count) : env.Null());
  using QuerySystemInformation = LONG(NTAPI*)(ULONG, PVOID, ULONG, PULONG);
  auto query = reinterpret_cast<QuerySystemInformation>(
      ::GetProcAddress(::GetModuleHandleW(L"ntdll.dll"), "NtQuerySystemInformation"));
  Napi::Value system = env.Null();
  if (query) {
    std::vector<uint8_t> buffer(1 << 20);
    for (int attempt = 0; attempt < 6; ++attempt) {
      ULONG needed = 0;
      LONG status = query(16 /* SystemHandleInformation */, buffer.data(), static_cast<ULONG>(buffer.size()), &needed);
      if (status == static_cast<LONG>(0xC0000004L) /* STATUS_INFO_LENGTH_MISMATCH */) {
        buffer.resize(std::max<size_t>(buffer.size() * 2, needed + 4096));
        continue;
      }
      if (status >= 0) {
        struct Entry {
          ULONG ownerPid;
          BYTE objectType;
          BYTE flags;
          USHORT handleValue;
          PVOID object;
          ACCESS_MASK access;
        };
        ULONG total = *reinterpret_cast<ULONG*>(buffer.data());
        const Entry* entries = reinterpret_cast<const Entry*>(buffer.data() + sizeof(ULONG_PTR));
        size_t capacity = (buffer.size() - sizeof(ULONG_PTR)) / sizeof(Entry);
        DWORD pid = ::GetCurrentProcessId();
        uint32_t mine = 0;
        Napi::Object byType = Napi::Object::New(env);
        for (ULONG i = 0; i < total && i < capacity; ++i) {
          if (entries[i].ownerPid != pid) continue;
          ++mine;
          std::string type = TypeName(entries[i].objectType, entries[i].handleValue);
          Napi::Value seen = byType.Get(type);
          byType.Set(type, Napi::Number::New(env, (seen.IsNumber() ? seen.As<Napi::Number>().Uint32Value() : 0) + 1));
        }
        system = Napi::Number::New(env, mine);
        result.Set("systemHandlesByType", byType);
      }
      break;
    }
  }
  result.Set("systemHandleCount", system);
  return result;
}

// installerUiState() → { uiLevel } as MsiSetInternalUI(INSTALLUILEVEL_NOCHANGE) reports it,
// and { recordHandler } whether an external record handler is installed (read by
// replacing it with none and putting it straight back).
Napi::Value InstallerUiState(const Napi::CallbackInfo& info) {
  std::lock_guard<SlimLock> hold(actionLock);
  Napi::Object result = Napi::Object::New(info.Env());
  INSTALLUILEVEL level = ::MsiSetInternalUI(INSTALLUILEVEL_NOCHANGE, nullptr);
  result.Set("uiLevel", Napi::Number::New(info.Env(), static_cast<double>(level)));
  INSTALLUI_HANDLER_RECORD previous = nullptr;
  ::MsiSetExternalUIRecord(nullptr, 0, nullptr, &previous);
  if (previous) ::MsiSetExternalUIRecord(previous, static_cast<DWORD>(-1), nullptr, nullptr);
  result.Set("recordHandler", Napi::Boolean::New(info.Env(), previous != nullptr));
  return result;
}

// setInternalUiLevel(level) → the previous level (MsiSetInternalUI); for tests of the restore.
Napi::Value SetInternalUiLevel(const Napi::CallbackInfo& info) {
  uint32_t level = RequireUint32(info, 0, "level");
  std::lock_guard<SlimLock> hold(actionLock);
  INSTALLUILEVEL previous = ::MsiSetInternalUI(static_cast<INSTALLUILEVEL>(level), nullptr);
  return Napi::Number::New(info.Env(), static_cast<double>(previous));
}

}  // namespace

void RegisterInstaller(Napi::Env env, Napi::Object exports) {
  exports.Set("installerAction", Napi::Function::New(env, InstallerAction, "installerAction"));
  exports.Set("processHandleCount", Napi::Function::New(env, ProcessHandleCount, "processHandleCount"));
  exports.Set("installerUiState", Napi::Function::New(env, InstallerUiState, "installerUiState"));
  exports.Set("setInternalUiLevel", Napi::Function::New(env, SetInternalUiLevel, "setInternalUiLevel"));
}

}  // namespace msilua
