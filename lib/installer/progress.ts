// Decodes the records Windows Installer sends an external UI record handler
// (MsiSetExternalUIRecord; "Parsing Windows Installer Messages" and "Adding
// Dynamic Content to a Progress Bar" in the Windows Installer documentation).
// The native layer forwards each record's message type and raw fields in order;
// everything here runs on the JS thread, one record at a time.

/** INSTALLMESSAGE_* kinds: the high byte of the message type. */
export const INSTALLMESSAGE = {
  FATALEXIT: 0x00,
  ERROR: 0x01,
  WARNING: 0x02,
  USER: 0x03,
  INFO: 0x04,
  FILESINUSE: 0x05,
  RESOLVESOURCE: 0x06,
  OUTOFDISKSPACE: 0x07,
  ACTIONSTART: 0x08,
  ACTIONDATA: 0x09,
  PROGRESS: 0x0a,
  COMMONDATA: 0x0b,
  INITIALIZE: 0x0c,
  TERMINATE: 0x0d,
  SHOWDIALOG: 0x0e,
  RMFILESINUSE: 0x19,
  INSTALLSTART: 0x1a,
  INSTALLEND: 0x1b,
} as const;

/** The message filter msi-lua installs: every kind above (INSTALLLOGMODE_* = 1 << kind). */
export const MESSAGE_FILTER = Object.values(INSTALLMESSAGE).reduce<number>((mask, kind) => (mask | (1 << kind)) >>> 0, 0);

/** A raw field: null, an integer or a string, as MsiRecordGet* read it. Field 0 is the template. */
export type RecordField = string | number | null;

/**
 * `generation`: the engine is writing the installation script (master reset field 4 = 1);
 * `execution`: it runs the script; `rollback`: it undoes it (a master reset counting backwards).
 */
export type InstallerPhase = 'generation' | 'execution' | 'rollback';

interface EventBase {
  /**
   * Overall progress 0-1. Never decreases except while the engine rolls back, when
   * `rollback` is true. Script generation fills 0-0.1, execution 0.1-1.
   */
  fraction: number;
  phase: InstallerPhase;
  rollback: boolean;
}

/**
 * What `onProgress` receives, in the order the engine sent the records:
 * - `reset` a progress master reset (`total` ticks, counting `direction`);
 * - `progress` ticks moved (`ticks`; `done` of `total` in this reset);
 * - `actionStart` a standard or custom action began (its name and description);
 * - `actionData` a line an action reports (e.g. the file being copied), formatted with the action's template;
 * - `message` an error, warning or user message (`code` the Windows Installer error number, when there is one);
 * - `done` the action finished successfully; its fraction is 1.
 */
export type InstallerProgressEvent =
  | (EventBase & { type: 'reset'; total: number; direction: 'forward' | 'backward' })
  | (EventBase & { type: 'progress'; ticks: number; done: number; total: number })
  | (EventBase & { type: 'actionStart'; action: string; description: string })
  | (EventBase & { type: 'actionData'; action: string | null; text: string; fields: RecordField[] })
  | (EventBase & { type: 'message'; severity: InstallerMessageSeverity; code: number | null; text: string; action: string | null })
  | (EventBase & { type: 'done' });

export type InstallerMessageSeverity = 'fatal' | 'error' | 'warning' | 'user' | 'outOfDiskSpace' | 'filesInUse';

/** A message the engine reported during an action (results and errors carry them). */
export interface InstallerMessage {
  severity: InstallerMessageSeverity;
  /** The Windows Installer error number (field 1 of an error record, e.g. 1722), or null. */
  code: number | null;
  /** The record formatted with its template (MsiFormatRecord). */
  text: string;
  /** The action that was running. */
  action: string | null;
}

const GENERATION_SHARE = 0.1;
/** Actions the engine runs at the top of a sequence, not the package's own. */
const TOP_LEVEL_ACTIONS = new Set(['INSTALL', 'ADMIN', 'ADVERTISE']);

function asInteger(value: RecordField | undefined): number | null {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return null;
}

function asText(value: RecordField | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

const SEVERITY: Partial<Record<number, InstallerMessageSeverity>> = {
  [INSTALLMESSAGE.FATALEXIT]: 'fatal',
  [INSTALLMESSAGE.ERROR]: 'error',
  [INSTALLMESSAGE.WARNING]: 'warning',
  [INSTALLMESSAGE.USER]: 'user',
  [INSTALLMESSAGE.OUTOFDISKSPACE]: 'outOfDiskSpace',
  [INSTALLMESSAGE.FILESINUSE]: 'filesInUse',
  [INSTALLMESSAGE.RMFILESINUSE]: 'filesInUse',
};

/**
 * Turns raw records into progress events and keeps what a result or an error needs:
 * the messages, and the action that failed.
 */
export class ProgressDecoder {
  private total = 0;
  private done = 0;
  private direction: 'forward' | 'backward' = 'forward';
  private phase: InstallerPhase = 'generation';
  private fraction = 0;
  private ticksPerData = 0;
  private dataMovesTicks = false;
  private action: string | null = null;
  private actionTemplate: string | null = null;
  private failed: string | null = null;
  private endedWithFailure: string | null = null;
  private endedWithNothing: string | null = null;
  private readonly started = new Set<string>();
  readonly messages: InstallerMessage[] = [];
  readonly actions: string[] = [];

  /** Without `emit` nobody listens: the decoder keeps its state, messages and actions, and builds no event. */
  constructor(private readonly emit?: (event: InstallerProgressEvent) => void) {}

  /** The action the engine reported as failing (from an error record or its end record), or the last one started. */
  get failedAction(): string | null {
    return this.failed ?? this.endedWithFailure ?? this.endedWithNothing;
  }

  get lastAction(): string | null {
    return this.action;
  }

  /** One forwarded record: `messageType` as the handler received it, `fields` 0..n, `text` the formatted record. */
  record(messageType: number, fields: RecordField[] | null, text: string): void {
    const kind = (messageType >>> 24) & 0xff;
    const f = fields ?? [];
    switch (kind) {
      case INSTALLMESSAGE.PROGRESS:
        this.progress(f);
        return;
      case INSTALLMESSAGE.ACTIONSTART: {
        const action = asText(f[1]);
        this.action = action;
        this.actionTemplate = typeof f[3] === 'string' ? f[3] : null;
        if (!this.started.has(action)) {
          this.started.add(action);
          if (!TOP_LEVEL_ACTIONS.has(action)) this.actions.push(action);
        }
        this.send({ type: 'actionStart', action, description: asText(f[2]) });
        return;
      }
      case INSTALLMESSAGE.ACTIONDATA:
        if (this.dataMovesTicks && this.ticksPerData > 0) this.move(this.ticksPerData);
        this.send({ type: 'actionData', action: this.action, text, fields: f.slice(1) });
        return;
      case INSTALLMESSAGE.INFO:
        this.info(f);
        return;
      default: {
        const severity = SEVERITY[kind];
        if (!severity) return;
        // Error records carry the error number in field 1; a custom action's 1722 names the action in field 2.
        const code =
          kind === INSTALLMESSAGE.ERROR || kind === INSTALLMESSAGE.WARNING || kind === INSTALLMESSAGE.FATALEXIT ? asInteger(f[1]) : null;
        const message: InstallerMessage = { severity, code, text, action: this.action };
        this.messages.push(message);
        if ((severity === 'error' || severity === 'fatal') && this.failed === null) {
          this.failed = code === 1722 && typeof f[2] === 'string' && this.started.has(f[2]) ? f[2] : this.action;
        }
        this.send({ type: 'message', ...message });
      }
    }
  }

  /** The action succeeded: a last event at fraction 1. */
  finish(): void {
    this.fraction = 1;
    this.send({ type: 'done' });
  }

  private progress(f: RecordField[]): void {
    const type = asInteger(f[1]);
    if (type === 0) {
      // Master reset: [2] total ticks, [3] 0 forward / 1 backward, [4] 0 execution / 1 script generation.
      this.total = Math.max(0, asInteger(f[2]) ?? 0);
      this.direction = asInteger(f[3]) === 1 ? 'backward' : 'forward';
      this.phase = this.direction === 'backward' ? 'rollback' : asInteger(f[4]) === 1 ? 'generation' : 'execution';
      this.done = this.direction === 'backward' ? this.total : 0;
      this.ticksPerData = 0;
      this.dataMovesTicks = false;
      this.update();
      this.send({ type: 'reset', total: this.total, direction: this.direction });
    } else if (type === 1) {
      // Action info: [2] ticks per ActionData message, [3] 1 when ActionData moves the bar.
      this.ticksPerData = Math.max(0, asInteger(f[2]) ?? 0);
      this.dataMovesTicks = asInteger(f[3]) === 1;
    } else if (type === 2) {
      const ticks = asInteger(f[2]) ?? 0;
      this.move(ticks);
      this.send({ type: 'progress', ticks, done: this.done, total: this.total });
    } else if (type === 3) {
      this.total += Math.max(0, asInteger(f[2]) ?? 0);
      this.update();
    }
  }

  private move(ticks: number): void {
    this.done += this.direction === 'backward' ? -ticks : ticks;
    this.done = Math.min(Math.max(this.done, 0), this.total);
    this.update();
  }

  private update(): void {
    const segment = this.total > 0 ? this.done / this.total : 0;
    const computed = this.phase === 'generation' ? GENERATION_SHARE * segment : GENERATION_SHARE + (1 - GENERATION_SHARE) * segment;
    // Only a rollback may move the bar backwards.
    this.fraction = this.phase === 'rollback' ? Math.min(this.fraction, computed) : Math.max(this.fraction, computed);
  }

  // "Action ended [Time]: [1]. Return value [2]." records: two fields, a started action and
  // an integer (1 success; 3 failure on Windows, 0 under Wine 8, measured).
  private info(f: RecordField[]): void {
    if (f.length !== 3) return;
    const action = f[1];
    const value = f[2];
    if (typeof action !== 'string' || typeof value !== 'number' || !this.started.has(action) || TOP_LEVEL_ACTIONS.has(action)) return;
    if (value === 3) this.endedWithFailure ??= action;
    else if (value === 0) this.endedWithNothing ??= action;
  }

  private send(event: { type: InstallerProgressEvent['type'] } & Record<string, unknown>): void {
    if (!this.emit) return;
    this.emit({ ...event, fraction: this.fraction, phase: this.phase, rollback: this.phase === 'rollback' } as InstallerProgressEvent);
  }
}
