// The process's interactive context (token, session, desktop): see interactive-context.ts.
export { getInteractiveContext } from './read';
export { interpretContextFacts } from './interactive-context';
export type { ContextFact, InteractiveContext, InteractiveContextFacts } from './interactive-context';
