#pragma once
#include <napi.h>

namespace msilua {
// Actions (install, patch, repair, configure) with an external UI record handler.
void RegisterInstaller(Napi::Env env, Napi::Object exports);
// Queries around them: patches, product and feature states, related products.
void RegisterPatches(Napi::Env env, Napi::Object exports);
// Component queries: key paths, client products, installed components.
void RegisterComponents(Napi::Env env, Napi::Object exports);
}  // namespace msilua
