import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { RouteContract } from '../../shared/platform/http/contract';
import { buildOpenApi } from '../../shared/platform/http/openapi';
import { routes } from '../../shared/app/route-table';
import { queryBoolean } from '../../shared/platform/http/schemas';
import * as z from '../../shared/platform/zod';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is walked as loose JSON
type Json = Record<string, any>;

const doc = buildOpenApi(routes) as Json;

function operation(operationId: string): Json {
  const r = routes.find((x) => x.operationId === operationId);
  if (!r) throw new Error(`no route ${operationId}`);
  return doc.paths[r.path][r.method.toLowerCase()];
}

function parameter(op: Json, where: 'path' | 'query', name: string): Json {
  const p = (op.parameters as Json[] | undefined)?.find((x) => x.in === where && x.name === name);
  if (!p) throw new Error(`no ${where} parameter ${name} in ${op.operationId}`);
  return p;
}

/** Every `$ref` anywhere in a value. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3.1 document with the bearer scheme and the server given', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('peerflow');
    expect(doc.servers).toEqual([{ url: '/' }]);
    expect(doc.components.securitySchemes.bearer).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect((buildOpenApi(routes, 'https://api-acme.example.net') as Json).servers).toEqual([
      { url: 'https://api-acme.example.net' },
    ]);
  });

  it('survives JSON unchanged: no undefined, no functions, no symbols', () => {
    expect(JSON.parse(JSON.stringify(doc))).toStrictEqual(doc);
  });

  it('lists every route of the route table under its path and method, once', () => {
    const ids: string[] = [];
    for (const r of routes) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op.operationId).toBe(r.operationId);
      expect(op.tags).toEqual([r.tag]);
      expect(op.description).toContain(`**${r.role}**`);
      ids.push(op.operationId);
    }
    const documented = Object.values(doc.paths as Json).flatMap((methods) => Object.keys(methods as Json));
    expect(documented).toHaveLength(routes.length);
    expect(new Set(ids).size).toBe(routes.length);
  });

  it('asks for the bearer token on protected routes only', () => {
    for (const r of routes) {
      const op = operation(r.operationId);
      if (r.role === 'public') {
        expect(op.security, r.operationId).toBeUndefined();
      } else {
        expect(op.security, r.operationId).toEqual([{ bearer: [] }]);
        expect(op.responses['401'], r.operationId).toBeDefined();
        expect(op.responses['403'], r.operationId).toBeDefined();
      }
    }
    expect(operation('login').security).toBeUndefined();
    expect(operation('getMe').security).toEqual([{ bearer: [] }]);
  });

  it("documents getPeers's path and query parameters with their types and required flags", () => {
    const op = operation('getPeers');
    expect(parameter(op, 'path', 'public_id')).toMatchObject({
      required: true,
      schema: { type: 'integer', minimum: 1 },
    });
    expect(parameter(op, 'query', 'limit')).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
    });
    expect(parameter(op, 'query', 'cursor')).toMatchObject({ required: false, schema: { type: 'string' } });
    // The flags are parsed from text by a transform: the metadata's boolean wins over the enum.
    for (const flag of ['include_hidden', 'include_contacts', 'include_public_ips', 'include_log_data']) {
      expect(parameter(op, 'query', flag), flag).toEqual({
        name: flag,
        in: 'query',
        required: false,
        schema: { type: 'boolean' },
      });
    }
    expect(parameter(op, 'query', 'request_status').schema.enum).toContain('accepted');
    expect(parameter(op, 'query', 'created_after').description).toMatch(/date/);
    // One parameter per property, nothing else.
    const names = (op.parameters as Json[]).map((p) => `${p.in}:${p.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('marks a required query parameter as required', () => {
    const r = {
      operationId: 'probe',
      method: 'GET',
      path: '/probe/{id}',
      role: 'viewer',
      summary: 'probe',
      tag: 'probe',
      params: z.object({ id: z.uuid() }),
      query: z.object({ must: z.string(), may: z.optional(z.string()), flag: z.optional(queryBoolean) }),
      response: z.object({ ok: z.boolean() }),
      handler: 'none.ts',
      access: {},
    } satisfies RouteContract;
    const op = (buildOpenApi([r]) as Json).paths['/probe/{id}'].get;
    expect(parameter(op, 'path', 'id')).toMatchObject({
      required: true,
      schema: { type: 'string', format: 'uuid' },
    });
    expect(parameter(op, 'query', 'must').required).toBe(true);
    expect(parameter(op, 'query', 'may').required).toBe(false);
    expect(parameter(op, 'query', 'flag')).toMatchObject({ required: false, schema: { type: 'boolean' } });
  });

  it('documents a JSON request body on body routes, as the caller writes it', () => {
    const login = operation('login');
    expect(login.requestBody.required).toBe(true);
    const schema = login.requestBody.content['application/json'].schema;
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['email', 'password']));
    expect(login.responses['400']).toBeDefined();
    expect(login.responses['422']).toBeDefined();

    const update = operation('updatePeer');
    expect(update.requestBody.content['application/json'].schema.properties).toHaveProperty('hidden_until');
    expect(operation('getPeers').requestBody).toBeUndefined();
  });

  it("documents the v1 gateway's form or JSON body", () => {
    const post = routes.find((r) => r.path.startsWith('/api/v1') && r.method === 'POST');
    expect(post).toBeDefined();
    const content = operation(post!.operationId).requestBody.content;
    expect(Object.keys(content).sort()).toEqual(['application/json', 'application/x-www-form-urlencoded']);
    expect(content['application/json'].schema).toEqual(content['application/x-www-form-urlencoded'].schema);
  });

  it('answers success with its content type, and nothing on 204', () => {
    const explorer = operation('getExplorer');
    expect(Object.keys(explorer.responses['200'].content)).toEqual(['text/html; charset=utf-8']);
    expect(operation('getHealth').responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Health',
    });
    for (const r of routes.filter((x) => x.successStatus === 204)) {
      const ok = operation(r.operationId).responses['204'];
      expect(ok, r.operationId).toBeDefined();
      expect(ok.content, r.operationId).toBeUndefined();
    }
  });

  it('refers every error response to the shared Error component', () => {
    const error = doc.components.schemas.Error;
    expect(error).toMatchObject({ type: 'object', required: ['error'] });
    expect(error.properties.error.required).toEqual(['code', 'message']);
    let checked = 0;
    for (const r of routes) {
      for (const [status, response] of Object.entries(operation(r.operationId).responses as Json)) {
        if (Number(status) < 400) continue;
        expect(response.content['application/json'].schema, `${r.operationId} ${status}`).toEqual({
          $ref: '#/components/schemas/Error',
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(routes.length);
  });

  it('turns schemas with an id into components, and every $ref resolves to one', () => {
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'Health', 'User', 'Peer', 'Session']),
    );
    const all = refs(doc.paths).concat(refs(doc.components.schemas));
    expect(all.length).toBeGreaterThan(0);
    for (const ref of all) {
      expect(ref).toMatch(/^#\/components\/schemas\/[\w.-]+$/);
      expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined();
    }
    // zod's own registration tag stays out of the schemas.
    expect(JSON.stringify(doc)).not.toMatch(/"id":"(Error|Peer|User)"/);
    expect(JSON.stringify(doc)).not.toContain('$defs');
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it('names a shape that reads differently as input than as output apart', () => {
    const Item = z.object({ n: z._default(z.number(), 1) }).check(z.meta({ id: 'ProbeItem' }));
    const r = {
      operationId: 'probeItem',
      method: 'POST',
      path: '/probe',
      role: 'admin',
      summary: 'probe',
      tag: 'probe',
      body: Item,
      response: Item,
      handler: 'none.ts',
      access: {},
    } satisfies RouteContract;
    const d = buildOpenApi([r]) as Json;
    const op = d.paths['/probe'].post;
    expect(op.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ProbeItem',
    });
    expect(op.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ProbeItemInput',
    });
    expect(d.components.schemas.ProbeItem.required).toEqual(['n']);
    expect(d.components.schemas.ProbeItemInput.required).toBeUndefined();
  });

  it("gives an extended schema's body to its own id, and leaves its base as it is", () => {
    const Base = z.object({ name: z.string() }).check(z.meta({ id: 'ProbeBase' }));
    const Derived = z.extend(Base, { size: z.int() }).check(z.meta({ id: 'ProbeDerived' }));
    const probe = (operationId: string, path: string, response: z.ZodMiniType) =>
      ({
        operationId,
        method: 'GET',
        path,
        role: 'viewer',
        summary: 'probe',
        tag: 'probe',
        response,
        handler: 'none.ts',
        access: {},
      }) satisfies RouteContract;
    const d = buildOpenApi([
      probe('probeBase', '/base', Base),
      probe('probeDerived', '/derived', Derived),
    ]) as Json;
    expect(d.paths['/derived'].get.responses['200'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ProbeDerived',
    });
    expect(Object.keys(d.components.schemas.ProbeBase.properties)).toEqual(['name']);
    expect(Object.keys(d.components.schemas.ProbeDerived.properties)).toEqual(['name', 'size']);
    expect(Object.keys(d.components.schemas).filter((k) => k.startsWith('Probe'))).toEqual([
      'ProbeBase',
      'ProbeDerived',
    ]);
  });
});

describe('GET /openapi.json', () => {
  const event = {
    version: '2.0',
    routeKey: 'GET /openapi.json',
    rawPath: '/openapi.json',
    rawQueryString: '',
    headers: {},
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: 'GET',
        path: '/openapi.json',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: '',
      },
      requestId: 'r1',
      routeKey: 'GET /openapi.json',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    isBase64Encoded: false,
  } as APIGatewayProxyEventV2;
  const context = { functionName: 'getOpenApi', awsRequestId: 'r1' } as Context;

  it('answers 503 in the error shape when no document shipped and none was provided', async () => {
    vi.resetModules();
    const { handler } = await import('../../functions/http/system/get-openapi');
    const out = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
    expect(out.statusCode).toBe(503);
    expect(JSON.parse(out.body!)).toEqual({
      error: { code: 'service_unavailable', message: 'The API description is not available' },
    });
  });

  it('serves the document of the builder the runtime provides, built once', async () => {
    vi.resetModules();
    const { handler, provideOpenApiDocument } = await import('../../functions/http/system/get-openapi');
    const build = vi.fn(() => buildOpenApi(routes));
    provideOpenApiDocument(build);
    for (let i = 0; i < 2; i++) {
      const out = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
      expect(out.statusCode).toBe(200);
      expect(JSON.parse(out.body!)).toEqual(doc);
    }
    expect(build).toHaveBeenCalledTimes(1);
  });
});
