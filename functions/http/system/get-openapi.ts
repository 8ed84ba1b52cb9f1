import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openapiRoute } from '../../../shared/system';
import { defineAction } from '../../../shared/platform/http/define-action';
import { ServiceUnavailableError } from '../../../shared/platform/errors';

/**
 * In Lambda the document was generated at build time and ships beside the bundle, so the function
 * carries neither the generator nor the route table. Elsewhere (the local server, tests) the
 * runtime that wires the route table provides a builder, run on first use.
 */
const shipped = process.env.LAMBDA_TASK_ROOT ? join(process.env.LAMBDA_TASK_ROOT, 'openapi.json') : undefined;
const shippedDocument: object | undefined =
  shipped && existsSync(shipped) ? (JSON.parse(readFileSync(shipped, 'utf8')) as object) : undefined;

let builder: (() => object) | undefined;
let built: object | undefined;

/** Where the document comes from when none shipped with the function; the latest call wins. */
export function provideOpenApiDocument(build: () => object): void {
  builder = build;
  built = undefined;
}

export const handler = defineAction(openapiRoute, async () => {
  const document = shippedDocument ?? (built ??= builder?.());
  if (!document) throw new ServiceUnavailableError('The API description is not available');
  return document as Record<string, unknown>;
});
