import { readFileSync } from 'node:fs';
import { NormalizedSchema } from '@smithy/core/schema';
import { describe, expect, it } from 'vitest';
import {
  EventStreamSerde,
  eventStreamSerdeProvider,
  resolveEventStreamSerdeConfig,
} from '../../infra/lambda-shims/event-streams-none';

/**
 * The Lambda bundles replace the SDK's event-stream support with a refusal
 * (`infra/lambda-shims/event-streams-none.ts`): that is only sound while no operation peerflow calls
 * streams events. Every client in the dependencies is checked whole, except those named here with
 * the operations peerflow calls on them (their other operations may stream).
 */
const CALLED_ONLY: Record<string, readonly string[]> = {
  '@aws-sdk/client-lambda': ['InvokeCommand'],
};

type CommandClass = new (input: object) => { schema?: unknown };

/** Whether the command's operation has an event stream in its input or output, as the SDK decides it. */
function streamsEvents(command: CommandClass): boolean {
  const schema = new command({}).schema;
  if (!Array.isArray(schema)) throw new Error(`${command.name} has no operation schema`);
  const [, , , , input, output] = schema as unknown[];
  return Boolean(
    NormalizedSchema.of(input as never).getEventStreamMember() ||
    NormalizedSchema.of(output as never).getEventStreamMember(),
  );
}

async function commandsOf(client: string): Promise<Map<string, CommandClass>> {
  const module = (await import(client)) as Record<string, unknown>;
  return new Map(
    Object.entries(module).filter(
      (entry): entry is [string, CommandClass] =>
        /^[A-Z]\w*Command$/.test(entry[0]) && typeof entry[1] === 'function',
    ),
  );
}

const { dependencies } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
};
const clients = Object.keys(dependencies).filter((name) => name.startsWith('@aws-sdk/client-'));

describe('the operations peerflow calls', () => {
  it('are found streaming when they do (the check can tell)', async () => {
    const lambda = await commandsOf('@aws-sdk/client-lambda');
    expect(streamsEvents(lambda.get('InvokeWithResponseStreamCommand')!)).toBe(true);
  });

  for (const client of clients) {
    it(`of ${client} stream no events`, async () => {
      const commands = await commandsOf(client);
      const called = CALLED_ONLY[client] ?? [...commands.keys()];
      expect(called.length).toBeGreaterThan(0);
      for (const name of called) {
        const command = commands.get(name);
        expect(command, `${client} exports ${name}`).toBeDefined();
        expect(streamsEvents(command!), `${client} ${name}`).toBe(false);
      }
    });
  }
});

describe('the event-stream stand-in of the Lambda bundles', () => {
  it('lets a client be built, and refuses any stream it would be asked to read or write', () => {
    const config = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider });
    const marshaller = config.eventStreamMarshaller as { serialize: () => never; deserialize: () => never };
    expect(() => marshaller.serialize()).toThrow(/not part of the Lambda bundles/);
    expect(() => marshaller.deserialize()).toThrow(/not part of the Lambda bundles/);
    expect(() => new EventStreamSerde({})).toThrow(/not part of the Lambda bundles/);
  });
});
