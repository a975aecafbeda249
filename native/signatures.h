#pragma once
#include <napi.h>

namespace msilua {
void RegisterSignatures(Napi::Env env, Napi::Object exports);
}
