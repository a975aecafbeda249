// Runs the msi-lua command-line tool in-process and collects what it writes.
import { runCli } from '../../lib/cli/main';

export interface CliRun {
  code: number;
  stdout: Buffer;
  stderr: string;
  text: string;
}

export async function cli(...argv: string[]): Promise<CliRun> {
  const out: Buffer[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    stdout: { write: (chunk) => out.push(Buffer.from(chunk as string | Uint8Array)) },
    stderr: { write: (chunk) => err.push(Buffer.from(chunk as string | Uint8Array).toString('utf8')) },
  });
  const stdout = Buffer.concat(out);
  return { code, stdout, stderr: err.join(''), text: stdout.toString('utf8') };
}
