// Windows Update Agent: promise-based search, download, install and uninstall with progress,
// AbortSignal, typed errors and the Run As (secondary logon) rule. See docs/wua.md.
export { UpdateSession, createUpdateSession, interactiveRefusal } from './session';
export type { AbortedJobError } from './session';
export * from './types';
export { getInteractiveContext, interpretContextFacts } from '../context';
export type { ContextFact, InteractiveContext, InteractiveContextFacts } from '../context';
