import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values<O extends Options> = ReturnType<typeof parseArgs<{ options: O }>>['values'];

/**
 * Command-line parsing for the project's scripts: `--help` prints the usage, and a wrong option or
 * value prints what is wrong and the usage, with no stack trace.
 */
export function parseCli<O extends Options>(usage: string, options: O): Values<O> {
  let values: Record<string, unknown>;
  try {
    values = parseArgs({
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
      strict: true,
    }).values;
  } catch (err) {
    return usageError(usage, (err as Error).message);
  }
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  return values as Values<O>;
}

export function usageError(usage: string, message: string): never {
  console.error(`${message}\n\n${usage}`);
  process.exit(2);
}
