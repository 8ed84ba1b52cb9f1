/**
 * POSIX shell quoting for the commands a driver sends to a device. A device runs each command
 * through its login shell, so every word peerflow did not write itself (a path, a socket) is quoted;
 * file contents never go on a command line, they go to the command's standard input.
 */

/** `value` as one word of a POSIX shell: left bare when it holds only safe characters, else single-quoted. */
export function shellQuote(value: string): string {
  if (value === '') return "''";
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** `argv` as one command line. */
export function shellLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/**
 * Whether `path` can be handed to a device: absolute, and free of what no shell quoting or config
 * file string survives (control characters, quotes and backslashes, which BIRD and OpenBGPD read
 * inside their own `"..."`).
 */
export function isSafeDevicePath(path: string): boolean {
  // eslint-disable-next-line no-control-regex
  return path.startsWith('/') && !/[\u0000-\u001f\u007f"\\]/.test(path) && !path.split('/').includes('..');
}
