// Component queries (what WiX DTF's ComponentInstallation answers): where a product put a
// component's key path (MsiGetComponentPathExW), which products use a component
// (MsiEnumClientsExW) and which components are installed (MsiEnumComponentsExW). The native
// layer (native/components.cc) returns raw states and contexts; they are named here.
import { callNative } from '../native/load';
import { mapInSlices } from '../package/scheduler';
import { INSTALL_CONTEXTS, getInstalledProduct, type InstallContext } from '../products';
import { contextName } from '../products/shape';
import { assertInstallQueryOptions, assertProductCode } from '../validate';
import { CONTEXT_FLAGS } from './arguments';

/**
 * The INSTALLSTATE values MsiGetComponentPathExW documents, by the names listFeatures uses
 * ('invalidArgument' for INSTALLSTATE_INVALIDARG).
 */
export type ComponentState =
  'local' | 'source' | 'absent' | 'notUsed' | 'unknown' | 'broken' | 'invalidArgument' | 'moreData' | 'sourceAbsent';

const COMPONENT_STATE_NAMES: Readonly<Record<number, ComponentState>> = {
  [-7]: 'notUsed',
  [-4]: 'sourceAbsent',
  [-3]: 'moreData',
  [-2]: 'invalidArgument',
  [-1]: 'unknown',
  0: 'broken',
  2: 'absent',
  3: 'local',
  4: 'source',
};

/** States in which the path buffer holds nothing Windows defines. */
const NO_PATH_STATES: ReadonlySet<ComponentState> = new Set<ComponentState>(['unknown', 'invalidArgument', 'moreData']);

export interface ComponentPath {
  /** INSTALLSTATE by name: 'local' (the key path exists), 'absent', 'unknown' (no such component for this product) ... */
  state: ComponentState;
  /**
   * The key path as Windows Installer registered it, raw: a file or folder path, or for a
   * registry key path a root number then the key ("02:\SOFTWARE\..." for HKEY_LOCAL_MACHINE,
   * "00:" HKCR, "01:" HKCU, "03:" HKU; 20-23 for their 64-bit views). Null when Windows wrote
   * none, and always for 'unknown', 'invalidArgument' and 'moreData'.
   */
  path: string | null;
}

export interface ComponentQueryOptions {
  /** The product's context; omitted: the context in which this user sees the product (MsiEnumProductsExW). */
  context?: InstallContext;
  /** For the user contexts: whose installation (default the current user). */
  userSid?: string;
}

export interface ComponentEnumerationOptions {
  /** Only this context; omitted: all three. */
  context?: InstallContext;
  /** Whose per-user installations; 'S-1-1-0' (Everyone) for all users (needs administrator rights). Default the current user. */
  userSid?: string;
}

export interface ComponentClient {
  productCode: string;
  context: InstallContext;
  /** The owning user's SID; null per-machine. */
  userSid: string | null;
}

export interface InstalledComponent {
  componentCode: string;
  context: InstallContext;
  /** The owning user's SID; null per-machine. */
  userSid: string | null;
}

/** An INSTALLSTATE from MsiGetComponentPathExW by name; a value it does not document is 'unknown'. */
export function componentStateName(state: number): ComponentState {
  return COMPONENT_STATE_NAMES[state] ?? 'unknown';
}

/** The native `{ state, path }` as a ComponentPath: '' and undefined buffers are null. */
export function shapeComponentPath(raw: { state: number; path: string }): ComponentPath {
  const state = componentStateName(raw.state);
  return { state, path: NO_PATH_STATES.has(state) || raw.path === '' ? null : raw.path };
}

/**
 * The native records named, in slices of the shared scheduler past 256 of them: a machine
 * lists tens of thousands of components, which would otherwise be shaped in one turn.
 */
function shapeInstances<K extends 'productCode' | 'componentCode'>(
  records: ReadonlyArray<Record<K, string> & { context: number; userSid: string | null }>,
  key: K,
): Promise<Array<Record<K, string> & { context: InstallContext; userSid: string | null }>> {
  return mapInSlices(
    records,
    (r) =>
      ({ [key]: r[key], context: contextName(r.context), userSid: r.userSid }) as Record<K, string> & {
        context: InstallContext;
        userSid: string | null;
      },
  );
}

/**
 * Where a product put a component, by its component code (the Component table's ComponentId):
 * MsiGetComponentPathExW for the product in its context. Resolves `{ state, path }` (see
 * ComponentPath: registry key paths stay raw, "02:\..."); an unknown component is
 * `{ state: 'unknown', path: null }`. Without `options.context` the product is located first
 * (MsiEnumProductsExW). Rejects with TypeError (before any native call) for a code that is not
 * a braced GUID or bad options, UnknownProductError when the product is not installed (for
 * this user, in the context given when it is looked up), and PlatformNotSupportedError off Windows.
 */
export async function getComponentPath(
  productCode: string,
  componentCode: string,
  options?: ComponentQueryOptions,
): Promise<ComponentPath> {
  assertProductCode(productCode);
  assertProductCode(componentCode, 'componentCode');
  const checked = assertInstallQueryOptions(options, 'options', INSTALL_CONTEXTS);
  let context = checked.context;
  let userSid = checked.userSid ?? null;
  if (context === undefined) {
    const located = await getInstalledProduct(productCode, [], userSid ? { userSid } : undefined);
    context = located.context;
    userSid = located.userSid;
  }
  if (context === 'machine') userSid = null;
  const raw = await callNative((binding) => binding.componentPath(productCode, componentCode, CONTEXT_FLAGS[context], userSid));
  return shapeComponentPath(raw);
}

/**
 * The products that use a component, with their context and owner (MsiEnumClientsExW, run
 * whole in the native worker); empty when none. Wine 8 does not implement MsiEnumClientsExW
 * (see docs/installer.md): there it rejects with the typed error Wine returns. Rejects with
 * TypeError (before any native call) for a component code that is not a braced GUID or bad
 * options, the typed error of Windows Installer, and PlatformNotSupportedError off Windows.
 */
export async function listComponentClients(componentCode: string, options?: ComponentEnumerationOptions): Promise<ComponentClient[]> {
  assertProductCode(componentCode, 'componentCode');
  const { context, userSid } = assertInstallQueryOptions(options, 'options', INSTALL_CONTEXTS);
  const contexts = context ? CONTEXT_FLAGS[context] : 7;
  const records = await callNative((binding) => binding.componentClients(componentCode, userSid ?? null, contexts));
  return shapeInstances(records, 'productCode');
}

/**
 * The installed components with their context and owner (MsiEnumComponentsExW, run whole in
 * the native worker). Rejects with TypeError (before any native call) for bad options, the
 * typed error of Windows Installer, and PlatformNotSupportedError off Windows.
 */
export async function listComponents(options?: ComponentEnumerationOptions): Promise<InstalledComponent[]> {
  const { context, userSid } = assertInstallQueryOptions(options, 'options', INSTALL_CONTEXTS);
  const contexts = context ? CONTEXT_FLAGS[context] : 7;
  const records = await callNative((binding) => binding.components(userSid ?? null, contexts));
  return shapeInstances(records, 'componentCode');
}
