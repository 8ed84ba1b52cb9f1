import { DeviceError, type DeviceStep, type DeviceTransport, type ExecResult } from '../device';

/** One call to a vendor device, recorded in `steps`; a refusal (exit code not 0) is thrown as `what` failed. */
export async function call(
  t: DeviceTransport,
  steps: DeviceStep[],
  command: string,
  what: string,
  options: { timeoutMs?: number; input?: string } = {},
): Promise<ExecResult> {
  const result = await tryCall(t, steps, command, options);
  if (result.exitCode !== 0) throw new DeviceError(`${what} failed: ${refusal(result)}`, [...steps]);
  return result;
}

/** Like `call`, but a refusal is returned, not thrown. */
export async function tryCall(
  t: DeviceTransport,
  steps: DeviceStep[],
  command: string,
  options: { timeoutMs?: number; input?: string } = {},
): Promise<ExecResult> {
  try {
    const result = await t.exec(command, options);
    steps.push(result);
    return result;
  } catch (err) {
    if (err instanceof DeviceError) throw new DeviceError(err.message, [...steps, ...err.steps]);
    throw err;
  }
}

/** Why the device refused: its error text, else its output. */
export function refusal(result: ExecResult): string {
  return (result.stderr.trim() || result.stdout.trim() || '(no output)').split('\n').slice(0, 6).join(' ');
}

/** The confirm window in whole minutes (Junos and IOS count minutes), at least one. */
export const minutesOf = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));
