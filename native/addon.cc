// Entry point: each API area registers its functions (argument checks through
// addon_support.h); nothing else happens at load time.
#include <napi.h>

#include "installer.h"
#include "policy.h"
#include "products.h"
#include "signatures.h"
#include "token_context.h"
#include "wua_job.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  msilua::RegisterProducts(env, exports);
  msilua::RegisterPolicy(env, exports);
  msilua::RegisterSignatures(env, exports);
  msilua::RegisterWua(env, exports);
  msilua::RegisterTokenContext(env, exports);
  msilua::RegisterInstaller(env, exports);
  msilua::RegisterPatches(env, exports);
  msilua::RegisterComponents(env, exports);
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  return exports;
}

}  // namespace

NODE_API_MODULE(msi_lua, Init)
