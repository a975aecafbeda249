// The COM object base msi-lua's own COM objects share: the WUA callback objects
// (native/wua_*.cc) and the scripted test agent's objects (test/agent). Windows headers
// only, no Node-API, so test/agent includes it as well.
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <objbase.h>

#include <atomic>
#include <type_traits>

namespace msilua {

// A free-threaded IUnknown for one interface: our callback objects and the scripted test
// agent's objects. IDispatch is answered when the interface derives from it; a subclass
// adds further interfaces through Supports.
template <typename Interface>
class ComObject : public Interface {
 public:
  HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void** out) override {
    if (out == nullptr) return E_POINTER;
    if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, __uuidof(Interface)) ||
        (std::is_base_of_v<IDispatch, Interface> && IsEqualIID(riid, IID_IDispatch)) || Supports(riid)) {
      *out = static_cast<Interface*>(this);
      this->AddRef();
      return S_OK;
    }
    *out = nullptr;
    return E_NOINTERFACE;
  }
  ULONG STDMETHODCALLTYPE AddRef() override { return ++refs_; }
  ULONG STDMETHODCALLTYPE Release() override {
    ULONG left = --refs_;
    if (left == 0) delete this;
    return left;
  }

 protected:
  virtual ~ComObject() = default;
  virtual bool Supports(REFIID) { return false; }

 private:
  std::atomic<ULONG> refs_{1};
};

}  // namespace msilua
