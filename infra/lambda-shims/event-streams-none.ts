/**
 * Stands in for `@smithy/core/event-streams` in Lambda bundles (about 19 KB each). The SDK's
 * protocols import it with a dynamic `import()`, which a single-file bundle inlines, and only use it
 * for an operation whose input or output is an event stream: none of the operations peerflow calls
 * has one (a unit test checks every operation of the clients it bundles; of Lambda's, Invoke). The
 * Lambda client wires a marshaller in when it is built; it gets one that refuses to work. Local runs
 * and tests use the real package.
 */
function refused(): never {
  throw new Error('Event streams are not part of the Lambda bundles: no peerflow call streams events');
}

/** The marshaller a client keeps in its config; used only by a streaming operation. */
export const eventStreamSerdeProvider = (_options?: unknown) => ({
  serialize: refused,
  deserialize: refused,
});

export function resolveEventStreamSerdeConfig<T extends { eventStreamSerdeProvider: (input: T) => unknown }>(
  input: T,
): T & { eventStreamMarshaller: unknown } {
  return Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });
}

/** What a protocol builds to read or write a stream: never built for a peerflow call. */
export class EventStreamSerde {
  constructor(_options?: unknown) {
    refused();
  }
}
