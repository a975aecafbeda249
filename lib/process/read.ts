// Reads the facts of the process's interactive context from the addon; what they mean is
// decided in interactive-context.ts.
import { callNative } from '../native/load';
import { interpretContextFacts, type InteractiveContext } from './interactive-context';

/** Reads the process token and the desktop and says whether an interactive user is behind this process. */
export async function getInteractiveContext(): Promise<InteractiveContext> {
  return interpretContextFacts(await callNative((binding) => binding.tokenContextFacts()));
}
