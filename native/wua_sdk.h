// Windows Update Agent (wuapi.dll): the declarations of the Windows SDK's wuapi.h that
// mingw-w64's wuapi.h lacks (the callback interfaces, IUpdateInstaller2, update services,
// Automatic Updates settings, IUpdateHistoryEntry2) and the class ids of the creatable
// classes msi-lua uses. Windows headers only, no Node-API: test/agent (the scripted update
// agent) includes it as well.
#pragma once

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <windows.h>
#include <objbase.h>
#include <oleauto.h>
#include <wuapi.h>

// ---------------------------------------------------------------------------------
// Interfaces from the Windows SDK's wuapi.idl that mingw-w64's wuapi.h does not have.
// IIDs and method order as documented for wuapi.h (learn.microsoft.com, "wuapi.h").
// The SDK header (MSVC) defines them all, so each block is skipped there.
// ---------------------------------------------------------------------------------
#ifdef __CRT_UUID_DECL
#define MSI_LUA_UUID_DECL(type, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
  __CRT_UUID_DECL(type, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)
#else
#define MSI_LUA_UUID_DECL(type, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8)
#endif

#ifndef __IUpdateInstaller2_INTERFACE_DEFINED__
#define __IUpdateInstaller2_INTERFACE_DEFINED__
MIDL_INTERFACE("3442d4fe-224d-4cee-98cf-30e0c4d229e6")
IUpdateInstaller2 : public IUpdateInstaller {
  virtual HRESULT STDMETHODCALLTYPE get_ForceQuiet(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE put_ForceQuiet(VARIANT_BOOL value) = 0;
};
MSI_LUA_UUID_DECL(IUpdateInstaller2, 0x3442d4fe, 0x224d, 0x4cee, 0x98, 0xcf, 0x30, 0xe0, 0xc4, 0xd2, 0x29, 0xe6)
#endif

#ifndef __ISearchCompletedCallbackArgs_INTERFACE_DEFINED__
#define __ISearchCompletedCallbackArgs_INTERFACE_DEFINED__
MIDL_INTERFACE("a700a634-2850-4c47-938a-9e4b6e5af9a6")
ISearchCompletedCallbackArgs : public IDispatch{};
MSI_LUA_UUID_DECL(ISearchCompletedCallbackArgs, 0xa700a634, 0x2850, 0x4c47, 0x93, 0x8a, 0x9e, 0x4b, 0x6e, 0x5a, 0xf9,
                  0xa6)
#endif

#ifndef __ISearchCompletedCallback_INTERFACE_DEFINED__
#define __ISearchCompletedCallback_INTERFACE_DEFINED__
MIDL_INTERFACE("88aee058-d4b0-4725-a2f1-814a67ae964c")
ISearchCompletedCallback : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Invoke(ISearchJob * searchJob, ISearchCompletedCallbackArgs * callbackArgs) = 0;
};
MSI_LUA_UUID_DECL(ISearchCompletedCallback, 0x88aee058, 0xd4b0, 0x4725, 0xa2, 0xf1, 0x81, 0x4a, 0x67, 0xae, 0x96, 0x4c)
#endif

#ifndef __IDownloadProgressChangedCallbackArgs_INTERFACE_DEFINED__
#define __IDownloadProgressChangedCallbackArgs_INTERFACE_DEFINED__
MIDL_INTERFACE("324ff2c6-4981-4b04-9412-57481745ab24")
IDownloadProgressChangedCallbackArgs : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE get_Progress(IDownloadProgress * *retval) = 0;
};
MSI_LUA_UUID_DECL(IDownloadProgressChangedCallbackArgs, 0x324ff2c6, 0x4981, 0x4b04, 0x94, 0x12, 0x57, 0x48, 0x17, 0x45,
                  0xab, 0x24)
#endif

#ifndef __IDownloadProgressChangedCallback_INTERFACE_DEFINED__
#define __IDownloadProgressChangedCallback_INTERFACE_DEFINED__
MIDL_INTERFACE("8c3f1cdd-6173-4591-aebd-a56a53ca77c1")
IDownloadProgressChangedCallback : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Invoke(IDownloadJob * downloadJob,
                                           IDownloadProgressChangedCallbackArgs * callbackArgs) = 0;
};
MSI_LUA_UUID_DECL(IDownloadProgressChangedCallback, 0x8c3f1cdd, 0x6173, 0x4591, 0xae, 0xbd, 0xa5, 0x6a, 0x53, 0xca,
                  0x77, 0xc1)
#endif

#ifndef __IDownloadCompletedCallbackArgs_INTERFACE_DEFINED__
#define __IDownloadCompletedCallbackArgs_INTERFACE_DEFINED__
MIDL_INTERFACE("fa565b23-498c-47a0-979d-e7d5b1813360")
IDownloadCompletedCallbackArgs : public IDispatch{};
MSI_LUA_UUID_DECL(IDownloadCompletedCallbackArgs, 0xfa565b23, 0x498c, 0x47a0, 0x97, 0x9d, 0xe7, 0xd5, 0xb1, 0x81, 0x33,
                  0x60)
#endif

#ifndef __IDownloadCompletedCallback_INTERFACE_DEFINED__
#define __IDownloadCompletedCallback_INTERFACE_DEFINED__
MIDL_INTERFACE("77254866-9f5b-4c8e-b9e2-c77a8530d64b")
IDownloadCompletedCallback : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Invoke(IDownloadJob * downloadJob,
                                           IDownloadCompletedCallbackArgs * callbackArgs) = 0;
};
MSI_LUA_UUID_DECL(IDownloadCompletedCallback, 0x77254866, 0x9f5b, 0x4c8e, 0xb9, 0xe2, 0xc7, 0x7a, 0x85, 0x30, 0xd6,
                  0x4b)
#endif

#ifndef __IInstallationProgressChangedCallbackArgs_INTERFACE_DEFINED__
#define __IInstallationProgressChangedCallbackArgs_INTERFACE_DEFINED__
MIDL_INTERFACE("e4f14e1e-689d-4218-a0b9-bc189c484a01")
IInstallationProgressChangedCallbackArgs : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE get_Progress(IInstallationProgress * *retval) = 0;
};
MSI_LUA_UUID_DECL(IInstallationProgressChangedCallbackArgs, 0xe4f14e1e, 0x689d, 0x4218, 0xa0, 0xb9, 0xbc, 0x18, 0x9c,
                  0x48, 0x4a, 0x01)
#endif

#ifndef __IInstallationProgressChangedCallback_INTERFACE_DEFINED__
#define __IInstallationProgressChangedCallback_INTERFACE_DEFINED__
MIDL_INTERFACE("e01402d5-f8da-43ba-a012-38894bd048f1")
IInstallationProgressChangedCallback : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Invoke(IInstallationJob * installationJob,
                                           IInstallationProgressChangedCallbackArgs * callbackArgs) = 0;
};
MSI_LUA_UUID_DECL(IInstallationProgressChangedCallback, 0xe01402d5, 0xf8da, 0x43ba, 0xa0, 0x12, 0x38, 0x89, 0x4b, 0xd0,
                  0x48, 0xf1)
#endif

#ifndef __IInstallationCompletedCallbackArgs_INTERFACE_DEFINED__
#define __IInstallationCompletedCallbackArgs_INTERFACE_DEFINED__
MIDL_INTERFACE("250e2106-8efb-4705-9653-ef13c581b6a1")
IInstallationCompletedCallbackArgs : public IDispatch{};
MSI_LUA_UUID_DECL(IInstallationCompletedCallbackArgs, 0x250e2106, 0x8efb, 0x4705, 0x96, 0x53, 0xef, 0x13, 0xc5, 0x81,
                  0xb6, 0xa1)
#endif

#ifndef __IInstallationCompletedCallback_INTERFACE_DEFINED__
#define __IInstallationCompletedCallback_INTERFACE_DEFINED__
MIDL_INTERFACE("45f4f6f3-d602-4f98-9a8a-3efa152ad2d3")
IInstallationCompletedCallback : public IUnknown {
  virtual HRESULT STDMETHODCALLTYPE Invoke(IInstallationJob * installationJob,
                                           IInstallationCompletedCallbackArgs * callbackArgs) = 0;
};
MSI_LUA_UUID_DECL(IInstallationCompletedCallback, 0x45f4f6f3, 0xd602, 0x4f98, 0x9a, 0x8a, 0x3e, 0xfa, 0x15, 0x2a, 0xd2,
                  0xd3)
#endif

// Update services, Automatic Updates settings and history categories (wuapi.idl; method
// order as in the SDK header), with the enumerations they use.
#ifndef __IUpdateService_INTERFACE_DEFINED__
#define __IUpdateService_INTERFACE_DEFINED__
MIDL_INTERFACE("76b3b17e-aed6-4da5-85f0-83587f81abe3")
IUpdateService : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE get_Name(BSTR * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_ContentValidationCert(VARIANT * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_ExpirationDate(DATE * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_IsManaged(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_IsRegisteredWithAU(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_IssueDate(DATE * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_OffersWindowsUpdates(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_RedirectUrls(IStringCollection * *retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_ServiceID(BSTR * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_IsScanPackageService(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_CanRegisterWithAU(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_ServiceUrl(BSTR * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_SetupPrefix(BSTR * retval) = 0;
};
MSI_LUA_UUID_DECL(IUpdateService, 0x76b3b17e, 0xaed6, 0x4da5, 0x85, 0xf0, 0x83, 0x58, 0x7f, 0x81, 0xab, 0xe3)
#endif

#ifndef __IUpdateService2_INTERFACE_DEFINED__
#define __IUpdateService2_INTERFACE_DEFINED__
MIDL_INTERFACE("1518b460-6518-4172-940f-c75883b24ceb")
IUpdateService2 : public IUpdateService {
  virtual HRESULT STDMETHODCALLTYPE get_IsDefaultAUService(VARIANT_BOOL * retval) = 0;
};
MSI_LUA_UUID_DECL(IUpdateService2, 0x1518b460, 0x6518, 0x4172, 0x94, 0x0f, 0xc7, 0x58, 0x83, 0xb2, 0x4c, 0xeb)
#endif

#ifndef __IUpdateServiceCollection_INTERFACE_DEFINED__
#define __IUpdateServiceCollection_INTERFACE_DEFINED__
MIDL_INTERFACE("9b0353aa-0e52-44ff-b8b0-1f7fa0437f88")
IUpdateServiceCollection : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE get_Item(LONG index, IUpdateService * *retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get__NewEnum(IUnknown * *retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_Count(LONG * retval) = 0;
};
MSI_LUA_UUID_DECL(IUpdateServiceCollection, 0x9b0353aa, 0x0e52, 0x44ff, 0xb8, 0xb0, 0x1f, 0x7f, 0xa0, 0x43, 0x7f, 0x88)
#endif

#ifndef __IUpdateServiceRegistration_INTERFACE_DEFINED__
#define __IUpdateServiceRegistration_INTERFACE_DEFINED__
// The SDK header defines the enumeration with the interface; mingw has neither.
typedef enum tagUpdateServiceRegistrationState {
  usrsNotRegistered = 1,
  usrsRegistrationPending = 2,
  usrsRegistered = 3
} UpdateServiceRegistrationState;
MIDL_INTERFACE("dde02280-12b3-4e0b-937b-6747f6acb286")
IUpdateServiceRegistration : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE get_RegistrationState(UpdateServiceRegistrationState * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_ServiceID(BSTR * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_IsPendingRegistrationWithAU(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_Service(IUpdateService2 * *retval) = 0;
};
MSI_LUA_UUID_DECL(IUpdateServiceRegistration, 0xdde02280, 0x12b3, 0x4e0b, 0x93, 0x7b, 0x67, 0x47, 0xf6, 0xac, 0xb2,
                  0x86)
#endif

#ifndef __IUpdateServiceManager_INTERFACE_DEFINED__
#define __IUpdateServiceManager_INTERFACE_DEFINED__
MIDL_INTERFACE("23857e3c-02ba-44a3-9423-b1c900805f37")
IUpdateServiceManager : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE get_Services(IUpdateServiceCollection * *retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE AddService(BSTR serviceID, BSTR authorizationCabPath, IUpdateService * *retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE RegisterServiceWithAU(BSTR serviceID) = 0;
  virtual HRESULT STDMETHODCALLTYPE RemoveService(BSTR serviceID) = 0;
  virtual HRESULT STDMETHODCALLTYPE UnregisterServiceWithAU(BSTR serviceID) = 0;
  virtual HRESULT STDMETHODCALLTYPE AddScanPackageService(BSTR serviceName, BSTR scanFileLocation, LONG flags,
                                                          IUpdateService * *ppService) = 0;
  virtual HRESULT STDMETHODCALLTYPE SetOption(BSTR optionName, VARIANT optionValue) = 0;
};
MSI_LUA_UUID_DECL(IUpdateServiceManager, 0x23857e3c, 0x02ba, 0x44a3, 0x94, 0x23, 0xb1, 0xc9, 0x00, 0x80, 0x5f, 0x37)
#endif

#ifndef __IUpdateServiceManager2_INTERFACE_DEFINED__
#define __IUpdateServiceManager2_INTERFACE_DEFINED__
MIDL_INTERFACE("0bb8531d-7e8d-424f-986c-a0b8f60a3e7b")
IUpdateServiceManager2 : public IUpdateServiceManager {
  virtual HRESULT STDMETHODCALLTYPE get_ClientApplicationID(BSTR * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE put_ClientApplicationID(BSTR value) = 0;
  virtual HRESULT STDMETHODCALLTYPE QueryServiceRegistration(BSTR serviceID, IUpdateServiceRegistration * *retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE AddService2(BSTR serviceID, LONG flags, BSTR authorizationCabPath,
                                                IUpdateServiceRegistration * *retval) = 0;
};
MSI_LUA_UUID_DECL(IUpdateServiceManager2, 0x0bb8531d, 0x7e8d, 0x424f, 0x98, 0x6c, 0xa0, 0xb8, 0xf6, 0x0a, 0x3e, 0x7b)
#endif

#ifndef __IAutomaticUpdatesResults_INTERFACE_DEFINED__
#define __IAutomaticUpdatesResults_INTERFACE_DEFINED__
MIDL_INTERFACE("e7a4d634-7942-4dd9-a111-82228ba33901")
IAutomaticUpdatesResults : public IDispatch {
  virtual HRESULT STDMETHODCALLTYPE get_LastSearchSuccessDate(VARIANT * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_LastInstallationSuccessDate(VARIANT * retval) = 0;
};
MSI_LUA_UUID_DECL(IAutomaticUpdatesResults, 0xe7a4d634, 0x7942, 0x4dd9, 0xa1, 0x11, 0x82, 0x22, 0x8b, 0xa3, 0x39, 0x01)
#endif

#ifndef __IAutomaticUpdates2_INTERFACE_DEFINED__
#define __IAutomaticUpdates2_INTERFACE_DEFINED__
MIDL_INTERFACE("4a2f5c31-cfd9-410e-b7fb-29a653973a0f")
IAutomaticUpdates2 : public IAutomaticUpdates {
  virtual HRESULT STDMETHODCALLTYPE get_Results(IAutomaticUpdatesResults * *retval) = 0;
};
MSI_LUA_UUID_DECL(IAutomaticUpdates2, 0x4a2f5c31, 0xcfd9, 0x410e, 0xb7, 0xfb, 0x29, 0xa6, 0x53, 0x97, 0x3a, 0x0f)
#endif

#ifndef __IAutomaticUpdatesSettings2_INTERFACE_DEFINED__
#define __IAutomaticUpdatesSettings2_INTERFACE_DEFINED__
typedef enum tagAutomaticUpdatesUserType { auutCurrentUser = 1, auutLocalAdministrator = 2 } AutomaticUpdatesUserType;
typedef enum tagAutomaticUpdatesPermissionType {
  auptSetNotificationLevel = 1,
  auptDisableAutomaticUpdates = 2,
  auptSetIncludeRecommendedUpdates = 3,
  auptSetFeaturedUpdatesEnabled = 4,
  auptSetNonAdministratorsElevated = 5
} AutomaticUpdatesPermissionType;
MIDL_INTERFACE("6abc136a-c3ca-4384-8171-cb2b1e59b8dc")
IAutomaticUpdatesSettings2 : public IAutomaticUpdatesSettings {
  virtual HRESULT STDMETHODCALLTYPE get_IncludeRecommendedUpdates(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE put_IncludeRecommendedUpdates(VARIANT_BOOL value) = 0;
  virtual HRESULT STDMETHODCALLTYPE CheckPermission(AutomaticUpdatesUserType userType,
                                                    AutomaticUpdatesPermissionType permissionType,
                                                    VARIANT_BOOL * userHasPermission) = 0;
};
MSI_LUA_UUID_DECL(IAutomaticUpdatesSettings2, 0x6abc136a, 0xc3ca, 0x4384, 0x81, 0x71, 0xcb, 0x2b, 0x1e, 0x59, 0xb8,
                  0xdc)
#endif

#ifndef __IAutomaticUpdatesSettings3_INTERFACE_DEFINED__
#define __IAutomaticUpdatesSettings3_INTERFACE_DEFINED__
MIDL_INTERFACE("b587f5c3-f57e-485f-bbf5-0d181c5cd0dc")
IAutomaticUpdatesSettings3 : public IAutomaticUpdatesSettings2 {
  virtual HRESULT STDMETHODCALLTYPE get_NonAdministratorsElevated(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE put_NonAdministratorsElevated(VARIANT_BOOL value) = 0;
  virtual HRESULT STDMETHODCALLTYPE get_FeaturedUpdatesEnabled(VARIANT_BOOL * retval) = 0;
  virtual HRESULT STDMETHODCALLTYPE put_FeaturedUpdatesEnabled(VARIANT_BOOL value) = 0;
};
MSI_LUA_UUID_DECL(IAutomaticUpdatesSettings3, 0xb587f5c3, 0xf57e, 0x485f, 0xbb, 0xf5, 0x0d, 0x18, 0x1c, 0x5c, 0xd0,
                  0xdc)
#endif

#ifndef __IUpdateHistoryEntry2_INTERFACE_DEFINED__
#define __IUpdateHistoryEntry2_INTERFACE_DEFINED__
MIDL_INTERFACE("c2bfb780-4539-4132-ab8c-0a8772013ab6")
IUpdateHistoryEntry2 : public IUpdateHistoryEntry {
  virtual HRESULT STDMETHODCALLTYPE get_Categories(ICategoryCollection * *retval) = 0;
};
MSI_LUA_UUID_DECL(IUpdateHistoryEntry2, 0xc2bfb780, 0x4539, 0x4132, 0xab, 0x8c, 0x0a, 0x87, 0x72, 0x01, 0x3a, 0xb6)
#endif

namespace msilua::wua {

// Class ids of wuapi.dll's creatable classes that we use (libuuid has no symbols for them).
// {4CB43D7F-7EEE-4906-8698-60DA1C38F2FE}
inline constexpr GUID kClsidUpdateSession = {
    0x4cb43d7f, 0x7eee, 0x4906, {0x86, 0x98, 0x60, 0xda, 0x1c, 0x38, 0xf2, 0xfe}};
// {13639463-00DB-4646-803D-528026140D88}
inline constexpr GUID kClsidUpdateCollection = {
    0x13639463, 0x00db, 0x4646, {0x80, 0x3d, 0x52, 0x80, 0x26, 0x14, 0x0d, 0x88}};
// {C01B9BA0-BEA7-41BA-B604-D0A36F469133}
inline constexpr GUID kClsidSystemInformation = {
    0xc01b9ba0, 0xbea7, 0x41ba, {0xb6, 0x04, 0xd0, 0xa3, 0x6f, 0x46, 0x91, 0x33}};
// {C2E88C2F-6F5B-4AAA-894B-55C847AD3A2D}
inline constexpr GUID kClsidWindowsUpdateAgentInfo = {
    0xc2e88c2f, 0x6f5b, 0x4aaa, {0x89, 0x4b, 0x55, 0xc8, 0x47, 0xad, 0x3a, 0x2d}};
// {BFE18E9C-6D87-4450-B37C-E02F0B373803}
inline constexpr GUID kClsidAutomaticUpdates = {
    0xbfe18e9c, 0x6d87, 0x4450, {0xb3, 0x7c, 0xe0, 0x2f, 0x0b, 0x37, 0x38, 0x03}};
// {F8D253D9-89A4-4DAA-87B6-1168369F0B21}
inline constexpr GUID kClsidUpdateServiceManager = {
    0xf8d253d9, 0x89a4, 0x4daa, {0x87, 0xb6, 0x11, 0x68, 0x36, 0x9f, 0x0b, 0x21}};

}  // namespace msilua::wua
