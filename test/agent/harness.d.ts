// Types for harness.js (the scripted update agent's test-side helpers).
export interface AgentEvent {
  event: string;
  live: number;
  liveByKind: string;
  thread: number;
  [field: string]: unknown;
}

export interface AgentRecord {
  file: string;
  events(): AgentEvent[];
  named(name: string): AgentEvent[];
  live(): number | null;
  waitFor(predicate: (events: AgentEvent[]) => boolean, timeoutMs?: number): Promise<AgentEvent[]>;
}

export const AGENT_DLL: string;
export function isWindows(): boolean;
export function isWine(): boolean;
export function agentBuilt(): boolean;
export function useAgent(): void;
export function useWineStub(): void;
export function useScenario(scenario: unknown): string;
export function startRecord(options?: { releases?: boolean }): AgentRecord;
export function readEvents(file: string): AgentEvent[];
