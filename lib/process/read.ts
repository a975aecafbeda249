// Reads the facts of the process's interactive context from the addon; what they mean is
// decided in interactive-context.ts.
import { callNative } from '../native/load';
import { interpretContextFacts, type InteractiveContext } from './interactive-context';

/**
 * Reads the process token (GetTokenInformation), the window station and desktop
 * (GetUserObjectInformationW) and the shell's process, and says whether an interactive user is
 * behind this process: `{ sessionId, isService, isSecondaryLogon, elevated, userSid,
 * interactiveUserSid, isRemoteSession, facts }`. A conclusion the facts do not support is null
 * (see `facts` for each fact's reason), never a guess. Rejects with PlatformNotSupportedError off Windows.
 */
export async function getInteractiveContext(): Promise<InteractiveContext> {
  return interpretContextFacts(await callNative((binding) => binding.tokenContextFacts()));
}
