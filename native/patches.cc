// Queries around the installer actions: MsiEnumPatchesExW + MsiGetPatchInfoExW,
// MsiQueryProductStateW, MsiEnumRelatedProductsW, MsiEnumFeaturesW +
// MsiQueryFeatureStateW and MsiDetermineApplicablePatchesW. Gathers values and
// per-value status codes; lib/installer/queries.ts names and shapes them.
#include "installer.h"

#include "addon_support.h"
#include "msi_query.h"

#include <mutex>

#include <msi.h>

namespace msilua {
namespace {

// Wine's enumerations keep their position per process and want sequential
// indexes, so each enumeration runs whole under this lock.
std::mutex enumerationLock;

struct PatchRecord {
  std::string patchCode;
  std::string targetProductCode;
  uint32_t context = 0;
  std::string userSid;
  std::vector<MsiStringOutcome> values;
};

MsiStringOutcome ReadPatchInfo(const std::wstring& patchCode, const std::wstring& productCode, const wchar_t* userSid,
                               MSIINSTALLCONTEXT context, const std::wstring& property) {
  return QueryMsiString([&](wchar_t* buffer, DWORD* length) {
    return ::MsiGetPatchInfoExW(patchCode.c_str(), productCode.c_str(), userSid, context, property.c_str(), buffer,
                                length);
  });
}

Napi::Object OutcomeToJs(Napi::Env env, const MsiStringOutcome& outcome) {
  Napi::Object item = Napi::Object::New(env);
  item.Set("status", Napi::Number::New(env, outcome.status));
  if (outcome.status == ERROR_SUCCESS) {
    item.Set("value", outcome.value);
  } else {
    std::wstring text = SystemMessage(outcome.status);
    if (!text.empty()) item.Set("systemMessage", WideToUtf8(text));
  }
  return item;
}

// enumPatches(productCode|null, userSid|null, contexts, filter, properties[])
//   → [{ patchCode, targetProductCode, context, userSid|null, values: [{status, value?}] }]
Napi::Value EnumPatches(const Napi::CallbackInfo& info) {
  std::optional<std::string> productCode = OptionalString(info, 0, "productCode");
  std::optional<std::string> userSid = OptionalString(info, 1, "userSid");
  uint32_t contexts = RequireUint32(info, 2, "contexts");
  uint32_t filter = RequireUint32(info, 3, "filter");
  std::vector<std::string> properties = RequireStringArray(info, 4, "properties");
  return PromiseWorker<std::vector<PatchRecord>>::Run(
      info.Env(), "msi-lua:enumPatches",
      [productCode, userSid, contexts, filter, properties]() {
        std::wstring product = productCode ? Utf8ToWide(*productCode) : std::wstring();
        std::wstring sid = userSid ? Utf8ToWide(*userSid) : std::wstring();
        std::vector<PatchRecord> records;
        {
          std::lock_guard<std::mutex> hold(enumerationLock);
          for (DWORD index = 0;; ++index) {
            wchar_t patchCode[39] = {0};
            wchar_t target[39] = {0};
            MSIINSTALLCONTEXT targetContext = MSIINSTALLCONTEXT_NONE;
            wchar_t targetSid[256] = {0};
            DWORD targetSidLength = 256;
            UINT status =
                ::MsiEnumPatchesExW(productCode ? product.c_str() : nullptr, userSid ? sid.c_str() : nullptr, contexts,
                                    filter, index, patchCode, target, &targetContext, targetSid, &targetSidLength);
            if (status == ERROR_NO_MORE_ITEMS) break;
            if (status != ERROR_SUCCESS) ThrowWin32("MsiEnumPatchesExW", status);
            PatchRecord record;
            record.patchCode = WideToUtf8(patchCode, wcsnlen(patchCode, 38));
            record.targetProductCode = WideToUtf8(target, wcsnlen(target, 38));
            record.context = static_cast<uint32_t>(targetContext);
            record.userSid = WideToUtf8(targetSid, wcsnlen(targetSid, 255));
            records.push_back(std::move(record));
          }
        }
        for (auto& record : records) {
          std::wstring code = Utf8ToWide(record.patchCode);
          std::wstring target = Utf8ToWide(record.targetProductCode);
          std::wstring recordSid = Utf8ToWide(record.userSid);
          const wchar_t* sidArg =
              (record.context == MSIINSTALLCONTEXT_MACHINE || recordSid.empty()) ? nullptr : recordSid.c_str();
          for (const auto& property : properties) {
            record.values.push_back(ReadPatchInfo(code, target, sidArg, static_cast<MSIINSTALLCONTEXT>(record.context),
                                                  Utf8ToWide(property)));
          }
        }
        return records;
      },
      [](Napi::Env env, std::vector<PatchRecord>& records) -> Napi::Value {
        Napi::Array array = Napi::Array::New(env, records.size());
        for (size_t i = 0; i < records.size(); ++i) {
          const auto& record = records[i];
          Napi::Object item = Napi::Object::New(env);
          item.Set("patchCode", record.patchCode);
          item.Set("targetProductCode", record.targetProductCode);
          item.Set("context", Napi::Number::New(env, record.context));
          item.Set("userSid", record.userSid.empty() ? env.Null() : Napi::String::New(env, record.userSid));
          Napi::Array values = Napi::Array::New(env, record.values.size());
          for (size_t v = 0; v < record.values.size(); ++v)
            values.Set(static_cast<uint32_t>(v), OutcomeToJs(env, record.values[v]));
          item.Set("values", values);
          array.Set(static_cast<uint32_t>(i), item);
        }
        return array;
      });
}

// productState(productCode) → INSTALLSTATE number (MsiQueryProductStateW)
Napi::Value ProductState(const Napi::CallbackInfo& info) {
  std::wstring productCode = Utf8ToWide(RequireString(info, 0, "productCode"));
  return PromiseWorker<int>::Run(
      info.Env(), "msi-lua:productState",
      [productCode]() { return static_cast<int>(::MsiQueryProductStateW(productCode.c_str())); },
      [](Napi::Env env, int& state) -> Napi::Value { return Napi::Number::New(env, state); });
}

// relatedProducts(upgradeCode) → product codes (MsiEnumRelatedProductsW)
Napi::Value RelatedProducts(const Napi::CallbackInfo& info) {
  std::wstring upgradeCode = Utf8ToWide(RequireString(info, 0, "upgradeCode"));
  return PromiseWorker<std::vector<std::string>>::Run(
      info.Env(), "msi-lua:relatedProducts",
      [upgradeCode]() {
        std::vector<std::string> codes;
        std::lock_guard<std::mutex> hold(enumerationLock);
        for (DWORD index = 0;; ++index) {
          wchar_t code[39] = {0};
          UINT status = ::MsiEnumRelatedProductsW(upgradeCode.c_str(), 0, index, code);
          if (status == ERROR_NO_MORE_ITEMS) break;
          if (status != ERROR_SUCCESS) ThrowWin32("MsiEnumRelatedProductsW", status);
          codes.push_back(WideToUtf8(code, wcsnlen(code, 38)));
        }
        return codes;
      },
      [](Napi::Env env, std::vector<std::string>& codes) -> Napi::Value {
        Napi::Array array = Napi::Array::New(env, codes.size());
        for (size_t i = 0; i < codes.size(); ++i) array.Set(static_cast<uint32_t>(i), codes[i]);
        return array;
      });
}

struct FeatureRecord {
  std::string feature;
  std::string parent;
  int state = 0;
  bool enumerated = true;
};

// features(productCode, extraNames[]) → [{ feature, parent, state, enumerated }]: the features
// MsiEnumFeaturesW lists, then the named ones it did not list, each with MsiQueryFeatureStateW.
Napi::Value Features(const Napi::CallbackInfo& info) {
  std::wstring productCode = Utf8ToWide(RequireString(info, 0, "productCode"));
  std::vector<std::string> extraNames =
      info.Length() > 1 ? RequireStringArray(info, 1, "names") : std::vector<std::string>();
  return PromiseWorker<std::vector<FeatureRecord>>::Run(
      info.Env(), "msi-lua:features",
      [productCode, extraNames]() {
        std::vector<FeatureRecord> features;
        {
          std::lock_guard<std::mutex> hold(enumerationLock);
          for (DWORD index = 0;; ++index) {
            wchar_t feature[MAX_FEATURE_CHARS + 1] = {0};
            wchar_t parent[MAX_FEATURE_CHARS + 1] = {0};
            UINT status = ::MsiEnumFeaturesW(productCode.c_str(), index, feature, parent);
            if (status == ERROR_NO_MORE_ITEMS) break;
            if (status != ERROR_SUCCESS) ThrowWin32("MsiEnumFeaturesW", status);
            FeatureRecord record;
            record.feature = WideToUtf8(feature, wcsnlen(feature, MAX_FEATURE_CHARS));
            record.parent = WideToUtf8(parent, wcsnlen(parent, MAX_FEATURE_CHARS));
            features.push_back(std::move(record));
          }
        }
        size_t enumerated = features.size();
        for (const auto& name : extraNames) {
          bool listed = false;
          for (size_t i = 0; i < enumerated; ++i) listed = listed || features[i].feature == name;
          if (listed) continue;
          FeatureRecord record;
          record.feature = name;
          record.enumerated = false;
          features.push_back(std::move(record));
        }
        for (auto& record : features) {
          record.state =
              static_cast<int>(::MsiQueryFeatureStateW(productCode.c_str(), Utf8ToWide(record.feature).c_str()));
        }
        return features;
      },
      [](Napi::Env env, std::vector<FeatureRecord>& features) -> Napi::Value {
        Napi::Array array = Napi::Array::New(env, features.size());
        for (size_t i = 0; i < features.size(); ++i) {
          Napi::Object item = Napi::Object::New(env);
          item.Set("feature", features[i].feature);
          item.Set("parent", features[i].parent.empty() ? env.Null() : Napi::String::New(env, features[i].parent));
          item.Set("state", Napi::Number::New(env, features[i].state));
          item.Set("enumerated", Napi::Boolean::New(env, features[i].enumerated));
          array.Set(static_cast<uint32_t>(i), item);
        }
        return array;
      });
}

struct Applicability {
  uint32_t status = 0;
  std::vector<std::pair<int, uint32_t>> entries;  // dwOrder, uStatus
};

// applicablePatches(target, patchPaths[], context, userSid|null) → { status, patches: [{ order, status }] }
// target a product code: MsiDeterminePatchSequenceW for the product installed in `context`;
// context 0: target is a package path, MsiDetermineApplicablePatchesW. Patch files, in the given order.
Napi::Value ApplicablePatches(const Napi::CallbackInfo& info) {
  std::wstring productCode = Utf8ToWide(RequireString(info, 0, "target"));
  std::vector<std::string> paths = RequireStringArray(info, 1, "patchPaths");
  uint32_t context = RequireUint32(info, 2, "context");
  std::optional<std::string> userSid = OptionalString(info, 3, "userSid");
  return PromiseWorker<Applicability>::Run(
      info.Env(), "msi-lua:applicablePatches",
      [productCode, paths, context, userSid]() {
        std::wstring sid = userSid ? Utf8ToWide(*userSid) : std::wstring();
        std::vector<std::wstring> wide;
        for (const auto& p : paths) wide.push_back(Utf8ToWide(p));
        std::vector<MSIPATCHSEQUENCEINFOW> infos(wide.size());
        for (size_t i = 0; i < wide.size(); ++i) {
          infos[i].szPatchData = wide[i].c_str();
          infos[i].ePatchDataType = MSIPATCH_DATATYPE_PATCHFILE;
          infos[i].dwOrder = static_cast<DWORD>(-1);
          infos[i].uStatus = ERROR_SUCCESS;
        }
        Applicability result;
        result.status =
            context == 0
                ? ::MsiDetermineApplicablePatchesW(productCode.c_str(), static_cast<DWORD>(infos.size()), infos.data())
                : ::MsiDeterminePatchSequenceW(productCode.c_str(), userSid ? sid.c_str() : nullptr,
                                               static_cast<MSIINSTALLCONTEXT>(context),
                                               static_cast<DWORD>(infos.size()), infos.data());
        for (const auto& item : infos) result.entries.emplace_back(static_cast<int>(item.dwOrder), item.uStatus);
        return result;
      },
      [](Napi::Env env, Applicability& result) -> Napi::Value {
        Napi::Object object = Napi::Object::New(env);
        object.Set("status", Napi::Number::New(env, result.status));
        Napi::Array array = Napi::Array::New(env, result.entries.size());
        for (size_t i = 0; i < result.entries.size(); ++i) {
          Napi::Object item = Napi::Object::New(env);
          item.Set("order", Napi::Number::New(env, result.entries[i].first));
          item.Set("status", Napi::Number::New(env, result.entries[i].second));
          std::wstring text =
              result.entries[i].second == ERROR_SUCCESS ? std::wstring() : SystemMessage(result.entries[i].second);
          if (!text.empty()) item.Set("systemMessage", WideToUtf8(text));
          array.Set(static_cast<uint32_t>(i), item);
        }
        object.Set("patches", array);
        return object;
      });
}

}  // namespace

void RegisterPatches(Napi::Env env, Napi::Object exports) {
  exports.Set("enumPatches", Napi::Function::New(env, EnumPatches, "enumPatches"));
  exports.Set("productState", Napi::Function::New(env, ProductState, "productState"));
  exports.Set("relatedProducts", Napi::Function::New(env, RelatedProducts, "relatedProducts"));
  exports.Set("features", Napi::Function::New(env, Features, "features"));
  exports.Set("applicablePatches", Napi::Function::New(env, ApplicablePatches, "applicablePatches"));
}

}  // namespace msilua
